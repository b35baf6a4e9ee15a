"""The local demo (`make demo`): plain HTTP on *.localhost, e-mails printed, a fixed dev key."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.str("SECRET_KEY", default="kabinet-demo-only-not-secret")
SITE_SCHEME = "http"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Without a broker server the demo queues tasks as files under .local/broker (kombu's filesystem
# transport); CELERY_BROKER_URL still wins when set.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
# The billing simulator runs on this machine.
CONNECTOR_ALLOWED_NETWORKS = env.list("CONNECTOR_ALLOWED_NETWORKS", default=["127.0.0.1/32"])
