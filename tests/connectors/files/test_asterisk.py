import csv
import io
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from connectors.billing.files import AsteriskCdrParser, ImportRejected, RowError
from connectors.billing.files.asterisk_layouts import guess_layout
from tests.connectors.files.data import ASTERISK, NOW

MOSCOW = timezone(timedelta(hours=3))
ZONES = {"Master.csv": UTC, "Master-custom-layout.csv": MOSCOW}


def _records(name: str, **options) -> list:
    with (ASTERISK / name).open("rb") as file:
        return list(AsteriskCdrParser(file, now=NOW, time_zone=ZONES[name], **options).records())


def _expected() -> dict[tuple[str, str, str], tuple[int, int]]:
    with (ASTERISK / "expected_billsec.csv").open(newline="") as file:
        return {
            (row["file"], row["src"], row["day"]): (
                int(row["answered_records"]),
                int(row["billsec"]),
            )
            for row in csv.DictReader(file)
        }


def test_answered_records_and_billsec_per_file_src_and_day_match_exactly() -> None:
    found: Counter = Counter()
    billsec: Counter = Counter()
    for name, zone in ZONES.items():
        for record in _records(name, answered_only=False):
            if record.attributes["disposition"] == "ANSWERED":
                # The expected day is the start as written, i.e. in the PBX's zone.
                key = (
                    name,
                    record.account_ref,
                    record.started_at.astimezone(zone).date().isoformat(),
                )
                found[key] += 1
                billsec[key] += int(record.quantity)

    assert {key: (found[key], billsec[key]) for key in found} == _expected()


def test_by_default_only_answered_records_with_billsec_become_records() -> None:
    records = _records("Master.csv")

    assert len(records) == 30
    assert sum(record.quantity for record in records) == Decimal(884)
    assert {record.attributes["disposition"] for record in records} == {"ANSWERED"}


def test_every_record_is_kept_when_asked() -> None:
    assert len(_records("Master.csv", answered_only=False)) == 84
    assert len(_records("Master-custom-layout.csv", answered_only=False)) == 14


def test_a_cdr_maps_to_a_calls_record() -> None:
    first = _records("Master.csv")[0]

    assert first.source_key == "asterisk:1706368044.0:0"
    assert (first.account_ref, first.metric, first.unit, first.quantity) == (
        "89990000001", "calls", "s", Decimal(27),
    )  # fmt: skip
    assert first.started_at == datetime(2024, 1, 27, 15, 7, 24, tzinfo=UTC)
    assert first.ended_at == datetime(2024, 1, 27, 15, 7, 51, tzinfo=UTC)
    assert first.attributes == {
        "disposition": "ANSWERED",
        "dst": "200001",
        "linkedid": "1706368044.0",
        "uniqueid": "1706368044.0",
        "dcontext": "stadion-pstn",
        "answer": "2024-01-27 15:07:24",
    }


def test_custom_layout_times_are_converted_from_the_pbx_zone_to_utc() -> None:
    first = _records("Master-custom-layout.csv")[0]

    assert first.started_at == datetime(2023, 7, 25, 22, 51, 32, tzinfo=UTC)
    assert first.source_key == "asterisk:1690325492.2:2"


def test_layouts_are_told_apart_by_shape() -> None:
    with (ASTERISK / "Master.csv").open(encoding="latin-1", newline="") as file:
        plain = next(csv.reader(file))
    with (ASTERISK / "Master-custom-layout.csv").open(newline="") as file:
        custom = next(csv.reader(file))

    assert (len(plain), guess_layout(plain)) == (21, "cdr_csv")
    assert (len(custom), guess_layout(custom)) == (19, "cdr_custom")
    assert guess_layout(plain[:16]) == "cdr_csv"
    assert guess_layout(plain[:17]) == "cdr_csv"
    assert guess_layout(["a", "b", "c"]) is None


def test_a_header_row_names_the_columns() -> None:
    content = (
        b"src,dst,start,end,billsec,disposition,uniqueid,sequence\n"
        b"301,200,2024-01-27 15:07:24,2024-01-27 15:07:51,27,ANSWERED,1706368044.0,0\n"
    )

    records = list(AsteriskCdrParser(io.BytesIO(content), now=NOW).records())

    assert [(r.source_key, r.account_ref, r.quantity) for r in records] == [
        ("asterisk:1706368044.0:0", "301", Decimal(27))
    ]


def test_the_given_layout_wins_and_a_misfit_rejects_the_file() -> None:
    with (ASTERISK / "Master.csv").open("rb") as file:
        parser = AsteriskCdrParser(file, now=NOW, layout="cdr_custom")
        with pytest.raises(ImportRejected) as rejected:
            list(parser.records())

    assert rejected.value.errors == (
        RowError(1, "21 columns do not fit the cdr_custom layout; reading stopped", file.name),
    )


def test_accountcode_is_the_account_when_set() -> None:
    row = '"acct-7","301","200","ctx","","SIP/a","SIP/b","Dial","","2024-01-27 15:07:24",'
    row += '"2024-01-27 15:07:30","2024-01-27 15:07:51",27,21,"ANSWERED","DOCUMENTATION"\n'

    records = list(AsteriskCdrParser(io.BytesIO(row.encode()), now=NOW).records())

    assert [(r.account_ref, r.quantity) for r in records] == [("acct-7", Decimal(21))]
