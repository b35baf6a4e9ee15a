"""FreeRADIUS `radacct` table exported as CSV with a header (PostgreSQL `COPY ... CSV HEADER`
or MySQL/`psql --csv` equivalents): one row per session with its latest counters."""

from collections.abc import Iterator
from typing import BinaryIO

from connectors.billing.files.base import UsageParser
from connectors.billing.files.csvrows import header_rows
from connectors.billing.files.errors import RowProblem
from connectors.billing.files.radius import SessionTotals, session_key, session_records
from connectors.billing.files.values import (
    MAX_OCTETS,
    MAX_SESSION_SECONDS,
    check_moment,
    parse_count,
    parse_timestamp,
    require_text,
)
from connectors.billing.types import UsageRecordData

REQUIRED = frozenset(
    {
        "acctsessionid", "acctuniqueid", "username", "nasipaddress", "acctstarttime",
        "acctstoptime", "acctsessiontime", "acctinputoctets", "acctoutputoctets",
    }
)  # fmt: skip
# Every other column FreeRADIUS 2.x/3.x schemas have had; anything else is not a radacct export.
OPTIONAL = frozenset(
    {
        "radacctid", "groupname", "realm", "nasportid", "nasporttype", "acctupdatetime",
        "acctinterval", "acctauthentic", "connectinfo_start", "connectinfo_stop",
        "calledstationid", "callingstationid", "acctterminatecause", "servicetype",
        "framedprotocol", "framedipaddress", "framedipv6address", "framedipv6prefix",
        "framedinterfaceid", "delegatedipv6prefix", "class", "acctstartdelay",
        "acctstopdelay", "xascendsessionsvrkey",
    }
)  # fmt: skip
# Copied into attributes when present and not empty.
_ATTRIBUTES = {
    "acctsessionid": "acct_session_id",
    "framedipaddress": "framed_ip_address",
    "callingstationid": "calling_station_id",
    "nasportid": "nas_port_id",
    "acctterminatecause": "terminate_cause",
}


class RadacctCsvParser(UsageParser):
    """radacct rows -> download, upload and time records per session (see docs/usage-formats.md).

    A session without `acctstoptime` is still open: its records carry `ended_at=None` and the
    latest interim counters, and a later import of the same session updates them by key.
    """

    format_name = "radacct_csv"

    def parse_file(self, stream: BinaryIO) -> Iterator[UsageRecordData]:
        _, rows = header_rows(stream, self.reject, REQUIRED, OPTIONAL)
        for line, row in rows:
            try:
                totals = self._session(row)
            except RowProblem as problem:
                self.reject(line, problem.reason)
                continue
            values = (
                totals.username,
                totals.started_at,
                totals.ended_at,
                totals.session_seconds,
                totals.input_octets,
                totals.output_octets,
            )
            if self.is_new(session_key(totals.nas_ip, totals.unique_id), values, line):
                yield from session_records(totals, "radacct")

    def _session(self, row: dict[str, str]) -> SessionTotals:
        started = check_moment(
            parse_timestamp(row["acctstarttime"], "acctstarttime"), "acctstarttime", self.now
        )
        ended = None
        if row["acctstoptime"].strip():
            ended = check_moment(
                parse_timestamp(row["acctstoptime"], "acctstoptime"), "acctstoptime", self.now
            )
            if ended < started:
                raise RowProblem("acctstoptime is before acctstarttime")
        unique_id = row["acctuniqueid"].strip() or require_text(
            row["acctsessionid"], "acctsessionid"
        )
        return SessionTotals(
            nas_ip=require_text(row["nasipaddress"], "nasipaddress"),
            unique_id=unique_id,
            username=require_text(row["username"], "username"),
            started_at=started,
            ended_at=ended,
            session_seconds=parse_count(
                row["acctsessiontime"] or "0", "acctsessiontime", maximum=MAX_SESSION_SECONDS
            ),
            input_octets=parse_count(
                row["acctinputoctets"] or "0", "acctinputoctets", maximum=MAX_OCTETS
            ),
            output_octets=parse_count(
                row["acctoutputoctets"] or "0", "acctoutputoctets", maximum=MAX_OCTETS
            ),
            attributes=_attributes(row, is_open=ended is None),
        )


def _attributes(row: dict[str, str], *, is_open: bool) -> dict[str, str | int | bool]:
    found: dict[str, str | int | bool] = {
        name: row[column].strip()
        for column, name in _ATTRIBUTES.items()
        if row.get(column, "").strip()
    }
    found["open"] = is_open
    return found
