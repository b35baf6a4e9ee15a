"""Each portal's theme file: the provider's tokens for both schemes, compiled once per brandbook
version, never another provider's; the client's own choice of light or dark."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import schema_context

from branding import theme
from branding.selectors import brandbook_get
from branding.services import brandbook_publish, brandbook_update
from tests.branding.palettes import STRICT_LIGHT
from tests.conftest import host_of

STRICT = {"light": STRICT_LIGHT}


def theme_of(provider) -> tuple[str, str]:
    """The theme file a page of the portal links to, and its Cache-Control."""
    browser = Client(HTTP_HOST=host_of(provider))
    page = browser.get("/login").content.decode()
    [url] = re.findall(r'href="(/theme-[^"]+\.css)"', page)
    answer = browser.get(url)
    assert answer["Content-Type"] == "text/css; charset=utf-8"
    return answer.content.decode(), answer["Cache-Control"]


def properties(css: str, block_start: str) -> dict[str, str]:
    block = css[css.index(block_start) :]
    block = block[: block.index("}")]
    return dict(re.findall(r"--kb-([a-z-]+): (#[0-9a-f]{6});", block))


def test_a_site_brand_gets_both_schemes_from_its_colour(db, provider_a):
    with schema_context(provider_a.schema_name):
        brandbook_update(primary_color="rgb(200 16 46)", radius=16)
        brandbook_publish(user=None, mode="site")

    css, caching = theme_of(provider_a)
    light, dark = properties(css, ":root {"), properties(css, ':root[data-theme="dark"]')

    assert light["primary"] == "#c8102e"
    assert dark["background"] != light["background"]
    assert "@media (prefers-color-scheme: dark)" in css
    assert "--kb-radius: 16px;" in css
    assert caching == "public, max-age=31536000, immutable"


def test_a_strict_brand_keeps_its_exact_colours(db, provider_b):
    provider_b.brand_mode = "strict"
    provider_b.save()
    with schema_context(provider_b.schema_name):
        brandbook_update(primary_color="#0b6e4f", palette=STRICT)
        brandbook_publish(user=None, mode="strict")

    css, _caching = theme_of(provider_b)
    light = properties(css, ":root {")

    assert {token: light[token] for token in STRICT["light"]} == STRICT["light"]


def test_the_theme_is_compiled_once_per_version_and_again_after_a_change(
    db, provider_a, monkeypatch
):
    compiled = []
    real = theme._compile
    monkeypatch.setattr(theme, "_compile", lambda *args: compiled.append(1) or real(*args))

    first, _ = theme_of(provider_a)
    again, _ = theme_of(provider_a)
    with schema_context(provider_a.schema_name):
        brandbook_update(primary_color="#0b6e4f")
    unpublished, _ = theme_of(provider_a)
    with schema_context(provider_a.schema_name):
        brandbook_publish(user=None, mode="site")
    changed, _ = theme_of(provider_a)

    assert (first == again == unpublished, len(compiled)) == (True, 2)
    assert properties(changed, ":root {")["primary"] == "#0b6e4f"


def test_two_providers_at_the_same_version_are_never_served_each_others_theme(
    db, provider_a, provider_b
):
    for provider, colour in ((provider_a, "#c8102e"), (provider_b, "#0b6e4f")):
        with schema_context(provider.schema_name):
            brandbook_update(primary_color=colour)
            assert brandbook_publish(user=None, mode="site").number == 2  # the same for both

    alpha, _ = theme_of(provider_a)
    bravo, _ = theme_of(provider_b)

    assert properties(alpha, ":root {")["primary"] == "#c8102e"
    assert properties(bravo, ":root {")["primary"] == "#0b6e4f"


def test_an_old_theme_url_gets_todays_theme_uncached(db, provider_a):
    answer = Client(HTTP_HOST=host_of(provider_a)).get("/theme-1.css")

    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-cache"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"primary_color": "not a colour"}, "primary_color"),
        ({"accent_color": "#12345"}, "accent_color"),
        ({"palette": {"light": {**STRICT["light"], "text": "rgba(0 0 0 / 50%)"}}}, "palette"),
        ({"palette": {"light": {"primary": "#000000"}}}, "palette"),
        ({"palette": ["#000000"]}, "palette"),
        ({"radius": 99}, "radius"),
        ({"density": "airy"}, "density"),
    ],
)
def test_a_bad_brandbook_change_names_the_field_and_changes_nothing(db, provider_a, change, field):
    with schema_context(provider_a.schema_name):
        before = brandbook_get()
        with pytest.raises(ValidationError) as refused:
            brandbook_update(**change)
        after = brandbook_get()

    assert {name.split(".")[0] for name in refused.value.message_dict} == {field}
    assert (after.updated_at, after.palette, after.radius) == (
        before.updated_at,
        before.palette,
        before.radius,
    )


def test_the_client_chooses_dark_or_light_over_the_device(db, provider_a):
    browser = Client(HTTP_HOST=host_of(provider_a))

    dark = browser.post("/theme", {"theme": "dark", "next": "/login?next=/pay/"})
    page_dark = browser.get("/login").content.decode()
    browser.post("/theme", {"theme": "", "next": "/login"})
    page_device = browser.get("/login").content.decode()
    elsewhere = browser.post("/theme", {"theme": "light", "next": "https://evil.example/"})

    assert (dark.status_code, dark["Location"]) == (302, "/login?next=/pay/")
    assert '<html lang="ru" data-theme="dark">' in page_dark
    assert "data-theme" not in page_device.split(">", 2)[1]
    assert elsewhere["Location"] == "/"


def test_a_chosen_typeface_is_served_from_kabinets_own_files(db, provider_a):
    with schema_context(provider_a.schema_name):
        brandbook_update(font_body="pt-sans", font_heading="merriweather")
        brandbook_publish(user=None, mode="site")

    css, _caching = theme_of(provider_a)
    faces = re.findall(r"src: url\(([^)]+)\) format\('woff2'\)", css)

    assert '--kb-font-body: "PT Sans", system-ui, sans-serif;' in css
    assert '--kb-font-heading: "Merriweather", Georgia, serif;' in css
    assert len(faces) == 8  # two typefaces × regular and bold × Latin and Cyrillic
    assert all(face.startswith("/static/branding/fonts/") for face in faces)
    assert all(finders.find(face.removeprefix("/static/")) for face in faces)


def test_a_typeface_kabinet_does_not_ship_is_refused(db, provider_a):
    with schema_context(provider_a.schema_name), pytest.raises(ValidationError) as refused:
        brandbook_update(font_body="comic-sans")

    assert list(refused.value.message_dict) == ["font_body"]


FONT = Path(__file__).resolve().parents[2] / "branding/static/branding/fonts/inter"


def test_the_providers_own_font_is_checked_and_served_from_its_own_portal(
    db, provider_a, provider_b
):
    regular = (FONT / "inter-latin-400-normal.woff2").read_bytes()
    bold = (FONT / "inter-latin-700-normal.woff2").read_bytes()
    with schema_context(provider_a.schema_name):
        brandbook_update(
            font_body="own",
            images={
                "own_font_regular": ("brand.woff2", regular),
                "own_font_bold": ("b.woff2", bold),
            },
        )
        brandbook_publish(user=None, mode="site")

    css, _caching = theme_of(provider_a)
    font = Client(HTTP_HOST=host_of(provider_a)).get("/brand/font-regular?v=2")

    assert '--kb-font-body: "Inter", system-ui' in css
    assert 'font-family: "Inter"; font-style: normal; font-weight: 700' in css
    assert "src: url(/brand/font-bold?v=2)" in css
    assert (font.status_code, font["Content-Type"]) == (200, "font/woff2")
    assert Client(HTTP_HOST=host_of(provider_b)).get("/brand/font-regular").status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("brand.woff2", b"<script>alert(1)</script>"),
        ("brand.woff2", b"wOF2" + b"\0" * 60),
        ("brand.ttf", (FONT / "inter-latin-400-normal.woff2").read_bytes()),
    ],
    ids=["a script", "a cut-off font", "a WOFF2 named .ttf"],
)
def test_a_bad_font_file_is_refused(db, provider_a, name, content):
    with schema_context(provider_a.schema_name), pytest.raises(ValidationError) as refused:
        brandbook_update(images={"own_font_regular": (name, content)})

    assert list(refused.value.message_dict) == ["own_font_regular"]
