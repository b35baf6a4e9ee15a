"""A provider's theme: its brandbook's tokens compiled to one CSS file of custom properties.

The page layout (branding/static/branding/base.css) is the same for every provider and reads
only these properties, so a fix to it reaches everyone. The file is compiled once per brandbook
version and kept in the cache, whose keys carry the schema (django-tenants' key function): no
request computes a theme, and no provider can be served another's.
"""

from django.core.cache import cache
from django.urls import reverse

from branding.custom_css import FOOTER_GUARD, filter_css
from branding.fonts import OWN, font_faces, font_stack, own_font_faces
from branding.models import Density
from branding.palette import BASE_TOKENS, PairCheck, Palette, check, complete, site_themes
from branding.selectors import DRAFT, Look

SPACING: dict[str, str] = {
    Density.COMPACT: "0.8",
    Density.COMFORTABLE: "1",
    Density.SPACIOUS: "1.2",
}
THEME_CACHE_SECONDS = 24 * 3600
# The client's own choice of scheme, kept in a cookie; anything else follows the device.
THEME_COOKIE = "kb_theme"
THEME_CHOICES = ("light", "dark")


def theme_palettes(look: Look, mode: str) -> dict[str, Palette]:
    """Every token of both schemes. A strict brandbook's light colours are used exactly, and its
    dark ones when it has them; without them the dark scheme is derived as in `site` mode."""
    derived = site_themes(look.primary_color, look.secondary_color, look.accent_color)
    light, dark = _scheme(look, "light"), _scheme(look, "dark")
    if mode != "strict" or light is None:
        return derived
    return {
        "light": complete(light, "light"),
        "dark": complete(dark, "dark") if dark is not None else derived["dark"],
    }


def theme_checks(look: Look, mode: str) -> list[PairCheck]:
    return check(theme_palettes(look, mode))


def theme_css(look: Look, mode: str) -> str:
    """The theme of a published version, compiled once; the draft's, each time it is asked."""
    if look.version == DRAFT:
        return _compile(look, theme_palettes(look, mode))
    key = f"branding:theme:{look.version}:{mode}"
    css = cache.get(key)
    if css is None:
        css = _compile(look, theme_palettes(look, mode))
        cache.set(key, css, THEME_CACHE_SECONDS)
    return css


def _compile(look: Look, themes: dict[str, Palette]) -> str:
    light = _properties(themes["light"])
    dark = _properties(themes["dark"])
    layout = (
        f"  --kb-font-body: {font_stack(look.font_body, look.own_font_family)};\n"
        f"  --kb-font-heading: {font_stack(look.font_heading, look.own_font_family)};\n"
        f"  --kb-radius: {look.radius}px;\n"
        f"  --kb-space: {SPACING.get(look.density, '1')};\n"
        "  color-scheme: light;\n"
    )
    own = filter_css(look.custom_css).css + FOOTER_GUARD if look.custom_css else ""
    return (
        font_faces({look.font_body, look.font_heading})
        + _own_font(look)
        + f":root {{\n{light}{layout}}}\n"
        # The client's system setting, unless the client chose light; or the client's choice.
        "@media (prefers-color-scheme: dark) {\n"
        f'  :root:not([data-theme="light"]) {{\n{_indent(dark)}    color-scheme: dark;\n  }}\n'
        "}\n"
        f':root[data-theme="dark"] {{\n{dark}  color-scheme: dark;\n}}\n'
        f"{own}"
    )


def _own_font(look: Look) -> str:
    if OWN not in (look.font_body, look.font_heading) or not look.own_font_family:
        return ""
    version = look.version if look.version != DRAFT else "0&look=draft"
    files = {
        weight: f"{reverse('branding-asset', args=[name])}?v={version}"
        for weight, name, stored in (
            (400, "font-regular", look.own_font_regular),
            (700, "font-bold", look.own_font_bold),
        )
        if stored
    }
    return own_font_faces(look.own_font_family, files)


def _properties(tokens: Palette) -> str:
    return "".join(f"  --kb-{name}: {value};\n" for name, value in sorted(tokens.items()))


def _indent(block: str) -> str:
    return "".join(f"  {line}\n" for line in block.splitlines())


def _scheme(look: Look, scheme: str) -> Palette | None:
    """The look's own nine colours of `scheme`, when it has them all."""
    colours = look.palette.get(scheme)
    if not isinstance(colours, dict):
        return None
    if not all(isinstance(colours.get(token), str) for token in BASE_TOKENS):
        return None
    return {token: colours[token] for token in BASE_TOKENS}
