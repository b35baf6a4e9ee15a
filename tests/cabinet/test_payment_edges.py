"""Payments where things go sideways: the provider switches gateways with payments open, a
charge's answer is lost and the client then switches automatic top-up off, the payer's user is
gone, an invoice is paid from two windows, the client changes accounts in another tab, and
bodies built to crash a parser reach the notification endpoints."""

import hashlib
import hmac
import json
import time
import uuid
from decimal import Decimal

import pytest
from django.test import Client, TestCase
from django_tenants.utils import schema_context

from cabinet.accounts.models import ClientAccount
from cabinet.accounts.services import account_access_grant
from cabinet.documents.models import Document
from cabinet.payments.models import OnlinePayment, PaymentRefund
from cabinet.payments.tasks import auto_top_up_task
from cabinet.sync.models import OutboxKind, OutboxMessage
from connectors.errors import Unavailable
from connectors.gateway_settings import GatewaySettings, payment_gateway_save
from connectors.models import PaymentGateway
from connectors.payments.stripe_account import StripeAccount
from tenants.users.models import Role, User
from tests.cabinet.gateways import paid_top_up, pay_on_gateway, pay_on_stripe
from tests.cabinet.test_home import browser_for
from tests.conftest import host_of, make_user

pytestmark = pytest.mark.usefixtures("eager")
YOOKASSA = "/api/v1/payments/yookassa/notifications"
STRIPE = "/api/v1/payments/stripe/webhook"


def switch_gateway(provider, kind: str) -> None:
    """The provider's admin saves another gateway (or none) in /manage/."""
    secrets = (
        {"secret_key": "sk_test_another0000secret", "webhook_secret": "whsec_another0000signing"}
        if kind == "stripe"
        else {}
    )
    with schema_context(provider.schema_name):
        payment_gateway_save(
            settings=GatewaySettings(
                kind=kind,
                mode="test",
                secrets=secrets,
                min_amount=Decimal("1.00"),
                max_amount=Decimal("5000.00"),
                purposes=["top_up", "invoice"] if kind != "none" else [],
            ),
            currency=provider.currency,
        )


def signed(body: bytes, secret: str) -> str:
    """A Stripe-Signature header for `body`, made as Stripe makes it."""
    moment = int(time.time())
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256)
    return f"t={moment},v1={digest.hexdigest()}"


def notify(provider, path: str, body: bytes, **headers):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client(HTTP_HOST=host_of(provider), REMOTE_ADDR="127.0.0.1").post(
            path, body, content_type="application/json", **headers
        )


def staff_refund(provider, payment: OnlinePayment, amount: str):
    staff = browser_for(make_user(provider, Role.PROVIDER_STAFF, "cashier@alpha.test"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        return staff.post(
            f"/manage/payments/{payment.id}/",
            {"refund_id": uuid.uuid4(), "amount": amount, "reason": "Goodwill"},
        )


@pytest.mark.parametrize("now", ["none", "stripe"])
def test_a_payment_open_when_the_gateway_changes_still_settles_and_refunds(
    client_a, shop_a, billing_a, now
):
    browser = browser_for(client_a)
    browser.post("/pay/", {"amount": "300.00"})
    with schema_context(client_a.provider.schema_name):
        payment = OnlinePayment.objects.get()
    pay_on_gateway(payment.confirmation_url)  # paid at YooKassa...
    switch_gateway(client_a.provider, now)  # ...as the admin switched away from it

    body = json.dumps({"event": "payment.succeeded", "object": {"id": payment.gateway_payment_id}})
    answer = notify(client_a.provider, YOOKASSA, body.encode())
    page = browser.get(f"/pay/{payment.id}/")
    refunded = staff_refund(client_a.provider, payment, "100.00")

    assert (answer.status_code, page.status_code, refunded.status_code) == (200, 200, 302)
    with schema_context(client_a.provider.schema_name):
        payment.refresh_from_db()
        assert (payment.status, payment.refunded) == ("succeeded", Decimal("100.00"))
        kinds = sorted(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == [OutboxKind.PAYMENT, OutboxKind.REFUND]


@pytest.mark.parametrize("then", ["switches automatic top-up off", "removes the card"])
def test_a_charge_whose_answer_was_lost_is_credited_whatever_the_client_does_next(
    client_a, stripe_a, monkeypatch, then
):
    payment = paid_top_up(client_a, "100.00", pay_on_stripe, keep_card=True)
    browser = browser_for(client_a)
    rule = {"threshold": "0.00", "amount": "300.00", "period": "week", "consent": "on"}
    browser.post("/pay/auto/", {**rule, "card": payment.card_id})
    with schema_context(client_a.provider.schema_name):
        ClientAccount.objects.filter(external_id="acc:1").update(balance=Decimal("-50"))
    real = StripeAccount.charge_saved

    def taken_but_the_answer_lost(self, *args, **kwargs):
        real(self, *args, **kwargs)
        raise Unavailable("Stripe did not answer: ReadTimeout")

    monkeypatch.setattr(StripeAccount, "charge_saved", taken_but_the_answer_lost)
    auto_top_up_task.delay(client_a.provider.schema_name)
    monkeypatch.setattr(StripeAccount, "charge_saved", real)
    if then == "switches automatic top-up off":
        browser.post("/pay/auto/off")
    else:
        browser.post(f"/pay/cards/{payment.card_id}/delete")
    with TestCase.captureOnCommitCallbacks(execute=True):
        auto_top_up_task.delay(client_a.provider.schema_name)

    with schema_context(client_a.provider.schema_name):
        automatic = OnlinePayment.objects.get(automatic=True)
        credits = OutboxMessage.objects.filter(kind=OutboxKind.PAYMENT, payload__amount="300.00")
        assert (automatic.status, credits.count()) == ("succeeded", 1)
        assert OnlinePayment.objects.filter(automatic=True).count() == 1


def test_a_refund_for_a_payer_no_longer_here_sends_the_receipt_to_the_account(
    client_a, shop_a, billing_a
):
    payment = paid_top_up(client_a, "300.00", pay_on_gateway)
    with schema_context(client_a.provider.schema_name):
        ClientAccount.objects.filter(pk=payment.account_id).update(email="owner@example.com")
        User.objects.filter(pk=client_a.user.pk).delete()

    answer = staff_refund(client_a.provider, payment, "100.00")

    assert answer.status_code == 302
    with schema_context(client_a.provider.schema_name):
        assert list(PaymentRefund.objects.values_list("status", flat=True)) == ["succeeded"]


def test_an_invoice_opened_in_two_windows_is_paid_once(client_a, stripe_a, billing_a):
    browser = browser_for(client_a)
    with schema_context(client_a.provider.schema_name):
        invoice = Document.objects.get(external_id="doc:77")

    first = browser.post(f"/pay/invoice/{invoice.id}/")
    second = browser.post(f"/pay/invoice/{invoice.id}/")
    pay_on_stripe(first["Location"])
    with schema_context(client_a.provider.schema_name):
        payment = OnlinePayment.objects.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        browser.get(f"/pay/{payment.id}/")
    third = browser.post(f"/pay/invoice/{invoice.id}/")

    assert second["Location"] == first["Location"]
    assert third.status_code in (400, 404)
    with schema_context(client_a.provider.schema_name):
        assert OnlinePayment.objects.count() == 1
        assert OutboxMessage.objects.filter(kind=OutboxKind.PAYMENT).count() == 1


def test_coming_back_after_switching_accounts_in_another_tab_shows_the_payment(
    client_a, stripe_a, client_b
):
    with schema_context(client_a.provider.schema_name):
        other = ClientAccount.objects.get(external_id="acc:2")
        account_access_grant(user=client_a.user, account=other, role="owner")
    browser = browser_for(client_a)
    browser.post("/pay/", {"amount": "100.00"})
    with schema_context(client_a.provider.schema_name):
        payment = OnlinePayment.objects.get()
    pay_on_stripe(payment.confirmation_url)
    browser.post("/account/switch", {"account": str(other.pk)})

    with TestCase.captureOnCommitCallbacks(execute=True):
        back = browser.get(f"/pay/{payment.id}/")

    assert back.status_code == 200
    assert payment.account.number in back.content.decode()
    with schema_context(client_a.provider.schema_name):
        assert OnlinePayment.objects.get().status == "succeeded"


DEEP = {
    "nested lists": b"[" * 30000 + b"]" * 30000,
    "nested objects": b'{"object":' * 20000 + b"1" + b"}" * 20000,
}


@pytest.mark.parametrize("body", list(DEEP.values()), ids=list(DEEP))
def test_bodies_nested_to_crash_a_parser_are_refused(client_a, shop_a, body):
    assert notify(client_a.provider, YOOKASSA, body).status_code == 400


@pytest.mark.parametrize("body", list(DEEP.values()), ids=list(DEEP))
def test_signed_bodies_nested_to_crash_a_parser_are_refused(client_a, stripe_a, body):
    with schema_context(client_a.provider.schema_name):
        secret = PaymentGateway.objects.get().credentials["webhook_secret"]

    answer = notify(client_a.provider, STRIPE, body, HTTP_STRIPE_SIGNATURE=signed(body, secret))

    assert answer.status_code == 400
