"""Quantities in the units people read: bytes as MB or GB, seconds as minutes or hours.

Usage is stored in the unit its source wrote (bytes, seconds, kWh); rates and pages name their own
units. Conversions are exact Decimal arithmetic; units outside a family are left as they are.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# Each family: unit -> how many base units it holds.
_FAMILIES: tuple[dict[str, int], ...] = (
    {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12},
    {"s": 1, "min": 60, "h": 3600},
)
UNIT_LABELS = {
    "B": _("B"),
    "KB": _("KB"),
    "MB": _("MB"),
    "GB": _("GB"),
    "TB": _("TB"),
    "s": _("s"),
    "min": _("min"),
    "h": _("h"),
    "kWh": _("kWh"),
    "m3": _("m³"),
    "Gcal": _("Gcal"),
    "unit": _("pcs"),
}


def _family(unit: str) -> dict[str, int] | None:
    return next((family for family in _FAMILIES if unit in family), None)


def convert(quantity: Decimal, unit: str, to: str) -> Decimal | None:
    """`quantity` of `unit` in `to`, or None when the two do not measure the same thing."""
    if unit == to:
        return quantity
    family = _family(unit)
    if family is None or to not in family:
        return None
    return quantity * family[unit] / family[to]


@dataclass(frozen=True)
class Readable:
    quantity: Decimal
    unit: str

    @property
    def label(self) -> str:
        return unit_label(self.unit)


def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


def readable(quantity: Decimal, unit: str) -> Readable:
    """The largest unit of the family in which the quantity is at least 1 (1.5 GB, 42 min),
    rounded to two places; other units unchanged."""
    family = _family(unit)
    if family is None:
        return Readable(quantity.quantize(Decimal("0.01")), unit)
    base = quantity * family[unit]
    # Time reads best in minutes up to a few hours.
    candidates = ["s", "min", "h"] if "s" in family else list(family)
    chosen = candidates[0]
    for name in candidates:
        if abs(base) >= family[name]:
            chosen = name
    if "s" in family and chosen == "h" and abs(base) < 10 * 3600:
        chosen = "min"
    return Readable((base / family[chosen]).quantize(Decimal("0.01")), chosen)


METRIC_LABELS = {
    "data": _("Internet traffic"),
    "time": _("Time online"),
    "calls": _("Calls"),
    "energy": _("Electricity"),
    "water": _("Water"),
    "heat": _("Heat"),
    "storage": _("Storage"),
}
DIRECTION_LABELS = {"in": _("received"), "out": _("sent"), "both": ""}


def metric_label(metric: str, direction: str = "") -> str:
    name = str(METRIC_LABELS.get(metric, metric))
    way = str(DIRECTION_LABELS.get(direction, direction))
    return f"{name}, {way}" if way else name
