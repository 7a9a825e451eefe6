"""The production deployment: docker-compose.yml, Dockerfile, .env.example, production settings.

No Docker engine runs on the development and CI machines, so the stack is checked by parsing its
files. The production settings are exercised for real, in subprocesses (a settings module can be
loaded only once per process), with the project's `.env` file ignored so a developer's local
values cannot change the outcome.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import secrets
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DJANGO_SERVICES = ("web", "worker", "beat")
ALL_SERVICES = {*DJANGO_SERVICES, "db", "redis"}
REQUIRED_MARKER = re.compile(r"^\$\{(?P<name>[A-Z][A-Z0-9_]*):\?[^}]+\}$")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|API_KEY|PRIVATE_KEY")
PRODUCTION_HOST = "portal.example.pe"


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> list[str]:
    """Dockerfile instructions, one string each, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    instructions: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1].strip() + " "
            continue
        instructions.append(current + line)
        current = ""
    return instructions


def instructions_of(dockerfile: list[str], keyword: str) -> list[str]:
    return [i[len(keyword) :].strip() for i in dockerfile if i.upper().startswith(keyword + " ")]


def command_of(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def healthcheck_text(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def environment_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def volume_targets(service: dict[str, Any]) -> dict[str, str]:
    """Mount target -> named volume source of a service (short syntax)."""
    targets = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        targets[target] = source
    return targets


def run_python(code: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter at the project root, without reading `.env`."""
    prelude = "import environ\nenviron.Env.read_env = classmethod(lambda cls, *a, **k: None)\n"
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", prelude + code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def production_env(**overrides: str) -> dict[str, str]:
    """The process environment minus everything the settings read, plus production values."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "CACHE_", "EMAIL_", "SITE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cluster_portal.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS=PRODUCTION_HOST,
    )
    env.update(overrides)
    return env


# --- docker-compose.yml -----------------------------------------------------------------------


def test_compose_defines_the_five_services(services):
    assert set(services) == ALL_SERVICES


def test_compose_commands(services):
    web = command_of(services["web"])
    assert web == ["gunicorn", "cluster_portal.wsgi:application", "--config", "gunicorn.conf.py"]
    assert command_of(services["worker"])[:4] == ["celery", "-A", "cluster_portal", "worker"]
    assert command_of(services["beat"])[:4] == ["celery", "-A", "cluster_portal", "beat"]


def test_web_command_is_the_image_default(services, dockerfile):
    (cmd,) = instructions_of(dockerfile, "CMD")
    assert command_of(services["web"]) == json.loads(cmd)


def test_compose_images(services):
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    images = {services[name]["image"] for name in DJANGO_SERVICES}
    assert len(images) == 1, "web, worker and beat run one and the same image"
    for name in DJANGO_SERVICES:
        assert services[name]["build"]["context"] == "."
        assert services[name]["build"]["dockerfile"] == "Dockerfile"


def test_compose_health_checks(services):
    assert "pg_isready" in healthcheck_text(services["db"])
    assert healthcheck_text(services["redis"]).split()[-2:] == ["redis-cli", "ping"]
    assert "inspect ping" in healthcheck_text(services["worker"])
    web_check = healthcheck_text(services["web"])
    assert "curl" not in web_check
    assert "python" in web_check
    assert "scripts/healthcheck.py" in web_check
    # The image's HTTP check is for web: beat, which serves nothing, switches it off explicitly.
    assert services["beat"]["healthcheck"] == {"disable": True}


def test_web_health_check_script_asks_healthz_with_urllib():
    script = (ROOT / "scripts" / "healthcheck.py").read_text(encoding="utf-8")
    assert "urllib.request" in script
    assert "/healthz" in script
    assert "curl" not in script


def test_compose_volumes(compose, services):
    declared = set(compose["volumes"])
    assert volume_targets(services["db"])["/var/lib/postgresql/data"] in declared
    assert volume_targets(services["redis"])["/data"] in declared
    for name in ("web", "worker"):
        env = environment_of(services[name])
        mounts = volume_targets(services[name])
        # Private uploads live on a named volume shared by web and worker, never in the image.
        assert mounts[env["PRIVATE_MEDIA_ROOT"]] == "private_media"
        assert mounts[env["MEDIA_ROOT"]] == "media"
    assert {"private_media", "media", "postgres_data", "redis_data"} <= declared
    beat_state = command_of(services["beat"])[-1].removeprefix("--schedule=")
    assert volume_targets(services["beat"])[str(Path(beat_state).parent)] in declared


def test_compose_depends_on_healthy_services(services):
    def conditions(name: str) -> dict[str, str]:
        return {dep: spec["condition"] for dep, spec in services[name]["depends_on"].items()}

    assert conditions("web") == {"db": "service_healthy", "redis": "service_healthy"}
    # web is healthy once its migrations ran: tasks never meet an old schema.
    for name in ("worker", "beat"):
        assert conditions(name) == {
            "db": "service_healthy",
            "redis": "service_healthy",
            "web": "service_healthy",
        }


def test_compose_restart_policies(services):
    for name, service in services.items():
        assert service.get("restart") in {"unless-stopped", "always"}, name


def test_compose_django_environment(services):
    for name in DJANGO_SERVICES:
        env = environment_of(services[name])
        assert env["DJANGO_SETTINGS_MODULE"] == "cluster_portal.settings.production"
        assert re.fullmatch(r"postgres://[^@]+@db:5432/.+", env["DATABASE_URL"]), name
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert env["CACHE_URL"].startswith("redis://redis:6379/")
        assert env["CACHE_URL"] != env["CELERY_BROKER_URL"]
        for required in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SITE_URL"):
            match = REQUIRED_MARKER.match(env[required])
            assert match, (name, required)
            assert match["name"] == required
    migrating = [
        name
        for name in DJANGO_SERVICES
        if environment_of(services[name]).get("DJANGO_MIGRATE_ON_START") == "1"
    ]
    assert migrating == ["web"]


def test_compose_hard_codes_no_secret(services):
    for name, service in services.items():
        for key, value in environment_of(service).items():
            if SECRET_NAME.search(key):
                match = REQUIRED_MARKER.match(value)
                assert match, f"{name}.{key} must be ${{{key}:?...}}"
                assert match["name"] == key
        url = environment_of(service).get("DATABASE_URL")
        if url:
            user = r"(?:\$\{[^}]+\}|[^:@/]+)"
            password = r"\$\{POSTGRES_PASSWORD:\?[^}]+\}"
            assert re.match(rf"postgres://{user}:{password}@", url), url


def test_compose_publishes_web_on_loopback_only(services):
    assert services["web"]["ports"], "the reverse proxy needs a port"
    for port in services["web"]["ports"]:
        assert str(port).startswith("127.0.0.1:")
    for name in ALL_SERVICES - {"web"}:
        assert "ports" not in services[name], name


# --- Dockerfile, entry point, .dockerignore ---------------------------------------------------


def test_dockerfile_base_image_and_non_root_user(dockerfile):
    assert instructions_of(dockerfile, "FROM")
    for base in instructions_of(dockerfile, "FROM"):
        assert base.split()[0] == "python:3.11-slim"
    users = instructions_of(dockerfile, "USER")
    assert users, "the image must not run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    last_user = max(i for i, line in enumerate(dockerfile) if line.upper().startswith("USER "))
    assert not any(
        line.upper().startswith(("RUN ", "COPY ", "ADD ")) for line in dockerfile[last_user:]
    )


def test_dockerfile_installs_the_locked_requirements_with_hashes(dockerfile):
    installs = [run for run in instructions_of(dockerfile, "RUN") if "pip install" in run]
    assert installs
    for run in installs:
        assert "--require-hashes" in run
    assert any("requirements-prod.txt" in run or "requirements/prod.txt" in run for run in installs)
    assert any("requirements/prod.txt" in copy for copy in instructions_of(dockerfile, "COPY"))


def test_dockerfile_builds_static_files_with_a_build_only_key(dockerfile):
    (collect,) = [run for run in instructions_of(dockerfile, "RUN") if "collectstatic" in run]
    assert "DJANGO_SECRET_KEY=build-only" in collect
    assert not any("SECRET" in env for env in instructions_of(dockerfile, "ENV"))
    assert not any("SECRET" in arg for arg in instructions_of(dockerfile, "ARG"))
    envs = " ".join(instructions_of(dockerfile, "ENV"))
    assert "DJANGO_SETTINGS_MODULE=cluster_portal.settings.production" in envs


def test_dockerfile_exposes_port_healthcheck_and_gunicorn(dockerfile):
    assert instructions_of(dockerfile, "EXPOSE") == ["8000"]
    (healthcheck,) = instructions_of(dockerfile, "HEALTHCHECK")
    assert "scripts/healthcheck.py" in healthcheck
    (cmd,) = instructions_of(dockerfile, "CMD")
    command = json.loads(cmd)
    assert command[:2] == ["gunicorn", "cluster_portal.wsgi:application"]
    assert command[command.index("--config") + 1] == "gunicorn.conf.py"
    assert "gunicorn.conf.py" not in dockerignored(), "the image must contain the gunicorn config"


# --- gunicorn.conf.py -------------------------------------------------------------------------


def gunicorn_config(monkeypatch: pytest.MonkeyPatch, **environ: str) -> dict[str, Any]:
    """The settings gunicorn.conf.py defines, under the given environment."""
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_is_sized_for_two_cores(monkeypatch):
    config = gunicorn_config(monkeypatch)
    assert config["bind"] == "0.0.0.0:8000"
    assert config["worker_class"] == "gthread"
    # 2 cores: 3 processes of 4 threads; requests mostly wait for the database.
    assert (config["workers"], config["threads"]) == (3, 4)
    assert config["timeout"] == 60
    assert config["graceful_timeout"] < config["timeout"]
    assert config["max_requests"] > 0
    assert config["max_requests_jitter"] > 0
    assert config["worker_tmp_dir"] == "/dev/shm"  # noqa: S108 - the container's tmpfs


def test_gunicorn_sizing_follows_the_environment(monkeypatch):
    config = gunicorn_config(monkeypatch, WEB_CONCURRENCY="5", GUNICORN_THREADS="8")
    assert (config["workers"], config["threads"]) == (5, 8)
    with pytest.raises(ValueError, match="GUNICORN_THREADS"):
        gunicorn_config(monkeypatch, GUNICORN_THREADS="0")


def test_gunicorn_config_is_valid_for_gunicorn():
    result = subprocess.run(  # noqa: S603 - fixed executable and arguments
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            "gunicorn.conf.py",
            "--print-config",
            "cluster_portal.wsgi:application",
        ],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    printed = dict(
        map(str.strip, line.split(" = ", 1)) for line in result.stdout.splitlines() if " = " in line
    )
    assert printed["worker_class"] == "gthread"
    assert printed["threads"] == "4"


def test_entrypoint_migrates_only_when_asked_then_execs():
    script = (ROOT / "scripts" / "docker-entrypoint.sh").read_text(encoding="utf-8")
    assert 'if [ "${DJANGO_MIGRATE_ON_START:-0}" = "1" ]' in script
    assert "manage.py migrate --noinput" in script
    assert script.rstrip().endswith('exec "$@"')


def dockerignored() -> set[str]:
    return {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = dockerignored()
    assert {".env", ".git", ".venv", "db.sqlite3", "node_modules", "private_media"} <= ignored


def test_production_lock_is_fully_hashed_and_matches_pyproject():
    lock = (ROOT / "requirements" / "prod.txt").read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]+\])?==(\S+)", lock, re.MULTILINE))
    assert pins
    requirements = re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n", 2)[2])
    for requirement in requirements:
        if "==" in requirement:
            assert "--hash=sha256:" in requirement, requirement.splitlines()[0]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    normalize = lambda name: re.sub(r"[-_.]+", "-", name).lower()  # noqa: E731
    locked = {normalize(name): version for name, version in pins.items()}
    pin = re.compile(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]+\])?==(\S+)")
    for dependency in project["dependencies"]:
        name, version = pin.fullmatch(dependency).groups()
        assert locked.get(normalize(name)) == version, dependency


# --- .env.example -----------------------------------------------------------------------------


def strings_in(node: object) -> list[str]:
    """Every string value in a parsed YAML document (comments are not part of it)."""
    if isinstance(node, dict):
        return [text for value in node.values() for text in strings_in(value)]
    if isinstance(node, list):
        return [text for value in node for text in strings_in(value)]
    return [node] if isinstance(node, str) else []


def test_env_example_documents_every_variable(compose):
    documented = set(
        re.findall(
            r"^#?\s*([A-Z][A-Z0-9_]*)=",
            (ROOT / ".env.example").read_text(encoding="utf-8"),
            re.MULTILINE,
        )
    )
    read_by_settings = set()
    for module in ("base.py", "production.py"):
        source = (ROOT / "cluster_portal" / "settings" / module).read_text(encoding="utf-8")
        read_by_settings |= set(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)", source))
    gunicorn_source = (ROOT / "gunicorn.conf.py").read_text(encoding="utf-8")
    read_by_gunicorn = set(re.findall(r"_positive_int\(\s*[\"']([A-Z][A-Z0-9_]*)", gunicorn_source))
    assert {"WEB_CONCURRENCY", "GUNICORN_THREADS"} <= read_by_gunicorn
    read_by_settings |= read_by_gunicorn
    used_by_compose = set()
    for value in strings_in(compose):
        used_by_compose |= set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", value))
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "EMAIL_HOST"} <= read_by_settings
    assert not (read_by_settings | used_by_compose) - documented


# --- production settings, for real ------------------------------------------------------------


def test_check_deploy_reports_nothing():
    result = run_python(
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        env=production_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY", id="no-secret-key"),
        pytest.param({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY", id="short-secret-key"),
        pytest.param({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS", id="no-hosts"),
        pytest.param({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS", id="wildcard-host"),
        pytest.param(
            {"DJANGO_ALLOWED_HOSTS": f"{PRODUCTION_HOST},*"}, "DJANGO_ALLOWED_HOSTS", id="mixed"
        ),
    ],
)
def test_production_settings_refuse_to_load(overrides, message):
    env = production_env()
    for key, value in overrides.items():
        if value is None:
            env.pop(key)
        else:
            env[key] = value
    result = run_python("import cluster_portal.settings.production", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_values():
    result = run_python(
        "import json\n"
        "from django.conf import settings\n"
        "print(json.dumps({'hosts': settings.ALLOWED_HOSTS, 'debug': settings.DEBUG,"
        " 'ssl': settings.SECURE_SSL_REDIRECT, 'hsts': settings.SECURE_HSTS_SECONDS}))",
        env=production_env(DJANGO_ALLOWED_HOSTS=f"{PRODUCTION_HOST},.clusterminero.pe"),
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["hosts"] == [PRODUCTION_HOST, ".clusterminero.pe"]
    assert "*" not in values["hosts"]
    assert values["debug"] is False
    assert values["ssl"] is True
    assert values["hsts"] >= 31536000


def test_production_keeps_database_connections():
    code = (
        "import json\n"
        "from django.conf import settings\n"
        "db = settings.DATABASES['default']\n"
        "print(json.dumps([db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS']]))"
    )
    url = "postgres://cmsp:secret@db:5432/cmsp"
    result = run_python(code, env=production_env(DATABASE_URL=url))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [60, True]
    result = run_python(code, env=production_env(DATABASE_URL=url, DATABASE_CONN_MAX_AGE="0"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [0, True]


def test_no_settings_module_allows_every_host():
    for module in (ROOT / "cluster_portal" / "settings").glob("*.py"):
        source = module.read_text(encoding="utf-8")
        # An assignment (or a default) that contains "*".
        assert not re.search(r"ALLOWED_HOSTS[^=\n]*=[^=][^\n]*[\"']\*[\"']", source), module.name


def test_collectstatic_with_the_production_storage(tmp_path):
    """The image build step: hashed, compressed static files; fails on a broken reference."""
    result = run_python(
        "import sys, django\n"
        "from django.conf import settings\n"
        "settings.STATIC_ROOT = sys.argv[1]\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('collectstatic', interactive=False, verbosity=0)",
        str(tmp_path),
        env=production_env(),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text(encoding="utf-8"))
    assert manifest["paths"]
    assert list(tmp_path.rglob("*.css.gz")), "WhiteNoise compresses the static files"
