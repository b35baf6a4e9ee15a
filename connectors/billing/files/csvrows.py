"""CSV reading shared by the formats: encoding, delimiter, header checks, row numbers."""

import csv
from collections.abc import Callable, Iterator
from typing import BinaryIO

from connectors.billing.files.textio import detect_encoding, peek, text_lines

Reject = Callable[[int, str], None]
Row = tuple[int, list[str]]


def decoded_lines(stream: BinaryIO, reject: Reject, encoding: str | None = None) -> Iterator[str]:
    """Lines of `stream` as text; the encoding is detected unless given."""
    head, chunks = peek(stream)
    if encoding is None:
        try:
            encoding = detect_encoding(head)
        except ValueError as error:
            reject(1, str(error))
            return
    bad_lines: list[int] = []
    for text in text_lines(chunks, encoding, bad_lines):
        while bad_lines:
            reject(bad_lines.pop(0), f"not valid {encoding} text")
        yield text


def csv_rows(lines: Iterator[str], reject: Reject, delimiter: str = ",") -> Iterator[Row]:
    """(first line number, fields) for every non-blank row. Broken quoting ends the file."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    start = 1
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                yield start, fields
            start = reader.line_num + 1
    except csv.Error as error:
        reject(reader.line_num or start, f"malformed CSV ({error}); reading stopped here")


def sniff_delimiter(header_line: str) -> str:
    """`;` when the header uses it (spreadsheets in Russian locales save so), else `,`."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def header_index(
    header: list[str], required: frozenset[str], optional: frozenset[str], reject: Reject
) -> dict[str, int] | None:
    """Map column name -> position, or reject the header and return None."""
    names = [name.strip().lower() for name in header]
    problems = []
    missing = sorted(required - set(names))
    if missing:
        problems.append("missing column(s): " + ", ".join(missing))
    unknown = [name for name in names if name not in required | optional]
    if unknown:
        problems.append("unknown column(s): " + ", ".join(repr(name) for name in unknown))
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        problems.append("repeated column(s): " + ", ".join(repeated))
    if problems:
        reject(1, "header: " + "; ".join(problems))
        return None
    return {name: position for position, name in enumerate(names)}


def header_rows(
    stream: BinaryIO,
    reject: Reject,
    required: frozenset[str],
    optional: frozenset[str] = frozenset(),
    *,
    sniff: bool = False,
) -> tuple[str, Iterator[tuple[int, dict[str, str]]]]:
    """The delimiter and the rows of a CSV with a header as (line, {column: value}).

    Rows whose width differs from the header's are rejected, not yielded.
    """
    refused: list[int] = []

    def note(line: int, reason: str) -> None:
        refused.append(line)
        reject(line, reason)

    lines = decoded_lines(stream, note)
    first = next(lines, None)
    if first is None:
        if not refused:  # an undecodable file was already reported
            reject(1, "the file is empty")
        return ",", iter(())
    delimiter = sniff_delimiter(first) if sniff else ","
    return delimiter, _mapped(
        csv_rows(_prepend(first, lines), reject, delimiter), required, optional, reject
    )


def _mapped(
    rows: Iterator[Row], required: frozenset[str], optional: frozenset[str], reject: Reject
) -> Iterator[tuple[int, dict[str, str]]]:
    header = next(rows, None)
    index = header_index(header[1], required, optional, reject) if header else None
    if index is None:
        return
    for line, fields in rows:
        if len(fields) != len(index):
            reject(line, f"{len(fields)} columns, the header has {len(index)}")
            continue
        yield line, {name: fields[position] for name, position in index.items()}


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest
