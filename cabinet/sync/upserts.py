"""Typed billing data to rows, in batches, keyed by the billing system's ids: syncing the same
data again finds the same rows."""

from collections.abc import Sequence

from cabinet.accounts.models import ClientAccount, HolderKind
from cabinet.catalog.models import Plan
from cabinet.documents.models import Document
from cabinet.payments.models import BillingPayment
from cabinet.services.models import Subscription
from connectors.billing.types import (
    AccountData,
    DocumentData,
    HolderType,
    PaymentData,
    PlanData,
    SubscriptionData,
)

_ACCOUNT_FIELDS = [
    "number",
    "holder_kind",
    "holder_name",
    "inn",
    "kpp",
    "ogrn",
    "legal_address",
    "email",
    "phone",
    "address",
    "status",
    "balance",
    "currency",
    "balance_as_of",
    "credit_limit",
    "recommended_payment",
    "promised_amount",
    "promised_until",
    "source_updated_at",
]


def accounts_upsert(items: Sequence[AccountData]) -> dict[str, int]:
    """Returns external id → row id for the accounts given."""
    rows = [
        ClientAccount(
            external_id=item.id,
            number=item.number,
            holder_kind=HolderKind.LEGAL_ENTITY
            if item.holder.type == HolderType.ORGANIZATION
            else HolderKind.INDIVIDUAL,
            holder_name=item.holder.name,
            inn=item.holder.inn or "",
            kpp=item.holder.kpp or "",
            ogrn=item.holder.ogrn or "",
            legal_address=item.holder.legal_address or "",
            email=item.email or "",
            phone=item.phone or "",
            address=item.address or "",
            status=item.status.value,
            balance=item.balance.value,
            currency=item.balance.currency,
            balance_as_of=item.balance_as_of,
            credit_limit=item.credit_limit.value,
            recommended_payment=item.recommended_payment.value
            if item.recommended_payment
            else None,
            promised_amount=item.promised_payment.amount.value if item.promised_payment else None,
            promised_until=item.promised_payment.until if item.promised_payment else None,
            source_updated_at=item.updated_at,
        )
        for item in items
    ]
    ClientAccount.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["external_id"],
        update_fields=[*_ACCOUNT_FIELDS, "synced_at"],
    )
    return dict(
        ClientAccount.objects.filter(external_id__in=[item.id for item in items]).values_list(
            "external_id", "id"
        )
    )


def plans_upsert(items: Sequence[PlanData]) -> None:
    rows = [
        Plan(
            external_id=item.id,
            code=item.code,
            name=item.name,
            service_type=item.service_type,
            recurring_price=item.recurring_price.value if item.recurring_price else None,
            currency=item.recurring_price.currency
            if item.recurring_price
            else (item.unit_rates[0].price.currency if item.unit_rates else ""),
            period=item.period or "",
            unit_rates=[
                {
                    "metric": rate.metric,
                    "unit": rate.unit,
                    "price": str(rate.price.value),
                    "currency": rate.price.currency,
                    "included": None if rate.included is None else str(rate.included),
                }
                for rate in item.unit_rates
            ],
            attributes=item.attributes,
            self_service=item.self_service,
        )
        for item in items
    ]
    Plan.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["external_id"],
        update_fields=[
            "code",
            "name",
            "service_type",
            "recurring_price",
            "currency",
            "period",
            "unit_rates",
            "attributes",
            "self_service",
            "synced_at",
        ],
    )


def subscriptions_upsert(items: Sequence[SubscriptionData], accounts: dict[str, int]) -> None:
    """Store services; their plans must be synced already (plans come first in every sync)."""
    plan_ids = {item.plan_id for item in items} | {
        item.scheduled_change.plan_id for item in items if item.scheduled_change
    }
    plans = dict(Plan.objects.filter(external_id__in=plan_ids).values_list("external_id", "id"))
    rows = [
        Subscription(
            external_id=item.id,
            account_id=accounts[item.account_id],
            plan_id=plans[item.plan_id],
            status=item.status.value,
            started_at=item.started_at,
            ends_at=item.ends_at,
            identifiers=item.identifiers,
            scheduled_plan_id=plans[item.scheduled_change.plan_id]
            if item.scheduled_change
            else None,
            scheduled_at=item.scheduled_change.effective_at if item.scheduled_change else None,
            suspended_until=item.suspended_until,
        )
        for item in items
        if item.account_id in accounts and item.plan_id in plans
    ]
    Subscription.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["external_id"],
        update_fields=[
            "account",
            "plan",
            "status",
            "started_at",
            "ends_at",
            "identifiers",
            "scheduled_plan",
            "scheduled_at",
            "suspended_until",
            "synced_at",
        ],
    )


def documents_upsert(items: Sequence[DocumentData], accounts: dict[str, int]) -> None:
    rows = [
        Document(
            external_id=item.id,
            account_id=accounts[item.account_id],
            kind=item.kind.value,
            number=item.number,
            issued_at=item.issued_at,
            period_from=item.period_from,
            period_to=item.period_to,
            due_at=item.due_at,
            status=item.status,
            total=item.total.value,
            vat=item.vat.value if item.vat else None,
            currency=item.total.currency,
            file_formats=list(item.file_formats),
        )
        for item in items
        if item.account_id in accounts
    ]
    Document.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["external_id"],
        update_fields=[
            "kind",
            "number",
            "issued_at",
            "period_from",
            "period_to",
            "due_at",
            "status",
            "total",
            "vat",
            "currency",
            "file_formats",
            "synced_at",
        ],
    )


def payments_upsert(items: Sequence[PaymentData], accounts: dict[str, int]) -> None:
    rows = [
        BillingPayment(
            external_id=item.id,
            account_id=accounts[item.account_id],
            amount=item.amount.value,
            currency=item.amount.currency,
            method=item.method,
            status=item.status,
            posted_at=item.posted_at,
            external_ref=item.external_ref or "",
            comment=item.comment,
        )
        for item in items
        if item.account_id in accounts
    ]
    BillingPayment.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["external_id"],
        update_fields=[
            "amount",
            "currency",
            "method",
            "status",
            "posted_at",
            "external_ref",
            "comment",
            "synced_at",
        ],
    )
