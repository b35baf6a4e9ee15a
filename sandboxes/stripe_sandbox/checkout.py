"""Checkout Sessions: made by the server, paid (or not) by the tester on the hosted page.

As on real Checkout, a declined card leaves the session open for another try: its
PaymentIntent is made on the first try and waits with the decline as `last_payment_error`.
"""

from datetime import timedelta
from typing import Any

from sandboxes.stripe_sandbox import cards, customers, forms, payments
from sandboxes.stripe_sandbox.store import Account, Refusal, listing, new_id, now

Params = dict[str, Any]
LIFETIME = int(timedelta(hours=24).total_seconds())


def create_session(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    mode = forms.choice(params, "mode", ("payment", "setup"), required=True)
    success_url = forms.url(params, "success_url", required=True)
    cancel_url = forms.url(params, "cancel_url")
    assert success_url is not None
    customer = forms.text(params, "customer")
    if customer:
        account.find(customer, "customer", "customer")
    email = forms.text(params, "customer_email", limit=512)
    if customer and email:
        raise Refusal(
            400,
            "You may only specify one of these parameters: customer, customer_email.",
            param="customer_email",
        )
    if mode == "payment":
        lines = _line_items(params)
        currency = lines[0]["currency"]
        amount: int | None = sum(line["unit_amount"] * line["quantity"] for line in lines)
        data = forms.section(params, "payment_intent_data", "payment_intent_data")
        later = forms.choice(
            data,
            "setup_future_usage",
            ("off_session", "on_session"),
            "payment_intent_data[setup_future_usage]",
        )
        intent_data = {
            "setup_future_usage": later,
            "description": forms.text(data, "description", "payment_intent_data[description]"),
            "metadata": forms.metadata(data, "metadata", "payment_intent_data[metadata]"),
        }
    else:
        lines, amount, intent_data = [], None, {}
        currency = forms.currency(params, "currency")
        data = forms.section(params, "setup_intent_data", "setup_intent_data")
        intent_data = {"metadata": forms.metadata(data, "metadata", "setup_intent_data[metadata]")}
    session_id = new_id("cs_test_")
    created = now()
    return account.add(
        {
            "id": session_id,
            "object": "checkout.session",
            "mode": mode,
            "status": "open",
            "payment_status": "unpaid",
            "amount_subtotal": amount,
            "amount_total": amount,
            "currency": currency,
            "url": f"{account.base_url}/pay/{session_id}",
            "client_reference_id": forms.text(params, "client_reference_id", limit=200),
            "metadata": forms.metadata(params),
            "customer": customer,
            "customer_email": email,
            "payment_intent": None,
            "setup_intent": None,
            "payment_method_types": ["card"],
            "success_url": success_url.replace("{CHECKOUT_SESSION_ID}", session_id),
            "cancel_url": cancel_url,
            "ui_mode": "hosted",
            "expires_at": created + LIFETIME,
            "created": created,
            "livemode": False,
            "_lines": lines,
            "_intent_data": intent_data,
        }
    )


def _line_items(params: Params) -> list[dict[str, Any]]:
    """`line_items[i][price_data][currency|unit_amount|product_data][name]` and `[quantity]`;
    prices by id are not kept here, so each line carries its own price."""
    items = params.get("line_items")
    if not isinstance(items, list) or not items:
        raise Refusal(
            400, "Missing required param: line_items.", code="parameter_missing", param="line_items"
        )
    lines = []
    for index, item in enumerate(items):
        at = f"line_items[{index}]"
        if not isinstance(item, dict):
            raise Refusal(400, f"Invalid object: {at} must be a hash.", param=at)
        price = forms.section(item, "price_data", f"{at}[price_data]", required=True)
        product = forms.section(
            price, "product_data", f"{at}[price_data][product_data]", required=True
        )
        lines.append(
            {
                "name": forms.text(
                    product, "name", f"{at}[price_data][product_data][name]", required=True
                ),
                "currency": forms.currency(
                    price, "currency", f"{at}[price_data][currency]", required=True
                ),
                "unit_amount": forms.integer(
                    price, "unit_amount", f"{at}[price_data][unit_amount]", required=True
                ),
                "quantity": forms.integer(item, "quantity", f"{at}[quantity]", required=True),
            }
        )
    if len({line["currency"] for line in lines}) > 1:
        raise Refusal(400, "All line items must be in the same currency.", param="line_items")
    return lines


def get_session(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    return account.find(ids[0], "checkout.session")


def list_sessions(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    return listing("/v1/checkout/sessions", account.all("checkout.session"), forms.limit(params))


def expire_session(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    """Only an open session can be expired; a PaymentIntent left by a declined try is
    canceled with it, as Stripe does."""
    session = account.find(ids[0], "checkout.session")
    if session["status"] != "open":
        raise Refusal(
            400,
            f'Only Checkout Sessions with a status in ["open"] can be expired; this one is '
            f"{session['status']}.",
            code="checkout_session_unexpected_state",
        )
    session.update(status="expired", url=None)
    if session["payment_intent"]:
        payments.cancel(account, account.find(session["payment_intent"], "payment_intent"), None)
    account.emit("checkout.session.expired", session)
    return session


def pay(account: Account, session: dict[str, Any], form: dict[str, str]) -> str | None:
    """The tester's card on the hosted page: None when the session is complete, else what the
    page should say. A mistyped card changes nothing."""
    try:
        card, month, year = cards.read(
            form.get("card", ""), form.get("expiry", ""), form.get("cvc", "")
        )
    except cards.CardProblem as problem:
        return str(problem)
    method = customers.new_payment_method(account, card, month, year, session["customer_email"])
    if session["mode"] == "setup":
        return _set_up(account, session, method, card)
    intent = _intent(account, session)
    if intent["setup_future_usage"] and not method["_decline"]:
        method["customer"] = intent["customer"] = _customer(account, session)
    if error := payments.settle(account, intent, method):
        return str(error["message"])
    _complete(account, session, "paid")
    return None


def _intent(account: Account, session: dict[str, Any]) -> dict[str, Any]:
    """The session's PaymentIntent, made on the first try to pay."""
    if session["payment_intent"]:
        return account.find(session["payment_intent"], "payment_intent")
    intent = payments.new_intent(
        account,
        session["amount_total"],
        session["currency"],
        session["customer"],
        **session["_intent_data"],
    )
    session["payment_intent"] = intent["id"]
    account.emit("payment_intent.created", intent)
    return intent


def _set_up(
    account: Account, session: dict[str, Any], method: dict[str, Any], card: cards.TestCard
) -> str | None:
    """Setup mode: the card is checked and saved to the customer; nothing is charged."""
    setup = _setup_intent(account, session)
    if not card.saves:
        code, message = cards.decline_error(card.decline or "generic_decline")
        error = {
            "type": "card_error",
            "code": code,
            "decline_code": card.decline,
            "message": message,
        }
        setup.update(status="requires_payment_method", last_setup_error=error)
        account.emit("setup_intent.setup_failed", setup)
        return message
    method["customer"] = setup["customer"] = _customer(account, session)
    setup.update(status="succeeded", payment_method=method["id"], last_setup_error=None)
    account.emit("setup_intent.succeeded", setup)
    _complete(account, session, "no_payment_required")
    return None


def _setup_intent(account: Account, session: dict[str, Any]) -> dict[str, Any]:
    if session["setup_intent"]:
        return account.find(session["setup_intent"], "setup_intent")
    setup_id = new_id("seti_")
    session["setup_intent"] = setup_id
    return account.add(
        {
            "id": setup_id,
            "object": "setup_intent",
            "status": "requires_payment_method",
            "usage": "off_session",
            "customer": session["customer"],
            "payment_method": None,
            "payment_method_types": ["card"],
            "last_setup_error": None,
            "metadata": session["_intent_data"]["metadata"],
            "client_secret": f"{setup_id}_secret_{new_id('')}",
            "created": now(),
            "livemode": False,
        }
    )


def _customer(account: Account, session: dict[str, Any]) -> str:
    """The customer a saved card goes to; made from the e-mail when the session named none,
    as Checkout does."""
    if not session["customer"]:
        session["customer"] = customers.new_customer(account, session["customer_email"])["id"]
    return str(session["customer"])


def _complete(account: Account, session: dict[str, Any], payment_status: str) -> None:
    session.update(status="complete", payment_status=payment_status, url=None)
    account.emit("checkout.session.completed", session)


def get_setup_intent(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    return account.find(ids[0], "setup_intent")
