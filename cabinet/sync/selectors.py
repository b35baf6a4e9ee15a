from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from cabinet.sync.models import (
    ExchangeImport,
    InboundEvent,
    OutboxMessage,
    OutboxStatus,
    SyncState,
    SyncStream,
)
from connectors.models import BillingConnection


@dataclass(frozen=True)
class StreamStatus:
    name: str
    last_success_at: datetime | None
    lag: timedelta | None
    last_error: str
    last_error_at: datetime | None
    consecutive_failures: int


@dataclass(frozen=True)
class SyncStatus:
    connection: BillingConnection | None
    streams: list[StreamStatus]
    outbox_pending: int
    outbox_rejected: int
    oldest_pending_at: datetime | None
    events_waiting: int


def sync_status() -> SyncStatus:
    """What provider staff see about the billing link: freshness, errors, writes in flight."""
    now = timezone.now()
    states = {state.stream: state for state in SyncState.objects.all()}
    streams = []
    for stream in SyncStream:
        state = states.get(stream.value)
        streams.append(
            StreamStatus(
                name=str(stream.label),
                last_success_at=state.last_success_at if state else None,
                lag=now - state.last_success_at if state and state.last_success_at else None,
                last_error=state.last_error if state else "",
                last_error_at=state.last_error_at if state else None,
                consecutive_failures=state.consecutive_failures if state else 0,
            )
        )
    outbox = OutboxMessage.objects.aggregate(
        pending=Count("id", filter=Q(status=OutboxStatus.PENDING)),
        rejected=Count("id", filter=Q(status=OutboxStatus.REJECTED)),
        oldest=Min("created_at", filter=Q(status=OutboxStatus.PENDING)),
    )
    return SyncStatus(
        connection=BillingConnection.objects.first(),
        streams=streams,
        outbox_pending=outbox["pending"],
        outbox_rejected=outbox["rejected"],
        oldest_pending_at=outbox["oldest"],
        events_waiting=InboundEvent.objects.filter(processed_at__isnull=True).count(),
    )


def import_list_recent(limit: int = 20) -> list[ExchangeImport]:
    return list(ExchangeImport.objects.select_related("created_by")[:limit])
