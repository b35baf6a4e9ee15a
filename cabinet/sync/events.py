"""Change events the billing system pushes: recorded once, then turned into a targeted re-read."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from cabinet.services.models import Subscription
from cabinet.sync.models import InboundEvent, SyncState, SyncStream
from cabinet.sync.services import account_refresh, accounts_sync, sync_run
from connectors.billing.base import BillingConnector
from connectors.billing.types import ChangeEvent


def event_record(event: ChangeEvent) -> InboundEvent | None:
    """Store a verified event; None if it was seen before (a duplicate or a replay)."""
    try:
        with transaction.atomic():
            return InboundEvent.objects.create(
                event_id=event.id,
                type=event.type,
                resource_type=event.resource_type,
                resource_id=event.resource_id,
                occurred_at=event.occurred_at,
            )
    except IntegrityError:
        return None


def events_pull(connector: BillingConnector) -> int:
    """Read the billing system's change feed from the stored cursor and apply each new event;
    events already received by push are recognised by id and skipped."""
    applied = 0
    with sync_run(SyncStream.EVENTS) as state:
        while True:
            page = connector.list_events(cursor=state.cursor or None, limit=500)
            recorded = [stored for event in page.items if (stored := event_record(event))]
            _events_apply(connector, recorded)
            applied += len(recorded)
            if page.next_cursor:
                state.cursor = page.next_cursor
                SyncState.objects.filter(pk=state.pk).update(cursor=state.cursor)
            if not page.items or not page.next_cursor:
                return applied


def _events_apply(connector: BillingConnector, events: list[InboundEvent]) -> None:
    """Re-read each account the events name once, however many events name it; one incremental
    pull covers the rest."""
    accounts = {_account_of(event) for event in events}
    for account_id in sorted(filter(None, accounts)):
        account_refresh(connector, account_id)
    if None in accounts:
        accounts_sync(connector)
    InboundEvent.objects.filter(pk__in=[event.pk for event in events]).update(
        processed_at=timezone.now()
    )


def event_process(connector: BillingConnector, event_id: str) -> None:
    """Re-read what the event names. Events are hints: the billing system's answer now is what
    counts, so a late or repeated event cannot put old data back."""
    event = InboundEvent.objects.get(event_id=event_id)
    if event.processed_at is None:
        _events_apply(connector, [event])


def _account_of(event: InboundEvent) -> str | None:
    if event.resource_type == "account":
        return event.resource_id
    if event.resource_type == "subscription":
        return (
            Subscription.objects.filter(external_id=event.resource_id)
            .values_list("account__external_id", flat=True)
            .first()
        )
    return None
