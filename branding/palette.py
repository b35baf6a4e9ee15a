"""The colours of a portal's theme.

A brandbook names nine colours per scheme (light and dark): primary, secondary, accent,
background, surface, text, success, warning, danger. From them the theme needs more: the text
that sits on each filled colour, hover and pressed states, a focus ring, disabled controls, muted
text, borders, and the brand colour as link text. `complete` works those out; `derive` makes the
nine themselves from one or two brand colours (the `site` mode); `check` lists every text and
background pair the theme shows with its WCAG 2.1 contrast ratio and, for a failing pair, the
nearest colour that passes.

Colours are compared in OKLCH, whose lightness is close to how light a colour looks, so moving
only the lightness keeps the brand's hue and keeps "nearest" meaningful.
"""

from dataclasses import dataclass

from coloraide import Color
from django.utils.translation import gettext as _

BASE_TOKENS = (
    "primary",
    "secondary",
    "accent",
    "background",
    "surface",
    "text",
    "success",
    "warning",
    "danger",
)
SCHEMES = ("light", "dark")
WHITE = "#ffffff"
BLACK = "#000000"
NEAR_BLACK = "#111827"
TEXT_RATIO = 4.5  # WCAG 2.1 AA, normal text (1.4.3)
UI_RATIO = 3.0  # WCAG 2.1 AA, focus rings and control outlines (1.4.11)

Palette = dict[str, str]  # token name → "#rrggbb"


class ColorError(ValueError):
    """Not a colour a theme can use; the message says why, for the person who typed it."""


def parse_color(text: str) -> str:
    """Any CSS colour notation (#rgb, #rrggbb, rgb(), hsl(), oklch(), a name…) as "#rrggbb"."""
    value = (text or "").strip()
    if not value or len(value) > 100:
        raise ColorError(_("Enter a colour, e.g. #1a73e8, rgb(26 115 232) or royalblue."))
    try:
        color = Color(value)
        opaque = color.alpha() >= 1
        written = _hex(color)
    except (ValueError, ArithmeticError):  # not a colour, or numbers no screen can show
        raise ColorError(
            _("“%(value)s” is not a colour; try #1a73e8, rgb(26 115 232) or royalblue.")
            % {"value": value[:40]}
        ) from None
    if not opaque:
        raise ColorError(
            _("Give an opaque colour: a see-through one changes with what is under it.")
        )
    return written


def contrast(foreground: str, background: str) -> float:
    return Color(foreground).contrast(background, method="wcag21")


def nearest_passing(foreground: str, background: str, ratio: float = TEXT_RATIO) -> str:
    """The colour of the same hue closest in lightness to `foreground` that reaches `ratio`
    against `background`; black or white if no tint of the hue does."""
    if contrast(foreground, background) >= ratio:
        return foreground
    candidates = [
        found
        for target in (0.0, 1.0)
        if (found := _lightness_towards(foreground, background, ratio, target)) is not None
    ]
    if not candidates:
        return max((BLACK, WHITE), key=lambda extreme: contrast(extreme, background))
    start = _lightness(foreground)
    return min(candidates, key=lambda candidate: abs(_lightness(candidate) - start))


def readable_on(background: str, dark_text: str = NEAR_BLACK) -> str:
    """White or the palette's dark text, whichever reads better on `background`."""
    return max((WHITE, dark_text), key=lambda text: contrast(text, background))


def derive(primary: str, secondary: str = "", accent: str = "") -> dict[str, Palette]:
    """The nine colours of both schemes from a brand's one to three colours, every pair they
    make readable (the `site` mode). The primary stays exactly as given in the light scheme."""
    hue = _hue(primary)
    # Neutral grounds carry a trace of the brand's hue; a grey brand keeps them grey.
    tint = 1.0 if float(Color(primary).convert("oklch")["chroma"]) >= 0.03 else 0.0
    secondary = secondary or _shift(primary, lightness=0.32, chroma_factor=0.45)
    accent = accent or _rotate(primary, 150)
    light = {
        "primary": primary,
        "secondary": secondary,
        "accent": accent,
        "background": _oklch(0.975, 0.006 * tint, hue),
        "surface": WHITE,
        "text": _oklch(0.24, 0.02 * tint, hue),
        "success": _oklch(0.52, 0.14, 150),
        "warning": _oklch(0.78, 0.16, 75),
        "danger": _oklch(0.53, 0.19, 27),
    }
    dark = {
        "primary": _clamp_lightness(primary, 0.62, 0.8),
        "secondary": _clamp_lightness(secondary, 0.6, 0.8),
        "accent": _clamp_lightness(accent, 0.62, 0.82),
        "background": _oklch(0.17, 0.012 * tint, hue),
        "surface": _oklch(0.22, 0.014 * tint, hue),
        "text": _oklch(0.95, 0.008 * tint, hue),
        "success": _oklch(0.72, 0.15, 150),
        "warning": _oklch(0.8, 0.15, 75),
        "danger": _oklch(0.7, 0.17, 27),
    }
    for palette in (light, dark):
        palette["text"] = _passing_on_both(
            palette["text"], palette["background"], palette["surface"], TEXT_RATIO
        )
    return {"light": light, "dark": dark}


def complete(base: Palette, scheme: str) -> Palette:
    """Every token the theme uses, from the nine of one scheme. What is derived here is made to
    read well; the nine themselves are kept as they are, and `check` tells where they fail."""
    dark_scheme = scheme == "dark"
    background, surface, text = base["background"], base["surface"], base["text"]
    # Text on a light filled colour: the palette's own dark text where it has one.
    dark_text = text if _lightness(text) < 0.5 else NEAR_BLACK
    tokens = dict(base)
    for filled in ("primary", "secondary", "accent", "success", "warning", "danger"):
        tokens[f"on-{filled}"] = readable_on(base[filled], dark_text)
    for state, delta in (("primary-hover", 0.06), ("primary-active", 0.11)):
        tokens[state] = nearest_passing(
            _visible_step(base["primary"], tokens["on-primary"], delta), tokens["on-primary"]
        )
    tokens["primary-text"] = _passing_on_both(base["primary"], background, surface, TEXT_RATIO)
    tokens["danger-text"] = _passing_on_both(base["danger"], background, surface, TEXT_RATIO)
    tokens["success-text"] = _passing_on_both(base["success"], background, surface, TEXT_RATIO)
    tokens["focus"] = _passing_on_both(base["accent"], background, surface, UI_RATIO)
    muted = _mix(text, surface, 0.35)
    tokens["text-muted"] = _passing_on_both(muted, background, surface, TEXT_RATIO)
    tokens["border"] = _mix(text, surface, 0.85)
    tokens["control-border"] = _passing_on_both(
        _mix(text, surface, 0.6), surface, surface, UI_RATIO
    )
    # Disabled controls are exempt from the contrast rules (WCAG 1.4.3); they look faded.
    tokens["disabled"] = _mix(base["primary"], surface, 0.7 if not dark_scheme else 0.6)
    tokens["on-disabled"] = _mix(text, tokens["disabled"], 0.55)
    return tokens


def site_themes(primary: str, secondary: str = "", accent: str = "") -> dict[str, Palette]:
    """Both schemes, complete, from a brand's colours, with every pair passing: where no text
    reads on a brand colour, the colour itself moves to the nearest lightness where one does."""
    bases = derive(primary, secondary, accent)
    themes = {scheme: complete(bases[scheme], scheme) for scheme in SCHEMES}
    for _round in range(3):
        failing = [pair for pair in check(themes) if not pair.passes]
        if not failing:
            break
        for pair in failing:
            base, tokens = bases[pair.scheme], themes[pair.scheme]
            if pair.background in base and pair.foreground == f"on-{pair.background}":
                base[pair.background] = nearest_passing(
                    base[pair.background], tokens[pair.foreground], pair.needed + 0.05
                )
        themes = {scheme: complete(bases[scheme], scheme) for scheme in SCHEMES}
    return themes


@dataclass(frozen=True)
class PairCheck:
    scheme: str
    foreground: str  # token names
    background: str
    ratio: float
    needed: float
    suggestion: str  # the nearest passing foreground colour, when the pair fails

    @property
    def passes(self) -> bool:
        return self.ratio >= self.needed


# What is shown on what, and the contrast it needs.
PAIRS = (
    ("text", "background", TEXT_RATIO),
    ("text", "surface", TEXT_RATIO),
    ("text-muted", "background", TEXT_RATIO),
    ("text-muted", "surface", TEXT_RATIO),
    ("primary-text", "background", TEXT_RATIO),
    ("primary-text", "surface", TEXT_RATIO),
    ("danger-text", "surface", TEXT_RATIO),
    ("success-text", "surface", TEXT_RATIO),
    ("on-primary", "primary", TEXT_RATIO),
    ("on-primary", "primary-hover", TEXT_RATIO),
    ("on-primary", "primary-active", TEXT_RATIO),
    ("on-secondary", "secondary", TEXT_RATIO),
    ("on-accent", "accent", TEXT_RATIO),
    ("on-success", "success", TEXT_RATIO),
    ("on-warning", "warning", TEXT_RATIO),
    ("on-danger", "danger", TEXT_RATIO),
    ("focus", "background", UI_RATIO),
    ("focus", "surface", UI_RATIO),
    ("control-border", "surface", UI_RATIO),
)


def check(themes: dict[str, Palette]) -> list[PairCheck]:
    """Every pair of every scheme, failing or not, in a stable order."""
    found = []
    for scheme in SCHEMES:
        tokens = themes[scheme]
        for foreground, background, needed in PAIRS:
            ratio = contrast(tokens[foreground], tokens[background])
            suggestion = ""
            if ratio < needed:
                suggestion = nearest_passing(tokens[foreground], tokens[background], needed)
            found.append(
                PairCheck(scheme, foreground, background, round(ratio, 2), needed, suggestion)
            )
    return found


def _visible_step(color: str, text: str, delta: float) -> str:
    """`color` moved by `delta` in lightness away from its `text`, so the text stays readable;
    towards it when there is no room left (a white button turns grey, not whiter)."""
    away = -1 if _lightness(text) > _lightness(color) else 1
    moved = _step(color, delta * away)
    return (
        moved
        if abs(_lightness(moved) - _lightness(color)) >= delta / 2
        else _step(color, -delta * away)
    )


def _passing_on_both(color: str, first: str, second: str, ratio: float) -> str:
    """`color`, moved only as far as it must be to reach `ratio` on both grounds."""
    color = nearest_passing(color, first, ratio)
    return nearest_passing(color, second, ratio) if second != first else color


def _lightness_towards(color: str, background: str, ratio: float, target: float) -> str | None:
    """Binary search of the lightness between `color`'s and `target` for the closest one that
    reaches `ratio`; None when even `target` does not."""
    start = _lightness(color)
    if contrast(_with_lightness(color, target), background) < ratio:
        return None
    near, far = start, target
    for _step_number in range(24):
        middle = (near + far) / 2
        if contrast(_with_lightness(color, middle), background) >= ratio:
            far = middle
        else:
            near = middle
    return _with_lightness(color, far)


def _with_lightness(color: str, lightness: float) -> str:
    return _hex(Color(color).convert("oklch").set("lightness", min(max(lightness, 0.0), 1.0)))


def _lightness(color: str) -> float:
    return float(Color(color).convert("oklch")["lightness"])


def _hue(color: str) -> float:
    hue = Color(color).convert("oklch")["hue"]
    return 0.0 if hue != hue else float(hue)  # achromatic colours have no hue (NaN)


def _step(color: str, delta: float) -> str:
    return _with_lightness(color, _lightness(color) + delta)


def _clamp_lightness(color: str, low: float, high: float) -> str:
    return _with_lightness(color, min(max(_lightness(color), low), high))


def _shift(color: str, *, lightness: float, chroma_factor: float) -> str:
    oklch = Color(color).convert("oklch")
    return _oklch(lightness, float(oklch["chroma"]) * chroma_factor, _hue(color))


def _rotate(color: str, degrees: float) -> str:
    oklch = Color(color).convert("oklch")
    return _oklch(float(oklch["lightness"]), float(oklch["chroma"]), (_hue(color) + degrees) % 360)


def _mix(first: str, second: str, share_of_second: float) -> str:
    return _hex(Color(first).mix(second, share_of_second, space="oklab"))


def _oklch(lightness: float, chroma: float, hue: float) -> str:
    return _hex(Color("oklch", [lightness, chroma, hue]))


def _hex(color: Color) -> str:
    return color.convert("srgb").fit("srgb").to_string(hex=True, alpha=False)
