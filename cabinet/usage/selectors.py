"""Consumption over time, read from the daily rollups (never from raw records)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from cabinet.services.models import Subscription
from cabinet.units import convert, metric_label, readable, unit_label
from cabinet.usage.models import UsageDaily

GRAINS = ("day", "week", "month")
DEFAULT_SPAN = {"day": 30, "week": 7 * 12, "month": 365}


@dataclass(frozen=True)
class Series:
    """One metric of an account, as stored: e.g. data received in bytes."""

    metric: str
    direction: str
    unit: str

    @property
    def key(self) -> str:
        return f"{self.metric}:{self.direction}:{self.unit}"

    @property
    def label(self) -> str:
        return metric_label(self.metric, self.direction)


@dataclass(frozen=True)
class Bucket:
    start: date
    quantity: Decimal  # in the chart's display unit
    share: int  # 0-100, of the largest bucket, for drawing

    @property
    def gap(self) -> int:
        return 100 - self.share


@dataclass(frozen=True)
class UsageChart:
    series: Series
    grain: str
    since: date
    until: date
    unit: str  # display unit: the readable unit of the largest bucket
    unit_label: str
    buckets: list[Bucket]
    total: Decimal


@dataclass(frozen=True)
class MeteredService:
    """A service of the account whose own usage is known (its identifier named the records)."""

    id: int
    label: str


def usage_services_of(account: Any) -> list[MeteredService]:
    """The account's services with usage of their own (one query)."""
    metered = UsageDaily.objects.filter(account=account, subscription__isnull=False).values(
        "subscription_id"
    )
    services = (
        Subscription.objects.filter(account=account, id__in=metered)
        .select_related("plan")
        .order_by("started_at", "id")
    )
    return [MeteredService(service.id, _service_label(service)) for service in services]


def _service_label(service: Subscription) -> str:
    names = [str(value) for value in service.identifiers.values() if value]
    return f"{service.plan.name} · {names[0]}" if names else service.plan.name


def usage_series_of(account: Any, subscription_id: int | None = None) -> list[Series]:
    """What was measured on the account, or on one of its services."""
    rows = UsageDaily.objects.filter(account=account)
    if subscription_id is not None:
        rows = rows.filter(subscription_id=subscription_id)
    # What was used most recently comes first (the page opens on it), then the rest by name.
    found = (
        rows.values_list("metric", "direction", "unit")
        .annotate(last_used=Max("day", filter=Q(quantity__gt=0)))
        .order_by(F("last_used").desc(nulls_last=True), "metric", "direction", "unit")
    )
    return [Series(metric, direction, unit) for metric, direction, unit, _used in found]


def bucket_start(day: date, grain: str) -> date:
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def _bucket_starts(since: date, until: date, grain: str) -> list[date]:
    starts, current = [], bucket_start(since, grain)
    while current <= until:
        starts.append(current)
        if grain == "day":
            current += timedelta(days=1)
        elif grain == "week":
            current += timedelta(weeks=1)
        else:
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return starts


def usage_chart(
    *,
    account: Any,
    series: Series,
    grain: str,
    since: date,
    until: date,
    subscription_id: int | None = None,
) -> UsageChart:
    """Totals per day, week (from Monday) or month of the provider's calendar, of the whole
    account or of one service; one query over the rollups, however long the period."""
    rows = UsageDaily.objects.filter(
        account=account,
        metric=series.metric,
        direction=series.direction,
        unit=series.unit,
        day__gte=since,
        day__lte=until,
    )
    if subscription_id is not None:
        rows = rows.filter(subscription_id=subscription_id)
    if grain == "day":
        totals = dict(rows.values_list("day").annotate(total=Sum("quantity")).order_by())
    else:
        trunc = TruncWeek("day") if grain == "week" else TruncMonth("day")
        grouped = rows.annotate(start=trunc).values_list("start").annotate(total=Sum("quantity"))
        totals = dict(grouped.order_by())
    starts = _bucket_starts(since, until, grain)
    raw = [totals.get(start, Decimal(0)) for start in starts]
    largest = max(raw, default=Decimal(0))
    unit = readable(largest, series.unit).unit if largest else series.unit
    shown = [
        (convert(value, series.unit, unit) or value).quantize(Decimal("0.01")) for value in raw
    ]
    top = max(shown, default=Decimal(0))
    buckets = [
        Bucket(start, value, int(value * 100 / top) if top else 0)
        for start, value in zip(starts, shown, strict=True)
    ]
    total = (convert(sum(raw, Decimal(0)), series.unit, unit) or Decimal(0)).quantize(
        Decimal("0.01")
    )
    return UsageChart(series, grain, since, until, unit, unit_label(unit), buckets, total)
