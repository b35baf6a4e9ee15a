"""Background sync, one provider at a time (tenants.tasks.ProviderTask checks the schema)."""

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from cabinet.accounts.alerts import alerts_check
from cabinet.accounts.models import ClientAccount
from cabinet.sync.connection import billing_connector
from cabinet.sync.events import event_process, events_pull
from cabinet.sync.imports import import_queue, import_run
from cabinet.sync.models import ExchangeImport, SyncState, SyncStream
from cabinet.sync.outbox import outbox_deliver_account, outbox_due_accounts
from cabinet.sync.services import (
    account_refresh,
    accounts_sync,
    catalog_sync,
    reconcile,
    usage_sync,
)
from cabinet.usage.services import usage_rematch
from connectors.errors import ConnectorError
from connectors.models import BillingConnection
from tenants.models import Provider
from tenants.tasks import ProviderTask, provider_task_send

logger = logging.getLogger(__name__)


def _pull_connection() -> BillingConnection | None:
    """The provider's connection if it is one Kabinet pulls from (not file exchange)."""
    return BillingConnection.objects.filter(enabled=True).exclude(kind="files").first()


@shared_task(base=ProviderTask)
def billing_sync_task(provider_schema: str, full: bool = False) -> str:
    """Pull what changed, when the provider's schedule says it is time (beat asks often)."""
    connection = _pull_connection()
    if connection is None:
        return "no connection"
    state = SyncState.objects.filter(stream=SyncStream.ACCOUNTS).first()
    interval = timedelta(minutes=connection.sync_interval_minutes)
    if (
        not full
        and state
        and state.last_started_at
        and timezone.now() - state.last_started_at < interval
    ):
        return "not due"
    time_zone = Provider.objects.get(schema_name=provider_schema).time_zone
    try:
        connector = billing_connector()
        catalog_sync(connector)
        report = accounts_sync(connector, full=full)
        usage_rematch(time_zone=time_zone)
        stored = usage_sync(connector, time_zone=time_zone)
        alerts_check(time_zone=time_zone)
        if connection.options.get("pull_events", True):
            events_pull(connector)
    except ConnectorError as error:
        # Recorded in SyncState for provider staff; the next run tries again.
        logger.warning("billing sync of %s failed: %s", provider_schema, error)
        return "failed"
    return f"{report.accounts} accounts, {report.subscriptions} services, {stored} usage records"


# Reconciliation reads everything: run it at night in the provider's own time zone.
RECONCILE_LOCAL_HOUR = 3


@shared_task(base=ProviderTask)
def billing_reconcile_task(provider_schema: str, force: bool = False) -> str:
    """Beat asks every hour; the work is done once, in the provider's night."""
    if _pull_connection() is None:
        return "no connection"
    provider = Provider.objects.get(schema_name=provider_schema)
    local_now = timezone.now().astimezone(ZoneInfo(provider.time_zone))
    state = SyncState.objects.filter(stream=SyncStream.RECONCILIATION).first()
    done_recently = (
        state
        and state.last_success_at
        and (timezone.now() - state.last_success_at < timedelta(hours=20))
    )
    if not force and (local_now.hour != RECONCILE_LOCAL_HOUR or done_recently):
        return "not due"
    try:
        report = reconcile(billing_connector())
    except ConnectorError as error:
        logger.warning("reconciliation of %s failed: %s", provider_schema, error)
        return "failed"
    return f"{report.notices} changes made elsewhere"


@shared_task(base=ProviderTask)
def billing_event_task(provider_schema: str, event_id: str) -> None:
    try:
        event_process(billing_connector(), event_id)
    except ConnectorError as error:
        # The periodic pull and the nightly reconciliation catch up with what was missed.
        logger.warning("event %s of %s not applied: %s", event_id, provider_schema, error)


@shared_task(base=ProviderTask)
def outbox_deliver_task(provider_schema: str) -> int:
    """Deliver every account's due writes; what cannot go yet waits for its next attempt."""
    if _pull_connection() is None:
        return 0
    connector = billing_connector()
    delivered = 0
    for account_id in outbox_due_accounts():
        sent = outbox_deliver_account(connector=connector, account_id=account_id)
        if sent:
            # Show the client what billing made of it (a new tariff, a scheduled change).
            external_id = ClientAccount.objects.get(pk=account_id).external_id
            try:
                account_refresh(connector, external_id)
            except ConnectorError as error:
                logger.warning("re-reading account %s failed: %s", external_id, error)
        delivered += sent
    return delivered


@shared_task(base=ProviderTask)
def exchange_import_task(provider_schema: str, import_id: str) -> str:
    provider = Provider.objects.get(schema_name=provider_schema)
    job = import_run(import_id=import_id, time_zone=provider.time_zone, currency=provider.currency)
    return job.status if job else "already taken"


def exchange_import_start(
    *, provider: Provider, files: Sequence[Any], requested_format: str, user: Any
) -> ExchangeImport:
    """Keep the upload and have a worker import it once the record is committed."""
    job = import_queue(files=files, requested_format=requested_format, user=user)
    transaction.on_commit(lambda: provider_task_send(exchange_import_task, provider, str(job.id)))
    return job
