import io

import pytest

from connectors.billing.files import ImportRejected, RadiusDetailParser, RowError
from tests.connectors.files.data import NOW

START = """Fri Oct  2 00:25:04 2026
\tUser-Name = "u1"
\tAcct-Session-Id = "0000000a"
\tNAS-IP-Address = 10.0.0.1
\tAcct-Status-Type = Start
\tEvent-Timestamp = "Oct  2 2026 23:50:00 UTC"
\tAcct-Unique-Session-Id = "abc"
"""


def _packet(status: str, at: str, seconds: int, octets: int, words: int = 0) -> str:
    return (
        START.replace("Start", status).replace("Oct  2 2026 23:50:00", at)
        + f"\tAcct-Session-Time = {seconds}\n"
        f"\tAcct-Input-Octets = {octets}\n\tAcct-Input-Gigawords = 0\n"
        f"\tAcct-Output-Octets = {octets}\n\tAcct-Output-Gigawords = {words}\n"
    )


def _file(*packets: str, name: str = "detail-20261002") -> io.BytesIO:
    stream = io.BytesIO("\n".join(packets).encode())
    stream.name = name
    return stream


def _quantities(*files: io.BytesIO) -> dict[str, int]:
    records = RadiusDetailParser(*files, now=NOW).records()
    return {record.source_key.split(":", 3)[3]: int(record.quantity) for record in records}


def test_a_session_crossing_midnight_and_files_is_rebuilt_with_gigawords() -> None:
    day_1 = _file(START)
    day_2 = _file(
        _packet("Interim-Update", "Oct  3 2026 00:50:00", 3600, 10),
        _packet("Stop", "Oct  3 2026 01:00:00", 4200, 5, words=2),
        name="detail-20261003",
    )

    assert _quantities(day_1, day_2) == {"data:in": (2 << 32) + 5, "data:out": 5, "time": 4200}


def test_retransmitted_packets_are_dropped_and_a_late_interim_is_ignored() -> None:
    stop = _packet("Stop", "Oct  3 2026 01:00:00", 4200, 50)
    interim = _packet("Interim-Update", "Oct  3 2026 00:50:00", 3600, 40)

    assert _quantities(_file(START, START, stop, interim, stop)) == {
        "data:in": 50,
        "data:out": 50,
        "time": 4200,
    }


def test_a_session_without_a_stop_stays_open_with_its_last_counters() -> None:
    records = list(
        RadiusDetailParser(
            _file(START, _packet("Interim-Update", "Oct  3 2026 00:50:00", 3600, 40)), now=NOW
        ).records()
    )

    assert {(record.ended_at, record.attributes["open"]) for record in records} == {(None, True)}
    assert [int(record.quantity) for record in records] == [40, 40, 3600]


def test_a_conflicting_retransmission_and_a_packet_after_stop_are_rejected() -> None:
    stop = _packet("Stop", "Oct  3 2026 01:00:00", 4200, 50)
    other = _packet("Stop", "Oct  3 2026 01:00:00", 4200, 51)
    late = _packet("Interim-Update", "Oct  3 2026 02:00:00", 7800, 60)
    stream = _file(START, stop, other, late)

    with pytest.raises(ImportRejected) as rejected:
        list(RadiusDetailParser(stream, now=NOW).records())

    assert rejected.value.errors == (
        RowError(22, "Stop repeated with other counters", "detail-20261002"),
        RowError(
            35,
            "Interim-Update at 2026-10-03T02:00:00+00:00 after the session's Stop",
            "detail-20261002",
        ),
    )


def test_malformed_packets_are_rejected_with_their_lines() -> None:
    stream = _file(
        "\tUser-Name = stray",
        START.replace("Start", "Bogus"),
        START.replace('"Oct  2 2026 23:50:00 UTC"', '"Oct  2 2026 23:50:00 MSK"'),
        START.replace('User-Name = "u1"', "garbage line"),
        _packet("Stop", "Oct  3 2026 01:00:00", 4200, 2**32),
    )

    with pytest.raises(ImportRejected) as rejected:
        list(RadiusDetailParser(stream, now=NOW).records())

    assert [(error.line, error.reason) for error in rejected.value.errors] == [
        (1, "attribute line outside a record (no header line above it)"),
        (2, "Acct-Status-Type: 'Bogus' is not supported"),
        (10, "Event-Timestamp: zone 'MSK' is not UTC; run the server in UTC"),
        (19, "not an 'Attribute = value' line: 'garbage line'"),
        (18, "User-Name: empty"),
        (26, "Acct-Input-Octets: 4294967296 is larger than the limit 4294967295"),
    ]


def test_accounting_on_closes_the_nas_open_sessions() -> None:
    restart = (
        "Sat Oct  3 02:00:00 2026\n\tAcct-Status-Type = Accounting-On\n"
        '\tAcct-Session-Id = "00000000"\n\tNAS-IP-Address = 10.0.0.1\n'
        '\tEvent-Timestamp = "Oct  3 2026 02:00:00 UTC"\n'
    )

    records = list(RadiusDetailParser(_file(START, restart), now=NOW).records())

    assert [int(record.quantity) for record in records] == [0, 0, 7800]
    assert {record.attributes["terminate_cause"] for record in records} == {"NAS-Reboot"}


@pytest.mark.parametrize(
    ("later", "reason"),
    [
        (_packet("Stop", "Oct  2 2026 23:00:00", 100, 50), "Stop before the session's Start"),
        (
            _packet("Stop", "Oct  3 2026 00:00:00", 30000000, 50),
            "Acct-Session-Time 30000000 s is longer than the 600 s since the Start",
        ),
    ],
)
def test_impossible_sessions_are_rejected(later: str, reason: str) -> None:
    with pytest.raises(ImportRejected) as rejected:
        list(RadiusDetailParser(_file(START, later), now=NOW).records())

    assert [error.reason for error in rejected.value.errors] == [reason]


def test_session_time_that_goes_down_is_rejected() -> None:
    interim = _packet("Interim-Update", "Oct  3 2026 00:50:00", 3600, 5000)
    stop = _packet("Stop", "Oct  3 2026 01:00:00", 100, 6000)

    with pytest.raises(ImportRejected) as rejected:
        list(RadiusDetailParser(_file(START, interim, stop), now=NOW).records())

    assert [error.reason for error in rejected.value.errors] == [
        "Stop session time is lower than that of line 9"
    ]
