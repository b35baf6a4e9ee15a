"""Guessing an exchange file's format from its first bytes and its name."""

import csv
import re
from pathlib import PurePath

from connectors.billing.files.asterisk_layouts import guess_layout, is_header
from connectors.billing.files.textio import CP1251, detect_encoding

_CTIME = re.compile(r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$")
_HEADERS = (
    ({"acctuniqueid", "acctsessionid", "acctinputoctets"}, "radacct_csv"),
    ({"meter_id", "reading_at", "reading"}, "meter_readings_csv"),
    ({"account_id", "contract_number", "balance"}, "accounts_csv"),
)


def detect_format(first_bytes: bytes, filename: str = "") -> str | None:
    """The registry name of the format the file seems to be in, or None when unsure.

    Give the first few kilobytes. Content decides; the name only settles a detail file whose
    head was cut too short to show its first record.
    """
    lines = _head_lines(first_bytes)
    if not lines:
        return "radius_detail" if PurePath(filename).name.startswith("detail-") else None
    first = lines[0].strip()
    if _CTIME.match(first) and len(lines) > 1 and lines[1].startswith(("\t", " ")):
        return "radius_detail"
    fields = next(
        csv.reader([lines[0]], delimiter=";" if first.count(";") > first.count(",") else ","), []
    )
    names = {field.strip().lower() for field in fields}
    for wanted, name in _HEADERS:
        if wanted <= names:
            return name
    if is_header(fields) or guess_layout(next(csv.reader([lines[0]]), [])):
        return "asterisk_cdr"
    return None


def _head_lines(first_bytes: bytes) -> list[str]:
    try:
        encoding = detect_encoding(first_bytes)
    except ValueError:
        return []
    # Decoding leniently: the head may end inside a character, and CDRs carry raw bytes.
    text = first_bytes.decode("utf-8" if encoding != CP1251 else CP1251, errors="replace")
    lines = text.lstrip("\ufeff").splitlines()
    if len(lines) > 1 and not first_bytes.endswith((b"\n", b"\r")):
        lines.pop()  # the last line is cut
    return [line for line in lines if line.strip()]
