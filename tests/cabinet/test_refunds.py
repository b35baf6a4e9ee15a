"""Provider staff refund a client's online payment, in full or in part, through the provider's
gateway (the sandboxes, over HTTP); billing takes it off the balance as a reversal, once."""

import uuid

import pytest
from django.test import TestCase
from django_tenants.utils import schema_context

from cabinet.payments.models import OnlinePayment, PaymentRefund
from cabinet.sync.models import OutboxKind, OutboxMessage, OutboxStatus
from tenants.users.models import Role
from tests.cabinet.gateways import paid_top_up, pay_on_gateway, pay_on_stripe
from tests.cabinet.test_home import browser_for
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("eager")


def refund(staff, payment: OnlinePayment, amount: str, key=None, reason="Double payment"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return staff.post(
            f"/manage/payments/{payment.id}/",
            {"refund_id": key or uuid.uuid4(), "amount": amount, "reason": reason},
        )


@pytest.fixture
def staff_a(provider_a):
    return browser_for(make_user(provider_a, Role.PROVIDER_STAFF, "cashier@alpha.test"))


def deliver_outbox(provider) -> None:
    from cabinet.sync.tasks import outbox_deliver_task

    outbox_deliver_task.delay(provider.schema_name)


@pytest.mark.parametrize(
    ("gateway", "pay"), [("shop_a", pay_on_gateway), ("stripe_a", pay_on_stripe)]
)
def test_partial_then_full_refund_reaches_the_client_and_billing(
    request, client_a, billing_a, staff_a, gateway, pay
):
    request.getfixturevalue(gateway)
    payment = paid_top_up(client_a, "500.00", pay)
    key = uuid.uuid4()

    part = refund(staff_a, payment, "200.00", key)
    again = refund(staff_a, payment, "200.00", key)  # the same form sent twice
    rest = refund(staff_a, payment, "300.00")
    deliver_outbox(client_a.provider)
    page = staff_a.get(f"/manage/payments/{payment.id}/").content.decode()

    assert (part.status_code, again.status_code, rest.status_code) == (302, 302, 302)
    with schema_context(client_a.provider.schema_name):
        refunds = PaymentRefund.objects.order_by("created_at")
        assert [(str(r.amount), r.status) for r in refunds] == [
            ("200.00", "succeeded"),
            ("300.00", "succeeded"),
        ]
        reversals = OutboxMessage.objects.filter(kind=OutboxKind.REFUND)
        assert [m.status for m in reversals] == [OutboxStatus.DELIVERED] * 2
        assert OnlinePayment.objects.get().refundable == 0
    # −120.50 + 500 − 200 − 300
    assert billing_a.get("/accounts/acc:1").json()["balance"]["value"] == "-120.50"
    paid = next(
        item
        for item in billing_a.get("/accounts/acc:1/payments").json()["items"]
        if item["external_ref"] == f"{payment.gateway}:{payment.charge_ref}"
    )
    assert paid["status"] == "reversed"
    assert 'data-refunded="500.00"' in page
    assert "Refund</button>" not in page


@pytest.mark.parametrize("amount", ["0", "-5", "500.01", "1.001", "abc"])
def test_a_bad_refund_is_refused_with_a_message_and_changes_nothing(
    client_a, stripe_a, staff_a, amount
):
    payment = paid_top_up(client_a, "500.00", pay_on_stripe)

    answer = refund(staff_a, payment, amount)

    assert answer.status_code == 400
    assert "errors" in answer.content.decode() or "field-error" in answer.content.decode()
    with schema_context(client_a.provider.schema_name):
        assert not PaymentRefund.objects.exists()
        assert OnlinePayment.objects.get().refundable == payment.amount
        assert not OutboxMessage.objects.filter(kind=OutboxKind.REFUND).exists()


def test_an_unpaid_payment_has_nothing_to_refund(client_a, stripe_a, staff_a):
    browser_for(client_a).post("/pay/", {"amount": "50.00"})
    with schema_context(client_a.provider.schema_name):
        payment = OnlinePayment.objects.get()

    answer = refund(staff_a, payment, "50.00")

    assert answer.status_code == 400
    with schema_context(client_a.provider.schema_name):
        assert not PaymentRefund.objects.exists()


def test_clients_and_other_providers_staff_cannot_refund(client_a, stripe_a, staff_a, provider_b):
    payment = paid_top_up(client_a, "500.00", pay_on_stripe)
    other_staff = browser_for(make_user(provider_b, Role.PROVIDER_ADMIN, "boss@bravo.test"))

    by_client = refund(browser_for(client_a), payment, "100.00")
    by_other = refund(other_staff, payment, "100.00")

    assert by_client.status_code in (302, 403, 404)
    assert by_other.status_code == 404
    with schema_context(client_a.provider.schema_name):
        assert not PaymentRefund.objects.exists()
