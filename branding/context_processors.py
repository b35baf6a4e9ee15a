from django.db import connection
from django.http import HttpRequest

from branding.selectors import brandbook_get


def brand(request: HttpRequest) -> dict:
    """The brandbook of the provider being served; nothing on the platform domain."""
    if (
        getattr(request, "provider", None) is None
        or connection.schema_name != request.provider.schema_name
    ):
        return {}
    return {"brandbook": brandbook_get()}
