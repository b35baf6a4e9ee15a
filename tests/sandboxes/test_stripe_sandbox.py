"""The Stripe sandbox through the official SDK over HTTP, as Kabinet talks to Stripe: Checkout
Sessions and their hosted page, saved cards charged off-session, refunds, signed webhooks, and
nothing shared between secret keys."""

import socket
import threading
import uuid
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import pytest
import requests
import stripe
from stripe import RequestOptions
from stripe.params import CustomerCreateParams, PaymentIntentCreateParams
from stripe.params.checkout import SessionCreateParams

from tests.sandboxes.conftest import Receiver, start_sandbox


@dataclass
class Merchant:
    """One Stripe account of the sandbox: a fresh secret key and an SDK client for it."""

    base: str
    key: str
    client: stripe.StripeClient
    webhook_secret: str = ""

    def listen(self, receiver: Receiver) -> str:
        """Send this account's events to the receiver; the signing secret."""
        self.webhook_secret = f"whsec_{uuid.uuid4().hex}"
        body = {"webhook_url": receiver.url, "webhook_secret": self.webhook_secret}
        response = requests.put(f"{self.base}/_admin/accounts/{self.key}", json=body, timeout=5)
        assert response.status_code == 200, response.text
        return self.webhook_secret

    def top_up(self, amount: int = 50000, **extra: object) -> stripe.checkout.Session:
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": amount,
                        "product_data": {"name": "Account top-up 12345"},
                    },
                    "quantity": 1,
                }
            ],
            "success_url": "https://svyaz.example/payments/done?session={CHECKOUT_SESSION_ID}",
            "cancel_url": "https://svyaz.example/payments/",
            "client_reference_id": "kabinet-pay-1",
            "metadata": {"kabinet_payment": "pay-1"},
        } | extra
        return self.client.v1.checkout.sessions.create(
            params=cast(SessionCreateParams, params),  # some tests send bad values on purpose
            options={"idempotency_key": uuid.uuid4().hex},
        )

    def save_card(self, card: str) -> tuple[str, str]:
        """A customer who saved this card through a setup-mode session: (customer, method)."""
        customer = self.client.v1.customers.create(params={"email": "ivanov@example.com"})
        session = self.client.v1.checkout.sessions.create(
            params={
                "mode": "setup",
                "currency": "eur",
                "customer": customer.id,
                "success_url": "https://svyaz.example/autopay/done",
                "cancel_url": "https://svyaz.example/autopay/",
            }
        )
        assert pay(session, card).status_code == 303
        methods = self.client.v1.customers.payment_methods.list(customer.id)
        return customer.id, methods.data[0].id

    def charge(self, customer: str, method: str, amount: int = 30000) -> stripe.PaymentIntent:
        return self.client.v1.payment_intents.create(
            params={
                "amount": amount,
                "currency": "eur",
                "customer": customer,
                "payment_method": method,
                "off_session": True,
                "confirm": True,
                "metadata": {"kabinet_autopay": "rule-1"},
                "description": "Auto top-up",
            },
            options={"idempotency_key": uuid.uuid4().hex},
        )

    def events(self) -> list[dict]:
        response = requests.get(f"{self.base}/_admin/accounts/{self.key}/events", timeout=5)
        return response.json()["data"]


def client(base: str, key: str, timeout: float | None = None) -> stripe.StripeClient:
    http = stripe.RequestsClient(timeout=timeout) if timeout else None
    return stripe.StripeClient(
        key, base_addresses={"api": base}, max_network_retries=0, http_client=http
    )


def pay(session: stripe.checkout.Session, card: str) -> requests.Response:
    """What the tester's browser sends from the hosted page."""
    form = {"card": card, "expiry": "12 / 34", "cvc": "123"}
    assert session.url is not None
    return requests.post(session.url, data=form, allow_redirects=False, timeout=5)


def signed(receiver: Receiver, count: int, secret: str) -> list[stripe.Event]:
    """The first `count` deliveries, each verified by the SDK as a webhook handler would."""
    with receiver.arrived:
        receiver.arrived.wait_for(lambda: len(receiver.received) >= count, timeout=10)
        raw = list(receiver.received)
    assert len(raw) >= count, [body for _, body in raw]
    return [
        stripe.Webhook.construct_event(body, headers["Stripe-Signature"], secret)
        for headers, body in raw
    ]


@pytest.fixture
def merchant(stripe_sandbox: str) -> Merchant:
    key = f"sk_test_{uuid.uuid4().hex}"
    return Merchant(stripe_sandbox, key, client(stripe_sandbox, key))


def test_a_session_is_made_read_back_and_shown_on_its_hosted_page(merchant):
    session = merchant.top_up(50000)
    found = merchant.client.v1.checkout.sessions.retrieve(session.id)
    page = requests.get(session.url, timeout=5)

    assert session.id.startswith("cs_test_")
    assert (found.status, found.payment_status, found.mode) == ("open", "unpaid", "payment")
    assert (found.amount_total, found.currency) == (50000, "eur")
    assert found.success_url == f"https://svyaz.example/payments/done?session={session.id}"
    assert found.client_reference_id == "kabinet-pay-1"
    assert found.metadata["kabinet_payment"] == "pay-1"
    assert found.payment_intent is None
    assert 86000 < found.expires_at - found.created <= 86400
    assert urlsplit(session.url).path == f"/pay/{session.id}"
    assert page.status_code == 200
    for shown in ("500.00 EUR", "Account top-up 12345", 'value="4242 4242 4242 4242"', "Pay"):
        assert shown in page.text
    assert "4000 0000 0000 0341" in page.text
    assert 'href="https://svyaz.example/payments/">Back</a>' in page.text


@pytest.mark.parametrize(
    ("card", "brand"), [("4242424242424242", "visa"), ("5555 5555 5555 4444", "mastercard")]
)
def test_a_good_card_completes_the_session_and_signed_webhooks_follow(
    merchant, receiver, card, brand
):
    secret = merchant.listen(receiver)
    session = merchant.top_up(50000)

    paid = pay(session, card)

    assert paid.status_code == 303
    assert paid.headers["Location"] == f"https://svyaz.example/payments/done?session={session.id}"
    done = merchant.client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent.payment_method"]}
    )
    assert (done.status, done.payment_status) == ("complete", "paid")
    intent = done.payment_intent
    assert (intent.status, intent.amount_received) == ("succeeded", 50000)
    assert intent.latest_charge.startswith("ch_")
    assert (intent.payment_method.card.brand, intent.payment_method.card.last4) == (
        brand,
        card[-4:],
    )
    assert intent.payment_method.customer is None  # not kept: nobody asked to save it
    events = signed(receiver, 3, secret)
    kinds = {event.type: event for event in events}
    assert set(kinds) == {
        "payment_intent.created",
        "payment_intent.succeeded",
        "checkout.session.completed",
    }
    completed = kinds["checkout.session.completed"].data.object
    assert (completed.id, completed.payment_status) == (session.id, "paid")
    assert completed.metadata["kabinet_payment"] == "pay-1"
    headers, body = receiver.received[0]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, headers["Stripe-Signature"], "whsec_another")


@pytest.mark.parametrize(
    ("card", "code", "decline_code", "message"),
    [
        ("4000000000000002", "card_declined", "generic_decline", "Your card was declined."),
        ("4000000000009995", "card_declined", "insufficient_funds", "insufficient funds"),
        ("4000000000000069", "expired_card", "expired_card", "Your card has expired."),
        ("4000000000000127", "incorrect_cvc", "incorrect_cvc", "security code is incorrect"),
        ("4000000000000341", "card_declined", "generic_decline", "Your card was declined."),
    ],
)
def test_a_declined_card_keeps_the_session_open_with_the_reason(
    merchant, receiver, card, code, decline_code, message
):
    secret = merchant.listen(receiver)
    session = merchant.top_up(50000, payment_intent_data={"setup_future_usage": "off_session"})

    declined = pay(session, card)

    assert declined.status_code == 200
    assert message in declined.text.replace("&#x27;", "'")
    found = merchant.client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent"]}
    )
    assert (found.status, found.payment_status) == ("open", "unpaid")
    intent = found.payment_intent
    assert intent.status == "requires_payment_method"
    error = intent.last_payment_error
    assert (error.type, error.code, error.decline_code) == ("card_error", code, decline_code)
    assert message in error.message
    failed = [event for event in signed(receiver, 2, secret) if event.type.endswith("failed")]
    assert [event.data.object.id for event in failed] == [intent.id]
    assert failed[0].type == "payment_intent.payment_failed"

    assert pay(session, "4242424242424242").status_code == 303
    done = merchant.client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent"]}
    )
    assert done.payment_intent.id == intent.id
    assert (done.payment_intent.status, done.payment_intent.last_payment_error) == (
        "succeeded",
        None,
    )
    saved = merchant.client.v1.payment_methods.list(params={"customer": done.customer})
    assert [method.card.last4 for method in saved.data] == ["4242"]  # the declined card is not


@pytest.mark.parametrize("card", ["4242 4242 4242 4241", "4242 4242 4242", "abcd"])
def test_a_mistyped_card_number_changes_nothing(merchant, card):
    session = merchant.top_up()

    answer = pay(session, card)

    assert answer.status_code == 200
    assert "Your card number is invalid." in answer.text
    found = merchant.client.v1.checkout.sessions.retrieve(session.id)
    assert (found.status, found.payment_intent) == ("open", None)


def test_a_finished_or_expired_session_takes_no_more_payments(merchant):
    paid, dropped = merchant.top_up(), merchant.top_up()
    assert pay(paid, "4242424242424242").status_code == 303

    expired = merchant.client.v1.checkout.sessions.expire(dropped.id)

    assert expired.status == "expired"
    assert pay(paid, "4242424242424242").status_code == 400
    assert pay(dropped, "4242424242424242").status_code == 400
    with pytest.raises(stripe.InvalidRequestError) as refused:
        merchant.client.v1.checkout.sessions.expire(paid.id)
    assert refused.value.http_status == 400
    assert {"checkout.session.completed", "checkout.session.expired"} <= {
        event["type"] for event in merchant.events()
    }


def test_each_secret_key_is_its_own_account(stripe_sandbox):
    keys = [f"sk_test_{uuid.uuid4().hex}", f"rk_test_{uuid.uuid4().hex}"]
    made: dict[str, list[str]] = {key: [] for key in keys}

    def make(key: str) -> None:
        merchant = Merchant(stripe_sandbox, key, client(stripe_sandbox, key))
        made[key] = [merchant.top_up(100 + number).id for number in range(10)]

    threads = [threading.Thread(target=make, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    for key, other in (keys, reversed(keys)):
        own = client(stripe_sandbox, key).v1.checkout.sessions.list(params={"limit": 100})
        assert sorted(session.id for session in own.data) == sorted(made[key])
        with pytest.raises(stripe.InvalidRequestError) as missing:
            client(stripe_sandbox, other).v1.checkout.sessions.retrieve(made[key][0])
        assert (missing.value.http_status, missing.value.code) == (404, "resource_missing")


def test_the_same_idempotency_key_replays_and_another_body_is_refused(merchant):
    params: CustomerCreateParams = {
        "email": "a@example.com",
        "metadata": {"kabinet_contract": "12345"},
    }
    options: RequestOptions = {"idempotency_key": "kabinet-customer-1"}

    first = merchant.client.v1.customers.create(params=params, options=options)
    again = merchant.client.v1.customers.create(params=params, options=options)

    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    with pytest.raises(stripe.IdempotencyError):
        merchant.client.v1.customers.create(
            params={"email": "b@example.com"},
            options=options,
        )
    another = client(merchant.base, f"sk_test_{uuid.uuid4().hex}")
    assert another.v1.customers.create(params=params, options=options).id != first.id


def test_a_card_saved_in_setup_mode_pays_off_session(merchant, receiver):
    customer, method = merchant.save_card("4242 4242 4242 4242")
    secret = merchant.listen(receiver)

    intent = merchant.charge(customer, method, 30000)

    assert (intent.status, intent.amount, intent.customer) == ("succeeded", 30000, customer)
    assert intent.payment_method == method
    assert intent.latest_charge.startswith("ch_")
    listed = merchant.client.v1.payment_methods.list(params={"customer": customer, "type": "card"})
    assert [(found.id, found.customer) for found in listed.data] == [(method, customer)]
    events = signed(receiver, 2, secret)
    assert [event.type for event in events] == [
        "payment_intent.created",
        "payment_intent.succeeded",
    ]
    assert events[1].data.object.metadata["kabinet_autopay"] == "rule-1"
    sessions = merchant.client.v1.checkout.sessions.list()
    assert sessions.data[0].setup_intent.startswith("seti_")
    assert (sessions.data[0].status, sessions.data[0].customer) == ("complete", customer)


def test_a_held_payment_is_captured_in_part_or_canceled(merchant):
    customer, method = merchant.save_card("5555555555554444")
    params: PaymentIntentCreateParams = {
        "amount": 10000,
        "currency": "eur",
        "customer": customer,
        "payment_method": method,
        "confirm": True,
        "off_session": True,
        "capture_method": "manual",
    }
    held = merchant.client.v1.payment_intents.create(params=params)
    other = merchant.client.v1.payment_intents.create(params=params)

    captured = merchant.client.v1.payment_intents.capture(
        held.id, params={"amount_to_capture": 6000}
    )
    canceled = merchant.client.v1.payment_intents.cancel(
        other.id, params={"cancellation_reason": "abandoned"}
    )

    assert held.status == "requires_capture"
    assert (captured.status, captured.amount_received) == ("succeeded", 6000)
    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "abandoned")
    with pytest.raises(stripe.InvalidRequestError) as refused:
        merchant.client.v1.payment_intents.cancel(held.id)
    assert refused.value.code == "payment_intent_unexpected_state"


def test_a_card_that_saves_but_never_charges_is_declined_off_session(merchant, receiver):
    customer, method = merchant.save_card("4000 0000 0000 0341")
    secret = merchant.listen(receiver)

    with pytest.raises(stripe.CardError) as declined:
        merchant.charge(customer, method)

    error = declined.value.error
    assert error is not None
    assert declined.value.http_status == 402
    assert (declined.value.code, error.decline_code) == ("card_declined", "generic_decline")
    intent = error.payment_intent
    assert intent is not None
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error is not None
    assert intent.last_payment_error.decline_code == "generic_decline"
    found = merchant.client.v1.payment_intents.retrieve(intent.id)
    assert found.status == "requires_payment_method"
    failed = signed(receiver, 2, secret)[1]
    assert (failed.type, failed.data.object.id) == ("payment_intent.payment_failed", intent.id)


def test_the_admin_switch_makes_a_saved_card_decline_until_cleared(merchant):
    customer, method = merchant.save_card("4242424242424242")
    switch = f"{merchant.base}/_admin/payment_methods/{method}"
    assert merchant.charge(customer, method).status == "succeeded"

    requests.put(switch, json={"decline_code": "insufficient_funds"}, timeout=5)
    with pytest.raises(stripe.CardError) as declined:
        merchant.charge(customer, method)
    requests.put(switch, json={"decline_code": None}, timeout=5)

    assert declined.value.error is not None
    assert declined.value.error.decline_code == "insufficient_funds"
    assert declined.value.user_message == "Your card has insufficient funds."
    assert merchant.charge(customer, method).status == "succeeded"
    missing = requests.put(
        f"{merchant.base}/_admin/payment_methods/pm_none", json={"decline_code": "x"}, timeout=5
    )
    assert missing.status_code == 404


def test_a_saved_card_pays_only_for_its_own_customer_and_can_be_detached(merchant):
    customer, method = merchant.save_card("4242424242424242")
    stranger = merchant.client.v1.customers.create(params={"email": "petrov@example.com"})

    with pytest.raises(stripe.InvalidRequestError) as refused:
        merchant.charge(stranger.id, method)
    detached = merchant.client.v1.payment_methods.detach(method)

    assert (refused.value.code, refused.value.param) == ("resource_missing", "payment_method")
    assert detached.customer is None
    assert merchant.client.v1.customers.payment_methods.list(customer).data == []
    with pytest.raises(stripe.InvalidRequestError):
        merchant.charge(customer, method)


def test_refunds_give_back_at_most_what_was_paid(merchant, receiver):
    session = merchant.top_up(50000)
    pay(session, "4242424242424242")
    intent = merchant.client.v1.checkout.sessions.retrieve(session.id).payment_intent
    secret = merchant.listen(receiver)
    refunds = merchant.client.v1.refunds

    part = refunds.create(params={"payment_intent": intent, "amount": 20000, "reason": "duplicate"})
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        refunds.create(params={"payment_intent": intent, "amount": 40000})
    rest = refunds.create(params={"payment_intent": intent})
    with pytest.raises(stripe.InvalidRequestError) as nothing_left:
        refunds.create(params={"payment_intent": intent, "amount": 1})

    assert (part.object, part.status, part.amount, part.currency) == (
        "refund",
        "succeeded",
        20000,
        "eur",
    )
    assert (part.payment_intent, part.reason) == (intent, "duplicate")
    assert rest.amount == 30000
    assert (too_much.value.code, too_much.value.param) == ("amount_too_large", "amount")
    assert nothing_left.value.code == "charge_already_refunded"
    assert refunds.retrieve(part.id).amount == 20000
    charge = merchant.client.v1.payment_intents.retrieve(
        intent, params={"expand": ["latest_charge"]}
    ).latest_charge
    assert (charge.amount_refunded, charge.refunded) == (50000, True)
    events = signed(receiver, 4, secret)
    assert [event.type for event in events] == ["refund.created", "charge.refunded"] * 2
    assert events[3].data.object.amount_refunded == 50000


def test_a_payment_that_has_not_succeeded_cannot_be_refunded(merchant):
    session = merchant.top_up(50000)
    pay(session, "4000000000000002")
    intent = merchant.client.v1.checkout.sessions.retrieve(session.id).payment_intent

    with pytest.raises(stripe.InvalidRequestError) as refused:
        merchant.client.v1.refunds.create(params={"payment_intent": intent})
    with pytest.raises(stripe.InvalidRequestError) as zero:
        merchant.client.v1.refunds.create(params={"payment_intent": intent, "amount": 0})

    assert (refused.value.param, refused.value.code) == (
        "payment_intent",
        "payment_intent_unexpected_state",
    )
    assert zero.value.param == "amount"


def test_undelivered_webhooks_are_retried(merchant):
    flaky = Receiver(fail_first=2)
    try:
        secret = merchant.listen(flaky)
        merchant.client.v1.checkout.sessions.expire(merchant.top_up().id)

        event = signed(flaky, 1, secret)[0]

        assert event.type == "checkout.session.expired"
        assert flaky.calls == 3
    finally:
        flaky.close()


def test_a_slow_sandbox_runs_into_the_hasty_clients_own_timeout(stripe_sandbox):
    key = f"sk_test_{uuid.uuid4().hex}"
    patient, hasty = client(stripe_sandbox, key, timeout=5), client(stripe_sandbox, key, 0.2)
    requests.put(f"{stripe_sandbox}/_admin/delay", json={"seconds": 0.5}, timeout=5)
    try:
        with pytest.raises(stripe.APIConnectionError):
            hasty.v1.customers.create(params={"email": "a@example.com"})
        assert patient.v1.customers.create(params={"email": "a@example.com"}).id.startswith("cus_")
    finally:
        requests.put(f"{stripe_sandbox}/_admin/delay", json={"seconds": 0}, timeout=5)


def priced(**price: object) -> dict:
    """A session change with one line item whose price data is this."""
    return {"line_items": [{"price_data": price, "quantity": 1}]}


NAMED = {"product_data": {"name": "Top-up"}}


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"mode": None}, "mode"),
        ({"mode": "subscription"}, "mode"),
        ({"success_url": None}, "success_url"),
        ({"success_url": "not a url"}, "success_url"),
        ({"line_items": None}, "line_items"),
        (priced(currency="eur", unit_amount=0, **NAMED), "line_items[0][price_data][unit_amount]"),
        (priced(currency="eur", unit_amount=-5, **NAMED), "line_items[0][price_data][unit_amount]"),
        (
            priced(currency="eur", unit_amount="1.5", **NAMED),
            "line_items[0][price_data][unit_amount]",
        ),
        (priced(currency="euro", unit_amount=5, **NAMED), "line_items[0][price_data][currency]"),
        (priced(currency="eur", unit_amount=5), "line_items[0][price_data][product_data]"),
    ],
)
def test_bad_session_parameters_are_refused_by_name(merchant, change, param):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        merchant.top_up(**change)

    assert (refused.value.http_status, refused.value.param) == (400, param)


def test_malformed_requests_are_refused_and_the_sandbox_keeps_serving(merchant):
    api, key = f"{merchant.base}/v1", {"Authorization": f"Bearer {merchant.key}"}
    form = {**key, "Content-Type": "application/x-www-form-urlencoded"}
    customer = f"{api}/customers/{merchant.client.v1.customers.create().id}"

    answers = {
        "no key": requests.post(f"{api}/customers", data={"email": "a@b.c"}, timeout=5),
        "live key": requests.get(
            f"{api}/customers/cus_1", headers={"Authorization": "Bearer sk_live_123"}, timeout=5
        ),
        "not a form": requests.post(f"{api}/customers", data="%%%", headers=form, timeout=5),
        "json": requests.post(f"{api}/customers", json={"email": "a@b.c"}, headers=key, timeout=5),
        "mixed": requests.post(
            f"{api}/customers", data="metadata=x&metadata[a]=y", headers=form, timeout=5
        ),
        "bad name": requests.post(f"{api}/customers", data="a]b=1", headers=form, timeout=5),
        "unknown id": requests.get(f"{api}/payment_intents/pi_nothing", headers=key, timeout=5),
        "unknown route": requests.get(f"{api}/balance", headers=key, timeout=5),
        "bad expand": requests.get(customer, params={"expand[0][a]": "b"}, headers=key, timeout=5),
        "no such field": requests.get(
            customer, params={"expand[]": "nope"}, headers=key, timeout=5
        ),
        "bad admin json": requests.put(f"{merchant.base}/_admin/delay", data="{", timeout=5),
        "unknown page": requests.get(f"{merchant.base}/pay/cs_test_nothing", timeout=5),
    }
    with socket.create_connection(urlsplit(merchant.base)[1].split(":"), timeout=5) as raw:
        raw.sendall(b"POST /v1/customers HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n")
        first_line = raw.recv(1000).split(b"\r\n")[0]

    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == {
        "no key": 401,
        "live key": 401,
        "not a form": 400,
        "json": 400,
        "mixed": 400,
        "bad name": 400,
        "unknown id": 404,
        "unknown route": 404,
        "bad expand": 400,
        "no such field": 400,
        "bad admin json": 400,
        "unknown page": 404,
    }
    for name, answer in answers.items():
        if name != "unknown page":
            assert set(answer.json()["error"]) >= {"type", "message"}, name
    assert answers["unknown id"].json()["error"]["code"] == "resource_missing"
    assert first_line == b"HTTP/1.1 400 Bad Request"
    health = requests.get(f"{merchant.base}/_admin/health", timeout=5)
    assert health.json() == {"status": "ok"}


def test_the_sandbox_stops_cleanly_on_sigterm():
    running = start_sandbox("sandboxes.stripe_sandbox", "stripe sandbox")
    assert requests.get(f"{running.base}/_admin/health", timeout=5).status_code == 200

    running.stop()
