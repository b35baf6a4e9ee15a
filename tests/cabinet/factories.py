"""Client data in the current schema, as the sync engine would have mirrored it."""

from datetime import UTC, datetime
from decimal import Decimal

from django.utils import timezone

from cabinet.accounts.models import ClientAccount
from cabinet.catalog.models import Plan
from cabinet.services.models import Subscription
from cabinet.usage.models import UsageDaily
from connectors.models import PaymentGateway


def make_account(external_id: str = "acc:1", **fields) -> ClientAccount:
    values = {
        "number": f"N-{external_id}",
        "holder_kind": "individual",
        "holder_name": "Иванов И. И.",
        "status": "active",
        "balance": Decimal("100.00"),
        "currency": "RUB",
        "balance_as_of": datetime(2026, 11, 30, tzinfo=UTC),
        "credit_limit": Decimal("0.00"),
    }
    values.update(fields)
    return ClientAccount.objects.create(external_id=external_id, **values)


def make_plan(external_id: str = "tp:1", **fields) -> Plan:
    values = {
        "name": "Домашний 100",
        "service_type": "internet",
        "currency": "RUB",
        "recurring_price": Decimal("600.00"),
        "period": "month",
    }
    values.update(fields)
    return Plan.objects.create(external_id=external_id, **values)


def make_subscription(account: ClientAccount, plan: Plan, external_id: str = "svc:1", **fields):
    values = {"status": "active", "identifiers": {}}
    values.update(fields)
    return Subscription.objects.create(
        external_id=external_id, account=account, plan=plan, **values
    )


def make_yookassa_gateway(shop_id: str, **fields) -> PaymentGateway:
    """A YooKassa shop in test mode with complete 54-FZ receipt settings (22% VAT)."""
    values = {
        "kind": "yookassa",
        "mode": "test",
        "credentials": {"shop_id": shop_id, "secret_key": f"test_{shop_id}_secret_key"},
        "min_amount": Decimal("10.00"),
        "max_amount": Decimal("15000.00"),
        "purposes": ["top_up", "invoice"],
        "tax_system": 1,
        "vat_code": 11,
        "payment_subject": "service",
        "payment_mode": "full_prepayment",
        "receipt_contact": "email",
    }
    values.update(fields)
    return PaymentGateway.objects.create(**values)


def make_usage_day(account: ClientAccount, quantity: Decimal, **fields) -> UsageDaily:
    """Today's data received by the account, in bytes, unless `fields` say otherwise."""
    values = {"day": timezone.now().date(), "metric": "data", "unit": "B", "direction": "in"}
    values.update(fields)
    return UsageDaily.objects.create(account=account, quantity=quantity, records=1, **values)
