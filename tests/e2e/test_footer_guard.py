"""A provider's own CSS may reach the legal footer without naming it; in a real browser the
footer still reads as the layout made it."""

from pathlib import Path

import pytest

from branding.custom_css import FOOTER_GUARD, filter_css

pytestmark = pytest.mark.e2e
LAYOUT = Path(__file__).resolve().parents[2] / "branding" / "static" / "branding" / "base.css"

REACHING = [
    "body > :last-child { color: transparent; font-size: 0; letter-spacing: -99px }",
    ".page ~ * { color: #f4f7fb }",  # the colour of the page's own background
    "* { color: transparent; text-shadow: 0 0 0 transparent; line-height: 0 }",
    ":nth-last-child(1) p { font-size: 0 }",
]


@pytest.mark.parametrize("css", REACHING)
def test_the_legal_footer_stays_readable_whatever_the_providers_css_reaches(page, css):
    own = filter_css(css)
    page.set_content(
        "<html><head><style>"
        + LAYOUT.read_text()
        + own.css
        + FOOTER_GUARD
        + "</style></head><body class='kb-portal'><header class='topbar'>x</header>"
        "<main class='page'>content</main><footer class='footer'>"
        "<p class='legal'>ООО «Альфа», лицензия № 1</p></footer></body></html>"
    )

    legal = page.locator("footer .legal")
    style = legal.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return [s.color, s.fontSize, s.letterSpacing, s.lineHeight]; }"
    )

    ground = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert legal.is_visible()
    assert style[0] not in ("rgba(0, 0, 0, 0)", "transparent", ground)
    assert style[1] == "13.6px"
    assert style[2] == "normal"
    assert legal.bounding_box()["height"] > 10
