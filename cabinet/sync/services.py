"""Pulling the billing system into the mirror: catalog, accounts with their services, usage, one
account on demand (after a change event), and the nightly reconciliation that finds drift."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.db import DataError, transaction
from django.utils import timezone

from cabinet.accounts.models import NOTICE_PLAN_CHANGED_ELSEWHERE, ClientAccount, Notice
from cabinet.services.models import Subscription
from cabinet.sync.models import OutboxKind, OutboxMessage, OutboxStatus, SyncState, SyncStream
from cabinet.sync.upserts import (
    accounts_upsert,
    documents_upsert,
    payments_upsert,
    plans_upsert,
    subscriptions_upsert,
)
from cabinet.usage.services import usage_ingest
from connectors.billing.base import BillingConnector
from connectors.billing.files.errors import ImportRejected
from connectors.billing.types import DocumentData, Page, PaymentData, SubscriptionData
from connectors.errors import BadResponse, ConnectorError

T = TypeVar("T")

PAGE_SIZE = 1000
# Changes made while a pull runs may carry a timestamp just before it started.
OVERLAP = timedelta(minutes=2)


@dataclass(frozen=True)
class SyncReport:
    accounts: int = 0
    subscriptions: int = 0
    usage_records: int = 0
    notices: int = 0


@contextmanager
def sync_run(stream: SyncStream) -> Iterator[SyncState]:
    """Record the start, success or failure of one pull in SyncState (shown to provider staff)."""
    state, _ = SyncState.objects.get_or_create(stream=stream)
    started = timezone.now()
    SyncState.objects.filter(pk=state.pk).update(last_started_at=started)
    try:
        try:
            yield state
        except (DataError, ImportRejected) as error:
            # The billing system sent something the mirror cannot hold: its fault, not ours.
            raise BadResponse(
                f"unusable data from billing: {str(error).splitlines()[0]}"
            ) from error
    except ConnectorError as error:
        SyncState.objects.filter(pk=state.pk).update(
            last_error=str(error)[:2000],
            last_error_at=timezone.now(),
            consecutive_failures=state.consecutive_failures + 1,
        )
        raise
    SyncState.objects.filter(pk=state.pk).update(
        last_success_at=started, last_error="", consecutive_failures=0, cursor=state.cursor
    )


def catalog_sync(connector: BillingConnector) -> int:
    with sync_run(SyncStream.PLANS), transaction.atomic():
        plans = connector.list_plans()
        plans_upsert(plans)
    return len(plans)


def accounts_sync(connector: BillingConnector, *, full: bool = False) -> SyncReport:
    """Accounts and services changed since the last successful pull (all if `full`)."""
    with sync_run(SyncStream.ACCOUNTS) as state:
        since = None if full or not state.last_success_at else state.last_success_at - OVERLAP
        return _pull(connector, since)


def reconcile(connector: BillingConnector) -> SyncReport:
    """Nightly: read every account and service again, whatever the change feed said, so that
    changes made outside Kabinet (a manager in the provider's office) are found and told."""
    with sync_run(SyncStream.RECONCILIATION):
        return _pull(connector, None)


def _pages(fetch: Callable[..., Page[T]], since: datetime | None) -> Iterator[Page[T]]:
    cursor = None
    while True:
        page = fetch(cursor=cursor, updated_since=since, limit=PAGE_SIZE)
        yield page
        if not page.next_cursor or not page.items:
            return
        cursor = page.next_cursor


def _pull(connector: BillingConnector, since: datetime | None) -> SyncReport:
    """Page through accounts, then services, documents and payments. Each page is its own
    transaction, so a failure keeps what came before and the next run simply reads again."""
    accounts = subscriptions = notices = 0
    for page in _pages(connector.list_accounts, since):
        with transaction.atomic():
            accounts_upsert(page.items)
        accounts += len(page.items)
    for services in _pages(connector.list_subscriptions_page, since):
        with transaction.atomic():
            ids = _account_ids(services.items)
            notices += _notice_plan_changes(list(services.items), ids)
            subscriptions_upsert(services.items, ids)
        subscriptions += len(services.items)
    for documents in _pages(connector.list_documents_page, since):
        with transaction.atomic():
            documents_upsert(documents.items, _account_ids(documents.items))
    for payments in _pages(connector.list_payments_page, since):
        with transaction.atomic():
            payments_upsert(payments.items, _account_ids(payments.items))
    return SyncReport(accounts=accounts, subscriptions=subscriptions, notices=notices)


def _account_ids(items: Sequence[SubscriptionData | DocumentData | PaymentData]) -> dict[str, int]:
    return dict(
        ClientAccount.objects.filter(
            external_id__in={item.account_id for item in items}
        ).values_list("external_id", "id")
    )


def usage_sync(connector: BillingConnector, *, time_zone: str) -> int:
    """New usage records since the stored cursor; the cursor moves with each committed page."""
    stored = 0
    with sync_run(SyncStream.USAGE) as state:
        while True:
            page = connector.list_usage(cursor=state.cursor or None, limit=PAGE_SIZE)
            with transaction.atomic():
                stored += usage_ingest(records=page.items, time_zone=time_zone).inserted
                if page.next_cursor:
                    state.cursor = page.next_cursor
                    SyncState.objects.filter(pk=state.pk).update(cursor=state.cursor)
            if not page.next_cursor or not page.items:
                return stored


def account_refresh(connector: BillingConnector, external_id: str) -> SyncReport:
    """Re-read one account and everything on it (after a change event, or on demand)."""
    data = connector.get_account(external_id)
    services = connector.list_subscriptions(external_id)
    documents = connector.list_documents(external_id)
    payments = connector.list_payments(external_id)
    with transaction.atomic():
        ids = accounts_upsert([data])
        notices = _notice_plan_changes(services, ids)
        subscriptions_upsert(services, ids)
        documents_upsert(documents, ids)
        payments_upsert(payments, ids)
    return SyncReport(accounts=1, subscriptions=len(services), notices=notices)


def _notice_plan_changes(services: list[SubscriptionData], accounts: dict[str, int]) -> int:
    """A Notice for each service whose plan differs from the mirror, unless Kabinet itself asked
    for that change (an outbox tariff change for it)."""
    known = dict(
        Subscription.objects.filter(external_id__in=[item.id for item in services]).values_list(
            "external_id", "plan__external_id"
        )
    )
    ours = set(
        OutboxMessage.objects.filter(
            kind=OutboxKind.CHANGE_PLAN,
            target_id__in=list(known),
            status__in=[OutboxStatus.PENDING, OutboxStatus.DELIVERED],
        ).values_list("target_id", "payload__plan_id")
    )
    notices = [
        Notice(
            account_id=accounts[item.account_id],
            kind=NOTICE_PLAN_CHANGED_ELSEWHERE,
            data={"subscription": item.id, "before": known[item.id], "after": item.plan_id},
        )
        for item in services
        if item.id in known
        and known[item.id] != item.plan_id
        and (item.id, item.plan_id) not in ours
        and item.account_id in accounts
    ]
    Notice.objects.bulk_create(notices)
    return len(notices)
