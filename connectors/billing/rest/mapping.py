"""Contract JSON (docs/billing-contract.openapi.yaml) to typed data, strictly: a missing or
malformed field is a BadResponse naming it, never a half-filled record."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from connectors.billing.types import (
    AccountData,
    AccountStatus,
    ChangeEvent,
    Direction,
    DocumentData,
    DocumentKind,
    Holder,
    HolderType,
    Money,
    PaymentData,
    PlanData,
    PromisedPayment,
    ScheduledChange,
    SubscriptionData,
    SubscriptionStatus,
    UnitRate,
    UsageRecordData,
)
from connectors.errors import BadResponse

T = TypeVar("T")


def _field(data: Any, name: str) -> Any:
    if not isinstance(data, dict) or name not in data:
        raise BadResponse(f"field {name!r} is missing")
    return data[name]


def _convert(value: Any, name: str, parse: Callable[[Any], T]) -> T:
    try:
        return parse(value)
    except (ValueError, TypeError, InvalidOperation, KeyError) as error:
        raise BadResponse(f"field {name!r} is malformed: {value!r}") from error


def _time(value: Any, name: str) -> datetime:
    parsed = _convert(value, name, lambda raw: datetime.fromisoformat(str(raw)))
    if parsed.tzinfo is None:
        raise BadResponse(f"field {name!r} has no time zone offset: {value!r}")
    return parsed


def _optional_time(value: Any, name: str) -> datetime | None:
    return None if value in (None, "") else _time(value, name)


def money(value: Any, name: str) -> Money:
    return _convert(
        value, name, lambda raw: Money(Decimal(str(raw["value"])), str(raw["currency"]))
    )


def _optional_money(value: Any, name: str) -> Money | None:
    return None if value is None else money(value, name)


def account(data: Any) -> AccountData:
    holder = _field(data, "holder")
    balance = _field(data, "balance")
    contacts = data.get("contacts") or {}
    return AccountData(
        id=str(_field(data, "id")),
        number=str(_field(data, "number")),
        status=_convert(_field(data, "status"), "status", AccountStatus),
        holder=Holder(
            type=_convert(_field(holder, "type"), "holder.type", HolderType),
            name=str(_field(holder, "name")),
            inn=holder.get("inn"),
            kpp=holder.get("kpp"),
            ogrn=holder.get("ogrn"),
            legal_address=holder.get("legal_address"),
        ),
        balance=money(balance, "balance"),
        balance_as_of=_time(_field(balance, "as_of"), "balance.as_of"),
        credit_limit=money(_field(data, "credit_limit"), "credit_limit"),
        email=contacts.get("email"),
        phone=contacts.get("phone"),
        address=data.get("address"),
        recommended_payment=_optional_money(data.get("recommended_payment"), "recommended_payment"),
        promised_payment=_promised_payment(data.get("promised_payment")),
        updated_at=_optional_time(data.get("updated_at"), "updated_at"),
    )


def _promised_payment(data: Any) -> PromisedPayment | None:
    if data is None:
        return None
    return PromisedPayment(
        amount=money(data, "promised_payment"),
        until=_time(_field(data, "until"), "promised_payment.until"),
    )


def plan(data: Any) -> PlanData:
    price = data.get("price") or {}
    rates = tuple(
        UnitRate(
            metric=str(_field(rate, "metric")),
            unit=str(_field(rate, "unit")),
            price=money(_field(rate, "price"), "unit_rates.price"),
            included=None
            if rate.get("included") is None
            else _convert(rate["included"], "included", lambda raw: Decimal(str(raw))),
        )
        for rate in data.get("unit_rates") or []
    )
    return PlanData(
        id=str(_field(data, "id")),
        code=str(data.get("code") or ""),
        name=str(_field(data, "name")),
        service_type=str(_field(data, "service_type")),
        recurring_price=_optional_money(price.get("recurring"), "price.recurring"),
        period=price.get("period"),
        unit_rates=rates,
        attributes=dict(data.get("attributes") or {}),
        self_service=bool(data.get("self_service")),
    )


def subscription(data: Any) -> SubscriptionData:
    change = data.get("scheduled_change")
    return SubscriptionData(
        id=str(_field(data, "id")),
        account_id=str(_field(data, "account_id")),
        plan_id=str(_field(data, "plan_id")),
        status=_convert(_field(data, "status"), "status", SubscriptionStatus),
        started_at=_optional_time(data.get("started_at"), "started_at"),
        ends_at=_optional_time(data.get("ends_at"), "ends_at"),
        identifiers={key: value for key, value in (data.get("identifiers") or {}).items() if value},
        scheduled_change=None
        if not change
        else ScheduledChange(
            plan_id=str(_field(change, "plan_id")),
            effective_at=_time(_field(change, "effective_at"), "scheduled_change.effective_at"),
        ),
        suspended_until=_optional_time(data.get("suspended_until"), "suspended_until"),
    )


def usage(data: Any) -> UsageRecordData:
    source = data.get("source") or {}
    direction = data.get("direction")
    return UsageRecordData(
        source_key=str(_field(data, "id")),
        account_ref=str(_field(data, "account_id")),
        metric=str(_field(data, "metric")),
        unit=str(_field(data, "unit")),
        quantity=_convert(_field(data, "quantity"), "quantity", lambda raw: Decimal(str(raw))),
        started_at=_time(_field(data, "started_at"), "started_at"),
        ended_at=_optional_time(data.get("ended_at"), "ended_at"),
        direction=None if not direction else _convert(direction, "direction", Direction),
        source_type=str(source.get("type") or "billing"),
        attributes=dict(data.get("attributes") or {}),
        service_ref=str(data["subscription_id"]) if data.get("subscription_id") else None,
    )


def document(data: Any) -> DocumentData:
    period = data.get("period") or {}
    return DocumentData(
        id=str(_field(data, "id")),
        account_id=str(_field(data, "account_id")),
        kind=_convert(_field(data, "kind"), "kind", DocumentKind),
        number=str(_field(data, "number")),
        issued_at=_time(_field(data, "issued_at"), "issued_at"),
        total=money(_field(data, "total"), "total"),
        status=str(_field(data, "status")),
        vat=_optional_money(data.get("vat"), "vat"),
        period_from=_optional_time(period.get("from"), "period.from"),
        period_to=_optional_time(period.get("to"), "period.to"),
        due_at=_optional_time(data.get("due_at"), "due_at"),
        file_formats=tuple(str(_field(item, "format")) for item in data.get("files") or []),
    )


def payment(data: Any) -> PaymentData:
    return PaymentData(
        id=str(_field(data, "id")),
        account_id=str(_field(data, "account_id")),
        amount=money(_field(data, "amount"), "amount"),
        method=str(_field(data, "method")),
        status=str(_field(data, "status")),
        posted_at=_time(_field(data, "posted_at"), "posted_at"),
        external_ref=data.get("external_ref"),
        comment=str(data.get("comment") or ""),
    )


def event(data: Any) -> ChangeEvent:
    resource = _field(data, "resource")
    event_id = str(_field(data, "id"))
    if not 0 < len(event_id) <= 128 or "\x00" in event_id:
        raise BadResponse("field 'id' must be 1-128 characters")
    if not isinstance(data.get("data") or {}, dict):
        raise BadResponse("field 'data' must be an object")
    for name, value, limit in (
        ("type", data.get("type"), 60),
        ("resource.type", resource.get("type"), 30),
        ("resource.id", resource.get("id"), 128),
    ):
        if not isinstance(value, str) or not 0 < len(value) <= limit or "\x00" in value:
            raise BadResponse(f"field {name!r} must be text of 1-{limit} characters")
    return ChangeEvent(
        id=event_id,
        type=str(_field(data, "type")),
        occurred_at=_time(_field(data, "occurred_at"), "occurred_at"),
        resource_type=str(_field(resource, "type")),
        resource_id=str(_field(resource, "id")),
        tenant=str(_field(data, "tenant")),
        data=dict(data.get("data") or {}),
    )
