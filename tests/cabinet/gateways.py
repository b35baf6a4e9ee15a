"""The payment gateways of provider A's tests: a YooKassa shop and a Stripe account in the
sandboxes (real processes), and paying on their hosted pages as a client would."""

import json
from collections.abc import Callable

import pytest
import requests
from django.test import TestCase
from django_tenants.utils import schema_context

from cabinet.accounts.models import ClientAccount
from cabinet.accounts.services import account_access_grant
from cabinet.payments.models import OnlinePayment
from tests.cabinet.factories import make_stripe_gateway, make_yookassa_gateway
from tests.cabinet.sync_helpers import full_sync
from tests.cabinet.test_home import browser_for
from tests.sandboxes.conftest import Receiver


@pytest.fixture
def shop_a(provider_a, billing_a, client_a, sandbox, settings):
    """Provider A takes payments through YooKassa shop 510001 (the sandbox); client A owns acc:1
    of the billing simulator with −120.50 on it."""
    settings.YOOKASSA_API_URL = f"{sandbox}/v3"
    settings.YOOKASSA_NOTIFICATION_NETWORKS = ["127.0.0.1/32"]
    provider_a.modules = sorted({*provider_a.modules, "payments"})
    provider_a.save()
    full_sync(provider_a.schema_name)
    with schema_context(provider_a.schema_name):
        make_yookassa_gateway("510001")
        account = ClientAccount.objects.get(external_id="acc:1")
        account_access_grant(user=client_a.user, account=account, role="owner")
    return account


def pay_on_gateway(confirmation_url: str, outcome: str = "succeed") -> None:
    answer = requests.post(
        confirmation_url, data={"outcome": outcome}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 303


@pytest.fixture
def hooks():
    running = Receiver()
    yield running
    running.close()


def stripe_for(provider, stripe_sandbox: str, hooks: Receiver, name: str):
    """The provider takes payments through its own Stripe account in the sandbox, whose events
    go to `hooks`."""
    with schema_context(provider.schema_name):
        gateway = make_stripe_gateway(name)
    secret_key = gateway.credentials["secret_key"]
    answer = requests.put(
        f"{stripe_sandbox}/_admin/accounts/{secret_key}",
        json={"webhook_url": hooks.url, "webhook_secret": gateway.credentials["webhook_secret"]},
        timeout=5,
    )
    assert answer.ok, answer.text
    return gateway


@pytest.fixture
def stripe_a(provider_a, billing_a, client_a, stripe_sandbox, hooks, settings):
    """Provider A on Stripe account "alpine"; client A owns acc:1 (−120.50 in billing)."""
    settings.STRIPE_API_URL = stripe_sandbox
    provider_a.modules = sorted({*provider_a.modules, "payments"})
    provider_a.save()
    full_sync(provider_a.schema_name)
    stripe_for(provider_a, stripe_sandbox, hooks, "alpine")
    with schema_context(provider_a.schema_name):
        account = ClientAccount.objects.get(external_id="acc:1")
        account_access_grant(user=client_a.user, account=account, role="owner")
    return account


def pay_on_stripe(session_url: str, card: str = "4242 4242 4242 4242") -> requests.Response:
    return requests.post(
        session_url,
        data={"card": card, "expiry": "12 / 34", "cvc": "123"},
        allow_redirects=False,
        timeout=10,
    )


def paid_top_up(
    client, amount: str, pay: Callable[[str], requests.Response], keep_card: bool = False
) -> OnlinePayment:
    """The client tops up from the cabinet, pays on the gateway's page with `pay` and comes back
    to the payment's page, which settles it; the client's only payment, as it is then."""
    browser = browser_for(client)
    browser.post("/pay/", {"amount": amount} | ({"save_card": "on"} if keep_card else {}))
    with schema_context(client.provider.schema_name):
        payment = OnlinePayment.objects.get()
    pay(payment.confirmation_url)
    with TestCase.captureOnCommitCallbacks(execute=True):
        browser.get(f"/pay/{payment.id}/")
    with schema_context(client.provider.schema_name):
        return OnlinePayment.objects.get()


def events_of(hooks: Receiver, kind: str, count: int = 1) -> list[tuple[bytes, str]]:
    """The raw bodies and signatures of `kind` events Stripe sent, once `count` have come."""
    found: list[tuple[bytes, str]] = []

    def arrived() -> bool:
        found[:] = [
            (body, headers.get("Stripe-Signature", ""))
            for headers, body in hooks.received
            if json.loads(body)["type"] == kind
        ]
        return len(found) >= count

    with hooks.arrived:
        hooks.arrived.wait_for(arrived, timeout=10)
    return found
