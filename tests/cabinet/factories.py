"""Client data in the current schema, as the sync engine would have mirrored it."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from cabinet.accounts.models import ClientAccount
from cabinet.catalog.models import Plan
from cabinet.services.models import Subscription
from cabinet.usage.models import UsageDaily
from connectors.models import PaymentGateway
from tenants.models import Provider


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


def make_stripe_gateway(account: str, **fields) -> PaymentGateway:
    """A Stripe account in test mode; `account` makes its keys (and so its sandbox world)."""
    values = {
        "kind": "stripe",
        "mode": "test",
        "credentials": {
            "secret_key": f"sk_test_{account}0000secret",
            "webhook_secret": f"whsec_{account}0000signing",
        },
        "min_amount": Decimal("1.00"),
        "max_amount": Decimal("5000.00"),
        "purposes": ["top_up", "invoice"],
    }
    values.update(fields)
    return PaymentGateway.objects.create(**values)


def provider_today() -> date:
    """Today on the calendar of the provider whose schema is current: its clients' days, and
    so their usage days, begin at its own midnight, not at UTC's."""
    provider = Provider.objects.get(schema_name=connection.schema_name)
    return timezone.localdate(timezone=ZoneInfo(provider.time_zone))


def make_usage_day(account: ClientAccount, quantity: Decimal, **fields) -> UsageDaily:
    """Today's data received by the account, in bytes, unless `fields` say otherwise."""
    values = {"day": provider_today(), "metric": "data", "unit": "B", "direction": "in"}
    values.update(fields)
    return UsageDaily.objects.create(account=account, quantity=quantity, records=1, **values)
