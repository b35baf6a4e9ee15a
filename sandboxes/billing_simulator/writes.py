"""Handlers of the contract's mutating endpoints. Every one requires `Idempotency-Key`."""

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sandboxes.billing_simulator import changes, entities
from sandboxes.billing_simulator.entities import PAYMENT_METHODS
from sandboxes.billing_simulator.events import PORTAL, emit, envelope
from sandboxes.billing_simulator.formats import (
    canonical_json,
    invalid,
    money,
    parse_money,
    parse_time,
    render_time,
    require_text,
    sortable,
    utc_now,
)
from sandboxes.billing_simulator.instances import Instance
from sandboxes.billing_simulator.reads import require
from sandboxes.billing_simulator.routing import ApiError, Request, Response
from sandboxes.billing_simulator.storage import Tx

Body = dict[str, Any]
Action = Callable[[Tx, Body], tuple[int, Body]]
MODES = ("now", "next_period", "date")


def idempotent(request: Request, app: Any, action: Action) -> Response:
    """Run `action` once per Idempotency-Key. The same key with the same request replays the
    stored answer; with a different request it is a 409. Only successes are stored, so a
    request refused for the state of the moment can be retried with the same key."""
    key = request.headers.get("idempotency-key", "").strip()
    if not key or len(key) > 255:
        raise ApiError(400, "validation_failed", "Idempotency-Key header (1-255 chars) is required")
    body = request.json()
    inst: Instance = request.instance
    fingerprint = hashlib.sha256(
        request.method.encode() + b" " + request.path.encode() + b"\n" + canonical_json(body)
    ).hexdigest()
    with app.store.transaction() as tx:
        stored = tx.idempotent_result(inst.name, key)
        if stored is not None:
            if stored[0] != fingerprint:
                raise ApiError(409, "conflict", "Idempotency-Key was used for another request")
            return Response(stored[1], stored[2].encode(), headers={"Idempotent-Replayed": "true"})
        status, result = action(tx, body)
        text = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
        tx.save_idempotent_result(inst.name, key, fingerprint, status, text)
    return Response(status, text.encode())


def payment_post(app: Any, request: Request) -> Response:
    """POST /v1/accounts/{id}/payments: post a gateway payment; the balance grows by it."""
    inst: Instance = request.instance
    account_id = request.params["account_id"]

    def action(tx: Tx, body: Body) -> tuple[int, Body]:
        account = require(tx, inst, "account", account_id)
        if account["status"] == "closed":
            raise ApiError(409, "conflict", f"account {account_id} is closed")
        amount = parse_money(body.get("amount"), "amount", inst.currency)
        if amount <= 0:
            raise invalid("amount.value", "must be positive")
        method = body.get("method", "other")
        if method not in PAYMENT_METHODS:
            raise invalid("method", f"must be one of {', '.join(PAYMENT_METHODS)}")
        external_ref = body.get("external_ref")
        _refuse_duplicate_reference(tx, inst, external_ref)
        if body.get("paid_at") is not None:
            parse_time(body["paid_at"], "paid_at")
        if body.get("document_id") is not None:
            _invoice_mark_paid(tx, inst, account_id, body["document_id"], amount)
        payment = _payment_store(tx, inst, account_id, amount, method, body)
        changes.balance_adjust(tx, inst, account, amount, PORTAL)
        return 201, payment

    return idempotent(request, app, action)


def _invoice_mark_paid(
    tx: Tx, inst: Instance, account_id: str, document_id: Any, paid: Decimal
) -> None:
    """The invoice a payment names is paid (or partly paid) by it."""
    if not isinstance(document_id, str) or not document_id:
        raise invalid("document_id", "must be a document id")
    document = tx.get(inst.name, "document", document_id)
    if document is None or document.get("account_id") != account_id:
        raise invalid("document_id", f"no document {document_id} on account {account_id}")
    if document.get("kind") != "invoice":
        raise invalid("document_id", "is not an invoice")
    document["status"] = "paid" if paid >= Decimal(document["total"]["value"]) else "partially_paid"
    moment = utc_now()
    document["updated_at"] = render_time(moment, inst.time_zone)
    tx.put(inst.name, "document", document, sortable(moment))


def _refuse_duplicate_reference(tx: Tx, inst: Instance, external_ref: Any) -> None:
    """A real billing refuses a second payment with the same external id (ABillS extId)."""
    if external_ref is None:
        return
    if not isinstance(external_ref, str):
        raise invalid("external_ref", "must be a string")
    row = tx.db.execute(
        "SELECT id FROM records WHERE instance=? AND kind='payment'"
        " AND json_extract(body, '$.external_ref')=?",
        (inst.name, external_ref),
    ).fetchone()
    if row is not None:
        raise ApiError(
            409, "conflict", f"payment {row[0]} already has this external_ref", payment_id=row[0]
        )


def _payment_store(
    tx: Tx, inst: Instance, account_id: str, amount: Any, method: str, body: Body
) -> Body:
    moment = utc_now()
    payment = {
        "id": f"pay:{tx.next_number(inst.name, 'payment'):08d}",
        "account_id": account_id,
        "amount": money(amount, inst.currency),
        "method": method,
        "external_ref": body.get("external_ref"),
        "status": "posted",
        "posted_at": render_time(moment, inst.time_zone),
        "comment": str(body.get("comment") or ""),
        "receipt_ref": body.get("receipt_ref"),
        "updated_at": render_time(moment, inst.time_zone),
    }
    tx.put(inst.name, "payment", payment, sortable(moment))
    resource = ("payment", str(payment["id"]))
    emit(tx, inst, envelope(inst, "payment.posted", resource, PORTAL, None, payment, moment))
    return payment


def _next_period(inst: Instance) -> datetime:
    """Midnight of the first day of next month in the instance's zone (plans bill monthly)."""
    local = utc_now().astimezone(ZoneInfo(inst.time_zone))
    first = (local.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first.replace(hour=0, minute=0, second=0, microsecond=0)


def change_plan(app: Any, request: Request) -> Response:
    """POST /v1/subscriptions/{id}/change-plan: `now` answers 200 with the subscription;
    `next_period` and `date` answer 202 with a pending Operation and a scheduled_change."""
    inst: Instance = request.instance
    subscription_id = request.params["subscription_id"]

    def action(tx: Tx, body: Body) -> tuple[int, Body]:
        subscription = require(tx, inst, "subscription", subscription_id)
        plan_id = require_text(body, "plan_id")
        mode = require_text(body, "mode", MODES)
        if tx.get(inst.name, "plan", plan_id) is None:
            raise invalid("plan_id", f"names no plan: {plan_id}")
        if subscription["status"] == "ended":
            raise ApiError(409, "conflict", f"subscription {subscription_id} has ended")
        pending = tx.scheduled(inst.name, subscription_id)
        if mode == "now":
            if plan_id == subscription["plan_id"] and pending is None:
                raise ApiError(409, "conflict", f"subscription is already on {plan_id}")
            _supersede(tx, inst, pending)
            return 200, changes.plan_set(tx, inst, subscription, plan_id, PORTAL)
        effective = _next_period(inst) if mode == "next_period" else _future(body)
        _supersede(tx, inst, pending)
        return 202, _schedule(tx, inst, subscription, plan_id, effective)

    return idempotent(request, app, action)


def _future(body: Body) -> datetime:
    effective = parse_time(body.get("effective_at"), "effective_at")
    if effective <= utc_now():
        raise invalid("effective_at", "must be in the future (use mode now)")
    return effective


def _supersede(tx: Tx, inst: Instance, pending: tuple[str, str, str] | None) -> None:
    if pending is not None:
        error = {"code": "conflict", "detail": "superseded by a later plan change"}
        changes.operation_finish(tx, inst, pending[2], None, error)


def _schedule(
    tx: Tx, inst: Instance, subscription: Body, plan_id: str, effective: datetime
) -> Body:
    """Store the scheduled change and its pending Operation; announce the change."""
    moment = utc_now()
    now = render_time(moment, inst.time_zone)
    change = {"plan_id": plan_id, "effective_at": render_time(effective, inst.time_zone)}
    operation = {
        "id": f"op:{tx.next_number(inst.name, 'operation'):08d}",
        "kind": "change_plan",
        "status": "pending",
        "subscription_id": subscription["id"],
        "request": change,
        "result": None,
        "error": None,
        "created_at": now,
        "updated_at": now,
    }
    tx.put(inst.name, "operation", operation, sortable(moment))
    tx.schedule(inst.name, subscription["id"], plan_id, sortable(effective), operation["id"])
    before = {"scheduled_change": subscription["scheduled_change"]}
    subscription["scheduled_change"] = change
    subscription["updated_at"] = now
    tx.put(inst.name, "subscription", subscription, sortable(moment))
    resource = ("subscription", subscription["id"])
    after = {"scheduled_change": change}
    emit(tx, inst, envelope(inst, "subscription.updated", resource, PORTAL, before, after, moment))
    return operation


def _status_change(request: Request, app: Any, source: str, target: str, event: str) -> Response:
    inst: Instance = request.instance
    subscription_id = request.params["subscription_id"]

    def action(tx: Tx, body: Body) -> tuple[int, Body]:
        subscription = require(tx, inst, "subscription", subscription_id)
        if subscription["status"] != source:
            raise ApiError(
                409, "conflict", f"subscription is {subscription['status']}, not {source}"
            )
        for field in ("from", "to"):
            if body.get(field) is not None:
                parse_time(body[field], field)
        until = parse_time(body["to"], "to") if target == "suspended" and body.get("to") else None
        if until is not None and until <= utc_now():
            raise invalid("to", "must be in the future")
        subscription["suspended_until"] = render_time(until, inst.time_zone) if until else None
        key = changes.RESUME_KEY + subscription_id
        if until is not None:
            tx.schedule(inst.name, key, "", sortable(until), "")
        else:
            tx.unschedule(inst.name, key)
        return 200, changes.status_set(tx, inst, subscription, target, event, PORTAL)

    return idempotent(request, app, action)


def suspend(app: Any, request: Request) -> Response:
    """POST /v1/subscriptions/{id}/suspend: voluntary block of an active subscription."""
    return _status_change(request, app, "active", "suspended", "subscription.suspended")


def resume(app: Any, request: Request) -> Response:
    """POST /v1/subscriptions/{id}/resume: lift the block of a suspended subscription."""
    return _status_change(request, app, "suspended", "active", "subscription.resumed")


def end(app: Any, request: Request) -> Response:
    """POST /v1/subscriptions/{id}/end: switch the service off for good; a scheduled tariff
    change is dropped."""
    inst: Instance = request.instance
    subscription_id = request.params["subscription_id"]

    def action(tx: Tx, body: Body) -> tuple[int, Body]:
        subscription = require(tx, inst, "subscription", subscription_id)
        if subscription["status"] == "ended":
            raise ApiError(409, "conflict", f"subscription {subscription_id} has ended")
        _supersede(tx, inst, tx.scheduled(inst.name, subscription_id))
        tx.unschedule(inst.name, subscription_id)
        subscription["scheduled_change"] = None
        subscription["ends_at"] = render_time(utc_now(), inst.time_zone)
        return 200, changes.status_set(
            tx, inst, subscription, "ended", "subscription.ended", PORTAL
        )

    return idempotent(request, app, action)


def order(app: Any, request: Request) -> Response:
    """POST /v1/accounts/{id}/subscriptions: a new service on a plan, active from now."""
    inst: Instance = request.instance
    account_id = request.params["account_id"]

    def action(tx: Tx, body: Body) -> tuple[int, Body]:
        account = require(tx, inst, "account", account_id)
        if account["status"] == "closed":
            raise ApiError(409, "conflict", f"account {account_id} is closed")
        plan_id = require_text(body, "plan_id")
        if tx.get(inst.name, "plan", plan_id) is None:
            raise invalid("plan_id", f"names no plan: {plan_id}")
        moment = utc_now()
        now = render_time(moment, inst.time_zone)
        raw = {
            "id": f"svc:n{tx.next_number(inst.name, 'subscription'):06d}",
            "account_id": account_id,
            "plan_id": plan_id,
        }
        subscription = entities.subscription(raw, "body", inst, now)
        tx.put(inst.name, "subscription", subscription, sortable(moment))
        resource = ("subscription", subscription["id"])
        event = envelope(inst, "subscription.created", resource, PORTAL, None, subscription, moment)
        emit(tx, inst, event)
        return 201, subscription

    return idempotent(request, app, action)


def promised_payment(app: Any, request: Request) -> Response:
    """POST /v1/accounts/{id}/promised-payment: credit up to the instance's promise_limit for
    promise_seconds (обещанный платёж), one at a time; the amount is taken back at the end."""
    inst: Instance = request.instance
    account_id = request.params["account_id"]

    def action(tx: Tx, body: Body) -> tuple[int, Body]:
        account = require(tx, inst, "account", account_id)
        if account["status"] == "closed":
            raise ApiError(409, "conflict", f"account {account_id} is closed")
        if account.get("promised_payment"):
            raise ApiError(409, "conflict", "a promised payment is already running")
        amount = parse_money(body.get("amount"), "amount", inst.currency)
        limit = Decimal(inst.promise_limit)
        if amount <= 0 or amount > limit:
            raise invalid("amount.value", f"must be above 0 and at most {limit}")
        until = utc_now() + timedelta(seconds=inst.promise_seconds)
        payment = _payment_store(tx, inst, account_id, amount, "promised", {})
        account["promised_payment"] = {
            **money(amount, inst.currency),
            "until": render_time(until, inst.time_zone),
            "payment_id": payment["id"],
        }
        tx.schedule(inst.name, changes.PROMISE_KEY + account_id, "", sortable(until), "")
        return 201, changes.balance_adjust(tx, inst, account, amount, PORTAL)

    return idempotent(request, app, action)
