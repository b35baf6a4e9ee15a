"""The text layout of FreeRADIUS `detail` files: records of tab-indented `Attribute = value`
lines under a ctime header line, separated by blank lines."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from connectors.billing.files.errors import RowProblem

_ATTRIBUTE = re.compile(r"^\s+([A-Za-z0-9][A-Za-z0-9:._-]*)\s*[+:]?=\s*(.*?)\s*$")
# Event-Timestamp as the detail module prints it, e.g. "Oct  2 2026 00:25:02 UTC".
_EVENT_TIME = re.compile(r"^([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{4})\s+(\d{2}:\d{2}:\d{2})\s+(\S+)$")
_UTC_NAMES = {"UTC", "GMT", "Z", "UCT"}


@dataclass(frozen=True)
class DetailRecord:
    """One packet: the line of its header and its attributes (the last value of a repeat)."""

    line: int
    attributes: dict[str, str]


def detail_records(
    lines: Iterator[str], reject: Callable[[int, str], None]
) -> Iterator[DetailRecord]:
    """Group lines into records; stray or malformed lines are rejected."""
    start = 0
    attributes: dict[str, str] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            if start:
                yield DetailRecord(start, attributes)
            start, attributes = 0, {}
        elif not text[0].isspace():
            if start:
                yield DetailRecord(start, attributes)
            start, attributes = number, {}
        elif not start:
            reject(number, "attribute line outside a record (no header line above it)")
        elif match := _ATTRIBUTE.match(text):
            attributes[match.group(1)] = _unquote(match.group(2))
        else:
            reject(number, f"not an 'Attribute = value' line: {text.strip()[:80]!r}")
    if start:
        yield DetailRecord(start, attributes)


def event_time(text: str) -> datetime:
    """Event-Timestamp as printed ("Oct  2 2026 00:25:02 UTC") or as a bare epoch."""
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    match = _EVENT_TIME.match(text)
    if not match:
        raise RowProblem(f"Event-Timestamp: not a time: {text!r}")
    month, day, year, clock, zone = match.groups()
    if zone not in _UTC_NAMES:
        # The server prints its local zone's abbreviation, which cannot be turned into an offset.
        raise RowProblem(f"Event-Timestamp: zone {zone!r} is not UTC; run the server in UTC")
    try:
        moment = datetime.strptime(f"{month} {day} {year} {clock} +0000", "%b %d %Y %H:%M:%S %z")
    except ValueError:
        raise RowProblem(f"Event-Timestamp: not a time: {text!r}") from None
    return moment.astimezone(UTC)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value
