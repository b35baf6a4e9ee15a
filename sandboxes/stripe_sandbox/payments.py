"""PaymentIntents, charges and refunds, as Stripe keeps them.

Every handler takes the account, the decoded parameters and the ids from the path, refuses
before it changes anything, and returns the object Stripe would answer with.
"""

from typing import Any

from sandboxes.stripe_sandbox import cards, forms
from sandboxes.stripe_sandbox.store import Account, Refusal, new_id, now, public

Params = dict[str, Any]
CANCEL_REASONS = ("duplicate", "fraudulent", "requested_by_customer", "abandoned")
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")


def new_intent(
    account: Account, amount: int, currency: str, customer: str | None, **fields: Any
) -> dict[str, Any]:
    intent_id = new_id("pi_")
    return account.add(
        {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "currency": currency,
            "customer": customer,
            "payment_method": None,
            "payment_method_types": ["card"],
            "status": "requires_payment_method",
            "capture_method": fields.get("capture_method") or "automatic",
            "confirmation_method": "automatic",
            "setup_future_usage": fields.get("setup_future_usage"),
            "description": fields.get("description"),
            "metadata": fields.get("metadata") or {},
            "latest_charge": None,
            "last_payment_error": None,
            "canceled_at": None,
            "cancellation_reason": None,
            "client_secret": f"{intent_id}_secret_{new_id('')}",
            "created": now(),
            "livemode": False,
        }
    )


def create_payment_intent(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    """Off-session autopay: a saved card of this customer, charged at once with `confirm`."""
    amount = forms.integer(params, "amount", required=True)
    currency = forms.currency(params, "currency", required=True)
    assert amount is not None  # required: refused above when missing
    assert currency is not None
    customer = forms.text(params, "customer")
    if customer:
        account.find(customer, "customer", "customer")
    method = None
    if method_id := forms.text(params, "payment_method"):
        method = account.find(method_id, "payment_method", "payment_method")
        if method["customer"] is None or method["customer"] != customer:
            raise Refusal(
                400,
                f"The PaymentMethod {method_id} is not attached to the customer {customer}.",
                code="resource_missing",
                param="payment_method",
            )
    confirm = forms.boolean(params, "confirm")
    if confirm and method is None:
        raise Refusal(
            400,
            "You must provide a payment_method to confirm this PaymentIntent.",
            code="parameter_missing",
            param="payment_method",
        )
    if params.get("off_session") not in (None, "", "false") and not confirm:
        raise Refusal(400, "off_session can only be used with confirm=true.", param="off_session")
    intent = new_intent(
        account,
        amount,
        currency,
        customer,
        capture_method=forms.choice(
            params, "capture_method", ("automatic", "automatic_async", "manual")
        ),
        setup_future_usage=forms.choice(
            params, "setup_future_usage", ("off_session", "on_session")
        ),
        description=forms.text(params, "description", limit=1000),
        metadata=forms.metadata(params),
    )
    account.emit("payment_intent.created", intent)
    if method is not None:
        intent.update(payment_method=method["id"], status="requires_confirmation")
    if confirm and method is not None and (error := settle(account, intent, method)):
        details = {key: value for key, value in error.items() if key not in ("type", "message")}
        raise Refusal(
            402, error["message"], kind="card_error", **details, payment_intent=public(intent)
        )
    return intent


def settle(
    account: Account, intent: dict[str, Any], method: dict[str, Any]
) -> dict[str, Any] | None:
    """Charge the card for the intent. A charge is made either way; on a decline the intent
    waits for another card with the decline as `last_payment_error`, which is returned."""
    decline = method.get("_decline")
    charge = account.add(_charge(intent, method, decline))
    intent["latest_charge"] = charge["id"]
    if decline:
        code, message = cards.decline_error(decline)
        error = {
            "type": "card_error",
            "code": code,
            "decline_code": decline,
            "message": message,
            "charge": charge["id"],
            "doc_url": f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}",
            "payment_method": public(method),
        }
        intent.update(
            status="requires_payment_method", payment_method=None, last_payment_error=error
        )
        account.emit("payment_intent.payment_failed", intent)
        return error
    manual = intent["capture_method"] == "manual"
    intent.update(
        status="requires_capture" if manual else "succeeded",
        payment_method=method["id"],
        last_payment_error=None,
        amount_capturable=intent["amount"] if manual else 0,
        amount_received=0 if manual else intent["amount"],
    )
    kind = "payment_intent.amount_capturable_updated" if manual else "payment_intent.succeeded"
    account.emit(kind, intent)
    return None


def _charge(intent: dict[str, Any], method: dict[str, Any], decline: str | None) -> dict[str, Any]:
    code, message = cards.decline_error(decline) if decline else (None, None)
    captured = not decline and intent["capture_method"] != "manual"
    return {
        "id": new_id("ch_"),
        "object": "charge",
        "amount": intent["amount"],
        "amount_captured": intent["amount"] if captured else 0,
        "amount_refunded": 0,
        "refunded": False,
        "captured": captured,
        "paid": not decline,
        "status": "failed" if decline else "succeeded",
        "currency": intent["currency"],
        "customer": intent["customer"],
        "payment_intent": intent["id"],
        "payment_method": method["id"],
        "payment_method_details": {"type": "card", "card": dict(method["card"])},
        "failure_code": code,
        "failure_message": message,
        "outcome": {
            "type": "issuer_declined" if decline else "authorized",
            "network_status": "declined_by_network" if decline else "approved_by_network",
            "reason": decline,
            "seller_message": message or "Payment complete.",
        },
        "metadata": dict(intent["metadata"]),
        "created": now(),
        "livemode": False,
    }


def get_payment_intent(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    return account.find(ids[0], "payment_intent")


def capture_payment_intent(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    intent = account.find(ids[0], "payment_intent")
    _expect(intent, ("requires_capture",), "captured")
    amount = forms.integer(params, "amount_to_capture") or intent["amount_capturable"]
    if amount > intent["amount_capturable"]:
        raise Refusal(
            400,
            f"The amount to capture ({amount}) is greater than what can be captured "
            f"({intent['amount_capturable']}).",
            code="amount_too_large",
            param="amount_to_capture",
        )
    charge = account.find(intent["latest_charge"], "charge")
    charge.update(captured=True, amount_captured=amount)
    intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
    account.emit("payment_intent.succeeded", intent)
    return intent


def cancel_payment_intent(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    intent = account.find(ids[0], "payment_intent")
    reason = forms.choice(params, "cancellation_reason", CANCEL_REASONS)
    _expect(
        intent,
        ("requires_payment_method", "requires_confirmation", "requires_action", "requires_capture"),
        "canceled",
    )
    cancel(account, intent, reason)
    return intent


def cancel(account: Account, intent: dict[str, Any], reason: str | None) -> None:
    """Cancel; a held but uncaptured amount goes back to the card."""
    if intent["status"] == "requires_capture":
        charge = account.find(intent["latest_charge"], "charge")
        charge.update(amount_refunded=charge["amount"], refunded=True)
    intent.update(
        status="canceled", canceled_at=now(), cancellation_reason=reason, amount_capturable=0
    )
    account.emit("payment_intent.canceled", intent)


def _expect(intent: dict[str, Any], statuses: tuple[str, ...], verb: str) -> None:
    if intent["status"] not in statuses:
        raise Refusal(
            400,
            f"This PaymentIntent could not be {verb} because it has a status of "
            f"{intent['status']}. Only a PaymentIntent with one of the following statuses may "
            f"be {verb}: {', '.join(statuses)}.",
            code="payment_intent_unexpected_state",
        )


def get_charge(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    return account.find(ids[0], "charge")


def create_refund(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    """Give back all that is left of a payment, or part of it; never more than is left."""
    amount = forms.integer(params, "amount")
    reason = forms.choice(params, "reason", REFUND_REASONS)
    metadata = forms.metadata(params)
    intent = _refunded_intent(account, params)
    charge = account.find(intent["latest_charge"], "charge")
    left = charge["amount_captured"] - charge["amount_refunded"]
    if left <= 0:
        raise Refusal(
            400,
            f"Charge {charge['id']} has already been refunded.",
            code="charge_already_refunded",
            param="payment_intent",
        )
    if amount is not None and amount > left:
        raise Refusal(
            400,
            f"Refund amount ({amount} {charge['currency']}, in minor units) is greater than "
            f"the unrefunded amount on the charge ({left}).",
            code="amount_too_large",
            param="amount",
        )
    refund = account.add(
        {
            "id": new_id("re_"),
            "object": "refund",
            "amount": amount or left,
            "currency": charge["currency"],
            "payment_intent": intent["id"],
            "charge": charge["id"],
            "status": "succeeded",
            "reason": reason,
            "metadata": metadata,
            "created": now(),
        }
    )
    charge["amount_refunded"] += refund["amount"]
    charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
    account.emit("refund.created", refund)
    account.emit("charge.refunded", charge)
    return refund


def _refunded_intent(account: Account, params: Params) -> dict[str, Any]:
    """The PaymentIntent to refund, named directly or through its charge; it must have
    succeeded."""
    if charge_id := forms.text(params, "charge"):
        intent_id = account.find(charge_id, "charge", "charge")["payment_intent"]
    else:
        intent_id = forms.text(params, "payment_intent", required=True)
    intent = account.find(intent_id, "payment_intent", "payment_intent")
    if intent["status"] != "succeeded":
        raise Refusal(
            400,
            f"This PaymentIntent ({intent['id']}) has a status of {intent['status']} and has "
            "no successful charge to refund.",
            code="payment_intent_unexpected_state",
            param="payment_intent",
        )
    return intent


def get_refund(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    return account.find(ids[0], "refund")


def get_event(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    return account.find(ids[0], "event")
