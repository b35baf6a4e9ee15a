"""Settings shared by every environment; everything a deployment changes comes from the environment.

The variables are listed in README.md (Configuration). `production.py`, `demo.py` and `test.py`
only override what differs.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")

# The platform's own host: reseller and operator consoles live here. Provider portals are served
# on their own domains, looked up in the public schema (tenants.Domain); every other host is a 404.
PLATFORM_DOMAIN = env.str("PLATFORM_DOMAIN", default="localhost")
# New providers get `<slug>.<PROVIDER_BASE_DOMAIN>` as their first domain unless one is given.
PROVIDER_BASE_DOMAIN = env.str("PROVIDER_BASE_DOMAIN", default=PLATFORM_DOMAIN)
# Host validation is done by tenants.middleware against the Domain table, which is the real
# allowlist; Django's own check would reject provider domains added at run time.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
SITE_SCHEME = env.str("SITE_SCHEME", default="https")
# Only for links in e-mails and printed output when the site is not served on 80/443.
SITE_PORT = env.int("SITE_PORT", default=None)

DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgresql://postgres@127.0.0.1:5432/kabinet"),
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
# Persistent connections are safe here: every request and task sets its own search_path.
# A pooler in transaction mode is not (see docs/ARCHITECTURE.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# Issue `SET search_path` once per schema switch, not before every query. Safe with the
# django-tenants release pinned here, which forgets the path on rollback and savepoint rollback.
TENANT_LIMIT_SET_CALLS = True
# How long a process remembers which provider a host leads to (tenants.routing). A change made
# in one process reaches the others within this many seconds; 0 looks the host up every time.
ROUTING_CACHE_SECONDS = env.float("ROUTING_CACHE_SECONDS", default=5.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "tenants.users",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "console",
    "api",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "tenants.users",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "branding",
    "connectors",
    "cabinet",
    "cabinet.accounts",
    "cabinet.catalog",
    "cabinet.services",
    "cabinet.usage",
    "cabinet.documents",
    "cabinet.payments",
    "cabinet.sync",
    "cabinet.announcements",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Provider"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New provider schemas are copied from this schema, which only migrations ever write to.
PROVIDER_TEMPLATE_SCHEMA = "kabinet_template"
# Worker processes for `manage.py migrate_providers`.
MIGRATION_PROCESSES = env.int("MIGRATION_PROCESSES", default=2)

MIDDLEWARE = [
    "tenants.middleware.ProviderRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tenants.middleware.ProviderLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls_provider"
PUBLIC_SCHEMA_URLCONF = "config.urls_platform"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.provider",
                "branding.context_processors.brand",
            ],
        },
    },
]

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    # Refuses logins that are locked out before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "cabinet.accounts.login.ContractNumberBackend",
]
# Lockout after failed logins: per login (e-mail or the contract number standing for it) and,
# with a higher limit, per address; both counted per provider and cleared after the cool-off.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_HANDLER = "tenants.users.lockout.LoginAndAddressHandler"
# The login form's field (axes would otherwise look for the user model's USERNAME_FIELD).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "cabinet.accounts.login.login_identity"
AXES_LOCKOUT_CALLABLE = "tenants.users.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# How many reverse proxies in front of Kabinet append to X-Forwarded-For (0: none, the connection's
# address is the client's). Behind a proxy this must be set, or every client shares its address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "tenants.users.lockout.client_address"
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_TIMEOUT_DAYS = env.int("INVITATION_TIMEOUT_DAYS", default=7)

# Sessions live in each schema's own table and the cookie is host-only (no SESSION_COOKIE_DOMAIN),
# so a session of one provider is unknown to every other provider and to the platform.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SITE_SCHEME == "https"
CSRF_COOKIE_SECURE = SITE_SCHEME == "https"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".local" / "static"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".local" / "media")
MEDIA_URL = "/media/"
# Files land under MEDIA_ROOT/<schema>/ so no two providers share a path.
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        # Every key carries the schema it was written in.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
    }
}
if env.str("CACHE_URL", default=""):
    CACHES["default"] = {
        **env.cache_url("CACHE_URL"),
        "KEY_FUNCTION": "django_tenants.cache.make_key",
    }

# Largest upload of exchange files in one import, in bytes (all files together). Imports run in
# the web request for now, so bigger ones belong in a scheduled exchange.
EXCHANGE_FILE_MAX_BYTES = env.int("EXCHANGE_FILE_MAX_BYTES", default=100 * 1024 * 1024)

# Fernet keys for connector and gateway credentials, newest first; derived from SECRET_KEY if unset.
CREDENTIALS_KEYS = env.list("CREDENTIALS_KEYS", default=[])
# Hosts and networks outbound connector calls may reach although they are loopback or private
# (e.g. "127.0.0.1", "10.0.0.0/8"); empty in production. The demo and tests allow the simulator.
CONNECTOR_ALLOWED_NETWORKS = env.list("CONNECTOR_ALLOWED_NETWORKS", default=[])
# Where custom domains' TXT records are looked up ("address" or "address#port"; empty: the
# system's resolvers) and how long a lookup may take.
DNS_NAMESERVERS = env.list("DNS_NAMESERVERS", default=[])
DNS_TIMEOUT_SECONDS = env.float("DNS_TIMEOUT_SECONDS", default=3.0)
# YooKassa's and Stripe's APIs (the demo and the tests point them at the local sandboxes) and how
# long a provider's request to either may take.
YOOKASSA_API_URL = env("YOOKASSA_API_URL", default="https://api.yookassa.ru/v3")
STRIPE_API_URL = env("STRIPE_API_URL", default="https://api.stripe.com")
GATEWAY_TIMEOUT_SECONDS = env.float("GATEWAY_TIMEOUT_SECONDS", default=15.0)
# Where YooKassa sends notifications from (its published list); nothing else is believed.
YOOKASSA_NOTIFICATION_NETWORKS = env.list(
    "YOOKASSA_NOTIFICATION_NETWORKS",
    default=[
        "185.71.76.0/27",
        "185.71.77.0/27",
        "77.75.153.0/25",
        "77.75.156.11/32",
        "77.75.156.35/32",
        "77.75.154.128/25",
        "2a02:5180::/32",
    ],
)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kabinet <no-reply@localhost>")

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="kabinet")
# Only for the `filesystem://` broker (the demo's, which needs no server): where messages wait.
CELERY_FILESYSTEM_BROKER_DIR = env.str(
    "CELERY_FILESYSTEM_BROKER_DIR", default=str(BASE_DIR / ".local" / "broker")
)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": CELERY_FILESYSTEM_BROKER_DIR,
    "data_folder_out": CELERY_FILESYSTEM_BROKER_DIR,
    "store_processed": False,
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / ".local" / "celerybeat-schedule")
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.users.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kabinet API",
    "DESCRIPTION": (
        "The client cabinet's functions for a provider's mobile app and integrations, on the "
        "provider's own domain. Authenticate with `Authorization: Bearer <token>` (POST "
        "/api/v1/tokens) or the portal's session."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Axes logs every failed login at INFO; lockouts come at WARNING. The Stripe SDK logs
    # every request at INFO, which says nothing our own payment records do not.
    "loggers": {"axes": {"level": "WARNING"}, "stripe": {"level": "WARNING"}},
}
