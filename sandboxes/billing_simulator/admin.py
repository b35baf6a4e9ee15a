"""Admin endpoints under `/_admin/` for tests and the demo. Not part of the contract."""

from typing import Any

from sandboxes.billing_simulator import changes
from sandboxes.billing_simulator.entities import ACCOUNT_STATUSES
from sandboxes.billing_simulator.events import office
from sandboxes.billing_simulator.faults import fault_from_body
from sandboxes.billing_simulator.formats import invalid, parse_decimal
from sandboxes.billing_simulator.instances import Instance, instance_from_body
from sandboxes.billing_simulator.reads import require
from sandboxes.billing_simulator.routing import ApiError, Request, Response, json_response
from sandboxes.billing_simulator.seed import seed
from sandboxes.billing_simulator.storage import Tx

Body = dict[str, Any]


def health(app: Any, request: Request) -> Response:
    """GET /_admin/health."""
    with app.store.read() as tx:
        names = tx.instance_names()
    return json_response(200, {"status": "ok", "instances": names})


def instance_put(app: Any, request: Request) -> Response:
    """PUT /_admin/instances/{instance}: create, or replace the configuration (data is kept).
    A webhook set where there was none receives only events from now on."""
    name = request.params["instance"]
    inst = instance_from_body(name, request.json())
    with app.store.transaction() as tx:
        old = app.load_instance(name, tx)
        pushed: int | None = None
        if old is None or (old.webhook_url is None and inst.webhook_url is not None):
            pushed = tx.last_event_seq(name)
        tx.save_instance(name, inst.public(), pushed)
    app.pusher.wake({name})
    return json_response(201 if old is None else 200, inst.public())


def _existing(app: Any, request: Request, tx: Tx) -> Instance:
    inst = app.load_instance(request.params["instance"], tx)
    if inst is None:
        raise ApiError(404, "not_found", f"no instance {request.params['instance']}")
    return inst


def instance_get(app: Any, request: Request) -> Response:
    """GET /_admin/instances/{instance}: configuration, counts and push state."""
    with app.store.read() as tx:
        inst = _existing(app, request, tx)
        counts = {
            kind: tx.count(inst.name, kind)
            for kind in ("account", "plan", "subscription", "document", "payment", "operation")
        }
        push = {
            "last_event_seq": tx.last_event_seq(inst.name),
            "pushed_seq": tx.pushed_seq(inst.name),
        }
    push.update(app.pusher.status(inst.name))
    body = inst.public() | {"counts": counts, "push": push, "faults": app.faults.get(inst.name)}
    return json_response(200, body)


def instance_delete(app: Any, request: Request) -> Response:
    """DELETE /_admin/instances/{instance}: the instance and all its data."""
    with app.store.transaction() as tx:
        inst = _existing(app, request, tx)
        tx.delete_instance(inst.name)
    return Response(204)


def seed_post(app: Any, request: Request) -> Response:
    """POST /_admin/instances/{instance}/seed: bulk load in one transaction."""
    body = request.json()
    with app.store.transaction() as tx:
        counts = seed(tx, _existing(app, request, tx), body)
    return json_response(200, {"stored": counts})


def faults_put(app: Any, request: Request) -> Response:
    """PUT /_admin/instances/{instance}/faults."""
    fault = fault_from_body(request.json())
    with app.store.read() as tx:
        inst = _existing(app, request, tx)
    app.faults.set(inst.name, fault)
    return json_response(200, app.faults.get(inst.name))


def faults_get(app: Any, request: Request) -> Response:
    """GET /_admin/instances/{instance}/faults."""
    with app.store.read() as tx:
        inst = _existing(app, request, tx)
    return json_response(200, app.faults.get(inst.name))


def office_change(app: Any, request: Request) -> Response:
    """POST /_admin/instances/{instance}/office-change: a manager edits billing directly.

    Body: `subscription_id` + `plan_id`, and/or `account_id` + `balance_delta` | `balance` |
    `status`; `emit_event` (default true), `operator`. Without the event the change is silent
    (no event, `updated_at` unchanged): drift that only a reconciliation finds."""
    body = request.json()
    emit_event = body.get("emit_event", True) is not False
    actor = office(body.get("operator"))
    changed: Body = {}
    with app.store.transaction() as tx:
        inst = _existing(app, request, tx)
        if "subscription_id" in body:
            changed["subscription"] = _office_plan(tx, inst, body, actor, emit_event)
        if "account_id" in body:
            changed["account"] = _office_account(tx, inst, body, actor, emit_event)
        if not changed:
            raise invalid("subscription_id", "or account_id is required")
    return json_response(200, changed | {"event_emitted": emit_event})


def _office_plan(tx: Tx, inst: Instance, body: Body, actor: Body, emit_event: bool) -> Body:
    subscription = require(tx, inst, "subscription", str(body["subscription_id"]))
    plan_id = body.get("plan_id")
    if not isinstance(plan_id, str) or tx.get(inst.name, "plan", plan_id) is None:
        raise invalid("plan_id", "must name an existing plan")
    return changes.plan_set(tx, inst, subscription, plan_id, actor, emit_event)


def _office_account(tx: Tx, inst: Instance, body: Body, actor: Body, emit_event: bool) -> Body:
    account = require(tx, inst, "account", str(body["account_id"]))
    if "balance_delta" in body:
        delta = parse_decimal(body["balance_delta"], "balance_delta")
        account = changes.balance_adjust(tx, inst, account, delta, actor, emit_event)
    elif "balance" in body:
        target = parse_decimal(body["balance"], "balance")
        delta = target - parse_decimal(account["balance"]["value"], "balance")
        account = changes.balance_adjust(tx, inst, account, delta, actor, emit_event)
    if "status" in body:
        if body["status"] not in ACCOUNT_STATUSES:
            raise invalid("status", f"must be one of {', '.join(ACCOUNT_STATUSES)}")
        account = changes.account_status_set(tx, inst, account, body["status"], actor, emit_event)
    return account
