"""A client tops up through the provider's YooKassa shop: the real SDK models against the
YooKassa sandbox and the billing simulator, both over HTTP. One payment credits once, however
many notifications and returns arrive; forged or foreign notifications change nothing."""

from decimal import Decimal

import pytest
from django.test import Client, TestCase
from django_tenants.utils import schema_context

from cabinet.accounts.models import ClientAccount
from cabinet.documents.models import Document
from cabinet.payments.models import OnlinePayment
from cabinet.sync.models import OutboxKind, OutboxMessage, OutboxStatus
from connectors.models import PaymentGateway
from tests.cabinet.factories import make_account
from tests.cabinet.gateways import pay_on_gateway
from tests.cabinet.test_home import browser_for, make_document
from tests.conftest import host_of

pytestmark = pytest.mark.usefixtures("eager")
NOTIFICATIONS = "/api/v1/payments/yookassa/notifications"


def start(browser, amount: str):
    return browser.post("/pay/", {"amount": amount})


def notify(provider, payment: OnlinePayment, address: str = "127.0.0.1"):
    body = {
        "type": "notification",
        "event": "payment.succeeded",
        "object": {"id": payment.gateway_payment_id},
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client(HTTP_HOST=host_of(provider), REMOTE_ADDR=address).post(
            NOTIFICATIONS, body, content_type="application/json"
        )


def the_payment(provider) -> OnlinePayment:
    with schema_context(provider.schema_name):
        return OnlinePayment.objects.get()


def test_a_top_up_paid_on_the_gateway_reaches_billing_once(client_a, shop_a, billing_a):
    browser = browser_for(client_a)
    assert 'href="/pay/"' in browser.get("/").content.decode()

    started = start(browser, "500.00")
    payment = the_payment(client_a.provider)
    assert started.status_code == 302
    assert started["Location"] == payment.confirmation_url
    pay_on_gateway(payment.confirmation_url)
    answers = [notify(client_a.provider, payment) for _ in range(3)]
    with TestCase.captureOnCommitCallbacks(execute=True):
        page = browser.get(f"/pay/{payment.id}/").content.decode()

    assert {answer.status_code for answer in answers} == {200}
    assert 'data-payment-status="succeeded"' in page
    with schema_context(client_a.provider.schema_name):
        credits = OutboxMessage.objects.filter(kind=OutboxKind.PAYMENT)
        assert credits.count() == 1
        assert credits.get().status == OutboxStatus.DELIVERED
        assert credits.get().payload["external_ref"] == f"yookassa:{payment.gateway_payment_id}"
    balance = billing_a.get("/accounts/acc:1").json()["balance"]["value"]
    assert balance == "379.50"


def test_a_declined_card_is_shown_with_its_reason_and_credits_nothing(client_a, shop_a):
    browser = browser_for(client_a)
    start(browser, "200.00")
    payment = the_payment(client_a.provider)

    pay_on_gateway(payment.confirmation_url, "decline")
    page = browser.get(f"/pay/{payment.id}/").content.decode()

    assert 'data-payment-status="canceled"' in page
    assert "card_expired" in page
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("amount", ["0", "5", "15000.01", "1.001", "abc", "-10"])
def test_a_bad_amount_is_a_field_error_and_nothing_is_asked(client_a, shop_a, amount):
    response = start(browser_for(client_a), amount)

    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    with schema_context(client_a.provider.schema_name):
        assert not OnlinePayment.objects.exists()


def test_forged_and_foreign_notifications_change_nothing(client_a, shop_a, provider_b, client_b):
    browser = browser_for(client_a)
    start(browser, "300.00")
    payment = the_payment(client_a.provider)
    pay_on_gateway(payment.confirmation_url)

    from_elsewhere = notify(client_a.provider, payment, address="203.0.113.9")
    at_another_provider = notify(provider_b, payment)
    garbage = Client(HTTP_HOST=host_of(client_a.provider), REMOTE_ADDR="127.0.0.1").post(
        NOTIFICATIONS, b"not json", content_type="application/json"
    )
    stranger = browser_for(client_b).get(f"/pay/{payment.id}/")

    assert from_elsewhere.status_code == 404
    assert at_another_provider.status_code == 404
    assert garbage.status_code == 400
    assert stranger.status_code in (200, 404)
    assert "300,00" not in stranger.content.decode()
    assert the_payment(client_a.provider).status == "pending"
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_another_accounts_payment_page_is_not_found(client_a, shop_a):
    browser = browser_for(client_a)
    start(browser, "100.00")
    payment = the_payment(client_a.provider)
    with schema_context(client_a.provider.schema_name):
        OnlinePayment.objects.filter(pk=payment.pk).update(
            account=ClientAccount.objects.get(external_id="acc:2")
        )

    assert browser.get(f"/pay/{payment.id}/").status_code == 404


def test_an_invoice_is_paid_for_its_total_and_billing_gets_it(client_a, shop_a, billing_a):
    browser = browser_for(client_a)
    with schema_context(client_a.provider.schema_name):
        invoice = Document.objects.get(external_id="doc:77")
    documents = browser.get("/documents/").content.decode()
    confirmation = browser.get(f"/pay/invoice/{invoice.id}/").content.decode()

    started = browser.post(f"/pay/invoice/{invoice.id}/")
    payment = the_payment(client_a.provider)
    pay_on_gateway(payment.confirmation_url)
    with TestCase.captureOnCommitCallbacks(execute=True):
        browser.get(f"/pay/{payment.id}/")

    assert f"/pay/invoice/{invoice.id}/" in documents
    assert "600,00" in confirmation
    assert started.status_code == 302
    assert (payment.purpose, payment.document_id, payment.amount) == (
        "invoice",
        invoice.id,
        Decimal("600.00"),
    )
    assert billing_a.get("/accounts/acc:1").json()["balance"]["value"] == "479.50"


def test_what_is_not_a_payable_invoice_of_this_account_is_not_found(client_a, shop_a):
    with schema_context(client_a.provider.schema_name):
        invoice = Document.objects.get(external_id="doc:77")
        other = make_account("acc:other", number="O-1")
        foreign = make_document(other, "INV-O1")
        act = make_document(ClientAccount.objects.get(external_id="acc:1"), "ACT-1", kind="act")
        paid = make_document(ClientAccount.objects.get(external_id="acc:1"), "INV-P", status="paid")
    browser = browser_for(client_a)

    for document in (foreign, act, paid):
        assert browser.get(f"/pay/invoice/{document.id}/").status_code == 404
        assert browser.post(f"/pay/invoice/{document.id}/").status_code == 404
    with schema_context(client_a.provider.schema_name):
        PaymentGateway.objects.update(purposes=["top_up"])
    assert browser.get(f"/pay/invoice/{invoice.id}/").status_code == 404
    with schema_context(client_a.provider.schema_name):
        assert not OnlinePayment.objects.exists()
