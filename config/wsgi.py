import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

from config.secrets_required import require_secret_key  # noqa: E402 - needs Django set up

require_secret_key()
