"""The theme's colours: any CSS notation is read, a site-mode palette is readable for any brand
colour, and a strict palette's failing pairs are found with a nearest passing colour."""

import random

import pytest

from branding.palette import (
    BASE_TOKENS,
    SCHEMES,
    ColorError,
    check,
    complete,
    contrast,
    nearest_passing,
    parse_color,
    site_themes,
)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("#1A73E8", "#1a73e8"),
        ("#abc", "#aabbcc"),
        ("rgb(26 115 232)", "#1a73e8"),
        ("rgb(26, 115, 232)", "#1a73e8"),
        ("hsl(120 50% 40%)", "#339933"),
        ("  royalblue ", "#4169e1"),
        ("oklch(0.6 0.15 250)", "#2784d5"),
    ],
)
def test_a_colour_in_any_css_notation_is_read(written, meant):
    assert parse_color(written) == meant


@pytest.mark.parametrize(
    "written",
    [
        "",
        "blue-ish",
        "#12345",
        "rgb(1 2)",
        "#11223344",
        "transparent",
        "x" * 500,
        "oklch(0.5 0.1 1e400)",
        "color(srgb 1e308 1e308 1e308)",
        "oklab(1e300 1e300 1e300)",
    ],
)
def test_what_is_not_an_opaque_colour_is_refused_with_a_reason(written):
    with pytest.raises(ColorError) as refused:
        parse_color(written)
    assert str(refused.value)


BRANDS = ["#1a73e8", "#c8102e", "#ffd500", "#0b6e4f", "#777777", "#000000", "#ffffff"]


@pytest.mark.parametrize(
    "brand", BRANDS + [f"#{random.Random(n).randrange(1 << 24):06x}" for n in range(40)]
)
def test_a_site_palette_passes_every_pair_in_both_schemes(brand):
    themes = site_themes(brand)

    failing = [pair for pair in check(themes) if not pair.passes]

    assert failing == []
    assert set(themes) == set(SCHEMES)
    assert themes["light"]["primary-hover"] != themes["light"]["primary"]
    assert themes["dark"]["background"] != themes["light"]["background"]


def test_a_readable_brand_colour_is_kept_exactly_and_the_others_follow_it():
    themes = site_themes("#1a73e8", secondary="#0b6e4f")

    assert (themes["light"]["primary"], themes["light"]["secondary"]) == ("#1a73e8", "#0b6e4f")
    # The dark scheme's grounds are dark and its text light.
    assert contrast(themes["dark"]["text"], "#000000") > contrast(themes["dark"]["text"], "#ffffff")


def test_a_strict_palette_keeps_its_colours_and_reports_what_fails():
    given = {
        "primary": "#ffd500",
        "secondary": "#333333",
        "accent": "#00a0e3",
        "background": "#ffffff",
        "surface": "#ffffff",
        "text": "#9a9a9a",  # too light to read on white
        "success": "#2e7d32",
        "warning": "#ffb300",
        "danger": "#d32f2f",
    }
    themes = {scheme: complete(given, scheme) for scheme in SCHEMES}

    failing = {(pair.scheme, pair.foreground, pair.background): pair for pair in check(themes)}
    text_on_white = failing[("light", "text", "background")]

    assert {token: themes["light"][token] for token in BASE_TOKENS} == given
    assert not text_on_white.passes
    assert text_on_white.ratio == pytest.approx(2.8, abs=0.05)
    assert contrast(text_on_white.suggestion, "#ffffff") >= 4.5
    # The nearest passing grey is only as dark as it has to be.
    assert contrast(text_on_white.suggestion, "#ffffff") < 4.7


def test_the_nearest_passing_colour_keeps_the_hue_and_moves_least():
    light_red = "#ff9999"

    fixed = nearest_passing(light_red, "#ffffff")

    assert 4.5 <= contrast(fixed, "#ffffff") < 4.7
    red, green, blue = (int(fixed[i : i + 2], 16) for i in (1, 3, 5))
    assert red > max(green, blue)
    assert nearest_passing("#1a73e8", "#ffffff") == "#1a73e8"
