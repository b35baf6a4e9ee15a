"""The secrets a serving process cannot start without."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = (
    "SECRET_KEY is not set. Set it to a long random value, for example the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
)


def _has_secret_key() -> bool:
    try:
        return bool(settings.SECRET_KEY)
    except ImproperlyConfigured:  # Django's own complaint about an empty key
        return False


def require_secret_key() -> None:
    """Called as gunicorn and Celery start: refuse to serve with no signing key."""
    if not _has_secret_key():
        raise ImproperlyConfigured(MISSING_SECRET_KEY)


@register(deploy=True)
def secret_key_check(app_configs, **kwargs) -> list[Error]:
    return [] if _has_secret_key() else [Error(MISSING_SECRET_KEY, id="kabinet.E001")]
