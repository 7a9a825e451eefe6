# The two commands: `make run` (serve the portal) and `make test` (run the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
PIP_QUIET := --quiet --disable-pip-version-check
export DJANGO_SETTINGS_MODULE ?= cluster_portal.settings.local

.PHONY: run test install migrate seed bench lint format typecheck check messages vendor lock clean

$(STAMP): requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_QUIET) pip==26.3
	$(BIN)/python -m pip install $(PIP_QUIET) --require-hashes -r requirements/dev.txt
	$(BIN)/python -c "import django, rest_framework, allauth, celery, playwright"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# pytest exits 5 when a selection (PYTEST_ARGS) collects nothing: that is not a failure here.
test: install
	DJANGO_SETTINGS_MODULE=cluster_portal.settings.test $(BIN)/pytest -n $${PYTEST_WORKERS:-auto} $(PYTEST_ARGS); \
	  rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; rc=0; fi; exit $$rc

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: install
	$(BIN)/python manage.py seed_demo

# List pages and endpoints per role on a scratch database (1x and 10x data); BENCH_ARGS e.g.
# "--scale 10 --runs 30 --json". Uses DATABASE_URL's server (a test_bench_<pid> database) or a
# temporary SQLite file; the developer's database is never touched.
bench: install
	$(BIN)/python manage.py bench_pages $(BENCH_ARGS)

# Quick gates, also run by the test suite (tests/test_quality.py).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy cluster_portal members notifications challenges missions knowledge reports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cluster_portal.settings.production DJANGO_SECRET_KEY=$$(openssl rand -hex 40) \
	  DJANGO_ALLOWED_HOSTS=portal.example.pe $(BIN)/python manage.py check --deploy --fail-level WARNING

# Extract strings (needs gettext's xgettext), fill the English catalogue, compile both .mo files
# in Python so that a fresh machine needs no gettext.
messages: install
	$(BIN)/python manage.py makemessages -l es -l en --ignore=.venv --ignore=node_modules --ignore=static/vendor --ignore=staticfiles --ignore=tests --ignore=test-artifacts --no-obsolete
	$(BIN)/python manage.py makemessages -d djangojs -l es -l en --ignore=.venv --ignore=node_modules --ignore=static/vendor --ignore=staticfiles --ignore=tests --no-obsolete
	$(BIN)/python scripts/i18n.py

vendor:
	bash scripts/vendor_assets.sh

# Re-resolve the lock files from pyproject.toml (needs network access to PyPI).
lock:
	$(BIN)/python -m pip install $(PIP_QUIET) uv==0.13.8
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements/prod.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements/dev.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
