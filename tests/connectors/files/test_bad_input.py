import io

import pytest

from connectors.billing.files import (
    MAX_ERRORS,
    AsteriskCdrParser,
    ImportRejected,
    RadacctCsvParser,
    RowError,
)
from tests.connectors.files.data import FREERADIUS, NOW

with (FREERADIUS / "radacct.csv").open("rb") as _file:
    HEADER, ROW_1, ROW_2 = _file.read().split(b"\n")[:3]


def _stream(*lines: bytes) -> io.BytesIO:
    stream = io.BytesIO(b"\n".join(lines) + b"\n")
    stream.name = "radacct.csv"
    return stream


def _replace(row: bytes, column: int, value: bytes) -> bytes:
    fields = row.split(b",")
    fields[column] = value
    return b",".join(fields)


def _rejected(parser) -> tuple[list, tuple[RowError, ...]]:
    """What the generator yielded before it raised, and the errors it raised with."""
    yielded: list = []
    with pytest.raises(ImportRejected) as rejected:
        yielded.extend(parser.records())
    return yielded, rejected.value.errors


def _radacct(*lines: bytes) -> tuple[list, tuple[RowError, ...]]:
    return _rejected(RadacctCsvParser(_stream(*lines), now=NOW))


def test_a_good_row_then_a_bad_one_yields_only_the_good_rows_records_and_rejects() -> None:
    yielded, errors = _radacct(HEADER, ROW_1, _replace(ROW_2, 12, b"12x"))

    assert len(yielded) == 3  # the caller's transaction rolls these back
    assert errors == (
        RowError(3, "acctsessiontime: not a non-negative integer: '12x'", "radacct.csv"),
    )


def test_nothing_is_yielded_after_the_first_problem() -> None:
    yielded, errors = _radacct(HEADER, _replace(ROW_1, 16, b"-5"), ROW_2)

    assert yielded == []
    assert errors == (
        RowError(2, "acctinputoctets: not a non-negative integer: '-5'", "radacct.csv"),
    )


def test_wrong_column_count() -> None:
    _, errors = _radacct(HEADER, ROW_1 + b",extra")

    assert errors == (RowError(2, "30 columns, the header has 29", "radacct.csv"),)


def test_missing_and_unknown_header_columns() -> None:
    header = HEADER.replace(b"acctinputoctets", b"acctinputbytes")

    _, errors = _radacct(header, ROW_1)

    assert errors == (
        RowError(
            1,
            "header: missing column(s): acctinputoctets; unknown column(s): 'acctinputbytes'",
            "radacct.csv",
        ),
    )


def test_unparseable_date_and_dates_out_of_range() -> None:
    _, errors = _radacct(
        HEADER,
        _replace(ROW_1, 8, b"yesterday"),
        _replace(ROW_2, 8, b"1999-12-31 23:59:59+00"),
        _replace(ROW_2, 8, b"2026-12-05 00:00:00+00"),
        _replace(ROW_2, 8, b"2026-10-02 00:00:00"),
    )

    assert [(error.line, error.reason) for error in errors] == [
        (2, "acctstarttime: not a date-time: 'yesterday'"),
        (3, "acctstarttime: 1999-12-31T23:59:59+00:00 is before 2000"),
        (4, "acctstarttime: 2026-12-05T00:00:00+00:00 is in the future"),
        (5, "acctstarttime: no time zone offset in '2026-10-02 00:00:00'"),
    ]


def test_absurd_quantities() -> None:
    _, errors = _radacct(
        HEADER,
        _replace(ROW_1, 17, str(2**64).encode()),
        _replace(ROW_2, 12, str(400 * 86400 + 1).encode()),
    )

    assert [(error.line, error.reason) for error in errors] == [
        (2, f"acctoutputoctets: {2**64} is larger than the limit {2**64 - 1}"),
        (3, "acctsessiontime: 34560001 is larger than the limit 34560000"),
    ]


def test_exact_duplicate_rows_are_dropped() -> None:
    records = list(RadacctCsvParser(_stream(HEADER, ROW_1, ROW_1, ROW_2), now=NOW).records())

    assert len(records) == 6
    assert len({record.source_key for record in records}) == 6


def test_the_same_session_with_other_values_is_rejected() -> None:
    _, errors = _radacct(HEADER, ROW_1, _replace(ROW_1, 16, b"1"))

    assert errors == (
        RowError(
            3,
            "radius:10.255.0.3:ffab9f31e9362bbb4d27a761a11ca9de appears again with other "
            "values (first at line 2)",
            "radacct.csv",
        ),
    )


def test_broken_quoting_stops_the_file() -> None:
    _, errors = _radacct(HEADER, ROW_1.replace(b'""', b'"', 1))

    assert len(errors) == 1
    assert errors[0].reason.startswith("malformed CSV")


def test_errors_are_capped() -> None:
    bad = _replace(ROW_1, 12, b"x")

    _, errors = _rejected(RadacctCsvParser(_stream(HEADER, *[bad] * 500), now=NOW))

    assert len(errors) == MAX_ERRORS
    assert errors[-1].line == MAX_ERRORS + 1


def test_cap_marks_the_rejection_truncated() -> None:
    bad = _replace(ROW_1, 12, b"x")
    with pytest.raises(ImportRejected) as rejected:
        list(RadacctCsvParser(_stream(HEADER, *[bad] * 500), now=NOW).records())

    assert rejected.value.truncated is True


def test_empty_file() -> None:
    _, errors = _rejected(RadacctCsvParser(io.BytesIO(b""), now=NOW))

    assert errors == (RowError(1, "the file is empty", "file 1"),)


def test_utf16_is_refused() -> None:
    content = "\ufeff" + HEADER.decode() + "\n"

    _, errors = _rejected(RadacctCsvParser(io.BytesIO(content.encode("utf-16")), now=NOW))

    assert [error.reason for error in errors] == [
        "not a text file (UTF-16 or binary); save it as UTF-8 or Windows-1251"
    ]


def test_cdr_problems_are_reported_per_row() -> None:
    good = (
        b'"","301","200","ctx","","SIP/a","SIP/b","Dial","","2024-01-27 15:07:24",'
        b'"2024-01-27 15:07:30","2024-01-27 15:07:51",27,21,"ANSWERED","DOCUMENTATION"'
    )
    rows = [
        good,
        good.replace(b"ANSWERED", b"MAYBE"),
        good.replace(b"27,21", b"27,99"),
        good.replace(b'"2024-01-27 15:07:51"', b'"2024-01-27 15:07:00"'),
        good.replace(b'"301"', b'""'),
        good + b',"x"',
        good.replace(b"2024-01-27 15:07:24", b"27.01.2024 15:07"),
    ]

    _, errors = _rejected(AsteriskCdrParser(io.BytesIO(b"\n".join(rows)), now=NOW))

    assert [(error.line, error.reason) for error in errors] == [
        (2, "disposition: unknown 'MAYBE'"),
        (3, "billsec is larger than duration"),
        (4, "end is before start"),
        (5, "accountcode or src: empty"),
        (6, "17 columns, expected 16"),
        (7, "start: not a YYYY-MM-DD HH:MM:SS time: '27.01.2024 15:07'"),
    ]


def test_identifiers_too_long_to_store_are_refused_with_their_row() -> None:
    import csv
    import io as textio

    from connectors.billing.files import RadacctCsvParser
    from tests.connectors.files.data import FREERADIUS, NOW

    with (FREERADIUS / "radacct.csv").open(newline="") as source:
        reader = csv.reader(source)
        header, row = next(reader), next(reader)
    row[header.index("username")] = "u" * 200
    content = textio.StringIO()
    csv.writer(content).writerows([header, row])

    with pytest.raises(ImportRejected) as rejected:
        list(RadacctCsvParser(io.BytesIO(content.getvalue().encode()), now=NOW).records())

    (error,) = rejected.value.errors
    assert (error.line, error.reason) == (2, "username: longer than 128 characters")
