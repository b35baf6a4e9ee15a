"""Refunds of succeeded payments, whole or in parts, never more than was paid.

A refund succeeds at once (YooKassa's test shops do the same for cards) and the shop is told
with a `refund.succeeded` notification. The payment keeps its status and gains `refunded_amount`;
it stays `refundable` until nothing is left to refund.
"""

import uuid
from decimal import Decimal
from typing import Any

from sandboxes.yookassa_sandbox.protocol import (
    Answer,
    amount,
    fingerprint,
    invalid,
    mapping,
    money,
    not_found,
    now,
    read_object,
    text,
)
from sandboxes.yookassa_sandbox.state import Payment, Refund, Store, snapshot


def create(store: Store, shop: str, key: str, path: str, body: bytes) -> Answer:
    """`POST /v3/refunds` `{payment_id, amount, description?, receipt?, metadata?}`."""
    request = read_object(body)
    payment_id = request.get("payment_id")
    if not isinstance(payment_id, str) or not payment_id:
        raise invalid("payment_id must be the id of a payment", "payment_id")
    value, currency = amount(request.get("amount"))
    description = text(request, "description", 250)
    receipt = mapping(request, "receipt")
    metadata = mapping(request, "metadata")
    same = fingerprint(path, request)
    with store.lock:
        made = store.replayed(shop, key, same)
        if made is not None:
            return Answer(200, snapshot(store.refunds[made].body))
        payment = store.payment(shop, payment_id)
        _check_refundable(payment, value, currency)
        refund: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "payment_id": payment_id,
            "status": "succeeded",
            "created_at": now(),
            "amount": money(value, currency),
        }
        if description is not None:
            refund["description"] = description
        if metadata is not None:
            refund["metadata"] = metadata
        if receipt is not None:
            refund["receipt_registration"] = "succeeded"  # the test shop only pretends to print
        payment.refunded += value
        paid = Decimal(payment.body["amount"]["value"])
        payment.body["refunded_amount"] = money(payment.refunded, currency)
        payment.body["refundable"] = payment.refunded < paid
        store.refunds[refund["id"]] = Refund(refund, shop)
        store.remember(shop, key, same, refund["id"])
        store.notify(shop, "refund.succeeded", refund)
        return Answer(200, snapshot(refund))


def _check_refundable(payment: Payment, value: Decimal, currency: str) -> None:
    if payment.status != "succeeded":
        raise invalid(
            f"the payment is {payment.status}: only a succeeded payment can be refunded",
            "payment_id",
        )
    paid = payment.body["amount"]
    if currency != paid["currency"]:
        raise invalid(
            f"the payment was made in {paid['currency']}, not {currency}", "amount.currency"
        )
    left = Decimal(paid["value"]) - payment.refunded
    if value > left:
        raise invalid(f"at most {left:.2f} {currency} is left to refund", "amount.value")


def find(store: Store, shop: str, refund_id: str) -> Answer:
    """`GET /v3/refunds/{id}`: only the shop that made the refund can see it."""
    with store.lock:
        refund = store.refunds.get(refund_id)
        if refund is None or refund.shop != shop:
            raise not_found(f"refund {refund_id} not found")
        return Answer(200, snapshot(refund.body))
