"""Tests: fast hashing, e-mails in memory, a fixed key; the database comes from DATABASE_URL."""

from .base import *  # noqa: F403
from .base import BASE_DIR, MIDDLEWARE, env

SECRET_KEY = "kabinet-tests-only"
SITE_SCHEME = "http"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PLATFORM_DOMAIN = "platform.test"
PROVIDER_BASE_DOMAIN = "platform.test"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests that run a real worker use the machine's broker when CELERY_BROKER_URL is set (CI: Redis),
# and otherwise files under .local/test-broker; their own queue keeps demo workers away.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_TASK_DEFAULT_QUEUE = "kabinet-tests"
CELERY_FILESYSTEM_BROKER_DIR = str(BASE_DIR / ".local" / "test-broker")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": CELERY_FILESYSTEM_BROKER_DIR,
    "data_folder_out": CELERY_FILESYSTEM_BROKER_DIR,
    "store_processed": False,
}
MEDIA_ROOT = BASE_DIR / ".local" / "test-media"
# Static files are served by Django's finders in tests; WhiteNoise would only warn about the
# missing collected folder.
MIDDLEWARE = [name for name in MIDDLEWARE if not name.startswith("whitenoise")]
# Close the connection after each request: the live server's request threads must not keep
# sessions open when the test database is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
