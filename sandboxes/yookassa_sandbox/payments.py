"""Payments: created with a redirect to the hosted page or charged at once to a saved method,
then settled, and for two-stage payments captured or canceled by the shop.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sandboxes.yookassa_sandbox import cards
from sandboxes.yookassa_sandbox.protocol import (
    Answer,
    amount,
    fingerprint,
    flag,
    invalid,
    mapping,
    money,
    now,
    read_object,
    text,
)
from sandboxes.yookassa_sandbox.state import Payment, SavedMethod, Store, snapshot

HOLD = timedelta(days=7)  # how long YooKassa keeps a two-stage payment authorised for bank cards


@dataclass
class NewPayment:
    """A create request, checked before anything is stored."""

    value: Decimal
    currency: str
    description: str | None
    metadata: dict[str, Any]
    capture: bool
    save_method: bool
    method_id: str | None
    return_url: str


def create(store: Store, shop: str, key: str, path: str, body: bytes) -> Answer:
    """`POST /v3/payments`. The same key with the same request gives the same payment back."""
    request = read_object(body)
    new = _checked(request)
    same = fingerprint(path, request)
    with store.lock:
        made = store.replayed(shop, key, same)
        if made is not None:
            return Answer(200, snapshot(store.payments[made].body))
        method = _saved_method(store, shop, new.method_id) if new.method_id else None
        payment = _stored(store, shop, new, with_page=method is None)
        store.remember(shop, key, same, payment.body["id"])
        if method is not None:
            charged = snapshot(method.body)
            settle(store, payment, charged, method.decline_reason, cards.NETWORK)
        return Answer(200, snapshot(payment.body))


def _checked(request: dict[str, Any]) -> NewPayment:
    value, currency = amount(request.get("amount"))
    if currency != "RUB":
        raise invalid("the sandbox takes payments in RUB only", "amount.currency")
    method_id = request.get("payment_method_id")
    if method_id is not None and (not isinstance(method_id, str) or not method_id):
        raise invalid("payment_method_id must be a saved method's id", "payment_method_id")
    confirmation = mapping(request, "confirmation")
    return_url = ""
    if confirmation is not None:
        if method_id:
            raise invalid(
                "a saved payment method is charged without confirmation here: leave it out",
                "confirmation",
            )
        if confirmation.get("type") != "redirect":
            raise invalid("the sandbox confirms payments by redirect only", "confirmation.type")
        return_url = text(confirmation, "return_url", 2048) or ""
    return NewPayment(
        value=value,
        currency=currency,
        description=text(request, "description", 128),
        metadata=mapping(request, "metadata") or {},
        capture=flag(request, "capture", True),
        save_method=flag(request, "save_payment_method", False),
        method_id=method_id,
        return_url=return_url,
    )


def _saved_method(store: Store, shop: str, method_id: str) -> SavedMethod:
    """A method saved by this shop's payer; any other id is refused, not looked up elsewhere."""
    method = store.methods.get(method_id)
    if method is None or method.shop != shop:
        raise invalid(
            f"payment_method_id {method_id} is not a payment method saved in this shop",
            "payment_method_id",
        )
    return method


def _stored(store: Store, shop: str, new: NewPayment, *, with_page: bool) -> Payment:
    payment_id = str(uuid.uuid4())
    body: dict[str, Any] = {
        "id": payment_id,
        "status": "pending",
        "paid": False,
        "amount": money(new.value, new.currency),
        "metadata": new.metadata,
        "recipient": {"account_id": shop, "gateway_id": f"gw-{shop}"},
        "created_at": now(),
        "test": True,
        "refundable": False,
    }
    if new.description is not None:
        body["description"] = new.description
    if with_page:
        body["confirmation"] = {
            "type": "redirect",
            "confirmation_url": f"{store.base_url}/pay/{payment_id}",
            "return_url": new.return_url,
        }
    payment = Payment(body, shop, capture=new.capture, save_method=new.save_method)
    store.payments[payment_id] = payment
    return payment


def pay_with_card(
    store: Store, payment: Payment, card: cards.TestCard, month: int, year: int
) -> None:
    """The payer paid on the hosted page with this card: save it if asked to, then settle."""
    method: dict[str, Any] = {
        "type": "bank_card",
        "id": str(uuid.uuid4()),
        "saved": False,
        "card": cards.card_object(card, month, year),
        "title": f"Bank card *{card.number[-4:]}",
    }
    if card.pays and payment.save_method:
        method["saved"] = True
        store.methods[method["id"]] = SavedMethod(snapshot(method), payment.shop)
    settle(store, payment, method, card.reason, card.party)


def settle(store: Store, payment: Payment, method: dict[str, Any], reason: str, party: str) -> None:
    """Canceled with `reason` if there is one; otherwise paid: succeeded, or held for capture."""
    body = payment.body
    body["payment_method"] = method
    if reason:
        body.update(status="canceled", paid=False)
        body["cancellation_details"] = {"party": party, "reason": reason}
        store.notify(payment.shop, "payment.canceled", body)
    elif payment.capture:
        body.update(status="succeeded", paid=True, captured_at=now(), refundable=True)
        store.notify(payment.shop, "payment.succeeded", body)
    else:
        expires = datetime.now(UTC) + HOLD
        body.update(status="waiting_for_capture", paid=True)
        body["expires_at"] = expires.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        store.notify(payment.shop, "payment.waiting_for_capture", body)


def capture(store: Store, shop: str, payment_id: str, key: str, path: str, body: bytes) -> Answer:
    """`POST /v3/payments/{id}/capture`: take all of the held amount, or less of it."""
    request = read_object(body, empty_ok=True)
    wanted = amount(request["amount"]) if "amount" in request else None
    mapping(request, "receipt")
    same = fingerprint(path, request)
    with store.lock:
        payment = store.payment(shop, payment_id)
        if store.replayed(shop, key, same) is not None:
            return Answer(200, snapshot(payment.body))
        _must_be_held(payment, "captured")
        held = payment.body["amount"]
        if wanted is not None:
            value, currency = wanted
            if currency != held["currency"]:
                raise invalid(f"the payment is in {held['currency']}", "amount.currency")
            if value > Decimal(held["value"]):
                raise invalid(f"at most {held['value']} can be captured", "amount.value")
            payment.body["amount"] = money(value, currency)
        payment.body.pop("expires_at", None)
        payment.body.update(status="succeeded", captured_at=now(), refundable=True)
        store.remember(shop, key, same, payment_id)
        store.notify(shop, "payment.succeeded", payment.body)
        return Answer(200, snapshot(payment.body))


def cancel(store: Store, shop: str, payment_id: str, key: str, path: str, body: bytes) -> Answer:
    """`POST /v3/payments/{id}/cancel`: release a two-stage payment the shop will not capture."""
    request = read_object(body, empty_ok=True)
    same = fingerprint(path, request)
    with store.lock:
        payment = store.payment(shop, payment_id)
        if store.replayed(shop, key, same) is not None:
            return Answer(200, snapshot(payment.body))
        _must_be_held(payment, "canceled")
        payment.body.pop("expires_at", None)
        payment.body.update(status="canceled", paid=False)
        payment.body["cancellation_details"] = {
            "party": "merchant",
            "reason": "canceled_by_merchant",
        }
        store.remember(shop, key, same, payment_id)
        store.notify(shop, "payment.canceled", payment.body)
        return Answer(200, snapshot(payment.body))


def _must_be_held(payment: Payment, verb: str) -> None:
    if payment.status != "waiting_for_capture":
        raise invalid(
            f"the payment is {payment.status}: only a payment waiting_for_capture can be {verb}"
        )
