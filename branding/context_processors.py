from django.http import HttpRequest

from branding.selectors import brandbook_get
from branding.theme import THEME_CHOICES, THEME_COOKIE
from tenants.db import current_schema


def brand(request: HttpRequest) -> dict:
    """The brandbook of the provider being served; nothing on the platform domain."""
    provider = getattr(request, "provider", None)
    if provider is None or current_schema() != provider.schema_name:
        return {}
    choice = request.COOKIES.get(THEME_COOKIE, "")
    return {
        "brandbook": brandbook_get(),
        "theme_choice": choice if choice in THEME_CHOICES else "",
    }
