from dataclasses import dataclass, field
from typing import Any

from branding.models import Brandbook, BrandVersion

DRAFT = 0  # the version number of the look being edited, never cached


@dataclass(frozen=True)
class Look:
    """What a portal looks like: a published version's, or the draft's."""

    version: int
    primary_color: str
    secondary_color: str
    accent_color: str
    background_color: str
    palette: dict[str, Any] = field(default_factory=dict)
    radius: int = 10
    density: str = "comfortable"
    font_body: str = "system"
    font_heading: str = "system"
    custom_css: str = ""
    legal_footer: str = ""
    support_phone: str = ""
    support_email: str = ""
    support_chat_url: str = ""
    social_links: list[dict[str, str]] = field(default_factory=list)
    email_header: str = ""
    email_footer: str = ""
    # Files' names in the provider's storage; empty when there is none.
    logo: str = ""
    logo_dark: str = ""
    favicon: str = ""
    app_icon: str = ""
    own_font_regular: str = ""
    own_font_bold: str = ""
    own_font_family: str = ""

    @classmethod
    def of(cls, version: int, values: dict[str, Any]) -> "Look":
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        return cls(**{**known, "version": version})


def brandbook_get() -> Brandbook:
    """The current schema's brandbook (the migrations seed it, so it always exists)."""
    return Brandbook.objects.get()


def live_look() -> Look:
    """What clients see: the newest published version (the migrations publish the first)."""
    published = BrandVersion.objects.only("number", "look").first()
    if published is None:
        return draft_look()
    return Look.of(published.number, published.look)


def draft_look() -> Look:
    return Look.of(DRAFT, brandbook_get().look())


def brand_versions() -> list[BrandVersion]:
    return list(BrandVersion.objects.select_related("published_by"))
