"""The contract's entities (4.3): seeds in, stored bodies out, with defaults filled in.

Seeds are validated field by field so a bad seed is refused whole with a message naming the
element (`accounts[3].balance.value ...`), and nothing is stored.
"""

from typing import Any

from sandboxes.billing_simulator.formats import (
    invalid,
    money,
    parse_decimal,
    parse_money,
    parse_time,
    render_time,
)
from sandboxes.billing_simulator.instances import Instance

Body = dict[str, Any]
ACCOUNT_STATUSES = ("active", "blocked", "suspended", "closed")
SUBSCRIPTION_STATUSES = ("active", "suspended", "pending", "ended")
SERVICE_TYPES = ("internet", "tv", "voip", "hosting", "utility", "other")
DOCUMENT_KINDS = ("invoice", "act", "upd", "receipt", "contract", "statement")
DOCUMENT_STATUSES = ("issued", "paid", "partially_paid", "void")
PAYMENT_METHODS = ("card", "sbp", "cash", "bank_transfer", "promised", "bonus", "other")
METRICS = ("data", "time", "calls", "energy", "water", "custom")


def _obj(raw: Body, field: str, where: str, default: Body | None = None) -> Body:
    value = raw.get(field) or (default if default is not None else {})
    if not isinstance(value, dict):
        raise invalid(f"{where}.{field}", "must be an object")
    return value


def _id(raw: Body, where: str) -> str:
    value = raw.get("id")
    if not isinstance(value, str) or not value or "/" in value:
        raise invalid(f"{where}.id", "is required and must not contain '/'")
    return value


def _choice(raw: Body, field: str, where: str, choices: tuple[str, ...], default: str) -> str:
    value = raw.get(field, default)
    if value not in choices:
        raise invalid(f"{where}.{field}", f"must be one of {', '.join(choices)}")
    return value


def _money_or_default(raw: Any, where: str, inst: Instance, default: str | None) -> Any:
    if raw is None:
        return None if default is None else money(parse_decimal(default, where), inst.currency)
    return money(parse_money(raw, where, inst.currency), inst.currency)


def _time(raw: Any, where: str, inst: Instance) -> str | None:
    return None if raw is None else render_time(parse_time(raw, where), inst.time_zone)


def account(raw: Body, where: str, inst: Instance, now: str) -> Body:
    """An Account with its balance, as of `now` unless the seed says otherwise."""
    account_id = _id(raw, where)
    balance = _obj(raw, "balance", where, {"value": "0.00", "currency": inst.currency})
    holder = _obj(raw, "holder", where, {"type": "person", "name": account_id})
    if holder.get("type") not in ("person", "organization"):
        raise invalid(f"{where}.holder.type", "must be person or organization")
    return {
        "id": account_id,
        "number": str(raw.get("number", account_id)),
        "status": _choice(raw, "status", where, ACCOUNT_STATUSES, "active"),
        "holder": {"type": "person", "name": account_id, "inn": None, "kpp": None} | holder,
        "contacts": _obj(raw, "contacts", where),
        "address": raw.get("address"),
        "balance": {
            **_money_or_default(balance, f"{where}.balance", inst, "0.00"),
            "as_of": _time(balance.get("as_of"), f"{where}.balance.as_of", inst) or now,
        },
        "credit_limit": _money_or_default(
            raw.get("credit_limit"), f"{where}.credit_limit", inst, "0.00"
        ),
        "recommended_payment": _money_or_default(
            raw.get("recommended_payment"), f"{where}.recommended_payment", inst, None
        ),
        # A running promised payment: amount, until, payment_id (set by the API, not seeded).
        "promised_payment": None,
        "updated_at": now,
        "vendor": raw.get("vendor") or {"raw_id": account_id.rpartition(":")[2]},
    }


def plan(raw: Body, where: str, inst: Instance) -> Body:
    """A Plan (catalog item)."""
    plan_id = _id(raw, where)
    price = _obj(raw, "price", where)
    return {
        "id": plan_id,
        "code": str(raw.get("code", plan_id)),
        "name": str(raw.get("name", plan_id)),
        "service_type": _choice(raw, "service_type", where, SERVICE_TYPES, "internet"),
        "price": {
            "recurring": _money_or_default(
                price.get("recurring"), f"{where}.price.recurring", inst, None
            ),
            "period": price.get("period", "month"),
            "setup": _money_or_default(price.get("setup"), f"{where}.price.setup", inst, None),
        },
        "unit_rates": raw.get("unit_rates") or [],
        "attributes": raw.get("attributes") or {},
        "self_service": bool(raw.get("self_service", True)),
    }


def subscription(raw: Body, where: str, inst: Instance, now: str) -> Body:
    """A Subscription; `scheduled_change` is kept by the schedule, not by the seed."""
    for field in ("account_id", "plan_id"):
        if not isinstance(raw.get(field), str):
            raise invalid(f"{where}.{field}", "is required")
    return {
        "id": _id(raw, where),
        "account_id": raw["account_id"],
        "plan_id": raw["plan_id"],
        "status": _choice(raw, "status", where, SUBSCRIPTION_STATUSES, "active"),
        "started_at": _time(raw.get("started_at"), f"{where}.started_at", inst) or now,
        "ends_at": _time(raw.get("ends_at"), f"{where}.ends_at", inst),
        "identifiers": {"login": None, "ip": None, "msisdn": None, "meter": None}
        | _obj(raw, "identifiers", where),
        "scheduled_change": None,
        "suspended_until": None,
        "updated_at": now,
    }


def usage(raw: Body, where: str, inst: Instance) -> tuple[Body, Any]:
    """A UsageRecord and its start instant (for the index)."""
    if not isinstance(raw.get("account_id"), str):
        raise invalid(f"{where}.account_id", "is required")
    started = parse_time(raw.get("started_at"), f"{where}.started_at")
    quantity = parse_decimal(raw.get("quantity"), f"{where}.quantity")
    body = {
        "id": _id(raw, where),
        "account_id": raw["account_id"],
        "subscription_id": raw.get("subscription_id"),
        "metric": _choice(raw, "metric", where, METRICS, "data"),
        "unit": str(raw.get("unit", "B")),
        "quantity": str(quantity),
        "direction": raw.get("direction"),
        "started_at": render_time(started, inst.time_zone),
        "ended_at": _time(raw.get("ended_at"), f"{where}.ended_at", inst),
        "rated": _money_or_default(raw.get("rated"), f"{where}.rated", inst, None),
        "source": raw.get("source") or {"type": "billing_report", "ref": raw["id"]},
        "attributes": raw.get("attributes") or {},
    }
    return body, started


def document(raw: Body, where: str, inst: Instance, now: str) -> Body:
    """A Document; its PDF is generated on request, so `files` always offers one."""
    document_id = _id(raw, where)
    period = _obj(raw, "period", where)
    return {
        "id": document_id,
        "account_id": _required_text(raw, "account_id", where),
        "kind": _choice(raw, "kind", where, DOCUMENT_KINDS, "invoice"),
        "number": str(raw.get("number", document_id.rpartition(":")[2])),
        "issued_at": _time(raw.get("issued_at"), f"{where}.issued_at", inst) or now,
        "period": {
            "from": _time(period.get("from"), f"{where}.period.from", inst),
            "to": _time(period.get("to"), f"{where}.period.to", inst),
        },
        "due_at": _time(raw.get("due_at"), f"{where}.due_at", inst),
        "status": _choice(raw, "status", where, DOCUMENT_STATUSES, "issued"),
        "total": _money_or_default(raw.get("total"), f"{where}.total", inst, "0.00"),
        "vat": _money_or_default(raw.get("vat"), f"{where}.vat", inst, None),
        "lines": raw.get("lines") or [],
        "files": [{"format": "pdf", "href": f"/v1/documents/{document_id}/file?format=pdf"}],
    }


def payment(raw: Body, where: str, inst: Instance, now: str) -> Body:
    """A Payment as the billing system knows it."""
    return {
        "id": _id(raw, where),
        "account_id": _required_text(raw, "account_id", where),
        "amount": _money_or_default(raw.get("amount"), f"{where}.amount", inst, "0.00"),
        "method": _choice(raw, "method", where, PAYMENT_METHODS, "other"),
        "external_ref": raw.get("external_ref"),
        "status": _choice(raw, "status", where, ("posted", "reversed"), "posted"),
        "posted_at": _time(raw.get("posted_at"), f"{where}.posted_at", inst) or now,
        "comment": str(raw.get("comment", "")),
    }


def _required_text(raw: Body, field: str, where: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value:
        raise invalid(f"{where}.{field}", "is required")
    return value
