"""Changes a client asks for (a tariff switch, a voluntary block and its end, switching a service
off, a promised payment): recorded in the outbox, delivered to billing by a worker, shown as
waiting until billing confirms or refuses."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection as database
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.models import AccountStatus, ClientAccount
from cabinet.catalog.models import Plan
from cabinet.services.models import Subscription, SubscriptionStatus
from cabinet.sync.models import OutboxKind, OutboxMessage, OutboxStatus
from cabinet.sync.outbox import outbox_enqueue
from connectors.models import BillingConnection, BillingKind
from tenants.db import tenant_connection

CHANGE_MODES = {
    "now": _("right away"),
    "next_period": _("from the next billing period"),
    "date": _("from a date of your choice"),
}
DEFAULT_CHANGE_MODES = ["now", "next_period"]

# What a client may do to a service besides switching its tariff: the outbox kind and the
# statuses the service must be in. A provider whose billing lacks one lists the others in the
# connection's options["service_actions"].
SERVICE_ACTIONS = {
    "suspend": (OutboxKind.SUSPEND, {SubscriptionStatus.ACTIVE}),
    "resume": (OutboxKind.RESUME, {SubscriptionStatus.SUSPENDED}),
    "end": (OutboxKind.END, {SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED}),
}
SERVICE_KINDS = [OutboxKind.CHANGE_PLAN, *(kind for kind, _statuses in SERVICE_ACTIONS.values())]
CENT = Decimal("0.01")
# The longest a voluntary block may be asked for ahead; billing systems cap it (often 90 days).
LONGEST_SUSPENSION = timedelta(days=365)


class ChangeRefused(Exception):
    """The change cannot be asked for; the message says why, for the client."""


def writable_connection() -> BillingConnection | None:
    """The billing connection Kabinet can write to; file exchange is one-way."""
    return BillingConnection.objects.filter(enabled=True).exclude(kind=BillingKind.FILES).first()


def change_modes_of(connection: BillingConnection | None) -> list[str]:
    """How this billing lets clients switch tariffs; none without one Kabinet can write to."""
    if connection is None:
        return []
    modes = connection.options.get("plan_change_modes", DEFAULT_CHANGE_MODES)
    return [mode for mode in modes if mode in CHANGE_MODES]


def plan_change_modes() -> list[str]:
    return change_modes_of(writable_connection())


def service_actions_open() -> list[str]:
    connection = writable_connection()
    if connection is None:
        return []
    actions = connection.options.get("service_actions", list(SERVICE_ACTIONS))
    return [action for action in actions if action in SERVICE_ACTIONS]


def service_actions_for(subscription: Subscription, open_actions: list[str]) -> list[str]:
    if subscription.account.status == AccountStatus.CLOSED:
        return []
    return [action for action in open_actions if subscription.status in SERVICE_ACTIONS[action][1]]


def promise_open_of(connection: BillingConnection | None) -> bool:
    return connection is not None and bool(connection.options.get("promised_payment", True))


def promised_payment_open() -> bool:
    return promise_open_of(writable_connection())


def plan_change_targets(subscription: Subscription) -> list[Plan]:
    """Plans the client may switch this service to: the provider marks them as open to clients,
    of the same kind of service and currency."""
    if subscription.status not in (SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED):
        return []
    return list(
        Plan.objects.filter(
            self_service=True,
            service_type=subscription.plan.service_type,
            currency=subscription.plan.currency,
        ).exclude(pk=subscription.plan_id)
    )


@transaction.atomic
def plan_change_request(
    *, subscription: Subscription, plan: Plan, mode: str, effective_at: datetime | None
) -> OutboxMessage:
    """Record the change for delivery (the caller queues the outbox task on commit)."""
    if mode not in plan_change_modes():
        raise ChangeRefused(_("This way of changing the tariff is not available."))
    if plan not in plan_change_targets(subscription):
        raise ChangeRefused(_("This tariff cannot be chosen for this service."))
    if mode == "date" and (effective_at is None or effective_at <= timezone.now()):
        raise ChangeRefused(_("Choose a date in the future."))
    _refuse_if_busy(subscription)
    return outbox_enqueue(
        kind=OutboxKind.CHANGE_PLAN,
        account=subscription.account,
        target_id=subscription.external_id,
        payload={
            "plan_id": plan.external_id,
            "plan_name": plan.name,
            "mode": mode,
            "effective_at": effective_at.isoformat() if mode == "date" and effective_at else None,
        },
    )


@transaction.atomic
def service_action_request(
    *, subscription: Subscription, action: str, until: datetime | None = None
) -> OutboxMessage:
    """Record a block, its end or switching the service off (the caller queues delivery)."""
    if action not in service_actions_for(subscription, service_actions_open()):
        raise ChangeRefused(_("This cannot be done with the service now."))
    if until is not None and not (timezone.now() < until <= timezone.now() + LONGEST_SUSPENSION):
        raise ChangeRefused(_("Choose a day within a year from today."))
    _refuse_if_busy(subscription)
    return outbox_enqueue(
        kind=SERVICE_ACTIONS[action][0],
        account=subscription.account,
        target_id=subscription.external_id,
        payload={
            "plan_name": subscription.plan.name,
            "until": until.isoformat() if action == "suspend" and until else None,
        },
    )


def orders_open_of(connection: BillingConnection | None) -> bool:
    return connection is not None and bool(connection.options.get("service_orders", True))


def orderable(plan: Plan, account: ClientAccount, kinds_held: set[tuple[str, str]]) -> bool:
    """A client orders a plan open to clients of a kind of service it does not have yet (one it
    has is switched to another tariff instead), in the account's currency."""
    return (
        plan.self_service
        and plan.currency == account.currency
        and (plan.service_type, plan.currency) not in kinds_held
        and account.status != AccountStatus.CLOSED
    )


def kinds_held(account: ClientAccount) -> set[tuple[str, str]]:
    return set(
        account.subscriptions.exclude(status=SubscriptionStatus.ENDED).values_list(
            "plan__service_type", "plan__currency"
        )
    )


@dataclass(frozen=True)
class OrderState:
    status: str  # pending (on its way, or confirmed and not read back yet) or rejected
    reason: str


def orders_waiting(account: ClientAccount) -> dict[str, OrderState]:
    """Orders of this account still on their way, confirmed by billing but not yet read back
    into the mirror, or refused in the last week, by plan id (one query)."""
    latest = OutboxMessage.objects.filter(
        kind=OutboxKind.ORDER,
        account=account,
        created_at__gte=timezone.now() - timedelta(days=7),
    ).order_by("-created_at", "-id")
    found: dict[str, OrderState] = {}
    for message in latest:
        plan_id = message.payload.get("plan_id", "")
        if plan_id in found:
            continue
        if message.status == OutboxStatus.DELIVERED:
            read_back = message.delivered_at and message.delivered_at < account.synced_at
            if read_back:
                continue
            found[plan_id] = OrderState(OutboxStatus.PENDING, "")
        else:
            found[plan_id] = OrderState(message.status, message.last_error)
    return found


@transaction.atomic
def service_order_request(*, account: ClientAccount, plan: Plan) -> OutboxMessage:
    """Record an order of a new service (the caller queues delivery on commit)."""
    if not orders_open_of(writable_connection()):
        raise ChangeRefused(_("Services cannot be ordered here; contact the provider's office."))
    # A second tap waits for the first and then sees its order.
    account = _lock_account_requests(account)
    if not orderable(plan, account, kinds_held(account)):
        raise ChangeRefused(_("This service cannot be ordered for this account."))
    return _account_request_once(
        account,
        OutboxKind.ORDER,
        {"plan_id": plan.external_id, "plan_name": plan.name},
        busy=_("An order is already on its way to billing."),
    )


def promised_payment_limit() -> Decimal | None:
    """The largest promised payment the provider lets clients ask for, if it set one."""
    connection = writable_connection()
    limit = connection.options.get("promised_payment_limit") if connection else None
    return Decimal(str(limit)) if limit is not None else None


@transaction.atomic
def promised_payment_request(*, account: ClientAccount, amount: Decimal) -> OutboxMessage:
    """Record a promised payment for delivery (the caller queues the outbox task on commit)."""
    if not promised_payment_open():
        raise ChangeRefused(_("A promised payment is not available for this account."))
    limit = promised_payment_limit()
    if amount <= 0 or (limit is not None and amount > limit):
        raise ChangeRefused(_("The amount is outside what the provider allows."))
    # A second tap waits for the first and then sees its message.
    account = _lock_account_requests(account)
    if account.status == AccountStatus.CLOSED:
        raise ChangeRefused(_("A promised payment is not available for this account."))
    if account.promise_running:
        raise ChangeRefused(_("A promised payment is already running on this account."))
    return _account_request_once(
        account,
        OutboxKind.PROMISED_PAYMENT,
        # Plain digits with two decimals, as the contract's Money says ("1e2" is 100.00).
        {"amount": f"{amount.quantize(CENT)}", "currency": account.currency},
        busy=_("A promised payment is already on its way to billing."),
    )


def promised_payment_state(account: ClientAccount) -> OutboxMessage | None:
    """A promised payment waiting for billing, or refused in the last week."""
    latest = (
        OutboxMessage.objects.filter(
            kind=OutboxKind.PROMISED_PAYMENT,
            account=account,
            created_at__gte=timezone.now() - timedelta(days=7),
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None or latest.status == OutboxStatus.DELIVERED:
        return None
    return latest


def _unsettled(messages: QuerySet[OutboxMessage], mirrored_at: datetime | None) -> bool:
    """Whether one of `messages` is still on its way, or confirmed by billing after the mirror
    was last refreshed (its effect is not visible here yet, so asking again would repeat it)."""
    confirmed_since = Q(status=OutboxStatus.DELIVERED)
    if mirrored_at is not None:
        confirmed_since &= Q(delivered_at__gte=mirrored_at)
    return messages.filter(Q(status=OutboxStatus.PENDING) | confirmed_since).exists()


def _refuse_if_busy(subscription: Subscription) -> None:
    """One change at a time per service: a double tap must not record it twice, and a block
    must not race a tariff switch. The row lock makes a second request wait for the first; the
    delivery worker locks the account, not the service, so a slow billing does not hold it."""
    locked = Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
    if locked is None or locked.account.status == AccountStatus.CLOSED:
        raise ChangeRefused(_("This cannot be done with the service now."))
    messages = OutboxMessage.objects.filter(
        kind__in=SERVICE_KINDS, target_id=subscription.external_id
    )
    if _unsettled(messages, locked.synced_at):
        raise ChangeRefused(_("A change of this service is already on its way to billing."))


def _account_request_once(
    account: ClientAccount, kind: OutboxKind, payload: dict, *, busy: str | Promise
) -> OutboxMessage:
    """Record a request about the whole account unless one of its kind is still unsettled (the
    caller holds the account's request lock)."""
    earlier = OutboxMessage.objects.filter(kind=kind, account=account)
    if _unsettled(earlier, account.synced_at):
        raise ChangeRefused(str(busy))
    return outbox_enqueue(
        kind=kind, account=account, target_id=account.external_id, payload=payload
    )


def _lock_account_requests(account: ClientAccount) -> ClientAccount:
    """Serialise a client's requests on one account without the account row, which the delivery
    worker holds while it talks to billing; returns the account as it is now."""
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"client-requests:{tenant_connection().schema_name}:{account.pk}"],
        )
    return ClientAccount.objects.get(pk=account.pk)


@dataclass(frozen=True)
class ChangeState:
    """The latest change asked for a service, while it matters to the client."""

    kind: str
    plan_name: str
    mode: str
    status: str
    reason: str


def service_change_states(subscriptions: list[Subscription]) -> dict[str, ChangeState]:
    """For each service: a change waiting for billing, or one refused in the last week (one
    query for all the services)."""
    recent = timezone.now() - timedelta(days=7)
    latest = (
        OutboxMessage.objects.filter(
            kind__in=SERVICE_KINDS,
            target_id__in=[subscription.external_id for subscription in subscriptions],
            created_at__gte=recent,
        )
        .order_by("target_id", "-created_at", "-id")
        .distinct("target_id")
    )
    return {
        message.target_id: ChangeState(
            kind=message.kind,
            plan_name=message.payload.get("plan_name", message.payload.get("plan_id", "")),
            mode=message.payload.get("mode", ""),
            status=message.status,
            reason=message.last_error,
        )
        for message in latest
        if message.status in (OutboxStatus.PENDING, OutboxStatus.REJECTED)
    }
