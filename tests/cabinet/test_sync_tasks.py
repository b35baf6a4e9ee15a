"""The sync tasks, run eagerly in the provider's schema."""

from django_tenants.utils import schema_context

from cabinet.accounts.models import ClientAccount
from cabinet.sync.models import OutboxMessage, OutboxStatus
from cabinet.sync.outbox import outbox_enqueue
from cabinet.sync.tasks import billing_reconcile_task, billing_sync_task, outbox_deliver_task
from cabinet.usage.models import UsageRecord
from tenants.tasks import provider_task_send


def test_the_sync_task_pulls_accounts_and_usage_then_waits_for_its_schedule(
    provider_a, provider_b, billing_a, eager
):
    first = provider_task_send(billing_sync_task, provider_a).get()
    second = provider_task_send(billing_sync_task, provider_a).get()

    assert first == "2 accounts, 2 services, 10 usage records"
    assert second == "not due"
    with schema_context(provider_a.schema_name):
        assert UsageRecord.objects.filter(account__external_id="acc:1").count() == 10
    with schema_context(provider_b.schema_name):
        assert provider_task_send(billing_sync_task, provider_b).get() == "no connection"


def test_a_failing_billing_system_makes_the_task_report_not_crash(provider_a, billing_a, eager):
    billing_a.admin("PUT", "/faults", {"mode": "error", "status": 500})

    assert provider_task_send(billing_sync_task, provider_a, full=True).get() == "failed"
    assert provider_task_send(billing_reconcile_task, provider_a, force=True).get() == "failed"


def test_the_outbox_task_delivers_due_writes(provider_a, billing_a, eager):
    provider_task_send(billing_sync_task, provider_a).get()
    with schema_context(provider_a.schema_name):
        account = ClientAccount.objects.get(external_id="acc:1")
        outbox_enqueue(
            kind="payment",
            account=account,
            target_id="acc:1",
            payload={
                "amount": "10.00",
                "currency": "RUB",
                "method": "card",
                "external_ref": "gateway:t1",
                "paid_at": "2026-11-30T10:00:00+03:00",
            },
        )

    assert provider_task_send(outbox_deliver_task, provider_a).get() == 1
    with schema_context(provider_a.schema_name):
        assert OutboxMessage.objects.get().status == OutboxStatus.DELIVERED


def test_reconciliation_runs_once_in_the_providers_night(provider_a, billing_a, eager, monkeypatch):
    from datetime import UTC, datetime

    from django.utils import timezone

    moscow_3am = datetime(2026, 12, 4, 0, 30, tzinfo=UTC)  # 03:30 in Europe/Moscow
    moscow_noon = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

    monkeypatch.setattr(timezone, "now", lambda: moscow_noon)
    assert provider_task_send(billing_reconcile_task, provider_a).get() == "not due"
    monkeypatch.setattr(timezone, "now", lambda: moscow_3am)
    assert (
        provider_task_send(billing_reconcile_task, provider_a)
        .get()
        .endswith("changes made elsewhere")
    )
    assert provider_task_send(billing_reconcile_task, provider_a).get() == "not due"
