"""Production: every secret comes from the environment; nothing insecure is defaulted."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, SITE_SCHEME, env

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it to a long random value, for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )

if SITE_SCHEME == "https":
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
