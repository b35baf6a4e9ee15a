from datetime import UTC, datetime
from decimal import Decimal

from connectors.billing.files import RadacctCsvParser, RadiusDetailParser
from connectors.billing.types import Direction
from tests.connectors.files.data import (
    DETAIL_FILES,
    FREERADIUS,
    NOW,
    daily_totals,
    expected_daily,
    expected_sessions,
    session_totals,
)


def _radacct_records() -> list:
    with (FREERADIUS / "radacct.csv").open("rb") as file:
        return list(RadacctCsvParser(file, now=NOW).records())


def _detail_records() -> list:
    files = [path.open("rb") for path in DETAIL_FILES]
    try:
        return list(RadiusDetailParser(*files, now=NOW).records())
    finally:
        for file in files:
            file.close()


def test_radacct_daily_totals_match_exactly() -> None:
    assert daily_totals(_radacct_records()) == expected_daily()


def test_radacct_sessions_match_exactly() -> None:
    assert session_totals(_radacct_records()) == expected_sessions()


def test_detail_daily_totals_match_exactly() -> None:
    assert len(DETAIL_FILES) == 60
    assert daily_totals(_detail_records()) == expected_daily()


def test_detail_sessions_match_exactly() -> None:
    assert session_totals(_detail_records()) == expected_sessions()


def test_radacct_and_detail_give_the_same_records_under_the_same_keys() -> None:
    radacct = {record.source_key: record for record in _radacct_records()}
    detail = {record.source_key: record for record in _detail_records()}

    assert radacct.keys() == detail.keys()
    assert len(radacct) == 3 * 3626
    mismatched = [
        key
        for key, record in radacct.items()
        if (record.quantity, record.started_at, record.ended_at, record.attributes)
        != (
            detail[key].quantity,
            detail[key].started_at,
            detail[key].ended_at,
            detail[key].attributes,
        )
    ]
    assert mismatched == []


def test_a_session_maps_to_download_upload_and_time_records() -> None:
    records = [r for r in _radacct_records() if "ffab9f31e9362bbb4d27a761a11ca9de" in r.source_key]

    assert [(r.source_key, r.metric, r.unit, r.direction, r.quantity) for r in records] == [
        (
            "radius:10.255.0.3:ffab9f31e9362bbb4d27a761a11ca9de:data:in",
            "data",
            "B",
            Direction.IN,
            Decimal(620230894),
        ),
        (
            "radius:10.255.0.3:ffab9f31e9362bbb4d27a761a11ca9de:data:out",
            "data",
            "B",
            Direction.OUT,
            Decimal(144376618),
        ),
        (
            "radius:10.255.0.3:ffab9f31e9362bbb4d27a761a11ca9de:time",
            "time",
            "s",
            None,
            Decimal(2976),
        ),
    ]
    assert {r.account_ref for r in records} == {"u10036"}
    assert {r.started_at for r in records} == {datetime(2026, 10, 2, 0, 25, 2, tzinfo=UTC)}
    assert {r.ended_at for r in records} == {datetime(2026, 10, 2, 1, 14, 38, tzinfo=UTC)}
    assert {r.source_type for r in records} == {"radacct"}


def test_open_sessions_have_no_end() -> None:
    open_sessions = {r.source_key for r in _radacct_records() if r.ended_at is None}

    assert len(open_sessions) == 17 * 3
