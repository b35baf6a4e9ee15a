"""Automatic top-ups in the background, one provider at a time."""

from celery import shared_task
from django.db import transaction

from cabinet.payments.auto_top_up import (
    auto_top_up_charge,
    auto_top_ups_due,
    automatic_payment_charge,
    automatic_payments_unanswered,
)
from cabinet.payments.models import PaymentStatus
from cabinet.sync.tasks import outbox_deliver_task
from tenants.models import Provider
from tenants.tasks import ProviderTask, provider_task_send


@shared_task(base=ProviderTask)
def auto_top_up_task(provider_schema: str) -> int:
    """Ask again about charges the gateway did not answer, then charge every rule that is due;
    returns how many charges succeeded."""
    provider = Provider.objects.get(schema_name=provider_schema)
    payments = [
        automatic_payment_charge(payment_id=payment_id, provider=provider)
        for payment_id in automatic_payments_unanswered()
    ]
    payments += [
        auto_top_up_charge(rule_id=rule_id, provider=provider) for rule_id in auto_top_ups_due()
    ]
    succeeded = sum(
        1 for payment in payments if payment and payment.status == PaymentStatus.SUCCEEDED
    )
    if succeeded:
        transaction.on_commit(lambda: provider_task_send(outbox_deliver_task, provider))
    return succeeded
