"""Screenshots of the demo providers' home pages, as their clients see them, into
docs/screenshots/: each provider at 360 and 1280 px wide, light, and at 360 px dark.

Run it while `make demo` is running: `make screenshots`. It drives Chromium (Debian's
`chromium` package) through Playwright.
"""

import os
import shutil
import sys
from pathlib import Path
from typing import Literal

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "demo-password-1"
# (file name's prefix, portal host, a client of it)
PORTALS = (
    ("demo-svyaz", "svyaz.localhost", "client@svyaz.example"),
    ("demo-alpine", "alpine.localhost", "accounts@alpine.example"),
)
SHOTS: tuple[tuple[int, Literal["light", "dark"]], ...] = (
    (360, "light"),
    (1280, "light"),
    (360, "dark"),
)


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def main() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("Chromium is not installed (Debian: apt-get install chromium)", file=sys.stderr)
        return 1
    port = os.environ.get("KABINET_PORT", "8000")
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        for prefix, host, email in PORTALS:
            base = f"http://{host}:{port}"
            for width, scheme in SHOTS:
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, color_scheme=scheme
                )
                page = context.new_page()
                try:
                    _log_in(page, base, email)
                except Exception as error:  # noqa: BLE001 (said plainly, not as a trace)
                    print(f"{base} did not answer ({error}); is `make demo` running?")
                    return 1
                page.goto(f"{base}/")
                if "/legal/accept" in page.url:  # the demo's texts, accepted as a client would
                    page.check("input[name=accept]")
                    page.locator("main form button[type=submit]").first.click()
                    page.wait_for_load_state()
                name = f"{prefix}-home-{width}{'-dark' if scheme == 'dark' else ''}.png"
                page.screenshot(path=str(OUT / name), full_page=True)
                print(f"docs/screenshots/{name}")
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
