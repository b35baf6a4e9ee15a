from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from branding.models import Brandbook
from branding.palette import BASE_TOKENS, SCHEMES, ColorError, parse_color

COLOR_FIELDS = ("primary_color", "secondary_color", "accent_color", "background_color")


@transaction.atomic
def brandbook_update(
    *,
    logo_name: str | None = None,
    logo_content: bytes | None = None,
    **changes: Any,
) -> Brandbook:
    """Change the current provider's brandbook; the theme's version changes with it. Colours may
    be written in any CSS notation; every field in error is reported and nothing is saved."""
    brandbook = Brandbook.objects.select_for_update().get()
    errors: dict[str, list[str]] = {}
    for field, value in changes.items():
        try:
            setattr(brandbook, field, _cleaned(field, value))
        except ValidationError as error:
            errors[field] = error.messages
    if errors:
        raise ValidationError(errors)
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


def _cleaned(field: str, value: Any) -> Any:
    if field in COLOR_FIELDS:
        if field == "secondary_color" and not value:
            return ""
        return _color(value)
    if field == "palette":
        return _palette(value)
    if field in ("radius", "density"):
        return value
    raise ValueError(f"the brandbook has no field {field}")


def _color(value: Any) -> str:
    try:
        return parse_color(value if isinstance(value, str) else "")
    except ColorError as error:
        raise ValidationError(str(error)) from None


def _palette(value: Any) -> dict[str, dict[str, str]]:
    """A strict brandbook's exact colours: all nine of the light scheme, and all nine of the dark
    one or none of them."""
    if not isinstance(value, dict) or set(value) - set(SCHEMES):
        raise ValidationError(_("Give the light scheme's colours and, if any, the dark one's."))
    palette: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for scheme in SCHEMES:
        colours = value.get(scheme) or {}
        if scheme == "dark" and not colours:
            continue
        if not isinstance(colours, dict):
            raise ValidationError(_("Give the colours of each scheme by name."))
        palette[scheme] = {}
        for token in BASE_TOKENS:
            try:
                palette[scheme][token] = parse_color(str(colours.get(token, "")))
            except ColorError as error:
                problems.append(f"{scheme} {token}: {error}")
    if problems:
        raise ValidationError(problems)
    return palette
