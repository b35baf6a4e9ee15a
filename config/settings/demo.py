"""The local demo (`make demo`): plain HTTP on *.localhost, e-mails printed, a fixed dev key."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

SECRET_KEY = env.str("SECRET_KEY", default="kabinet-demo-only-not-secret")
SITE_SCHEME = "http"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Without a broker server the demo queues tasks in files under .local/ (kombu's filesystem
# transport); CELERY_BROKER_URL still wins when set.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(BASE_DIR / ".local" / "broker"),
    "data_folder_out": str(BASE_DIR / ".local" / "broker"),
    "processed_folder": str(BASE_DIR / ".local" / "broker-processed"),
    "store_processed": False,
}
