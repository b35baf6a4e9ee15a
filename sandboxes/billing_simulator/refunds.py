"""Refunds: what a real billing system does when the portal gives a client's money back through
the gateway."""

import json
from decimal import Decimal
from typing import Any

from sandboxes.billing_simulator import changes
from sandboxes.billing_simulator.events import PORTAL, emit, envelope
from sandboxes.billing_simulator.formats import (
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
from sandboxes.billing_simulator.writes import idempotent

Body = dict[str, Any]


def refund_post(app: Any, request: Request) -> Response:
    """POST /v1/accounts/{id}/refunds: take back from the balance money the gateway returned;
    stored as a negative payment, and the payment refunded is `reversed` once nothing is left."""
    inst: Instance = request.instance
    account_id = request.params["account_id"]

    def action(tx: Tx, body: Body) -> tuple[int, Body]:
        account = require(tx, inst, "account", account_id)
        amount = parse_money(body.get("amount"), "amount", inst.currency)
        if amount <= 0:
            raise invalid("amount.value", "must be positive")
        payment_ref = require_text(body, "payment_ref")
        external_ref = require_text(body, "external_ref")
        if body.get("refunded_at") is not None:
            parse_time(body["refunded_at"], "refunded_at")
        if _by_reference(tx, inst, external_ref) is not None:
            raise ApiError(409, "conflict", "a refund with this external_ref is already posted")
        original = _by_reference(tx, inst, payment_ref)
        if original is None or original["account_id"] != account_id:
            raise ApiError(404, "not_found", f"no payment {payment_ref} on account {account_id}")
        left = Decimal(original["amount"]["value"]) - _refunded(tx, inst, original["id"])
        if amount > left:
            raise ApiError(409, "conflict", f"only {left} of payment {original['id']} is left")
        moment = utc_now()
        refund = {
            "id": f"pay:{tx.next_number(inst.name, 'payment'):08d}",
            "account_id": account_id,
            "amount": money(-amount, inst.currency),
            "method": original["method"],
            "external_ref": external_ref,
            "refund_of": original["id"],
            "status": "posted",
            "posted_at": render_time(moment, inst.time_zone),
            "comment": f"refund of {original['id']}",
            "updated_at": render_time(moment, inst.time_zone),
        }
        tx.put(inst.name, "payment", refund, sortable(moment))
        if amount == left:
            original["status"] = "reversed"
            original["updated_at"] = render_time(moment, inst.time_zone)
            tx.put(inst.name, "payment", original, sortable(moment))
        resource = ("payment", str(refund["id"]))
        emit(tx, inst, envelope(inst, "payment.posted", resource, PORTAL, None, refund, moment))
        changes.balance_adjust(tx, inst, account, -amount, PORTAL)
        return 201, refund

    return idempotent(request, app, action)


def _by_reference(tx: Tx, inst: Instance, external_ref: str) -> Body | None:
    row = tx.db.execute(
        "SELECT body FROM records WHERE instance=? AND kind='payment'"
        " AND json_extract(body, '$.external_ref')=?",
        (inst.name, external_ref),
    ).fetchone()
    return json.loads(row[0]) if row else None


def _refunded(tx: Tx, inst: Instance, payment_id: str) -> Decimal:
    rows = tx.db.execute(
        "SELECT json_extract(body, '$.amount.value') FROM records WHERE instance=? AND"
        " kind='payment' AND json_extract(body, '$.refund_of')=?",
        (inst.name, payment_id),
    ).fetchall()
    return -sum((Decimal(str(row[0])) for row in rows), Decimal(0))
