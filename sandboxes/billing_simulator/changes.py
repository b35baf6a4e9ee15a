"""Changes to billing state, shared by the API, the office and the scheduler.

Each change stores the new body and, when asked, appends its event. A change with `emit=False`
also leaves `updated_at` alone: it models an office edit the billing system does not log, which
only a full reconciliation can find.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sandboxes.billing_simulator.events import SYSTEM, emit, envelope
from sandboxes.billing_simulator.formats import money, render_time, sortable, utc_now
from sandboxes.billing_simulator.instances import Instance
from sandboxes.billing_simulator.storage import Tx

Body = dict[str, Any]
# Promised payments and blocks with an end wait in the schedule of plan changes, under these
# key prefixes.
PROMISE_KEY = "promise:"
RESUME_KEY = "resume:"


def _store(tx: Tx, inst: Instance, kind: str, body: Body, moment: datetime, touch: bool) -> None:
    if touch:
        body["updated_at"] = render_time(moment, inst.time_zone)
        tx.put(inst.name, kind, body, sortable(moment))
        return
    # Keep the stored updated_at: an unlogged change must not show up in updated_since.
    row = tx.db.execute(
        "SELECT updated_at FROM records WHERE instance=? AND kind=? AND id=?",
        (inst.name, kind, body["id"]),
    ).fetchone()
    tx.put(inst.name, kind, body, row[0] if row else sortable(moment))


def balance_adjust(
    tx: Tx, inst: Instance, account: Body, delta: Decimal, actor: Body, emit_event: bool = True
) -> Body:
    """Add `delta` to the account's balance."""
    moment = utc_now()
    before = {"balance": account["balance"]}
    new_value = Decimal(account["balance"]["value"]) + delta
    account["balance"] = {
        **money(new_value, inst.currency),
        "as_of": render_time(moment, inst.time_zone),
    }
    _store(tx, inst, "account", account, moment, emit_event)
    if emit_event:
        resource = ("account", account["id"])
        after = {"balance": account["balance"]}
        emit(tx, inst, envelope(inst, "balance.changed", resource, actor, before, after, moment))
    return account


def account_status_set(
    tx: Tx, inst: Instance, account: Body, status: str, actor: Body, emit_event: bool = True
) -> Body:
    """Set the account's status (active, blocked, suspended, closed)."""
    moment = utc_now()
    before = {"status": account["status"]}
    account["status"] = status
    _store(tx, inst, "account", account, moment, emit_event)
    if emit_event:
        resource = ("account", account["id"])
        emit(
            tx,
            inst,
            envelope(inst, "account.status_changed", resource, actor, before, {"status": status}),
        )
    return account


def plan_set(
    tx: Tx, inst: Instance, subscription: Body, plan_id: str, actor: Body, emit_event: bool = True
) -> Body:
    """Move the subscription to `plan_id` now; any scheduled change is dropped."""
    moment = utc_now()
    before = {"plan_id": subscription["plan_id"]}
    subscription["plan_id"] = plan_id
    subscription["scheduled_change"] = None
    tx.unschedule(inst.name, subscription["id"])
    _store(tx, inst, "subscription", subscription, moment, emit_event)
    if emit_event:
        resource = ("subscription", subscription["id"])
        after = {"plan_id": plan_id}
        event = envelope(inst, "subscription.plan_changed", resource, actor, before, after, moment)
        emit(tx, inst, event)
    return subscription


def status_set(
    tx: Tx, inst: Instance, subscription: Body, status: str, event_type: str, actor: Body
) -> Body:
    """Suspend or resume a subscription (always logged: it comes through the API)."""
    moment = utc_now()
    before = {"status": subscription["status"]}
    subscription["status"] = status
    _store(tx, inst, "subscription", subscription, moment, True)
    resource = ("subscription", subscription["id"])
    after = {"status": status}
    emit(tx, inst, envelope(inst, event_type, resource, actor, before, after, moment))
    return subscription


def operation_finish(
    tx: Tx, inst: Instance, operation_id: str, result: Body | None, error: Body | None
) -> None:
    """Mark an asynchronous operation succeeded (with `result`) or failed (with `error`)."""
    operation = tx.get(inst.name, "operation", operation_id)
    if operation is None:
        return
    moment = utc_now()
    operation.update(status="failed" if error else "succeeded", result=result, error=error)
    operation["updated_at"] = render_time(moment, inst.time_zone)
    tx.put(inst.name, "operation", operation, sortable(moment))


def scheduled_apply(tx: Tx, inst: Instance) -> None:
    """Apply every plan change whose effective time has passed (called before each request,
    so a scheduled change is visible as soon as it is due, with no clock thread)."""
    for subscription_id, plan_id, operation_id in tx.due(inst.name, sortable(utc_now())):
        if subscription_id.startswith(PROMISE_KEY):
            promise_end(tx, inst, subscription_id.removeprefix(PROMISE_KEY))
            continue
        if subscription_id.startswith(RESUME_KEY):
            block_end(tx, inst, subscription_id.removeprefix(RESUME_KEY))
            continue
        subscription = tx.get(inst.name, "subscription", subscription_id)
        if subscription is None:
            tx.unschedule(inst.name, subscription_id)
            continue
        plan_set(tx, inst, subscription, plan_id, SYSTEM)
        operation_finish(tx, inst, operation_id, subscription, None)


def promise_end(tx: Tx, inst: Instance, account_id: str) -> None:
    """The promised payment's term is over: its amount leaves the balance."""
    tx.unschedule(inst.name, PROMISE_KEY + account_id)
    account = tx.get(inst.name, "account", account_id)
    if account is None or not account.get("promised_payment"):
        return
    amount = Decimal(account["promised_payment"]["value"])
    account["promised_payment"] = None
    balance_adjust(tx, inst, account, -amount, SYSTEM)


def block_end(tx: Tx, inst: Instance, subscription_id: str) -> None:
    """The day the client chose to come back has come: the block is lifted."""
    tx.unschedule(inst.name, RESUME_KEY + subscription_id)
    subscription = tx.get(inst.name, "subscription", subscription_id)
    if subscription is None or subscription["status"] != "suspended":
        return
    subscription["suspended_until"] = None
    status_set(tx, inst, subscription, "active", "subscription.resumed", SYSTEM)
