from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from branding.models import Brandbook


@transaction.atomic
def brandbook_update(
    *,
    primary_color: str | None = None,
    accent_color: str | None = None,
    background_color: str | None = None,
    logo_name: str | None = None,
    logo_content: bytes | None = None,
) -> Brandbook:
    """Change the current provider's brandbook; the theme's version changes with it."""
    brandbook = Brandbook.objects.select_for_update().get()
    for field, value in (
        ("primary_color", primary_color),
        ("accent_color", accent_color),
        ("background_color", background_color),
    ):
        if value is not None:
            setattr(brandbook, field, value.lower())
    brandbook.full_clean(exclude=["logo"])
    if logo_content is not None:
        # Check the name before anything reaches the disk.
        logo = ContentFile(logo_content, name=logo_name or "")
        try:
            Brandbook._meta.get_field("logo").run_validators(logo)
        except ValidationError as error:
            raise ValidationError({"logo": error.messages}) from error
        brandbook.logo.save(logo.name, logo, save=False)
    brandbook.save()
    return brandbook
