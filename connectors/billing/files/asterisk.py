"""Asterisk CDR `Master.csv` (cdr_csv, or the legacy cdr_custom mapping) -> call records."""

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import BinaryIO

from connectors.billing.files.asterisk_layouts import (
    DISPOSITIONS,
    KNOWN_COLUMNS,
    LAYOUTS,
    REQUIRED_COLUMNS,
    columns_for,
    guess_layout,
    is_header,
)
from connectors.billing.files.base import UsageParser
from connectors.billing.files.csvrows import csv_rows, header_index
from connectors.billing.files.errors import RowProblem
from connectors.billing.files.textio import UTF8, peek, text_lines
from connectors.billing.files.values import (
    MAX_CALL_SECONDS,
    check_moment,
    parse_count,
    require_text,
)
from connectors.billing.types import UsageRecordData

_TIME_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


class AsteriskCdrParser(UsageParser):
    """CDR rows -> one `calls` record per CDR (a leg, not a whole call), quantity = billsec.

    `layout` is "cdr_csv" or "cdr_custom"; without it a header row decides, or else the column
    count and where the times and the disposition sit. `time_zone` is the zone the PBX wrote its
    times in (UTC unless `usegmtime` was off on a server in another zone). By default only
    ANSWERED records with billsec > 0 become records; `answered_only=False` yields every CDR.
    Every row is checked either way. Bytes that are not UTF-8 (trunks send raw caller names) are
    replaced; a replaced byte in a field the record needs rejects the row.
    """

    format_name = "asterisk_cdr"

    def __init__(
        self,
        *streams: BinaryIO,
        now: datetime | None = None,
        layout: str | None = None,
        time_zone: tzinfo = UTC,
        answered_only: bool = True,
    ) -> None:
        if layout is not None and layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}")
        super().__init__(*streams, now=now)
        self.layout = layout
        self.time_zone = time_zone
        self.answered_only = answered_only

    def parse_file(self, stream: BinaryIO) -> Iterator[UsageRecordData]:
        _, chunks = peek(stream)
        rows = csv_rows(text_lines(chunks, UTF8), self.reject)
        columns: tuple[str, ...] | None = None
        for line, fields in rows:
            if columns is None:
                columns = self._columns(line, fields)
                if columns is None:
                    return
                if is_header(fields):
                    continue
            if len(fields) != len(columns):
                self.reject(line, f"{len(fields)} columns, expected {len(columns)}")
                continue
            yield from self._row(line, dict(zip(columns, fields, strict=True)))

    def _columns(self, line: int, fields: list[str]) -> tuple[str, ...] | None:
        if is_header(fields):
            index = header_index(fields, REQUIRED_COLUMNS, KNOWN_COLUMNS, self.reject)
            return tuple(sorted(index, key=index.__getitem__)) if index else None
        layout = self.layout or guess_layout(fields)
        columns = columns_for(layout, fields) if layout else None
        if columns is None:
            wanted = f"the {layout} layout" if layout else "any known CDR layout"
            self.reject(line, f"{len(fields)} columns do not fit {wanted}; reading stopped")
        return columns

    def _row(self, line: int, row: dict[str, str]) -> Iterator[UsageRecordData]:
        try:
            record = self._record(row)
        except RowProblem as problem:
            self.reject(line, problem.reason)
            return
        wanted = record.attributes["disposition"] == "ANSWERED" and record.quantity > 0
        values = (
            record.account_ref,
            record.quantity,
            record.started_at,
            record.ended_at,
            record.attributes["disposition"],
            record.attributes["dst"],
        )
        if not self.is_new(record.source_key, values, line) or (self.answered_only and not wanted):
            return
        try:
            # Only a record that is kept must say whom to bill: unanswered calls may hide src.
            require_text(record.account_ref, "accountcode or src")
        except RowProblem as problem:
            self.reject(line, problem.reason)
            return
        yield record

    def _record(self, row: dict[str, str]) -> UsageRecordData:
        disposition = row["disposition"].strip()
        if disposition not in DISPOSITIONS:
            raise RowProblem(f"disposition: unknown {disposition!r}")
        started = self._time(row, "start")
        ended = self._time(row, "end")
        if ended < started:
            raise RowProblem("end is before start")
        billsec = parse_count(row["billsec"], "billsec", maximum=MAX_CALL_SECONDS)
        if "duration" in row and billsec > parse_count(
            row["duration"], "duration", maximum=MAX_CALL_SECONDS
        ):
            raise RowProblem("billsec is larger than duration")
        if row.get("answer", "").strip():
            self._time(row, "answer")
        account_code = row.get("accountcode", "").strip()
        return UsageRecordData(
            source_key=_key(row, started),
            account_ref=(account_code or row["src"]).strip(),
            metric="calls",
            unit="s",
            quantity=Decimal(billsec),
            started_at=started,
            ended_at=ended,
            source_type="asterisk_csv",
            attributes=_attributes(row, disposition),
        )

    def _time(self, row: dict[str, str], field: str) -> datetime:
        text = row[field].strip()
        try:
            local = datetime.fromisoformat(text) if _TIME_FORMAT.fullmatch(text) else None
        except ValueError:
            local = None
        if local is None:
            raise RowProblem(f"{field}: not a YYYY-MM-DD HH:MM:SS time: {text!r}")
        moment = local.replace(tzinfo=self.time_zone).astimezone(UTC)
        return check_moment(moment, field, self.now)


def _key(row: dict[str, str], started: datetime) -> str:
    uniqueid, sequence = row.get("uniqueid", "").strip(), row.get("sequence", "").strip()
    if uniqueid and sequence:
        # uniqueid repeats across the legs of a forked Dial; sequence tells the CDRs apart.
        return f"asterisk:{uniqueid}:{sequence}"
    # Older layouts lack one of them: the channel pair at a start second names one leg.
    parts = "|".join(
        (
            started.isoformat(),
            row.get("channel", ""),
            row.get("dstchannel", ""),
            uniqueid,
            row["src"],
            row["dst"],
        )
    )
    return "asterisk:" + hashlib.sha256(parts.encode()).hexdigest()[:32]


def _attributes(row: dict[str, str], disposition: str) -> dict[str, str]:
    found = {"disposition": disposition, "dst": row["dst"].strip()}
    for name in ("linkedid", "uniqueid", "dcontext", "answer"):
        if row.get(name, "").strip():
            found[name] = row[name].strip()
    return found
