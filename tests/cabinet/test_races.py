"""Two requests at once: a double-tapped tariff change is recorded once, and parallel guesses at
a registration code get no more than the five tries one at a time would."""

import contextlib
import threading
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import pytest
import requests
from django.core import mail
from django.db import connections
from django.test import Client
from django_tenants.utils import schema_context

from cabinet.accounts import registration
from cabinet.accounts.models import ClientAccount, RegistrationCode
from cabinet.accounts.services import account_access_grant
from cabinet.catalog.models import Plan
from cabinet.payments.auto_top_up import automatic_payment_charge
from cabinet.payments.models import OnlinePayment, PaymentRefund, SavedCard
from cabinet.services import changes
from cabinet.sync.models import OutboxKind, OutboxMessage
from cabinet.sync.outbox import outbox_deliver_account, outbox_enqueue
from connectors.billing.base import WriteResult
from connectors.models import BillingConnection, PaymentGateway
from connectors.payments.stripe_account import StripeAccount
from connectors.payments.yookassa import YooKassaShop
from tenants.users.models import Role, User
from tests.api.test_client_api import token_for
from tests.cabinet.factories import (
    make_account,
    make_plan,
    make_subscription,
    make_yookassa_gateway,
)
from tests.cabinet.gateways import events_of, pay_on_stripe, stripe_for
from tests.cabinet.test_home import browser_for
from tests.conftest import host_of, make_user
from tests.sandboxes.conftest import Receiver

T = TypeVar("T")


def together(calls: list[Callable[[], T]]) -> list[T]:
    """Runs every call in a thread of its own, released at the same instant, each with its own
    database connection; what they returned, in the order they finished."""
    results: list[T] = []
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=5)
        try:
            results.append(call())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def committed_subscriber(committed_db, providers):
    provider = providers["a"]
    persona = make_user(provider, Role.CLIENT, "racer@alpha.test")
    with schema_context(provider.schema_name):
        link = BillingConnection.objects.create(
            kind="simulator", base_url="http://billing.example/r"
        )
        account = make_account("acc:race", number="RACE-1")
        current = make_plan("tp:race-1", self_service=True)
        target = make_plan("tp:race-2", name="Гонка 500", self_service=True)
        subscription = make_subscription(account, current, "svc:race")
        account_access_grant(user=persona.user, account=account, role="owner")
    yield persona, account, subscription, target
    with schema_context(provider.schema_name):
        OutboxMessage.objects.filter(target_id="svc:race").delete()
        ClientAccount.objects.filter(external_id="acc:race").delete()
        Plan.objects.filter(external_id__in=["tp:race-1", "tp:race-2"]).delete()
        BillingConnection.objects.filter(pk=link.pk).delete()
        User.objects.filter(pk=persona.user.pk).delete()
    connections.close_all()


def test_a_double_tap_records_one_tariff_change(committed_subscriber, monkeypatch):
    persona, account, subscription, target = committed_subscriber
    monkeypatch.setattr("api.client.provider_task_send", lambda *args, **kwargs: None)
    real_enqueue, meeting = changes.outbox_enqueue, threading.Barrier(2)

    def enqueue(**kwargs):
        # Both requests arrive here together unless the first holds the service locked.
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait(timeout=3)
        return real_enqueue(**kwargs)

    monkeypatch.setattr(changes, "outbox_enqueue", enqueue)
    token = token_for(persona)
    path = f"/api/v1/accounts/{account.id}/services/{subscription.id}/plan-change"

    def post() -> int:
        browser = Client(HTTP_HOST=host_of(persona.provider), HTTP_AUTHORIZATION=f"Bearer {token}")
        body = {"plan": target.id, "mode": "now"}
        return browser.post(path, body, content_type="application/json").status_code

    answers = together([post, post])

    with schema_context(persona.provider.schema_name):
        recorded = OutboxMessage.objects.filter(target_id="svc:race").count()
    assert (sorted(answers), recorded) == ([202, 400], 1)


@pytest.fixture
def committed_code(committed_db, providers):
    provider = providers["a"]
    with schema_context(provider.schema_name):
        account = make_account("acc:reg-race", number="RR-1", email="race@example.com")
        row = registration.registration_start(number="RR-1", provider=provider)
    yield provider, row
    with schema_context(provider.schema_name):
        ClientAccount.objects.filter(pk=account.pk).delete()
    connections.close_all()


def test_parallel_wrong_codes_are_limited_to_five(committed_code, monkeypatch):
    provider, row = committed_code
    real, compared, lineup = registration.constant_time_compare, [], threading.Barrier(10)

    def held(left, right):
        compared.append(1)
        with contextlib.suppress(threading.BrokenBarrierError):
            lineup.wait(timeout=3)
        return real(left, right)

    monkeypatch.setattr(registration, "constant_time_compare", held)

    def guess(number: int) -> Callable[[], None]:
        def attempt() -> None:
            with (
                schema_context(provider.schema_name),
                contextlib.suppress(registration.RegistrationRefused),
            ):
                registration.registration_finish(
                    code_id=row.pk,
                    code=f"{number:06d}",
                    email=f"g{number}@example.com",
                    password="fresh-secret-77",
                )

        return attempt

    together([guess(number) for number in range(10)])

    with schema_context(provider.schema_name):
        attempts = RegistrationCode.objects.get(pk=row.pk).attempts
    assert len(compared) <= registration.ATTEMPTS_PER_CODE
    assert attempts == registration.ATTEMPTS_PER_CODE


def test_a_promise_is_recorded_while_delivery_holds_the_account(committed_subscriber, monkeypatch):
    """The delivery worker keeps the account row locked while it waits for billing; a client's
    request must not wait behind it (two double taps are still told apart)."""
    persona, account, _subscription, _target = committed_subscriber
    monkeypatch.setattr("api.service_changes.provider_task_send", lambda *args, **kwargs: None)
    token = token_for(persona)
    holding, release = threading.Event(), threading.Event()

    class SlowBilling:
        """Takes its time answering a payment, as billing under load does."""

        def post_payment(self, *args, **kwargs):
            holding.set()
            release.wait(timeout=30)
            return WriteResult(done=True, reference="pay:slow")

        def promised_payment(self, *args, **kwargs):
            return WriteResult(done=True, reference="acc:race")

    with schema_context(persona.provider.schema_name):
        outbox_enqueue(
            kind=OutboxKind.PAYMENT,
            account=account,
            target_id=account.external_id,
            payload={
                "amount": "10.00",
                "currency": "RUB",
                "method": "card",
                "external_ref": "test:slow",
                "paid_at": "2026-12-01T10:00:00+00:00",
            },
        )

    def deliver_slowly() -> None:
        with schema_context(persona.provider.schema_name):
            outbox_deliver_account(connector=SlowBilling(), account_id=account.pk)
        connections.close_all()

    answers = []

    def ask() -> None:
        browser = Client(HTTP_HOST=host_of(persona.provider), HTTP_AUTHORIZATION=f"Bearer {token}")
        path = f"/api/v1/accounts/{account.id}/promised-payment"
        answers.append(browser.post(path, {"amount": "100"}, content_type="application/json"))
        connections.close_all()

    worker = threading.Thread(target=deliver_slowly)
    worker.start()
    assert holding.wait(timeout=10)
    client = threading.Thread(target=ask)
    client.start()
    client.join(timeout=20)
    answered_while_held = not client.is_alive()
    release.set()
    worker.join(timeout=30)
    client.join(timeout=30)

    assert answered_while_held
    assert answers[0].status_code == 202
    with schema_context(persona.provider.schema_name):
        OutboxMessage.objects.filter(account=account).delete()


def test_many_notifications_at_once_credit_a_payment_once(
    committed_subscriber, sandbox, settings, monkeypatch
):
    persona, account, _subscription, _target = committed_subscriber
    settings.YOOKASSA_API_URL = f"{sandbox}/v3"
    settings.YOOKASSA_NOTIFICATION_NETWORKS = ["127.0.0.1/32"]
    monkeypatch.setattr(
        "api.payment_notifications.provider_task_send", lambda *args, **kwargs: None
    )
    credentials = {"shop_id": "520002", "secret_key": "test_race_secret_key"}
    remote = YooKassaShop(**credentials, api_url=f"{sandbox}/v3", timeout=5).create_payment(
        {
            "amount": {"value": "100.00", "currency": "RUB"},
            "confirmation": {"type": "redirect", "return_url": "https://alpha.example/pay/"},
        },
        idempotency_key="race-1",
    )
    paid = requests.post(
        remote.confirmation.confirmation_url, data={"outcome": "succeed"}, allow_redirects=False
    )
    assert paid.status_code == 303
    with schema_context(persona.provider.schema_name):
        make_yookassa_gateway(credentials["shop_id"], credentials=credentials)
        payment = OnlinePayment.objects.create(
            account=account,
            purpose="top_up",
            amount=Decimal("100.00"),
            currency="RUB",
            gateway="yookassa",
            gateway_payment_id=remote.id,
            status="pending",
        )

    def notify() -> int:
        body = {"event": "payment.succeeded", "object": {"id": remote.id}}
        browser = Client(HTTP_HOST=host_of(persona.provider), REMOTE_ADDR="127.0.0.1")
        return browser.post(
            "/api/v1/payments/yookassa/notifications", body, content_type="application/json"
        ).status_code

    answers = together([notify] * 6)

    try:
        with schema_context(persona.provider.schema_name):
            credits = OutboxMessage.objects.filter(account=account, kind="payment")
            assert (answers.count(200), credits.count()) == (6, 1)
            assert OnlinePayment.objects.get(pk=payment.pk).status == "succeeded"
    finally:
        with schema_context(persona.provider.schema_name):
            OutboxMessage.objects.filter(account=account).delete()
            OnlinePayment.objects.filter(pk=payment.pk).delete()
            PaymentGateway.objects.all().delete()


def test_many_stripe_events_at_once_credit_a_payment_once(
    committed_subscriber, stripe_sandbox, settings, monkeypatch
):
    persona, account, _subscription, _target = committed_subscriber
    settings.STRIPE_API_URL = stripe_sandbox
    monkeypatch.setattr(
        "api.payment_notifications.provider_task_send", lambda *args, **kwargs: None
    )
    hooks = Receiver()
    try:
        gateway = stripe_for(persona.provider, stripe_sandbox, hooks, "racer")
        stripe = StripeAccount(
            secret_key=gateway.credentials["secret_key"], api_url=stripe_sandbox, timeout=5
        )
        session = checkout_of_100(stripe)
        with schema_context(persona.provider.schema_name):
            OnlinePayment.objects.create(
                account=account,
                purpose="top_up",
                amount=Decimal("100.00"),
                currency="RUB",
                gateway="stripe",
                gateway_payment_id=session.id,
                status="pending",
            )
        paid = pay_on_stripe(session.url)
        assert paid.status_code == 303, paid.text
        [(body, signature)] = events_of(hooks, "checkout.session.completed")

        def deliver() -> int:
            browser = Client(HTTP_HOST=host_of(persona.provider))
            return browser.post(
                "/api/v1/payments/stripe/webhook",
                body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature,
            ).status_code

        answers = together([deliver] * 6)

        with schema_context(persona.provider.schema_name):
            credits = OutboxMessage.objects.filter(account=account, kind="payment")
            assert (answers.count(200), credits.count()) == (6, 1)
            assert OnlinePayment.objects.get(account=account).status == "succeeded"
    finally:
        hooks.close()
        with schema_context(persona.provider.schema_name):
            OutboxMessage.objects.filter(account=account).delete()
            OnlinePayment.objects.filter(account=account).delete()
            PaymentGateway.objects.all().delete()


def checkout_of_100(stripe: StripeAccount, customer: str = ""):
    """A Checkout Session for 100.00 RUB; with a customer, the card paying it is kept for them."""
    params = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "rub",
                    "unit_amount": 10000,
                    "product_data": {"name": "Top-up"},
                },
                "quantity": 1,
            }
        ],
        "success_url": "https://alpha.example/pay/",
        "cancel_url": "https://alpha.example/pay/",
    }
    if customer:
        params |= {
            "customer": customer,
            "payment_intent_data": {"setup_future_usage": "off_session"},
        }
    return stripe.create_checkout(params, idempotency_key=f"race-{uuid.uuid4()}")


@pytest.fixture
def committed_card(committed_subscriber, stripe_sandbox, settings):
    """Provider A on Stripe; acc:race has a card kept at the sandbox and a payment of 300.00 due
    to be charged to it automatically, not yet sent."""
    persona, account, _subscription, _target = committed_subscriber
    settings.STRIPE_API_URL = stripe_sandbox
    hooks = Receiver()
    gateway = stripe_for(persona.provider, stripe_sandbox, hooks, "keeper")
    stripe = StripeAccount(
        secret_key=gateway.credentials["secret_key"], api_url=stripe_sandbox, timeout=5
    )
    customer = stripe.create_customer(
        {"email": "racer@alpha.test"}, idempotency_key=f"race-cus-{uuid.uuid4()}"
    )
    session = checkout_of_100(stripe, customer=customer.id)
    assert pay_on_stripe(session.url).status_code == 303
    method = stripe.find_checkout(session.id).payment_intent.payment_method
    with schema_context(persona.provider.schema_name):
        card = SavedCard.objects.create(
            account=account,
            user=persona.user,
            gateway="stripe",
            token=str(getattr(method, "id", method)),
            customer=customer.id,
            title="Visa •••• 4242",
        )
        payment = OnlinePayment.objects.create(
            account=account,
            user=persona.user,
            purpose="top_up",
            amount=Decimal("300.00"),
            currency="RUB",
            gateway="stripe",
            automatic=True,
            card=card,
        )
    yield persona, account, payment
    hooks.close()
    with schema_context(persona.provider.schema_name):
        OutboxMessage.objects.filter(account=account).delete()
        OnlinePayment.objects.filter(account=account).delete()
        SavedCard.objects.filter(account=account).delete()
        PaymentGateway.objects.all().delete()


def test_two_workers_on_one_automatic_charge_ask_the_gateway_once(committed_card, monkeypatch):
    persona, account, payment = committed_card
    asked, real = [], StripeAccount.charge_saved

    def slow_gateway(self, *args, **kwargs):
        asked.append(1)
        time.sleep(0.5)  # the other worker arrives while this one waits for the answer
        return real(self, *args, **kwargs)

    monkeypatch.setattr(StripeAccount, "charge_saved", slow_gateway)
    mail.outbox.clear()

    def worker():
        with schema_context(persona.provider.schema_name):
            charged = automatic_payment_charge(payment_id=payment.pk, provider=persona.provider)
        return charged.status if charged else None

    answers = together([worker, worker])

    with schema_context(persona.provider.schema_name):
        credits = OutboxMessage.objects.filter(account=account, kind="payment").count()
        status = OnlinePayment.objects.get(pk=payment.pk).status
    assert (len(asked), sorted(answers, key=str), credits, status) == (
        1,
        [None, "succeeded"],
        1,
        "succeeded",
    )
    assert len(mail.outbox) == 1


def test_a_refund_form_sent_twice_at_once_refunds_once(committed_card):
    persona, account, payment = committed_card
    with schema_context(persona.provider.schema_name):
        paid = automatic_payment_charge(payment_id=payment.pk, provider=persona.provider)
    assert paid is not None
    assert paid.status == "succeeded"
    staff = make_user(persona.provider, Role.PROVIDER_STAFF, "race-cashier@alpha.test")
    form = {"refund_id": str(uuid.uuid4()), "amount": "200.00", "reason": "double click"}

    def press_refund() -> int:
        browser = browser_for(staff)
        return browser.post(f"/manage/payments/{payment.pk}/", form).status_code

    try:
        answers = together([press_refund, press_refund])
        with schema_context(persona.provider.schema_name):
            refunded = OnlinePayment.objects.get(pk=payment.pk).refunded
            refunds = PaymentRefund.objects.filter(payment_id=payment.pk).count()
            reversals = OutboxMessage.objects.filter(account=account, kind="refund").count()
        assert (answers, refunded, refunds, reversals) == ([302, 302], Decimal("200.00"), 1, 1)
    finally:
        with schema_context(persona.provider.schema_name):
            PaymentRefund.objects.filter(payment_id=payment.pk).delete()
            User.objects.filter(pk=staff.user.pk).delete()
