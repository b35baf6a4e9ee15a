"""Kabinet's meter readings CSV: cumulative readings -> consumption between two readings."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import BinaryIO

from connectors.billing.files.base import UsageParser
from connectors.billing.files.csvrows import header_rows
from connectors.billing.files.errors import RowProblem
from connectors.billing.files.values import (
    check_moment,
    parse_decimal,
    parse_timestamp,
    require_text,
)
from connectors.billing.types import UsageRecordData

REQUIRED = frozenset({"meter_id", "reading_at", "metric", "unit", "reading"})
OPTIONAL = frozenset({"account_ref", "comment"})
UNITS = {"energy": "kWh", "water": "m3", "heat": "Gcal"}
# The most one meter can plausibly register between two readings; more is a typo or a rollover.
MAX_CONSUMPTION = {"kWh": Decimal(10**8), "m3": Decimal(10**7), "Gcal": Decimal(10**6)}
MAX_READING = Decimal(10**12)


@dataclass(frozen=True)
class Reading:
    """A cumulative meter value at a moment; also how callers pass the last stored reading."""

    at: datetime
    value: Decimal


class MeterReadingsParser(UsageParser):
    """Readings, each meter's in time order -> one record per pair of consecutive readings.

    A meter's first reading in the import is only a baseline unless `baselines` (meter_id ->
    its last reading already stored) gives the one before it. `time_zone` reads times written
    without an offset; without it such times are refused.
    """

    format_name = "meter_readings_csv"

    def __init__(
        self,
        *streams: BinaryIO,
        now: datetime | None = None,
        baselines: Mapping[str, Reading] | None = None,
        time_zone: tzinfo | None = None,
    ) -> None:
        super().__init__(*streams, now=now)
        self.baselines = dict(baselines or {})
        self.time_zone = time_zone
        self._last: dict[str, tuple[Reading, str, int]] = {}

    def parse_file(self, stream: BinaryIO) -> Iterator[UsageRecordData]:
        delimiter, rows = header_rows(stream, self.reject, REQUIRED, OPTIONAL, sniff=True)
        for line, row in rows:
            try:
                record = self._step(line, row, decimal_comma=delimiter == ";")
            except RowProblem as problem:
                self.reject(line, problem.reason)
                continue
            if record is not None and self.is_new(record.source_key, (record.quantity,), line):
                yield record

    def _step(
        self, line: int, row: dict[str, str], *, decimal_comma: bool
    ) -> UsageRecordData | None:
        meter = require_text(row["meter_id"], "meter_id")
        metric, unit = _metric_unit(row)
        reading = Reading(
            at=check_moment(
                parse_timestamp(row["reading_at"], "reading_at", assume=self.time_zone),
                "reading_at",
                self.now,
            ),
            value=_reading_value(row["reading"], decimal_comma),
        )
        previous = self._previous(meter, metric, line)
        self._last[meter] = (reading, metric, line)
        if previous is None:
            return None
        return self._consumption(meter, metric, unit, previous, reading, row)

    def _previous(self, meter: str, metric: str, line: int) -> Reading | None:
        if meter not in self._last:
            return self.baselines.get(meter)
        reading, known_metric, _ = self._last[meter]
        if known_metric != metric:
            raise RowProblem(f"meter {meter} was {known_metric} above, now {metric}")
        return reading

    def _consumption(
        self,
        meter: str,
        metric: str,
        unit: str,
        previous: Reading,
        reading: Reading,
        row: dict[str, str],
    ) -> UsageRecordData | None:
        if reading.at == previous.at and reading.value == previous.value:
            return None  # the same reading again
        if reading.at <= previous.at:
            raise RowProblem(
                f"reading_at is not after the meter's previous reading ({previous.at})"
            )
        used = reading.value - previous.value
        if used < 0:
            raise RowProblem(
                f"reading {reading.value} is below the previous {previous.value}; "
                "a replaced meter needs a new meter_id"
            )
        if used > MAX_CONSUMPTION[unit]:
            raise RowProblem(f"consumption {used} {unit} is implausibly large")
        return UsageRecordData(
            source_key=f"meter:{meter}:{metric}:{reading.at.isoformat()}",
            account_ref=row.get("account_ref", "").strip() or meter,
            metric=metric,
            unit=unit,
            quantity=used,
            started_at=previous.at,
            ended_at=reading.at,
            source_type="meter_reading",
            attributes={"meter_id": meter, "reading": str(reading.value)},
        )


def _metric_unit(row: dict[str, str]) -> tuple[str, str]:
    metric = row["metric"].strip().lower()
    unit = row["unit"].strip()
    if metric not in UNITS:
        raise RowProblem(f"metric: {metric!r} is not one of {', '.join(UNITS)}")
    if unit.lower() != UNITS[metric].lower():
        raise RowProblem(f"unit: {metric} is measured in {UNITS[metric]}, not {unit!r}")
    return metric, UNITS[metric]


def _reading_value(text: str, decimal_comma: bool) -> Decimal:
    value = parse_decimal(text, "reading", decimal_comma=decimal_comma)
    if value < 0 or value > MAX_READING:
        raise RowProblem(f"reading: {value} is out of range 0..{MAX_READING}")
    return value
