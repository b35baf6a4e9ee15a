"""The typefaces a brandbook can choose from: shipped with Kabinet (open fonts under the SIL Open
Font License, in branding/static/branding/fonts/, Latin and Cyrillic, regular and bold), or the
device's own. A theme names the ones it uses with @font-face; nothing is loaded from elsewhere."""

from dataclasses import dataclass

from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

SYSTEM_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
SUBSETS = {
    "latin": "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,"
    "U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD",
    "cyrillic": "U+0301,U+0400-045F,U+0490-0491,U+04B0-04B1,U+2116",
}


@dataclass(frozen=True)
class Typeface:
    family: str
    fallback: str  # the generic family to fall back to

    def stack(self) -> str:
        return f'"{self.family}", {self.fallback}'


TYPEFACES = {
    "inter": Typeface("Inter", "system-ui, sans-serif"),
    "roboto": Typeface("Roboto", "system-ui, sans-serif"),
    "pt-sans": Typeface("PT Sans", "system-ui, sans-serif"),
    "montserrat": Typeface("Montserrat", "system-ui, sans-serif"),
    "merriweather": Typeface("Merriweather", "Georgia, serif"),
}
OWN = "own"
CHOICES = [
    ("system", _("The device's own")),
    *((slug, typeface.family) for slug, typeface in TYPEFACES.items()),
    (OWN, _("Your own, uploaded below")),
]


def font_stack(slug: str, own_family: str = "") -> str:
    if slug == OWN and own_family:
        return f'"{own_family}", {SYSTEM_STACK}'
    typeface = TYPEFACES.get(slug)
    return typeface.stack() if typeface else SYSTEM_STACK


def own_font_faces(family: str, files: dict[int, str]) -> str:
    """@font-face rules for the provider's own typeface: weight → its URL on the portal."""
    return "".join(
        f'@font-face {{ font-family: "{family}"; font-style: normal; font-weight: {weight}; '
        f"font-display: swap; src: url({url}); }}\n"
        for weight, url in sorted(files.items())
    )


def font_faces(slugs: set[str]) -> str:
    """@font-face rules for the shipped typefaces named, from Kabinet's own static files."""
    rules = []
    for slug in sorted(slugs & set(TYPEFACES)):
        family = TYPEFACES[slug].family
        for weight in (400, 700):
            for subset, unicode_range in SUBSETS.items():
                url = static(f"branding/fonts/{slug}/{slug}-{subset}-{weight}-normal.woff2")
                rules.append(
                    f'@font-face {{ font-family: "{family}"; font-style: normal; '
                    f"font-weight: {weight}; font-display: swap; "
                    f"src: url({url}) format('woff2'); unicode-range: {unicode_range}; }}"
                )
    return "\n".join(rules) + ("\n" if rules else "")
