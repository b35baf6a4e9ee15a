"""A provider's theme: its brandbook's tokens compiled to one CSS file of custom properties.

The page layout (branding/static/branding/base.css) is the same for every provider and reads
only these properties, so a fix to it reaches everyone. The file is compiled once per brandbook
version and kept in the cache, whose keys carry the schema (django-tenants' key function): no
request computes a theme, and no provider can be served another's.
"""

from django.core.cache import cache

from branding.models import Brandbook, Density
from branding.palette import BASE_TOKENS, PairCheck, Palette, check, complete, site_themes

SPACING: dict[str, str] = {
    Density.COMPACT: "0.8",
    Density.COMFORTABLE: "1",
    Density.SPACIOUS: "1.2",
}
THEME_CACHE_SECONDS = 24 * 3600
# The client's own choice of scheme, kept in a cookie; anything else follows the device.
THEME_COOKIE = "kb_theme"
THEME_CHOICES = ("light", "dark")


def theme_palettes(brandbook: Brandbook, mode: str) -> dict[str, Palette]:
    """Every token of both schemes. A strict brandbook's light colours are used exactly, and its
    dark ones when it has them; without them the dark scheme is derived as in `site` mode."""
    derived = site_themes(
        brandbook.primary_color, brandbook.secondary_color, brandbook.accent_color
    )
    if mode != "strict" or not _complete_scheme(brandbook.palette.get("light")):
        return derived
    themes = {"light": complete(brandbook.palette["light"], "light")}
    dark = brandbook.palette.get("dark")
    themes["dark"] = complete(dark, "dark") if _complete_scheme(dark) else derived["dark"]
    return themes


def theme_checks(brandbook: Brandbook, mode: str) -> list[PairCheck]:
    return check(theme_palettes(brandbook, mode))


def theme_css(brandbook: Brandbook, mode: str) -> str:
    """The theme of this brandbook version, compiled once."""
    key = f"branding:theme:{brandbook.version}:{mode}"
    css = cache.get(key)
    if css is None:
        css = _compile(brandbook, theme_palettes(brandbook, mode))
        cache.set(key, css, THEME_CACHE_SECONDS)
    return css


def _compile(brandbook: Brandbook, themes: dict[str, Palette]) -> str:
    light = _properties(themes["light"])
    dark = _properties(themes["dark"])
    layout = (
        f"  --kb-radius: {brandbook.radius}px;\n"
        f"  --kb-space: {SPACING.get(brandbook.density, '1')};\n"
        "  color-scheme: light;\n"
    )
    return (
        f":root {{\n{light}{layout}}}\n"
        # The client's system setting, unless the client chose light; or the client's choice.
        "@media (prefers-color-scheme: dark) {\n"
        f'  :root:not([data-theme="light"]) {{\n{_indent(dark)}    color-scheme: dark;\n  }}\n'
        "}\n"
        f':root[data-theme="dark"] {{\n{dark}  color-scheme: dark;\n}}\n'
    )


def _properties(tokens: Palette) -> str:
    return "".join(f"  --kb-{name}: {value};\n" for name, value in sorted(tokens.items()))


def _indent(block: str) -> str:
    return "".join(f"  {line}\n" for line in block.splitlines())


def _complete_scheme(colours: object) -> bool:
    return isinstance(colours, dict) and all(
        isinstance(colours.get(token), str) for token in BASE_TOKENS
    )
