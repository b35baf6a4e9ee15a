"""Tariff changes a client asks for: recorded in the outbox, delivered to billing by a worker,
shown as waiting until billing confirms or refuses."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabinet.catalog.models import Plan
from cabinet.services.models import Subscription, SubscriptionStatus
from cabinet.sync.models import OutboxKind, OutboxMessage, OutboxStatus
from cabinet.sync.outbox import outbox_enqueue
from connectors.models import BillingConnection, BillingKind

CHANGE_MODES = {
    "now": _("right away"),
    "next_period": _("from the next billing period"),
    "date": _("from a date of your choice"),
}
DEFAULT_CHANGE_MODES = ["now", "next_period"]


class ChangeRefused(Exception):
    """The change cannot be asked for; the message says why, for the client."""


def plan_change_modes() -> list[str]:
    """How this provider's billing lets clients switch tariffs; none without a billing system
    Kabinet can write to (file exchange is one-way)."""
    connection = (
        BillingConnection.objects.filter(enabled=True).exclude(kind=BillingKind.FILES).first()
    )
    if connection is None:
        return []
    modes = connection.options.get("plan_change_modes", DEFAULT_CHANGE_MODES)
    return [mode for mode in modes if mode in CHANGE_MODES]


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
    # One request at a time per service: a double tap must not record the change twice.
    Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
    waiting = OutboxMessage.objects.filter(
        kind=OutboxKind.CHANGE_PLAN,
        target_id=subscription.external_id,
        status=OutboxStatus.PENDING,
    ).exists()
    if waiting:
        raise ChangeRefused(_("A change of this service is already on its way to billing."))
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


@dataclass(frozen=True)
class ChangeState:
    """The latest tariff change asked for a service, while it matters to the client."""

    plan_name: str
    mode: str
    status: str
    reason: str


def plan_change_states(subscriptions: list[Subscription]) -> dict[str, ChangeState]:
    """For each service: a change waiting for billing, or one refused in the last week (one
    query for all the services)."""
    recent = timezone.now() - timedelta(days=7)
    latest = (
        OutboxMessage.objects.filter(
            kind=OutboxKind.CHANGE_PLAN,
            target_id__in=[subscription.external_id for subscription in subscriptions],
            created_at__gte=recent,
        )
        .order_by("target_id", "-created_at", "-id")
        .distinct("target_id")
    )
    return {
        message.target_id: ChangeState(
            plan_name=message.payload.get("plan_name", message.payload.get("plan_id", "")),
            mode=message.payload.get("mode", ""),
            status=message.status,
            reason=message.last_error,
        )
        for message in latest
        if message.status in (OutboxStatus.PENDING, OutboxStatus.REJECTED)
    }
