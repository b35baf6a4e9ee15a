"""Customers and their saved cards, as Stripe keeps them.

Handlers take the account, the decoded parameters and the ids from the path, and return the
object Stripe would answer with.
"""

from typing import Any

from sandboxes.stripe_sandbox import cards, forms
from sandboxes.stripe_sandbox.store import Account, Refusal, listing, new_id, now

Params = dict[str, Any]


def new_customer(
    account: Account, email: str | None, name: str | None = None, **fields: Any
) -> dict[str, Any]:
    return account.add(
        {
            "id": new_id("cus_"),
            "object": "customer",
            "email": email,
            "name": name,
            "description": fields.get("description"),
            "phone": fields.get("phone"),
            "metadata": fields.get("metadata") or {},
            "invoice_settings": {"default_payment_method": None},
            "created": now(),
            "livemode": False,
        }
    )


def create_customer(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    return new_customer(
        account,
        forms.text(params, "email", limit=512),
        forms.text(params, "name", limit=256),
        description=forms.text(params, "description"),
        phone=forms.text(params, "phone", limit=20),
        metadata=forms.metadata(params),
    )


def get_customer(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    return account.find(ids[0], "customer")


def new_payment_method(
    account: Account, card: cards.TestCard, month: int, year: int, email: str | None
) -> dict[str, Any]:
    """A card as typed on the payment page; how its charges end is its hidden `_decline`."""
    return account.add(
        {
            "id": new_id("pm_"),
            "object": "payment_method",
            "type": "card",
            "card": {
                "brand": card.brand,
                "last4": card.number[-4:],
                "exp_month": month,
                "exp_year": year,
                "funding": "credit",
                "country": "US",
            },
            "billing_details": {"email": email, "name": None},
            "customer": None,
            "metadata": {},
            "created": now(),
            "livemode": False,
            "_decline": card.decline,
        }
    )


def list_payment_methods(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    """`GET /v1/payment_methods?customer=…` and `GET /v1/customers/{id}/payment_methods`."""
    customer = ids[0] if ids else forms.text(params, "customer", required=True)
    account.find(customer, "customer", None if ids else "customer")
    kind = forms.text(params, "type", limit=50)
    methods = [
        method
        for method in account.all("payment_method")
        if method["customer"] == customer and kind in (None, method["type"])
    ]
    url = f"/v1/customers/{customer}/payment_methods" if ids else "/v1/payment_methods"
    return listing(url, methods, forms.limit(params))


def get_payment_method(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    return account.find(ids[0], "payment_method")


def detach_payment_method(account: Account, params: Params, ids: list[str]) -> dict[str, Any]:
    method = account.find(ids[0], "payment_method")
    if method["customer"] is None:
        raise Refusal(
            400,
            "The payment method you provided is not attached to a customer so detachment is "
            "impossible.",
            code="payment_method_unexpected_state",
        )
    method["customer"] = None
    account.emit("payment_method.detached", method)
    return method
