"""A provider's own CSS: what looks different is kept, scoped to the portal; what could load,
run, break out, move things or hide the legal footer is taken out, and each removal is shown."""

import re

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from branding.custom_css import filter_css
from branding.services import brandbook_publish, brandbook_update
from tenants.users.models import Role
from tests.cabinet.test_home import browser_for
from tests.conftest import host_of, make_user


def test_plain_rules_are_kept_under_the_portals_own_scope():
    kept = filter_css(
        ".card { border-radius: 0; color: #222 }\n"
        "h1, .holder { text-transform: uppercase }\n"
        "body { background-color: #fafafa }\n"
        "@media (max-width: 30rem) { .card { padding: 0 } }\n"
        ".hero { background-image: linear-gradient(#fff, #eee) }\n"
    )

    assert kept.removed == []
    assert "body.kb-portal .card {\n  border-radius: 0;\n  color: #222;\n}" in kept.css
    assert "body.kb-portal h1, body.kb-portal .holder" in kept.css
    assert "body.kb-portal {\n  background-color: #fafafa;\n}" in kept.css
    assert "@media (max-width: 30rem) {\nbody.kb-portal .card" in kept.css


DANGEROUS = {
    "an import": ("@import url(https://evil.example/a.css);", "@import"),
    "an outside image": (".a { background-image: url(https://evil.example/t.png) }", "url("),
    "an expression": (".a { color: expression(alert(1)) }", "expression("),
    "a style break-out": (".a { color: red } </style><script>alert(1)</script>", "<script"),
    "an escaped url": (".a { background-image: \\75rl(https://evil.example/x) }", "evil"),
    "a font from elsewhere": ("@font-face { src: url(https://evil.example/x.woff2) }", "woff2"),
    "an image set": (".a { background-image: image-set('x.png' 1x) }", "image-set"),
    "a hidden footer": ("footer { display: none }", "display"),
    "a footer painted over": (".footer p { color: transparent }", "transparent"),
    "a fixed cover": (".cover { position: fixed; z-index: 9999 }", "position"),
    "a hidden anything": (".page { display: none; visibility: hidden }", "hidden"),
    "a token overridden": (":root { --kb-text: #ffffff }", "--kb-text"),
    "an image in a gradient": (
        ".a { background-image: linear-gradient(red, red), image('https://e.example/x') }",
        "e.example",
    ),
    "an element copied": (".a { background-image: -moz-element(#secret) }", "element"),
    "a footer by its class in capitals": ("p.LEGAL { color: transparent }", "transparent"),
    "a brace in a media query": ("@media screen } footer { .x { color: red } }", "footer"),
    "an important rule": (".a { color: red !important }", "important"),
}


@pytest.mark.parametrize("css", [case for case, _ in DANGEROUS.values()], ids=list(DANGEROUS))
def test_what_could_load_run_break_out_or_hide_is_taken_out_and_said(css):
    result = filter_css(css)

    [marker] = [mark for case, mark in DANGEROUS.values() if case == css]
    assert marker not in result.css
    assert result.removed
    assert all(removal.why and removal.line >= 1 for removal in result.removed)


def test_the_filtered_css_reaches_the_theme_once_published_and_removals_show_in_the_editor(
    db, provider_a, provider_b
):
    admin = make_user(provider_a, Role.PROVIDER_ADMIN, "admin@alpha.test")
    editor = browser_for(admin)
    form = {
        "primary_color": "#1f4e79",
        "secondary_color": "",
        "accent_color": "#2e86de",
        "radius": "10",
        "density": "comfortable",
        "custom_css": ".card { border-radius: 0 }\nfooter { display: none }",
    }

    assert editor.post("/manage/branding/", form).status_code == 302
    page = editor.get("/manage/branding/").content.decode()
    with schema_context(provider_a.schema_name):
        brandbook_publish(user=None, mode="site")
    with schema_context(provider_b.schema_name):
        brandbook_update(primary_color="#0b6e4f")
        brandbook_publish(user=None, mode="site")

    def theme(provider) -> str:
        browser = Client(HTTP_HOST=host_of(provider))
        [url] = re.findall(r'href="(/theme-[^"]+\.css)"', browser.get("/login").content.decode())
        return browser.get(url).content.decode()

    assert 'id="css-removed"' in page
    assert "footer" in page[page.index('id="css-removed"') :]
    assert "body.kb-portal .card {\n  border-radius: 0;\n}" in theme(provider_a)
    assert "display: none" not in theme(provider_a)
    assert "kb-portal .card" not in theme(provider_b)
