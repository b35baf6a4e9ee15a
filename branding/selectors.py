from branding.models import Brandbook


def brandbook_get() -> Brandbook:
    """The current schema's brandbook (the migrations seed it, so it always exists)."""
    return Brandbook.objects.get()
