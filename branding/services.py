from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from branding import contacts
from branding.models import IMAGE_FIELDS, LOOK_FIELDS, Brandbook, BrandVersion
from branding.palette import BASE_TOKENS, SCHEMES, ColorError, PairCheck, parse_color
from branding.selectors import DRAFT, Look
from branding.theme import theme_checks
from branding.uploads import CheckedImage, checked_image
from tenants.models import BrandMode
from tenants.users.models import Role, User

# The longest text each field takes (the model's TextFields do not enforce it themselves).
TEXT_LIMITS = {
    "custom_css": 20_000,
    "legal_footer": 1000,
    "email_header": 1000,
    "email_footer": 1000,
}
COLOR_FIELDS = ("primary_color", "secondary_color", "accent_color", "background_color")


@transaction.atomic
def brandbook_update(
    *,
    images: dict[str, tuple[str, bytes] | None] | None = None,
    **changes: Any,
) -> Brandbook:
    """Change the current provider's draft look. Colours may be written in any CSS notation;
    `images` maps "logo", "logo_dark", "favicon" or "app_icon" to an upload's (name, content),
    checked by content, or to None to remove it. Every field in error is reported and nothing
    is saved, no file written."""
    brandbook = Brandbook.objects.select_for_update().get()
    errors: dict[str, list[str]] = {}
    for field, value in changes.items():
        try:
            setattr(brandbook, field, _cleaned(field, value))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                errors.update(error.message_dict)
            else:
                errors[field] = error.messages
    checked: dict[str, CheckedImage | None] = {}
    for kind, upload in (images or {}).items():
        if kind not in IMAGE_FIELDS:
            raise ValueError(f"the brandbook has no image {kind}")
        try:
            checked[kind] = None if upload is None else checked_image(kind, *upload)
        except ValidationError as error:
            errors[kind] = error.messages
    if errors:
        raise ValidationError(errors)
    brandbook.full_clean(exclude=list(IMAGE_FIELDS))
    for kind, image in checked.items():
        if kind == "own_font_regular":
            brandbook.own_font_family = image.family if image else ""
        file = getattr(brandbook, kind)
        if image is None:
            file.name = ""  # the file stays: published versions may still show it
        else:
            # A raster image's size goes into its name, for the manifest to tell.
            size = f"-{image.width}x{image.height}" if image.width else ""
            file.save(f"{kind}{size}.{image.extension}", ContentFile(image.content), save=False)
    brandbook.save()
    return brandbook


def _cleaned(field: str, value: Any) -> Any:
    if field in COLOR_FIELDS:
        if field == "secondary_color" and not value:
            return ""
        return _color(value)
    if field == "palette":
        return _palette(value)
    if field in ("radius", "density", "font_body", "font_heading"):
        return value
    if field in TEXT_LIMITS:
        text = value.strip() if isinstance(value, str) else ""
        longest = TEXT_LIMITS[field]
        if len(text) > longest:
            raise ValidationError(
                _("Keep it within %(count)s characters.") % {"count": f"{longest:,}"}
            )
        return text
    if field == "support_email":
        return value.strip() if isinstance(value, str) else ""
    if field == "support_phone":
        return contacts.phone(value if isinstance(value, str) else "")
    if field == "support_chat_url":
        return contacts.https_url(value if isinstance(value, str) else "")
    if field == "social_links":
        return contacts.social_links(value if isinstance(value, str | list) else "")
    raise ValueError(f"the brandbook has no field {field}")


def _color(value: Any) -> str:
    try:
        return parse_color(value if isinstance(value, str) else "")
    except ColorError as error:
        raise ValidationError(str(error)) from None


def _palette(value: Any) -> dict[str, dict[str, str]]:
    """A strict brandbook's exact colours: all nine of the light scheme, and all nine of the dark
    one or none of them. A wrong colour is reported as "palette.<scheme>.<token>"."""
    if not isinstance(value, dict) or set(value) - set(SCHEMES):
        raise ValidationError(_("Give the light scheme's colours and, if any, the dark one's."))
    palette: dict[str, dict[str, str]] = {}
    problems: dict[str, list[str]] = {}
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
                problems[f"palette.{scheme}.{token}"] = [str(error)]
    if problems:
        raise ValidationError(problems)
    return palette


class PublishRefused(Exception):
    """The look cannot be published as it is; the message says why."""


def brand_editable_by(user, mode: str) -> bool:
    """A strict brandbook is the brand owner's alone; any provider admin edits a site one."""
    if user.role != Role.PROVIDER_ADMIN:
        return False
    return mode != BrandMode.STRICT or user.brand_owner


@transaction.atomic
def brandbook_publish(*, user, mode: str, acknowledged: bool = False) -> BrandVersion:
    """Make the draft what clients see, as a new version. A strict palette that fails WCAG AA
    is published only when the brand owner acknowledges each failing pair, which is recorded;
    a site palette is derived to pass and so always can be."""
    look = Brandbook.objects.select_for_update().get().look()  # checked as it is published
    failing = [pair for pair in theme_checks(Look.of(DRAFT, look), mode) if not pair.passes]
    if failing and not acknowledged:
        raise PublishRefused(
            _("%(count)s colour pairs are hard to read; acknowledge them to publish anyway.")
            % {"count": len(failing)}
        )
    return _version_add(look=look, user=user, acknowledged=[_pair_record(pair) for pair in failing])


@transaction.atomic
def brand_version_restore(*, number: int, user) -> BrandVersion:
    """Go back to an earlier look: it is published again, as the newest version, and becomes
    the draft too."""
    earlier = BrandVersion.objects.filter(number=number).first()
    if earlier is None:
        raise PublishRefused(_("There is no such version."))
    brandbook = Brandbook.objects.select_for_update().get()
    for name in LOOK_FIELDS:
        if name in IMAGE_FIELDS:
            getattr(brandbook, name).name = earlier.look.get(name, "")
        elif name in earlier.look:
            setattr(brandbook, name, earlier.look[name])
    brandbook.save()
    return _version_add(look=earlier.look, user=user, acknowledged=earlier.acknowledged)


def _version_add(*, look: dict, user, acknowledged: list) -> BrandVersion:
    newest = BrandVersion.objects.select_for_update().order_by("-number").first()
    return BrandVersion.objects.create(
        number=(newest.number if newest else 0) + 1,
        look=look,
        acknowledged=acknowledged,
        published_by=user if getattr(user, "pk", None) else None,
    )


def _pair_record(pair: PairCheck) -> dict:
    return {
        "scheme": pair.scheme,
        "foreground": pair.foreground,
        "background": pair.background,
        "ratio": pair.ratio,
        "needed": pair.needed,
    }


def brand_owner_set(*, by, user_id: int, owner: bool) -> None:
    """A brand owner makes another provider administrator a brand owner, or no longer one; the
    last brand owner stays one, so a strict brandbook always has someone who may change it."""
    if not (by.role == Role.PROVIDER_ADMIN and by.brand_owner):
        raise PublishRefused(_("Only a brand owner may choose the brand owners."))
    with transaction.atomic():
        admins = User.objects.select_for_update().filter(role=Role.PROVIDER_ADMIN, is_active=True)
        user = admins.filter(pk=user_id).first()
        if user is None:
            raise PublishRefused(_("Choose one of the provider's administrators."))
        if not owner and user.brand_owner and admins.filter(brand_owner=True).count() == 1:
            raise PublishRefused(_("The last brand owner stays one."))
        user.brand_owner = owner
        user.save(update_fields=["brand_owner"])
