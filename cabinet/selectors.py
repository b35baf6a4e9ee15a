"""What a client's home page shows, read in a fixed number of queries whatever the data."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet.accounts.models import (
    NOTICE_ALERT,
    NOTICE_PLAN_CHANGED_ELSEWHERE,
    AccountAccess,
    AccountStatus,
    AlertKind,
    Capability,
    Notice,
)
from cabinet.accounts.selectors import BalanceView, account_balance
from cabinet.announcements.models import Announcement
from cabinet.catalog.models import Plan
from cabinet.documents.models import Document
from cabinet.payments.services import top_ups_open
from cabinet.services.changes import (
    ChangeState,
    change_modes_of,
    promise_open_of,
    promised_payment_state,
    service_change_states,
    writable_connection,
)
from cabinet.services.models import Subscription, SubscriptionStatus
from cabinet.sync.connection import NotConfigured, billing_connector
from cabinet.sync.models import OutboxMessage
from cabinet.templatetags.cabinet import money, quantity
from cabinet.units import Readable, convert, metric_label, readable, unit_label
from cabinet.usage.models import UsageDaily
from connectors.billing.base import BillingConnector
from tenants.models import DataMode, Provider
from tenants.presets import Module

CENTS = Decimal("0.01")
LATEST_DOCUMENTS = 5
LATEST_NOTICES = 10


@dataclass(frozen=True)
class UsageTotal:
    metric: str
    direction: str
    amount: Readable

    @property
    def label(self) -> str:
        return metric_label(self.metric, self.direction)


@dataclass(frozen=True)
class NoticeView:
    created_at: datetime
    text: str


@dataclass(frozen=True)
class Forecast:
    """This period's charges at the current pace, and the day the money runs out at it."""

    period_charges: Decimal
    daily_spend: Decimal
    runs_out_on: date | None  # None: the money lasts beyond the period, or nothing is charged
    already_out: bool


@dataclass(frozen=True)
class HomeOverview:
    access: AccountAccess
    balance: BalanceView | None
    subscriptions: list[Subscription]
    usage: list[UsageTotal]
    documents: list[Document]
    notices: list[NoticeView]
    announcements: list[Announcement]
    forecast: Forecast | None
    period_start: date
    changes: dict[str, ChangeState]  # by subscription external id
    changeable: set[int]  # subscriptions the client may switch to another tariff
    promise_open: bool  # the client may ask for a promised payment now
    promise_state: OutboxMessage | None  # one waiting for billing or refused lately
    pay_open: bool  # the client can top up online here


def period_start(today: date) -> date:
    return today.replace(day=1)


def home_overview(*, access: AccountAccess, provider: Provider) -> HomeOverview:
    account = access.account
    zone = ZoneInfo(provider.time_zone)
    today = timezone.now().astimezone(zone).date()
    start = period_start(today)
    sees_money = access.can(Capability.MONEY)
    sees_services = access.can(Capability.SERVICES)
    modules = set(provider.modules)

    subscriptions = list(
        account.subscriptions.exclude(status=SubscriptionStatus.ENDED).select_related(
            "plan", "scheduled_plan"
        )
    )
    daily = (
        list(
            UsageDaily.objects.filter(account=account, day__gte=start, day__lte=today)
            .values("metric", "unit", "direction")
            .annotate(total=Sum("quantity"))
            .order_by("metric", "direction", "unit")
        )
        if Module.USAGE in modules or sees_money
        else []
    )
    # Self-service changes go to the billing connection; one lookup serves them all.
    connection = writable_connection() if Module.SELF_SERVICE in modules else None
    balance = None
    forecast = None
    if sees_money:
        balance = account_balance(
            account=account, provider=provider, connector=_live_connector(provider)
        )
        promise = (
            (account.promised_amount, account.promised_until.astimezone(zone).date())
            if account.promise_running
            and account.promised_amount is not None
            and account.promised_until is not None
            else None
        )
        forecast = _forecast(balance, account.credit_limit, subscriptions, daily, today, promise)
    return HomeOverview(
        access=access,
        balance=balance,
        subscriptions=subscriptions if sees_services else [],
        usage=[
            UsageTotal(row["metric"], row["direction"], readable(row["total"], row["unit"]))
            for row in daily
        ]
        if sees_services and Module.USAGE in modules
        else [],
        documents=list(account.documents.order_by("-issued_at")[:LATEST_DOCUMENTS])
        if sees_money and Module.DOCUMENTS in modules
        else [],
        notices=notice_views(
            list(account.notices.filter(read_at__isnull=True)[:LATEST_NOTICES]), access
        ),
        announcements=announcements_for(access=access, subscriptions=subscriptions),
        forecast=forecast,
        period_start=start,
        changes=service_change_states(subscriptions) if sees_services else {},
        changeable=_changeable(subscriptions, change_modes_of(connection))
        if sees_services
        else set(),
        promise_open=promise_open_of(connection)
        and sees_money
        and not account.promise_running
        and account.status != AccountStatus.CLOSED,
        promise_state=promised_payment_state(account) if connection and sees_money else None,
        pay_open=sees_money and Module.PAYMENTS in modules and top_ups_open() is not None,
    )


def _changeable(subscriptions: list[Subscription], modes: list[str]) -> set[int]:
    """Services with another tariff open to clients (one query for the catalog side)."""
    if not subscriptions or not modes:
        return set()
    open_plans = set(
        Plan.objects.filter(self_service=True).values_list("service_type", "currency", "pk")
    )
    return {
        subscription.id
        for subscription in subscriptions
        if subscription.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED)
        and any(
            (kind, currency) == (subscription.plan.service_type, subscription.plan.currency)
            and pk != subscription.plan_id
            for kind, currency, pk in open_plans
        )
    }


def notice_views(notices: list[Notice], access: AccountAccess) -> list[NoticeView]:
    """Notices in words, those the user's role may read (tariffs for who sees services, money
    for who sees money); plan names are looked up in one query for all of them."""
    notices = [notice for notice in notices if _may_read(notice, access)]
    plan_ids = {
        notice.data.get(key)
        for notice in notices
        if notice.kind == NOTICE_PLAN_CHANGED_ELSEWHERE
        for key in ("before", "after")
    }
    names = dict(Plan.objects.filter(external_id__in=plan_ids).values_list("external_id", "name"))
    views = []
    for notice in notices:
        if notice.kind == NOTICE_PLAN_CHANGED_ELSEWHERE:
            before, after = notice.data.get("before"), notice.data.get("after")
            text = _("Your tariff was changed at the office: %(before)s → %(after)s.") % {
                "before": names.get(before, before),
                "after": names.get(after, after),
            }
            views.append(NoticeView(notice.created_at, text))
        elif notice.kind == NOTICE_ALERT:
            views.append(NoticeView(notice.created_at, _alert_text(notice.data)))
    return views


def _may_read(notice: Notice, access: AccountAccess) -> bool:
    if notice.kind == NOTICE_PLAN_CHANGED_ELSEWHERE:
        return access.can_services
    if notice.kind == NOTICE_ALERT:
        about_money = notice.data.get("alert") == AlertKind.BALANCE_BELOW
        return access.can_money if about_money else access.can_services
    return True


def _alert_text(data: dict) -> str:
    if data.get("alert") == AlertKind.BALANCE_BELOW:
        currency = data.get("currency", "")
        return _("The balance is %(value)s, below the %(threshold)s you set.") % {
            "value": money(Decimal(data["value"]), currency),
            "threshold": money(Decimal(data["threshold"]), currency),
        }
    metric, direction, _unit = (data.get("series", "") + "::").split(":")[:3]
    return _("%(what)s this month: %(value)s %(unit)s, above the %(threshold)s you set.") % {
        "what": metric_label(metric, direction),
        "value": quantity(Decimal(data["value"])),
        "unit": unit_label(data.get("unit", "")),
        "threshold": quantity(Decimal(data["threshold"])),
    }


def announcements_for(
    *, access: AccountAccess, subscriptions: list[Subscription]
) -> list[Announcement]:
    """Announcements showing now that target everyone, the account's kind of client, or a plan
    the account has."""
    now = timezone.now()
    plan_ids = {subscription.plan_id for subscription in subscriptions}
    return list(
        Announcement.objects.filter(starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(
            Q(audience_holder_kind="") | Q(audience_holder_kind=access.account.holder_kind),
            Q(audience_plan__isnull=True) | Q(audience_plan__in=plan_ids),
        )[:10]
    )


def _live_connector(provider: Provider) -> BillingConnector | None:
    if provider.data_mode != DataMode.LIVE:
        return None
    try:
        # A client is waiting: one short try, then the mirror.
        return billing_connector(timeout=2.0, retries=0)
    except NotConfigured:
        return None


def _forecast(
    balance: BalanceView,
    credit_limit: Decimal,
    subscriptions: list[Subscription],
    daily: list[dict],
    today: date,
    promise: tuple[Decimal, date] | None = None,
) -> Forecast | None:
    """Monthly fees of the active services plus metered usage so far, projected to the month's
    end; daily fees count as thirty days' worth. Usage in a unit the rate cannot be converted to
    is left out rather than guessed. A running promised payment (amount, day it is taken back)
    is not the client's money: without it the balance may run out on that day."""
    days_in_month = calendar.monthrange(today.year, today.month)[1]
    elapsed = today.day
    fees = Decimal(0)
    metered = Decimal(0)
    for subscription in subscriptions:
        if subscription.status != SubscriptionStatus.ACTIVE:
            continue
        plan = subscription.plan
        if plan.recurring_price and plan.currency == balance.currency:
            fees += plan.recurring_price * (days_in_month if plan.period == "day" else 1)
        for rate in plan.unit_rates:
            if rate.get("currency") != balance.currency:
                continue
            used = sum(
                (
                    convert(row["total"], row["unit"], rate["unit"]) or Decimal(0)
                    for row in daily
                    if row["metric"] == rate["metric"]
                ),
                Decimal(0),
            )
            billable = max(used - Decimal(rate.get("included") or 0), Decimal(0))
            metered += billable * Decimal(rate["price"])
    if not fees and not metered:
        return None
    period_charges = (fees + metered * days_in_month / elapsed).quantize(CENTS, ROUND_HALF_UP)
    daily_spend = (period_charges / days_in_month).quantize(CENTS, ROUND_HALF_UP)
    available = balance.value + credit_limit
    if promise is not None:
        available -= promise[0]
        if available <= 0 and promise[1] > today:
            return Forecast(period_charges, daily_spend, promise[1], already_out=False)
    if available <= 0:
        return Forecast(period_charges, daily_spend, today, already_out=True)
    if daily_spend <= 0:
        return Forecast(period_charges, daily_spend, None, already_out=False)
    runs_out = today + timedelta(days=int(available / daily_spend))
    horizon = today + timedelta(days=366)
    return Forecast(
        period_charges, daily_spend, runs_out if runs_out < horizon else None, already_out=False
    )


def _in_period(queryset, field: str, since: date | None, until: date | None, zone: ZoneInfo):
    """Rows whose `field` falls within the provider's days `since`..`until` (both included)."""
    if since:
        queryset = queryset.filter(
            **{f"{field}__gte": datetime.combine(since, datetime.min.time(), tzinfo=zone)}
        )
    if until:
        end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        queryset = queryset.filter(**{f"{field}__lt": end})
    return queryset


def document_list(
    *, account: Any, zone: ZoneInfo, since: date | None, until: date | None, kind: str = ""
):
    documents = _in_period(account.documents.all(), "issued_at", since, until, zone)
    return documents.filter(kind=kind) if kind else documents


def payment_list(*, account: Any, zone: ZoneInfo, since: date | None, until: date | None):
    return _in_period(account.billing_payments.all(), "posted_at", since, until, zone)
