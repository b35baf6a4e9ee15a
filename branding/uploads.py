"""Brand images and fonts as uploaded by provider staff, checked by what they contain, not by
their names.

A PNG, WebP or ICO must decode as one, within size and pixel limits (so a decompression bomb is
refused before it is decoded). An SVG is parsed without DTDs or entities; a script, an event
handler, a foreign object or a reference to anything outside the file refuses it, with what was
found; harmless editor leftovers (comments, metadata, unknown namespaces) are dropped, and what
was dropped is reported.
"""

import io
import re
import warnings
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, register_namespace, tostring

from defusedxml import ElementTree as SafeXml
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from PIL import Image

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MAX_PIXELS = 4096 * 4096
MAX_SVG_DEPTH = 64
register_namespace("", SVG_NS)  # written back as plain <svg xmlns="…">, not ns0:svg
# Drawing elements an SVG logo needs; anything else is dropped or, if dangerous, refused.
SVG_ELEMENTS = frozenset(
    {
        "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
        "tspan", "defs", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "use",
        "symbol", "title", "desc", "pattern", "style",
    }
)  # fmt: skip
SVG_DANGEROUS = frozenset({"script", "foreignObject", "iframe", "embed", "object", "image"})
SVG_ATTRIBUTES = frozenset(
    {
        "id", "class", "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx",
        "fy", "width", "height", "viewBox", "points", "transform", "fill", "fill-rule",
        "fill-opacity", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
        "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity",
        "opacity", "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
        "spreadMethod", "clip-path", "clip-rule", "mask", "font-family", "font-size",
        "font-weight", "font-style", "text-anchor", "dominant-baseline", "letter-spacing",
        "preserveAspectRatio", "version", "href", "patternUnits", "patternTransform",
        "maskUnits", "clipPathUnits", "display", "visibility", "color", "style",
    }
)  # fmt: skip


FONT_FORMATS = ("woff2", "woff", "ttf", "otf")


@dataclass(frozen=True)
class Kind:
    """What an upload is for: the formats it may be in, its largest size in bytes, and its
    smallest side in pixels (raster images)."""

    formats: tuple[str, ...]
    max_bytes: int
    min_side: int = 0
    square: bool = False


KINDS = {
    "logo": Kind(("svg", "png", "webp"), 512 * 1024),
    "logo_dark": Kind(("svg", "png", "webp"), 512 * 1024),
    "favicon": Kind(("ico", "png", "svg"), 128 * 1024),
    "app_icon": Kind(("png",), 512 * 1024, min_side=192, square=True),
    "own_font_regular": Kind(FONT_FORMATS, 1024 * 1024),
    "own_font_bold": Kind(FONT_FORMATS, 1024 * 1024),
}


@dataclass(frozen=True)
class CheckedImage:
    content: bytes
    extension: str
    width: int = 0
    height: int = 0
    dropped: list[str] = field(default_factory=list)  # what was taken out of an SVG
    family: str = ""  # a font's family name, as the font itself gives it


def checked_image(kind: str, name: str, content: bytes) -> CheckedImage:
    """The upload as it may be stored, or a ValidationError saying why not."""
    rules = KINDS[kind]
    if not content:
        raise ValidationError(_("The file is empty."))
    if len(content) > rules.max_bytes:
        raise ValidationError(
            _("The file may take up to %(size)s KB.") % {"size": rules.max_bytes // 1024}
        )
    found = _format_of(content)
    if found is None or found not in rules.formats:
        raise ValidationError(
            _("Upload an image in one of these formats: %(formats)s.")
            % {"formats": ", ".join(format_.upper() for format_ in rules.formats)}
        )
    named = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if named and named != found:
        raise ValidationError(
            _("The file is named .%(named)s but holds a %(found)s image.")
            % {"named": named, "found": found.upper()}
        )
    if found == "svg":
        return _checked_svg(content)
    if found in FONT_FORMATS:
        return _checked_font(content, found)
    if found == "ico":
        _check_ico_entries(content)
    return _checked_raster(content, found, rules)


def _format_of(content: bytes) -> str | None:
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    if content[:4] == b"\x00\x00\x01\x00":
        return "ico"
    fonts = {b"wOF2": "woff2", b"wOFF": "woff", b"\x00\x01\x00\x00": "ttf", b"OTTO": "otf"}
    if content[:4] in fonts:
        return fonts[content[:4]]
    head = content[:1024].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in content[:4096]:
        return "svg"
    return None


def _checked_raster(content: bytes, format_: str, rules: Kind) -> CheckedImage:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The image is %(width)s × %(height)s pixels; %(most)s at most.")
                    % {"width": width, "height": height, "most": "4096 × 4096"}
                )
            image.verify()
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 (crafted files make Pillow raise all kinds of errors)
        raise ValidationError(_("The image is damaged or not what it says it is.")) from None
    if rules.square and width != height:
        raise ValidationError(_("The icon must be square."))
    if min(width, height) < rules.min_side:
        raise ValidationError(
            _("The icon must be at least %(side)s × %(side)s pixels.") % {"side": rules.min_side}
        )
    return CheckedImage(content, format_, width, height)


def _check_ico_entries(content: bytes) -> None:
    """Every image an ICO holds, not only the largest one Pillow looks at, is at most 256 × 256:
    a browser may show any of them."""
    damaged = ValidationError(_("The image is damaged or not what it says it is."))
    if len(content) < 6:
        raise damaged
    count = int.from_bytes(content[4:6], "little")
    if not 1 <= count <= 64 or len(content) < 6 + 16 * count:
        raise damaged
    for number in range(count):
        entry = content[6 + 16 * number : 22 + 16 * number]
        size = int.from_bytes(entry[8:12], "little")
        offset = int.from_bytes(entry[12:16], "little")
        data = content[offset : offset + size]
        if len(data) != size or size < 24:
            raise damaged
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            width, height = (int.from_bytes(data[i : i + 4], "big") for i in (16, 20))
        else:  # a BMP without its file header: BITMAPINFOHEADER width and double height
            width = abs(int.from_bytes(data[4:8], "little", signed=True))
            height = abs(int.from_bytes(data[8:12], "little", signed=True)) // 2
        if not (1 <= width <= 256 and 1 <= height <= 256):
            raise ValidationError(
                _("An icon in the file is %(width)s × %(height)s pixels; 256 × 256 at most.")
                % {"width": width, "height": height}
            )


def _checked_font(content: bytes, format_: str) -> CheckedImage:
    """A font file fontTools can read, with the tables a browser needs, and its family name."""
    try:
        font = TTFont(io.BytesIO(content), lazy=False)
        missing = {"cmap", "head", "hhea", "hmtx", "maxp", "name"} - set(font.keys())
        family = str(font["name"].getBestFamilyName() or "") if not missing else ""
    except Exception:  # noqa: BLE001 (fontTools raises many kinds of errors on crafted files)
        raise ValidationError(_("The font file is damaged or not a font.")) from None
    if missing:
        raise ValidationError(_("The font file lacks tables every font has."))
    family = re.sub(r"[^A-Za-z0-9 \-]", "", family).strip()[:60] or "Brand"
    return CheckedImage(content, format_, family=family)


def _checked_svg(content: bytes) -> CheckedImage:
    try:
        root = SafeXml.fromstring(content, forbid_dtd=True)
    except (DefusedXmlException, SafeXml.ParseError, ValueError):
        raise ValidationError(
            _("The SVG cannot be read safely (it is malformed, or declares entities).")
        ) from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValidationError(
            _('The SVG lacks its namespace: its root must be <svg xmlns="%(namespace)s">.')
            % {"namespace": SVG_NS}
        )
    dropped: list[str] = []
    _clean(root, dropped, depth=0)
    cleaned = tostring(root, encoding="unicode")
    return CheckedImage(cleaned.encode(), "svg", dropped=sorted(set(dropped)))


def _clean(element: Element, dropped: list[str], depth: int) -> None:
    if depth > MAX_SVG_DEPTH:
        raise ValidationError(_("The SVG is nested too deeply to be a logo."))
    for child in list(element):
        name = _local(child.tag) if isinstance(child.tag, str) else "comment"
        if name in SVG_DANGEROUS:
            raise ValidationError(
                _("The SVG holds <%(element)s>, which could run or load something.")
                % {"element": name}
            )
        if name not in SVG_ELEMENTS or _namespace(child.tag) != SVG_NS:
            dropped.append(f"<{name}>")
            element.remove(child)
            continue
        if name == "style":
            _refuse_outside_references(child.text or "")
        _clean(child, dropped, depth + 1)
    for attribute, value in list(element.attrib.items()):
        name = _local(attribute)
        if name.lower().startswith("on"):
            raise ValidationError(
                _("The SVG has an event handler (%(name)s), which runs script.") % {"name": name}
            )
        if name == "href" and not value.startswith("#"):
            raise ValidationError(
                _("The SVG refers to %(target)s outside itself.") % {"target": value[:60]}
            )
        _refuse_outside_references(value)
        if name not in SVG_ATTRIBUTES or _namespace(attribute) not in ("", XLINK_NS):
            dropped.append(name)
            del element.attrib[attribute]
        elif _namespace(attribute) == XLINK_NS:
            del element.attrib[attribute]
            element.set("href", value)


def _refuse_outside_references(text: str) -> None:
    """Style text may point only inside the file: url(#id), nothing loaded, nothing run. CSS
    escapes could spell anything, and a logo needs none, so any backslash refuses it."""
    compact = "".join(text.split()).lower()
    if "\\" in compact:
        raise ValidationError(_("The SVG's styles use escapes; write them out plainly."))
    urls = compact.split("url(")[1:]
    if any(not target.lstrip("'\"").startswith("#") for target in urls):
        raise ValidationError(_("The SVG refers to something outside itself (url(…))."))
    loading = ("@import", "expression(", "javascript:", "image-set(", "image(", "src(", "element(")
    if any(marker in compact for marker in loading):
        raise ValidationError(_("The SVG's styles import or run something."))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
