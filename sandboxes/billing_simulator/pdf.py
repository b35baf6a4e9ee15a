"""A small, valid PDF 1.4 built from plain bytes: one page, Helvetica, the document's facts.

The standard Helvetica font has no Cyrillic, so text outside Latin-1 is transliterated or
replaced; the PDF exists to prove the file round trip, not to be a legal document.
"""

from typing import Any

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        # fmt: off
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        # fmt: on
        strict=True,
    )
)


def _latin(text: str) -> str:
    out = []
    for char in text:
        lower = char.lower()
        if lower in _CYRILLIC:
            latin = _CYRILLIC[lower]
            out.append(latin.capitalize() if char != lower else latin)
        elif ord(char) < 256:
            out.append(char)
        else:
            out.append("?")
    return "".join(out)


def _escape(text: str) -> str:
    return _latin(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _lines(document: dict[str, Any]) -> list[str]:
    total = document["total"]
    lines = [
        f"{document['kind'].upper()} No. {document['number']}",
        f"Account: {document['account_id']}",
        f"Issued: {document['issued_at']}",
        f"Status: {document['status']}",
        "",
    ]
    for line in document.get("lines") or []:
        amount = line.get("amount") or {}
        lines.append(
            f"{line.get('description', '')} x {line.get('quantity', '1')}: "
            f"{amount.get('value', '')} {amount.get('currency', '')}"
        )
    lines += ["", f"Total: {total['value']} {total['currency']}"]
    return lines


def _content(document: dict[str, Any]) -> bytes:
    parts = ["BT", "/F1 12 Tf", "16 TL", "56 780 Td"]
    for line in _lines(document):
        parts.append(f"({_escape(line)}) Tj T*")
    parts.append("ET")
    return "\n".join(parts).encode("latin-1")


def document_pdf(document: dict[str, Any]) -> bytes:
    """The document rendered as a one-page PDF."""
    content = _content(document)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
