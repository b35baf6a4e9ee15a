"""What a RADIUS accounting session becomes, shared by the radacct and detail parsers.

Both produce the same three records with the same keys for one session, so a session imported
from radacct and again from detail files is one set of rows.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from connectors.billing.types import Direction, UsageRecordData


@dataclass(frozen=True)
class SessionTotals:
    """A session's final counters, as the NAS last reported them."""

    nas_ip: str
    unique_id: str  # Acct-Unique-Session-Id (acctuniqueid), or Acct-Session-Id without one
    username: str
    started_at: datetime
    ended_at: datetime | None  # None while the session has no Stop
    session_seconds: int
    input_octets: int  # from the subscriber: upload
    output_octets: int  # to the subscriber: download
    attributes: dict[str, str | int | bool] = field(default_factory=dict)


def session_key(nas_ip: str, unique_id: str) -> str:
    """The stem every record key of one session shares."""
    return f"radius:{nas_ip}:{unique_id}"


def session_records(totals: SessionTotals, source_type: str) -> tuple[UsageRecordData, ...]:
    """Download, upload and time of one session, in that order."""
    stem = session_key(totals.nas_ip, totals.unique_id)
    common = {
        "account_ref": totals.username,
        "started_at": totals.started_at,
        "ended_at": totals.ended_at,
        "source_type": source_type,
        "attributes": dict(totals.attributes),
    }
    return (
        UsageRecordData(
            source_key=f"{stem}:data:in",
            metric="data",
            unit="B",
            quantity=Decimal(totals.output_octets),
            direction=Direction.IN,
            **common,  # type: ignore[arg-type]
        ),
        UsageRecordData(
            source_key=f"{stem}:data:out",
            metric="data",
            unit="B",
            quantity=Decimal(totals.input_octets),
            direction=Direction.OUT,
            **common,  # type: ignore[arg-type]
        ),
        UsageRecordData(
            source_key=f"{stem}:time",
            metric="time",
            unit="s",
            quantity=Decimal(totals.session_seconds),
            **common,  # type: ignore[arg-type]
        ),
    )
