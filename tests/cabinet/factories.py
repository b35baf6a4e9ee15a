"""Client data in the current schema, as the sync engine would have mirrored it."""

from datetime import UTC, datetime
from decimal import Decimal

from cabinet.accounts.models import ClientAccount
from cabinet.catalog.models import Plan
from cabinet.services.models import Subscription


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
