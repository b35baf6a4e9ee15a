from django.http import HttpRequest

from branding.legal import legal_current
from branding.theme import THEME_CHOICES, THEME_COOKIE
from branding.views import brand_mode_of, look_for, theme_ref
from tenants.db import current_schema


def brand(request: HttpRequest) -> dict:
    """The look of the provider being served; nothing on the platform domain."""
    provider = getattr(request, "provider", None)
    if provider is None or current_schema() != provider.schema_name:
        return {}
    look = look_for(request)
    choice = request.COOKIES.get(THEME_COOKIE, "")
    return {
        "brand": look,
        "theme_ref": theme_ref(look, brand_mode_of(request)),
        "theme_choice": choice if choice in THEME_CHOICES else "",
        "legal_documents": legal_current(),
    }
