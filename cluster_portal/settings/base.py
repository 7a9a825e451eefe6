"""Settings shared by every environment.

Everything is declared here and switched by environment variables read through one
``environ.Env()``; ``local``, ``test`` and ``production`` only change defaults.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A `.env` file is optional and only read when present (local convenience, never committed).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -----------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# How to reach the secretariat: shown on the contact page, the privacy notice and the terms.
CONTACT_EMAIL = env("CONTACT_EMAIL", default="secretaria@clusterminero.pe")
CONTACT_PHONE = env("CONTACT_PHONE", default="")
CONTACT_ADDRESS = env("CONTACT_ADDRESS", default="Arequipa, Perú")
# The portal's name and domain, also in a fresh database: the Sites row SITE_ID follows them
# after every migrate (cluster_portal.core.sites), and emails take their Message-ID domain here.
SITE_NAME = env("SITE_NAME", default="CMSP — Clúster Minero del Sur del Perú")
SITE_DOMAIN = urlsplit(SITE_URL).netloc or "localhost"
SITE_ID = 1

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "auditlog",
    "django_htmx",
    "csp",
    "djmoney",
    "sequences",
]
LOCAL_APPS = [
    "cluster_portal.core",
    "cluster_portal.api",
    "cluster_portal.files",
    "cluster_portal.audit",
    "members",
    "challenges",
    "missions",
    "knowledge",
    "notifications",
    "reports",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # NUL bytes in the path or query string: 400 before any view (PostgreSQL refuses them).
    "cluster_portal.core.request_guard.RejectNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cluster_portal.core.middleware.SessionAbsoluteTimeoutMiddleware",
    "cluster_portal.core.middleware.SessionInactivityMiddleware",
    # Replaces allauth.usersessions.middleware.UserSessionsMiddleware (a write per request).
    "cluster_portal.core.middleware.UserSessionActivityMiddleware",
    "cluster_portal.core.middleware.StaffMFARequiredMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "cluster_portal.urls"
WSGI_APPLICATION = "cluster_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "cluster_portal.core.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default for a local run; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (production.py raises the default): a connection is reused for this
# many seconds, and checked before reuse so that a database restart costs no failed request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The threaded dev server answers a page, its htmx fragments and images at once, and some
    # requests write. WAL lets readers run beside the writer; IMMEDIATE transactions
    # take the write lock up front and wait up to `timeout` for it, instead of failing with
    # "database is locked" when a read transaction tries to upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a query once the planner's cost estimate is high, which the
    # portal-wide search's broad queries reach: compiling costs 15-20 ms per search, more than
    # it saves on queries that run in tens of milliseconds (bench_search). Off for the portal's
    # sessions only.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Rate limits (login, API throttling) live in the cache: Redis in production, memory locally.
CACHE_URL = env("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            # Errors become cache misses and a failure pauses Redis for 30 s per process, so a
            # dead or frozen Redis neither fails logins nor slows every request.
            "BACKEND": "cluster_portal.core.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            # Short timeouts: a dead Redis must never hang a request.
            "OPTIONS": {
                "socket_connect_timeout": 1,
                "socket_timeout": 1,
                "OUTAGE_PAUSE_SECONDS": env.float("CACHE_OUTAGE_PAUSE_SECONDS", default=30.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# Everybody lands on their personal dashboard (cluster_portal/dashboard/).
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: email is the login, verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks for the name, the position and consent to the privacy notice (Ley 29733).
ACCOUNT_FORMS = {"signup": "members.forms.accounts.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CMSP] "
# Security notices (password changed or reset, email address added/changed/removed, authenticator
# app and recovery codes) go to the person; every account email uses the portal's own templates
# (templates/account/email/, templates/mfa/email/) and links built on SITE_URL (members.adapters).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_ADAPTER = "members.adapters.PortalAccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="https")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# Login attempts are rate-limited per IP and per account (allauth's cache-based limiter).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
# Reverse proxies in front of the app that append to X-Forwarded-For (0: REMOTE_ADDR only).
# Behind one (docker-compose.yml sets 1), per-IP login limits and API throttles need it to see
# the real client rather than the proxy.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CMSP"
MFA_RECOVERY_CODE_COUNT = 10
USERSESSIONS_TRACK_ACTIVITY = True
# ...recorded at most this often per session, or when its IP address or browser changes
# (core.middleware.UserSessionActivityMiddleware replaces allauth's write-per-request middleware).
USERSESSIONS_RECORD_INTERVAL_SECONDS = 5 * 60
# Staff-only areas: anonymous → login, non-staff → 404, staff without TOTP → MFA setup
# (core.middleware.StaffMFARequiredMiddleware).
STAFF_URL_PREFIXES = ["/admin/", "/staff/"]

# Sessions: sliding inactivity timeout plus an absolute lifetime (see core.middleware). The
# session is not written on every request: it is touched (new expiry) at most once a minute, so
# a session ends at most SESSION_INACTIVITY_SECONDS after its last request (up to a minute sooner).
SESSION_COOKIE_AGE = env.int("SESSION_INACTIVITY_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_INTERVAL_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env.int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Internationalization -------------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Lima"
# Unambiguous dates: "1 Dec 2026" in English, "01/12/2026" in Spanish (cluster_portal/formats).
FORMAT_MODULE_PATH = ["cluster_portal.formats"]
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Uploaded documents: outside any public URL, served only through permission-checked views.
    "private": {
        "BACKEND": "cluster_portal.files.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media"))},
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PRIVATE_FILE_MAX_BYTES = env.int("PRIVATE_FILE_MAX_BYTES", default=10 * 1024 * 1024)

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CMSP <no-reply@clusterminero.pe>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy: no inline scripts anywhere; every script is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- OAuth2 (partner systems) ----------------------------------------------------------------
# Partners use the client-credentials grant only, so every RFC 9700 (OAuth 2.0 Security BCP)
# gate of django-oauth-toolkit is switched on: no implicit/password grant, S256-only PKCE,
# tokens never in the query string, tokens stored hashed, https-only redirect URIs.
# `check --deploy` flags any of these when off. The API work adds its keys (scopes, lifetimes).
OAUTH2_PROVIDER: dict[str, object] = {
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "ALLOW_URI_WILDCARDS": False,
    "PKCE_REQUIRED": True,
    # API work (issue #3): short-lived tokens, the scope catalogue, partner-only clients.
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH2_ACCESS_TOKEN_SECONDS", default=3600),
    "SCOPES": {
        "public:read": _("Read public portal data"),
        "members:read": _("Read organizations and governance bodies"),
        "challenges:read": _("Read challenges and challenge calls"),
        "challenges:write": _("Create and update challenges"),
        "proposals:read": _("Read your organization's proposals"),
        "portfolio:read": _("Read the project portfolio"),
        "missions:read": _("Read international missions"),
        "knowledge:read": _("Read the knowledge base"),
        "reports:read": _("Read cluster KPI reports"),
        "webhooks:manage": _("Manage your webhook subscriptions"),
    },
    # A client gets only the scopes its PartnerClient allows (cluster_portal.api.scopes).
    "SCOPES_BACKEND_CLASS": "cluster_portal.api.scopes.PartnerScopes",
    # Only active partner clients, only the client-credentials grant (cluster_portal.api.oauth).
    "OAUTH2_VALIDATOR_CLASS": "cluster_portal.api.oauth.PartnerOAuth2Validator",
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["client_credentials"],
}
# Named explicitly because api.PartnerClient points at the (swappable) application model.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# --- REST API -------------------------------------------------------------------------------
# Deny by default: every view declares the scopes a token needs (cluster_portal.api.permissions).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # OAuth2 first so that a missing or bad token gets 401 with a Bearer challenge.
        "cluster_portal.api.auth.PartnerOAuth2Authentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cluster_portal.api.permissions.ScopedAPIPermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON nested too deeply is a 400, not a RecursionError (cluster_portal/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "cluster_portal.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "cluster_portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        # ?ordering= accepts only the documented fields (400 otherwise, not silently ignored).
        "cluster_portal.api.filters.PortalOrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["cluster_portal.api.throttling.ApiClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "partner": env("API_THROTTLE_PARTNER", default="3000/hour"),
        "user": env("API_THROTTLE_USER", default="2000/hour"),
        "anon": env("API_THROTTLE_ANON", default="120/hour"),
        # /o/token/ per client address: partners need a token an hour, guessers need thousands.
        "oauth_token": "30/minute",
    },
    # Proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR only).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "cluster_portal.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "cluster_portal.api.schema.PortalAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CMSP Portal API",
    "DESCRIPTION": (
        "REST API of the portal of the Mining Cluster of Southern Peru (CMSP). Partner systems "
        "authenticate with OAuth2 client credentials (POST /o/token/) and are limited by scopes; "
        "logged-in people use their browser session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc come from drf-spectacular-sidecar's static files: /api/docs/ works
    # offline and under the portal's Content-Security-Policy.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": False},
    "OAUTH2_FLOWS": ["clientCredentials"],
    "OAUTH2_TOKEN_URL": "/o/token/",
    # Choice sets that share a field name with another one ("kind"): named here, not by hash.
    "ENUM_NAME_OVERRIDES": {"ImpactKindEnum": "challenges.models.ImpactEntry.Kind"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cluster_portal.api.schema.add_error_responses",
    ],
}

# --- Money ----------------------------------------------------------------------------------
# Amounts are django-money ``Money`` values (Decimal amount + currency); the portal deals in soles
# and US dollars only. The translated choices are ``cluster_portal.core.peru.Currency`` (passed to
# every field by cluster_portal.core.money, which also holds display and the API's shape).
CURRENCIES = ("PEN", "USD")
DEFAULT_CURRENCY = "PEN"

# --- Members --------------------------------------------------------------------------------
# Days an organization admin's invitation link works (it also works only once).
MEMBERS_INVITATION_DAYS = env.int("MEMBERS_INVITATION_DAYS", default=7)
# Invitations an organization may create in 24 hours (the portal sends the emails).
MEMBERS_INVITATIONS_PER_DAY = 20
# Days an applicant has to answer the secretariat's request for information; after that the
# periodic job closes the application as expired (members/workflows.py).
MEMBERS_INFO_REQUEST_EXPIRY_DAYS = env.int("MEMBERS_INFO_REQUEST_EXPIRY_DAYS", default=30)

# --- Reports and webhooks -------------------------------------------------------------------
# Generated report files are removed this long after they were made (reports.tasks).
REPORT_FILE_TTL_HOURS = env.int("REPORT_FILE_TTL_HOURS", default=72)
# Webhook targets (notifications/webhooks/targets.py): https only and public addresses only,
# checked on the resolved address at every delivery. production.py forces both off; tests turn
# them on to post to a receiver on 127.0.0.1.
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=False)
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=False)
# Short timeouts: a slow partner must not hold a worker (seconds).
WEBHOOK_CONNECT_TIMEOUT = env.float("WEBHOOK_CONNECT_TIMEOUT", default=3.0)
WEBHOOK_READ_TIMEOUT = env.float("WEBHOOK_READ_TIMEOUT", default=5.0)
# After a rotation the previous secret keeps signing (a second signature) this long.
WEBHOOK_SECRET_OVERLAP_HOURS = env.int("WEBHOOK_SECRET_OVERLAP_HOURS", default=24)

# --- Celery ---------------------------------------------------------------------------------
# Without a broker, tasks run in-process (the `make run` default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Short socket timeouts: publishing to a dead or hung Redis must fail fast, not block a request.
# Publishers (web requests) fail fast through the transport's `max_retries: 0`, the 1 s socket
# timeouts and no publish retry (measured: ~1 s against a hung Redis, ms against a closed port);
# cluster_portal.tasks.enqueue_on_commit swallows the error and the outbox sweep recovers.
# Workers and beat, on the other hand, keep reconnecting forever so that a Redis restart does
# not kill them (`broker_connection_retry*` only govern the worker's consuming connection).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 1,
    "socket_connect_timeout": 1,
    "max_retries": 0,
    # Longer than any countdown we use (tasks retry through the outbox, not broker ETAs).
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY = False
# With acks_late, a task running when the broker connection drops is redelivered; cancel the
# local copy instead of letting both run (tasks are idempotent either way).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
