"""Production: every secret comes from the environment; nothing insecure is defaulted.

A missing SECRET_KEY does not stop management commands that need none (makemigrations, a
migration run); the processes that serve (gunicorn via config.wsgi, Celery workers and beat)
refuse to start without it (config.secrets_required), and `manage.py check --deploy` reports it.
"""

from .base import *  # noqa: F403
from .base import SITE_SCHEME, env

if SITE_SCHEME == "https":
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
