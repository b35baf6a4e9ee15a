"""A client pays through the provider's own Stripe account: the real SDK against the Stripe
sandbox and the billing simulator, both over HTTP. Stripe's events are signed by the sandbox as
Stripe signs them and handed to Kabinet byte for byte; one payment credits once."""

import threading
from decimal import Decimal

import pytest
import requests
from django.test import Client, TestCase
from django_tenants.utils import schema_context

from cabinet.documents.models import Document
from cabinet.payments.models import OnlinePayment
from cabinet.sync.models import OutboxKind, OutboxMessage, OutboxStatus
from connectors.models import PaymentGateway
from connectors.payments.stripe_account import StripeAccount
from tests.cabinet.gateways import events_of, pay_on_stripe, stripe_for
from tests.cabinet.test_home import browser_for
from tests.conftest import host_of
from tests.sandboxes.conftest import Receiver

pytestmark = pytest.mark.usefixtures("eager")
WEBHOOK = "/api/v1/payments/stripe/webhook"


def deliver(provider, body: bytes, signature: str):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client(HTTP_HOST=host_of(provider)).post(
            WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
        )


def the_payment(provider) -> OnlinePayment:
    with schema_context(provider.schema_name):
        return OnlinePayment.objects.get()


def test_a_top_up_paid_on_stripes_page_reaches_billing_once(client_a, stripe_a, billing_a, hooks):
    browser = browser_for(client_a)
    started = browser.post("/pay/", {"amount": "500.00"})
    payment = the_payment(client_a.provider)
    paid = pay_on_stripe(payment.confirmation_url)
    [(body, signature)] = events_of(hooks, "checkout.session.completed")
    answers = [deliver(client_a.provider, body, signature) for _ in range(3)]
    with TestCase.captureOnCommitCallbacks(execute=True):
        page = browser.get(f"/pay/{payment.id}/").content.decode()

    assert started.status_code == 302
    assert started["Location"] == payment.confirmation_url
    assert paid.status_code == 303
    assert paid.headers["Location"].endswith(f"/pay/{payment.id}/")
    assert {answer.status_code for answer in answers} == {200}
    assert 'data-payment-status="succeeded"' in page
    payment = the_payment(client_a.provider)
    assert payment.charge_ref.startswith("pi_")
    with schema_context(client_a.provider.schema_name):
        [credit] = OutboxMessage.objects.filter(kind=OutboxKind.PAYMENT)
        assert credit.status == OutboxStatus.DELIVERED
        assert credit.payload["external_ref"] == f"stripe:{payment.charge_ref}"
    assert billing_a.get("/accounts/acc:1").json()["balance"]["value"] == "379.50"


def test_a_declined_card_then_going_back_cancels_with_the_reason(client_a, stripe_a):
    browser = browser_for(client_a)
    browser.post("/pay/", {"amount": "200.00"})
    payment = the_payment(client_a.provider)

    declined = pay_on_stripe(payment.confirmation_url, "4000 0000 0000 9995")
    back = browser.get(f"/pay/{payment.id}/cancel")
    page = browser.get(back["Location"]).content.decode()
    again = pay_on_stripe(payment.confirmation_url)

    assert declined.status_code == 200  # Stripe's page shows the decline and stays open
    assert back.status_code == 302
    assert 'data-payment-status="canceled"' in page
    assert "insufficient_funds" in page
    assert again.status_code >= 400  # the closed session cannot be paid later
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_forged_stale_and_foreign_events_change_nothing(
    client_a, stripe_a, provider_b, stripe_sandbox, hooks
):
    browser = browser_for(client_a)
    browser.post("/pay/", {"amount": "300.00"})
    payment = the_payment(client_a.provider)
    pay_on_stripe(payment.confirmation_url)
    [(body, signature)] = events_of(hooks, "checkout.session.completed")
    tampered = body.replace(b'"livemode"', b'"livemode_"')
    timestamp, _, rest = signature.partition(",")
    stale = f"t={int(timestamp.removeprefix('t=')) - 3600},{rest}"
    b_gateway_hooks = Receiver()
    try:
        stripe_for(provider_b, stripe_sandbox, b_gateway_hooks, "bravo")
        at_b = deliver(provider_b, body, signature)
    finally:
        b_gateway_hooks.close()

    answers = {
        "tampered": deliver(client_a.provider, tampered, signature).status_code,
        "unsigned": deliver(client_a.provider, body, "").status_code,
        "stale": deliver(client_a.provider, body, stale).status_code,
        "garbage": deliver(client_a.provider, b"\xff" * 10, signature).status_code,
        "oversized": deliver(client_a.provider, b" " * 70_000 + body, signature).status_code,
        "at another provider": at_b.status_code,
    }

    assert answers == dict.fromkeys(answers, 400)
    assert the_payment(client_a.provider).status == "pending"
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_genuine_events_about_payments_made_elsewhere_are_acknowledged(
    client_a, stripe_a, hooks, stripe_sandbox
):
    # The provider's Stripe account also takes payments Kabinet never made.
    with schema_context(client_a.provider.schema_name):
        secret_key = PaymentGateway.objects.get().credentials["secret_key"]
    made_elsewhere = requests.post(
        f"{stripe_sandbox}/v1/payment_intents",
        data={"amount": "5000", "currency": "rub"},
        headers={"Authorization": f"Bearer {secret_key}"},
        timeout=5,
    )
    assert made_elsewhere.ok, made_elsewhere.text
    [(body, signature)] = events_of(hooks, "payment_intent.created")

    answer = deliver(client_a.provider, body, signature)

    assert (answer.status_code, answer.json()) == (200, {"status": "ignored"})
    with schema_context(client_a.provider.schema_name):
        assert not OnlinePayment.objects.exists()
        assert not OutboxMessage.objects.exists()


def test_an_invoice_paid_through_stripe_is_marked_paid_in_billing(
    client_a, stripe_a, billing_a, hooks
):
    browser = browser_for(client_a)
    with schema_context(client_a.provider.schema_name):
        invoice = Document.objects.get(external_id="doc:77")

    browser.post(f"/pay/invoice/{invoice.id}/")
    payment = the_payment(client_a.provider)
    pay_on_stripe(payment.confirmation_url)
    with TestCase.captureOnCommitCallbacks(execute=True):
        browser.get(f"/pay/{payment.id}/")

    assert payment.amount == Decimal("600.00")
    assert billing_a.get("/accounts/acc:1").json()["balance"]["value"] == "479.50"
    documents = billing_a.get("/accounts/acc:1/documents").json()["items"]
    assert next(doc for doc in documents if doc["id"] == "doc:77")["status"] == "paid"


def test_two_providers_at_once_each_reach_their_own_stripe_account(stripe_sandbox):
    accounts = {
        name: StripeAccount(
            secret_key=f"sk_test_{name}0000secret", api_url=stripe_sandbox, timeout=5
        )
        for name in ("north", "south")
    }
    made: dict[str, list[str]] = {name: [] for name in accounts}

    def sell(name: str) -> None:
        for number in range(8):
            session = accounts[name].create_checkout(
                {
                    "mode": "payment",
                    "line_items": [
                        {
                            "price_data": {
                                "currency": "eur",
                                "unit_amount": 1500,
                                "product_data": {"name": f"Top-up {name} {number}"},
                            },
                            "quantity": 1,
                        }
                    ],
                    "success_url": "https://portal.example/pay/ok",
                    "cancel_url": "https://portal.example/pay/back",
                },
                idempotency_key=f"{name}-{number}",
            )
            made[name].append(session.id)

    threads = [threading.Thread(target=sell, args=(name,)) for name in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [len(ids) for ids in made.values()] == [8, 8]
    north_session = made["north"][0]
    assert accounts["north"].find_checkout(north_session).id == north_session
    with pytest.raises(Exception, match="Stripe refused"):
        accounts["south"].find_checkout(north_session)
    assert "secret" not in repr(accounts["north"])
