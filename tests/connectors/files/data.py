"""Where the demo's real-format files are, and the expected totals read from them."""

import csv
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from connectors.billing.types import Direction, UsageRecordData

DATA = Path(__file__).resolve().parents[3] / "deploy" / "demo" / "data"
FREERADIUS = DATA / "freeradius"
ASTERISK = DATA / "asterisk"
DETAIL_FILES = sorted((FREERADIUS / "detail" / "127.0.0.1").glob("detail-*"))
# The day after the simulated period ended: nothing in the data is "in the future".
NOW = datetime(2026, 12, 3, tzinfo=UTC)


def expected_daily() -> dict[tuple[str, str], tuple[int, int, int, int]]:
    with (FREERADIUS / "expected_daily_totals.csv").open(newline="") as file:
        return {
            (row["username"], row["day"]): (
                int(row["sessions"]),
                int(row["input_octets"]),
                int(row["output_octets"]),
                int(row["session_seconds"]),
            )
            for row in csv.DictReader(file)
        }


def expected_sessions() -> dict[tuple[str, str], tuple[str, str, str, int, int, int]]:
    """(nas ip, session id) -> (user, start, stop, seconds, input octets, output octets)."""
    with (FREERADIUS / "expected_sessions.csv").open(newline="") as file:
        return {
            (row["nas_ip_address"], row["acct_session_id"]): (
                row["username"],
                row["start_utc"],
                row["stop_utc"],
                int(row["session_seconds"]),
                int(row["input_octets"]),
                int(row["output_octets"]),
            )
            for row in csv.DictReader(file)
        }


def daily_totals(records: Iterable[UsageRecordData]) -> dict[tuple[str, str], tuple[int, ...]]:
    """Records summed per user and UTC start day, in the expected file's columns."""
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for record in records:
        row = totals[(record.account_ref, record.started_at.date().isoformat())]
        if record.metric == "time":
            row[0] += 1
            row[3] += int(record.quantity)
        elif record.direction is Direction.OUT:
            row[1] += int(record.quantity)
        else:
            row[2] += int(record.quantity)
    return {key: tuple(values) for key, values in totals.items()}


def session_totals(records: Iterable[UsageRecordData]) -> dict[tuple[str, str], tuple]:
    """Records folded back into one row per session, in expected_sessions' columns."""
    found: dict[tuple[str, str], dict] = defaultdict(dict)
    for record in records:
        nas_ip = record.source_key.split(":")[1]
        session = found[(nas_ip, record.attributes["acct_session_id"])]
        session["user"] = record.account_ref
        session["start"] = record.started_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        session["stop"] = record.ended_at.strftime("%Y-%m-%dT%H:%M:%SZ") if record.ended_at else ""
        name = record.metric if record.direction is None else f"data_{record.direction}"
        session[name] = int(record.quantity)
    return {
        key: (s["user"], s["start"], s["stop"], s["time"], s["data_out"], s["data_in"])
        for key, s in found.items()
    }
