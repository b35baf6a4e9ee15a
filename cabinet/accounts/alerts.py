"""Alerts clients set for themselves: "balance below X", "this month's usage of a metric above Y".
Checked after every sync; each fires at most once a month, as a notice on the account."""

from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from cabinet.accounts.models import (
    NOTICE_ALERT,
    AccountAccess,
    AlertKind,
    ClientAlert,
    Notice,
)
from cabinet.units import convert
from cabinet.usage.models import UsageDaily

MAX_ALERTS_PER_ACCOUNT = 20


class AlertRefused(Exception):
    pass


def client_alert_create(
    *, access: AccountAccess, kind: str, threshold: Decimal, series: str = "", unit: str = ""
) -> ClientAlert:
    if ClientAlert.objects.filter(account=access.account, user=access.user).count() >= (
        MAX_ALERTS_PER_ACCOUNT
    ):
        raise AlertRefused("too many alerts")
    return ClientAlert.objects.create(
        user=access.user,
        account=access.account,
        kind=AlertKind(kind),
        threshold=threshold,
        series=series if kind == AlertKind.USAGE_ABOVE else "",
        unit=unit if kind == AlertKind.USAGE_ABOVE else "",
    )


def _month_usage(alerts: list[ClientAlert], since: date) -> dict[tuple[int, str], Any]:
    """This month's totals of every series the alerts name (one query)."""
    accounts = {alert.account_id for alert in alerts if alert.kind == AlertKind.USAGE_ABOVE}
    if not accounts:
        return {}
    rows = (
        UsageDaily.objects.filter(account_id__in=accounts, day__gte=since)
        .values_list("account_id", "metric", "direction", "unit")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    return {
        (account_id, f"{metric}:{direction}:{unit}"): total
        for account_id, metric, direction, unit, total in rows
    }


@transaction.atomic
def alerts_check(*, time_zone: str) -> int:
    """Leave a notice for every alert whose threshold is crossed and that has not fired this
    month; returns how many fired."""
    today = timezone.now().astimezone(ZoneInfo(time_zone)).date()
    month = today.strftime("%Y-%m")
    alerts = list(
        ClientAlert.objects.exclude(fired_for=month)
        .select_related("account")
        .select_for_update(of=("self",))
    )
    usage = _month_usage(alerts, today.replace(day=1))
    fired = []
    for alert in alerts:
        account = alert.account
        if alert.kind == AlertKind.BALANCE_BELOW:
            crossed = account.balance < alert.threshold
            data = {
                "alert": alert.kind,
                "threshold": str(alert.threshold),
                "value": str(account.balance),
                "currency": account.currency,
            }
        else:
            stored_unit = alert.series.rsplit(":", 1)[-1]
            total = usage.get((account.pk, alert.series), Decimal(0))
            value = convert(total, stored_unit, alert.unit) if alert.unit else total
            crossed = value is not None and value > alert.threshold
            data = {
                "alert": alert.kind,
                "threshold": str(alert.threshold),
                "value": str((value or Decimal(0)).quantize(Decimal("0.01"))),
                "unit": alert.unit or stored_unit,
                "series": alert.series,
            }
        if crossed:
            alert.fired_for = month
            fired.append(alert)
            Notice.objects.create(account=account, kind=NOTICE_ALERT, data=data)
    ClientAlert.objects.bulk_update(fired, ["fired_for"])
    return len(fired)
