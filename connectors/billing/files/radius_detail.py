"""FreeRADIUS `detail` files: accounting packets (Start, Interim-Update, Stop) rebuilt into one
set of final counters per session, the same as the radacct row the sql module would hold."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import BinaryIO

from connectors.billing.files.base import UsageParser
from connectors.billing.files.csvrows import decoded_lines
from connectors.billing.files.detail_format import DetailRecord, detail_records, event_time
from connectors.billing.files.errors import RowProblem
from connectors.billing.files.radius import SessionTotals, session_key, session_records
from connectors.billing.files.values import (
    MAX_SESSION_SECONDS,
    check_moment,
    parse_count,
    require_text,
)
from connectors.billing.types import UsageRecordData

_SESSION_PACKETS = {"Start": 0, "Interim-Update": 1, "Alive": 1, "Stop": 2}
_NAS_PACKETS = {"Accounting-On", "Accounting-Off"}
_IGNORED_PACKETS = {"Failed"}
_WORD = 2**32 - 1
_ATTRIBUTES = {
    "Acct-Session-Id": "acct_session_id",
    "Framed-IP-Address": "framed_ip_address",
    "Calling-Station-Id": "calling_station_id",
    "NAS-Port-Id": "nas_port_id",
    "Acct-Terminate-Cause": "terminate_cause",
}


@dataclass(frozen=True)
class Packet:
    line: int
    status: str
    at: datetime
    nas_ip: str
    unique_id: str
    username: str
    session_seconds: int
    input_octets: int
    output_octets: int
    attributes: dict[str, str]

    @property
    def rank(self) -> tuple[datetime, int]:
        # The latest report wins; at the same second a Stop outranks an interim, an interim a Start.
        return self.at, _SESSION_PACKETS[self.status]

    @property
    def counters(self) -> tuple[int, int, int]:
        return self.session_seconds, self.input_octets, self.output_octets


@dataclass
class _Session:
    first: Packet
    last: Packet
    started_at: datetime
    has_start: bool = False
    attributes: dict[str, str] = field(default_factory=dict)


class RadiusDetailParser(UsageParser):
    """Detail files (give every file of the period, oldest first) -> records per session.

    Rules: the session's start is its Start packet's Event-Timestamp (without a Start:
    Event-Timestamp minus Acct-Session-Time of its earliest packet); its counters are those of
    the packet with the latest Event-Timestamp, octets being Gigawords << 32 + Octets. A
    retransmitted packet (same type and Event-Timestamp) is dropped when identical and rejected
    when its counters differ. Accounting-On/Off closes the NAS's open sessions as FreeRADIUS's
    sql module does (NAS-Reboot). Sessions still open after the last file are yielded with
    `ended_at=None`.
    """

    format_name = "radius_detail"

    def __init__(self, *streams: BinaryIO, now: datetime | None = None) -> None:
        super().__init__(*streams, now=now)
        self._open: dict[str, _Session] = {}
        self._closed: dict[str, tuple[datetime, tuple[int, int, int]]] = {}

    def parse_file(self, stream: BinaryIO) -> Iterator[UsageRecordData]:
        for record in detail_records(decoded_lines(stream, self.reject), self.reject):
            try:
                yield from self._take(record)
            except RowProblem as problem:
                self.reject(record.line, problem.reason)

    def finish(self) -> Iterator[UsageRecordData]:
        for session in self._open.values():
            yield from session_records(_totals(session, None), "radius_detail")
        self._open = {}

    def _take(self, record: DetailRecord) -> Iterator[UsageRecordData]:
        status = require_text(record.attributes.get("Acct-Status-Type", ""), "Acct-Status-Type")
        if status in _IGNORED_PACKETS:
            return
        if status in _NAS_PACKETS:
            yield from self._nas_restarted(record)
            return
        if status not in _SESSION_PACKETS:
            raise RowProblem(f"Acct-Status-Type: {status!r} is not supported")
        packet = self._packet(record, status)
        key = session_key(packet.nas_ip, packet.unique_id)
        if key in self._closed:
            self._after_stop(key, packet)
            return
        session = self._remember(key, packet)
        if packet.status == "Stop":
            _check_stop(session, packet)
            del self._open[key]
            self._closed[key] = (packet.at, packet.counters)
            yield from session_records(_totals(session, packet.at), "radius_detail")

    def _remember(self, key: str, packet: Packet) -> _Session:
        session = self._open.get(key)
        if session is None:
            session = self._open[key] = _Session(packet, packet, packet.at)
        elif packet.rank == session.last.rank and packet.counters != session.last.counters:
            raise RowProblem(
                f"{packet.status} at {packet.at.isoformat()} repeats line {session.last.line} "
                "with other counters"
            )
        elif packet.rank > session.last.rank:
            # Session time never goes back. Octets may: a NAS without Gigawords wraps at 4 GiB.
            if packet.session_seconds < session.last.session_seconds:
                raise RowProblem(
                    f"{packet.status} session time is lower than that of line {session.last.line}"
                )
            session.last = packet
        derived_start = packet.at - timedelta(seconds=packet.session_seconds)
        if packet.status == "Start":
            session.started_at, session.has_start = packet.at, True
        elif not session.has_start and derived_start < session.started_at:
            session.started_at = derived_start
        session.attributes.update(packet.attributes)
        return session

    def _after_stop(self, key: str, packet: Packet) -> None:
        stopped_at, counters = self._closed[key]
        if packet.at > stopped_at:
            raise RowProblem(f"{packet.status} at {packet.at.isoformat()} after the session's Stop")
        if packet.status == "Stop" and packet.counters != counters:
            raise RowProblem("Stop repeated with other counters")

    def _nas_restarted(self, record: DetailRecord) -> Iterator[UsageRecordData]:
        at = self._event_time(record)
        nas_ip = require_text(record.attributes.get("NAS-IP-Address", ""), "NAS-IP-Address")
        for key, session in list(self._open.items()):
            if session.first.nas_ip == nas_ip and session.started_at <= at:
                del self._open[key]
                self._closed[key] = (at, session.last.counters)
                session.attributes["Acct-Terminate-Cause"] = "NAS-Reboot"
                yield from session_records(_totals(session, at, reboot=True), "radius_detail")

    def _packet(self, record: DetailRecord, status: str) -> Packet:
        found = record.attributes
        session_id = require_text(found.get("Acct-Session-Id", ""), "Acct-Session-Id")
        return Packet(
            line=record.line,
            status=status,
            at=self._event_time(record),
            nas_ip=require_text(found.get("NAS-IP-Address", ""), "NAS-IP-Address"),
            unique_id=found.get("Acct-Unique-Session-Id", "").strip() or session_id,
            username=require_text(found.get("User-Name", ""), "User-Name"),
            session_seconds=parse_count(
                found.get("Acct-Session-Time", "0"),
                "Acct-Session-Time",
                maximum=MAX_SESSION_SECONDS,
            ),
            input_octets=_octets(found, "Input"),
            output_octets=_octets(found, "Output"),
            attributes={name: found[name] for name in _ATTRIBUTES if found.get(name)},
        )

    def _event_time(self, record: DetailRecord) -> datetime:
        text = require_text(record.attributes.get("Event-Timestamp", ""), "Event-Timestamp")
        return check_moment(event_time(text), "Event-Timestamp", self.now)


# Event-Timestamps come from the NAS clock; a session may seem a little longer than its span.
_CLOCK_SLACK_SECONDS = 300


def _check_stop(session: _Session, stop: Packet) -> None:
    if not session.has_start:
        return
    if stop.at < session.started_at:
        raise RowProblem("Stop before the session's Start")
    span = int((stop.at - session.started_at).total_seconds())
    if stop.session_seconds > span + _CLOCK_SLACK_SECONDS:
        raise RowProblem(
            f"Acct-Session-Time {stop.session_seconds} s is longer than the {span} s "
            "since the Start"
        )


def _octets(found: dict[str, str], direction: str) -> int:
    octets = parse_count(
        found.get(f"Acct-{direction}-Octets", "0"), f"Acct-{direction}-Octets", maximum=_WORD
    )
    words = parse_count(
        found.get(f"Acct-{direction}-Gigawords", "0"), f"Acct-{direction}-Gigawords", maximum=_WORD
    )
    return (words << 32) + octets


def _totals(session: _Session, ended_at: datetime | None, *, reboot: bool = False) -> SessionTotals:
    last = session.last
    seconds = last.session_seconds
    if reboot and ended_at is not None:
        # As FreeRADIUS's accounting_onoff_query: the session lasted until the NAS came back.
        seconds = int((ended_at - session.started_at).total_seconds())
    attributes: dict[str, str | int | bool] = {
        _ATTRIBUTES[name]: value for name, value in session.attributes.items()
    }
    if ended_at is None:
        attributes.pop("terminate_cause", None)
    attributes["open"] = ended_at is None
    return SessionTotals(
        nas_ip=last.nas_ip,
        unique_id=last.unique_id,
        username=session.first.username,
        started_at=session.started_at,
        ended_at=ended_at,
        session_seconds=seconds,
        input_octets=last.input_octets,
        output_octets=last.output_octets,
        attributes=attributes,
    )
