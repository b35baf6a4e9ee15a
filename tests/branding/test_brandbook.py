"""Brand images: checked by what they hold, stored in the provider's own folder, served only
on its own domain, and only once published."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import schema_context
from PIL import Image

from branding.selectors import brandbook_get
from branding.services import brandbook_publish, brandbook_update
from tests.conftest import host_of

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5"/></svg>'


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def ico() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (32, 32), (200, 16, 46, 255)).save(buffer, "ICO")
    return buffer.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_made_by_hand(width: int, height: int, pixels: bytes | None = b"") -> bytes:
    """A 1-bit PNG whose header says `width` × `height`; `pixels=None` leaves them out."""
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
    if pixels is not None:
        rows = (b"\0" + b"\0" * ((width + 7) // 8)) * height
        body += chunk(b"IDAT", pixels or zlib.compress(rows, 9))
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


def ico_of(*entries: tuple[int, bytes]) -> bytes:
    """An ICO whose directory calls each PNG it holds `side` × `side`."""
    header = struct.pack("<HHH", 0, 1, len(entries))
    offset, directory, data = 6 + 16 * len(entries), b"", b""
    for side, image in entries:
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
        data += image
    return header + directory + data


def svg_with(inner: bytes, attributes: bytes = b"") -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" ' + attributes + b">" + inner + b"</svg>"


BAD_UPLOADS = {
    "a script named .png": ("logo", "evil.png", b"<script>alert(1)</script>"),
    "a page named .svg": ("logo", "evil.svg", b"<html><script>alert(1)</script></html>"),
    "an SVG with a script": ("logo", "a.svg", svg_with(b"<script>alert(1)</script>")),
    "an SVG with an event handler": ("logo", "a.svg", svg_with(b"", b'onload="alert(1)"')),
    "an SVG with a foreign object": (
        "logo",
        "a.svg",
        svg_with(b"<foreignObject><p>hi</p></foreignObject>"),
    ),
    "an SVG loading another file": (
        "logo",
        "a.svg",
        svg_with(b'<use href="https://evil.example/x.svg#a"/>'),
    ),
    "an SVG with an outside image": (
        "logo",
        "a.svg",
        svg_with(b'<image href="https://evil.example/x.png"/>'),
    ),
    "an SVG styled from outside": (
        "logo",
        "a.svg",
        svg_with(b'<rect style="fill: url(https://evil.example/p.svg#x)"/>'),
    ),
    "an SVG style sheet importing": (
        "logo",
        "a.svg",
        svg_with(b"<style>@import url(https://evil.example/a.css);</style>"),
    ),
    "an SVG declaring entities": (
        "logo",
        "a.svg",
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaa">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&a;&a;</text></svg>',
    ),
    "an SVG without its namespace": ("logo", "a.svg", b"<svg><rect/></svg>"),
    "a 50-megapixel image": ("logo", "big.png", png(8660, 5780, mode="1")),
    "a file too large": ("logo", "big.png", png(300, 300) + b"\0" * 600_000),
    "a PNG named .svg": ("logo", "logo.svg", png(40, 40)),
    "a damaged PNG": ("logo", "logo.png", png(40, 40)[:60]),
    "an app icon not square": ("app_icon", "icon.png", png(512, 256)),
    "an app icon too small": ("app_icon", "icon.png", png(64, 64)),
    "a favicon as an SVG script": ("favicon", "f.svg", svg_with(b"<script/>")),
    "a PNG header claiming 20000 × 20000": ("logo", "l.png", png_made_by_hand(20000, 20000, None)),
    "a PNG without pixels": ("logo", "l.png", png_made_by_hand(64, 64, None)),
    "a cut-off PNG header": ("logo", "l.png", b"\x89PNG\r\n\x1a\n\0\0\0\x01IHDR" + b"\0" * 17),
    "an SVG nested 5000 deep": ("logo", "a.svg", svg_with(b"<g>" * 5000 + b"</g>" * 5000)),
    "an SVG styled through an escape": (
        "logo",
        "a.svg",
        svg_with(b'<rect style="fill: \\75rl(https://evil.example/p.svg#x)"/>'),
    ),
    "an SVG importing through an escape": (
        "logo",
        "a.svg",
        svg_with(b'<style>@\\69mport "https://evil.example/a.css";</style>'),
    ),
    "an SVG with an image set": (
        "logo",
        "a.svg",
        svg_with(b'<style>svg{background-image:image-set("https://e.example/a.png" 1x)}</style>'),
    ),
    "an ICO hiding a 900-megapixel image": (
        "favicon",
        "favicon.ico",
        ico_of(
            (64, png(64, 64)),
            (16, png_made_by_hand(30000, 30000, zlib.compress(b"\0" * (3751 * 30000), 9))),
        ),
    ),
    "an empty file": ("favicon", "f.ico", b""),
}


@pytest.mark.parametrize("upload", list(BAD_UPLOADS.values()), ids=list(BAD_UPLOADS))
def test_a_bad_image_is_refused_by_its_field_and_changes_nothing(db, provider_a, upload):
    kind, name, content = upload
    with schema_context(provider_a.schema_name):
        before = brandbook_get()
        storage = before.logo.storage
        files_before = set(storage.listdir("brand")[1]) if storage.exists("brand") else set()

        with pytest.raises(ValidationError) as refused:
            brandbook_update(primary_color="#005aa0", images={kind: (name, content)})

        after = brandbook_get()
        files_after = set(storage.listdir("brand")[1]) if storage.exists("brand") else set()
    assert list(refused.value.message_dict) == [kind]
    assert (after.primary_color, getattr(after, kind).name) == (
        before.primary_color,
        getattr(before, kind).name,
    )
    assert files_after == files_before


def test_an_svg_keeps_its_drawing_and_loses_editor_leftovers(db, provider_a):
    inkscape = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:sodipodi="http://sodipodi.example/ns"'
        b' xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="20"'
        b' sodipodi:docname="logo.svg"><metadata><x/></metadata>'
        b'<defs><linearGradient id="g"><stop offset="0" stop-color="#c8102e"/></linearGradient>'
        b'</defs><rect id="r" width="20" height="20" style="fill: url(#g)"/>'
        b'<use xlink:href="#r"/><sodipodi:namedview/></svg>'
    )
    with schema_context(provider_a.schema_name):
        stored = brandbook_update(images={"logo": ("logo.svg", inkscape)}).logo
        kept = stored.read().decode()

    assert "<metadata" not in kept
    assert "sodipodi" not in kept
    assert 'style="fill: url(#g)"' in kept
    assert 'href="#r"' in kept
    assert 'stop-color="#c8102e"' in kept


def test_images_are_stored_in_the_providers_folder_and_served_once_published(
    db, provider_a, provider_b
):
    with schema_context(provider_a.schema_name):
        brandbook = brandbook_update(
            images={
                "logo": ("alpha.svg", SVG),
                "favicon": ("favicon.ico", ico()),
                "app_icon": ("icon.png", png(512, 512)),
            }
        )
    browser = Client(HTTP_HOST=host_of(provider_a))
    unpublished = browser.get("/brand/logo")
    with schema_context(provider_a.schema_name):
        brandbook_publish(user=None, mode="site")

    logo = browser.get("/brand/logo")
    favicon = browser.get("/brand/favicon")
    manifest = browser.get("/manifest.webmanifest").json()
    page = browser.get("/login").content.decode()

    assert brandbook.logo.path.split("/")[-3] == provider_a.schema_name
    assert unpublished.status_code == 404
    assert (logo.status_code, logo["Content-Type"]) == (200, "image/svg+xml")
    assert logo["Content-Security-Policy"].startswith("default-src 'none'")
    assert favicon["Content-Type"] == "image/x-icon"
    assert manifest["icons"][0]["sizes"] == "512x512"
    assert 'rel="icon" href="/brand/favicon?v=2"' in page
    bravo = Client(HTTP_HOST=host_of(provider_b))
    assert [bravo.get(f"/brand/{name}").status_code for name in ("logo", "favicon", "icon")] == [
        404,
        404,
        404,
    ]
    assert browser.get("/brand/..%2F..%2Fsettings.py").status_code == 404


def test_the_dark_schemes_logo_follows_the_device_or_the_clients_choice(db, provider_a):
    with schema_context(provider_a.schema_name):
        brandbook_update(
            images={"logo": ("light.svg", SVG), "logo_dark": ("dark.svg", SVG)},
        )
        brandbook_publish(user=None, mode="site")
    browser = Client(HTTP_HOST=host_of(provider_a))

    by_device = browser.get("/login").content.decode()
    browser.cookies["kb_theme"] = "dark"
    chosen_dark = browser.get("/login").content.decode()
    browser.cookies["kb_theme"] = "light"
    chosen_light = browser.get("/login").content.decode()

    assert 'media="(prefers-color-scheme: dark)"' in by_device
    assert "/brand/logo-dark" in chosen_dark
    assert "prefers-color-scheme" not in chosen_dark
    assert "/brand/logo-dark" not in chosen_light


def test_a_logo_file_gone_from_disk_is_a_404_not_a_500(db, provider_a):
    with schema_context(provider_a.schema_name):
        logo = brandbook_update(images={"logo": ("gone.svg", SVG)}).logo
        brandbook_publish(user=None, mode="site")
        logo.storage.delete(logo.name)

    assert Client(HTTP_HOST=host_of(provider_a)).get("/brand/logo").status_code == 404


def test_each_portal_has_its_own_web_app_manifest(db, provider_a, provider_b):
    with schema_context(provider_a.schema_name):
        brandbook_update(primary_color="#c8102e", images={"logo": ("logo.svg", SVG)})
        brandbook_publish(user=None, mode="site")

    alpha = Client(HTTP_HOST=host_of(provider_a)).get("/manifest.webmanifest")
    bravo = Client(HTTP_HOST=host_of(provider_b)).get("/manifest.webmanifest")

    assert alpha["Content-Type"] == "application/manifest+json"
    assert (alpha.json()["name"], alpha.json()["theme_color"]) == ("Альфа-Связь", "#c8102e")
    assert alpha.json()["icons"][0]["src"].startswith("/brand/logo?v=")
    assert bravo.json()["name"] == "Bravo Hosting"
    assert bravo.json()["icons"] == []
    page = Client(HTTP_HOST=host_of(provider_a)).get("/login").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
