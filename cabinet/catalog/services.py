from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from cabinet.catalog.models import Plan, PlanShowcase

MAX_PICTURE_BYTES = 2 * 1024 * 1024
# Raster formats only: a picture is shown to every client, and SVG can carry scripts.
_PICTURE_MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def picture_format(content: bytes) -> str | None:
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    return next((ext for magic, ext in _PICTURE_MAGIC.items() if content.startswith(magic)), None)


@transaction.atomic
def plan_showcase_update(
    *,
    plan: Plan,
    description: str,
    hidden: bool,
    position: int,
    picture: bytes | None = None,
    remove_picture: bool = False,
) -> PlanShowcase:
    """Save the provider's words and picture for `plan`; a bad picture changes nothing."""
    showcase, _created = PlanShowcase.objects.get_or_create(plan=plan)
    showcase.description, showcase.hidden, showcase.position = description, hidden, position
    showcase.full_clean(exclude=["picture"])
    if picture is not None:
        kind = picture_format(picture)
        if len(picture) > MAX_PICTURE_BYTES:
            raise ValidationError({"picture": [_("The picture is larger than 2 MB.")]})
        if kind is None:
            raise ValidationError({"picture": [_("Upload a PNG, JPEG or WebP picture.")]})
        showcase.picture.save(f"plan-{plan.pk}.{kind}", ContentFile(picture), save=False)
    elif remove_picture and showcase.picture:
        showcase.picture.delete(save=False)
    showcase.save()
    return showcase
