"""The YooKassa sandbox as its own process, spoken to over HTTP the way Kabinet's client and a
payer would: the hosted page with YooKassa's test cards, cards saved and charged again without
the payer, two-stage payments, refunds, notifications per shop, and YooKassa-shaped refusals of
whatever it cannot use. Answers are read with the official SDK's models where that proves their
shape."""

import http.client
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from yookassa.domain.notification import RefundWebhookNotification, WebhookNotificationFactory
from yookassa.domain.response import PaymentResponse, RefundResponse

from tests.sandboxes.conftest import Receiver

RETURN_URL = "https://svyaz.example/payments/?from=gateway&x=<1>"
SUCCESS_CARD = "5555555555554477"


def new_shop_id() -> str:
    """The sandbox lives for the whole session, so every test gets shops of its own."""
    return f"7{uuid.uuid4().int % 10**9:09d}"


@dataclass
class Shop:
    """One shop's credentials and the calls Kabinet makes with them."""

    base: str
    id: str = field(default_factory=new_shop_id)

    def call(
        self, method: str, path: str, body: Any = None, *, key: str | None = "", raw: bytes = b""
    ) -> requests.Response:
        """`key=""` sends a fresh Idempotence-Key, `key=None` none at all."""
        headers = {"Content-Type": "application/json"}
        if key is not None:
            headers["Idempotence-Key"] = key or uuid.uuid4().hex
        return requests.request(
            method,
            f"{self.base}/v3{path}",
            json=body if not raw else None,
            data=raw or None,
            headers=headers,
            auth=(self.id, f"test_{self.id}_secret"),
            timeout=10,
        )

    def get(self, path: str) -> requests.Response:
        return self.call("GET", path, key=None)

    def hook(self, url: str) -> None:
        answer = requests.put(f"{self.base}/_admin/shops/{self.id}", json={"webhook_url": url})
        assert answer.status_code == 200, answer.text

    def payment(self, value: str = "1000.00", **extra: Any) -> dict:
        body = {
            "amount": {"value": value, "currency": "RUB"},
            "capture": True,
            "confirmation": {"type": "redirect", "return_url": RETURN_URL},
            "description": "Пополнение лицевого счёта 12345/2021",
        } | extra
        answer = self.call("POST", "/payments", body)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def paid(self, value: str = "1000.00", **extra: Any) -> dict:
        """A payment paid on the page with the prefilled card."""
        payment = self.payment(value, **extra)
        assert pay(payment).status_code == 303
        return self.found(payment["id"])

    def charge(
        self, method_id: str, value: str = "300.00", key: str | None = "", **extra: Any
    ) -> requests.Response:
        body = {
            "amount": {"value": value, "currency": "RUB"},
            "capture": True,
            "payment_method_id": method_id,
            "description": "Автоплатёж",
        } | extra
        return self.call("POST", "/payments", body, key=key)

    def refund(
        self, payment_id: str, value: str, currency: str = "RUB", key: str | None = "", **extra: Any
    ) -> requests.Response:
        body = {"payment_id": payment_id, "amount": {"value": value, "currency": currency}} | extra
        return self.call("POST", "/refunds", body, key=key)

    def found(self, payment_id: str) -> dict:
        answer = self.get(f"/payments/{payment_id}")
        assert answer.status_code == 200, answer.text
        return answer.json()


class Page(HTMLParser):
    """What a browser would see of the hosted page: fields, buttons, links and the alert."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: dict[str, str] = {}
        self.buttons: list[dict[str, str]] = []
        self.links: list[dict[str, str]] = []
        self.alert = ""
        self._open: dict[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "input":
            self.inputs[values["name"]] = values.get("value", "")
        elif tag in ("button", "a") or values.get("role") == "alert":
            self._open = values | {"tag": tag, "text": ""}

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if self._open is None or self._open["tag"] != tag:
            return
        if tag == "button":
            self.buttons.append(self._open)
        elif tag == "a":
            self.links.append(self._open)
        else:
            self.alert = self._open["text"]
        self._open = None


def open_page(payment: dict) -> Page:
    answer = requests.get(payment["confirmation"]["confirmation_url"], timeout=10)
    assert answer.status_code == 200
    return Page(answer.text)


def pay(payment: dict, **fields: str) -> requests.Response:
    """Submit the page as a browser would: its prefilled fields, with `fields` changed."""
    form = open_page(payment).inputs | fields
    return requests.post(
        payment["confirmation"]["confirmation_url"], data=form, allow_redirects=False, timeout=10
    )


def refused(answer: requests.Response, status: int, code: str = "invalid_request") -> dict:
    """A refusal in YooKassa's error shape."""
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    error = answer.json()
    assert error["type"] == "error"
    assert error["code"] == code
    assert error["id"]
    assert error["description"]
    return error


# --- the hosted page ---------------------------------------------------------------------------


def test_the_prefilled_card_pays_with_the_one_button_named_pay(sandbox):
    shop = Shop(sandbox)
    payment = shop.payment("500.00")
    page = open_page(payment)

    paid = pay(payment)
    again = pay(payment)

    assert page.inputs["card_number"] == "5555 5555 5555 4477"
    assert page.inputs["expiry"]
    assert page.inputs["csc"]
    assert [b["text"] for b in page.buttons if "оплатить" in b["text"].lower()] == ["Оплатить"]
    assert (paid.status_code, paid.headers["Location"]) == (303, RETURN_URL)
    assert again.status_code == 400
    settled = PaymentResponse(shop.found(payment["id"]))
    assert (settled.status, settled.paid, settled.refundable) == ("succeeded", True, True)
    assert settled.captured_at
    assert settled.payment_method.saved is False
    assert settled.payment_method.title == "Bank card *4477"
    card = settled.payment_method.card
    assert (card.first6, card.last4, card.card_type) == ("555555", "4477", "MasterCard")


def test_the_page_lists_every_test_card_as_a_button(sandbox):
    page = open_page(Shop(sandbox).payment())

    listed = {b["value"] for b in page.buttons if b.get("name") == "test_card"}

    assert {SUCCESS_CARD, "5555555555554444", "4111111111111111", "2202474301322987"} <= listed
    assert {number for number, _, _ in DECLINES} <= listed


DECLINES = [
    ("5555555555554592", "payment_network", "3d_secure_failed"),
    ("5555555555554535", "payment_network", "call_issuer"),
    ("5555555555554543", "payment_network", "card_expired"),
    ("5555555555554568", "payment_network", "fraud_suspected"),
    ("5555555555554527", "payment_network", "general_decline"),
    ("5555555555554600", "payment_network", "insufficient_funds"),
    ("5555555555554618", "payment_network", "invalid_card_number"),
    ("5555555555554626", "payment_network", "invalid_csc"),
    ("5555555555554501", "payment_network", "issuer_unavailable"),
    ("5555555555554576", "payment_network", "payment_method_limit_exceeded"),
    ("5555555555554550", "payment_network", "payment_method_restricted"),
    ("5555555555554584", "yoo_money", "country_forbidden"),
    ("5555555555554634", "yoo_money", "fraud_suspected"),
    ("4562265587712390", "payment_network", "insufficient_funds"),  # Visa
    ("2200000000000053", "payment_network", "insufficient_funds"),  # Mir
]


@pytest.mark.parametrize(("number", "party", "reason"), DECLINES)
def test_each_declining_test_card_cancels_with_its_reason(sandbox, number, party, reason):
    shop = Shop(sandbox)
    payment = shop.payment()

    answer = pay(payment, test_card=number)

    assert answer.status_code == 303
    settled = PaymentResponse(shop.found(payment["id"]))
    assert (settled.status, settled.paid) == ("canceled", False)
    details = settled.cancellation_details
    assert (details.party, details.reason) == (party, reason)
    assert settled.payment_method.card.last4 == number[-4:]


@pytest.mark.parametrize(
    ("typed", "card_type"),
    [
        ("5555 5555 5555 4444", "MasterCard"),
        ("4111-1111-1111-1111", "Visa"),
        ("2202474301322987", "MIR"),
        ("3700 000000 00002", "AmericanExpress"),
    ],
)
def test_a_successful_test_card_typed_in_any_grouping_pays(sandbox, typed, card_type):
    shop = Shop(sandbox)
    payment = shop.payment()

    assert pay(payment, card_number=typed).status_code == 303

    settled = PaymentResponse(shop.found(payment["id"]))
    assert settled.status == "succeeded"
    assert settled.payment_method.card.card_type == card_type


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"card_number": "5555 5555 5555 4478"}, "контрольн"),  # one digit off: Luhn fails
        ({"card_number": "12ab"}, "контрольн"),
        ({"card_number": "4242 4242 4242 4242"}, "не тестовая"),  # a valid number, not a test card
        ({"expiry": "01/20"}, "Срок"),
        ({"expiry": "13/40"}, "Срок"),
        ({"csc": "12"}, "CVC"),
        ({"outcome": "maybe"}, "исход"),
    ],
)
def test_a_mistake_on_the_page_is_shown_and_changes_nothing(sandbox, receiver, fields, says):
    shop = Shop(sandbox)
    shop.hook(receiver.url)
    payment = shop.payment()

    answer = pay(payment, **fields)

    assert answer.status_code == 400
    page = Page(answer.text)
    assert says in page.alert
    assert [b["text"] for b in page.buttons if b["text"] == "Оплатить"] == ["Оплатить"]
    assert shop.found(payment["id"])["status"] == "pending"
    assert pay(payment).status_code == 303  # still payable, and only that is notified
    notifications = receiver.wait_for(1)
    assert [(n["event"], n["object"]["id"]) for n in notifications] == [
        ("payment.succeeded", payment["id"])
    ]


def test_the_abandon_link_goes_back_to_the_shop_and_leaves_the_payment_pending(sandbox):
    shop = Shop(sandbox)
    payment = shop.payment()

    links = open_page(payment).links

    assert [link["href"] for link in links] == [RETURN_URL]  # escaped in the page, intact here
    assert "не оплачивая" in links[0]["text"]
    assert shop.found(payment["id"])["status"] == "pending"


@pytest.mark.parametrize(
    ("outcome", "status", "reason"),
    [
        ("succeed", "succeeded", None),
        ("decline", "canceled", "card_expired"),
        ("insufficient", "canceled", "insufficient_funds"),
    ],
)
def test_the_older_one_click_outcomes_still_settle(sandbox, outcome, status, reason):
    shop = Shop(sandbox)
    payment = shop.payment()

    answer = requests.post(
        payment["confirmation"]["confirmation_url"],
        data={"outcome": outcome},
        allow_redirects=False,
        timeout=10,
    )

    assert answer.status_code == 303
    settled = shop.found(payment["id"])
    assert settled["status"] == status
    assert settled.get("cancellation_details", {}).get("reason") == reason


def test_without_a_return_url_the_payer_lands_on_the_settled_page(sandbox):
    shop = Shop(sandbox)
    answer = shop.call("POST", "/payments", {"amount": {"value": "10.00", "currency": "RUB"}})
    payment = answer.json()

    paid = pay(payment)
    landed = requests.get(payment["confirmation"]["confirmation_url"], timeout=10)

    assert paid.headers["Location"] == f"/pay/{payment['id']}"
    assert "Платёж прошёл" in landed.text
    assert "card_number" not in Page(landed.text).inputs


# --- saved cards ------------------------------------------------------------------------------


def test_a_saved_card_is_charged_again_without_the_payer(sandbox, receiver):
    shop = Shop(sandbox)
    shop.hook(receiver.url)
    first = PaymentResponse(shop.paid("500.00", save_payment_method=True))
    method = first.payment_method

    charged = shop.charge(method.id, "300.00", metadata={"kabinet": "auto-top-up"}, key="auto-1")
    again = shop.charge(method.id, "300.00", metadata={"kabinet": "auto-top-up"}, key="auto-1")

    assert method.saved is True
    assert method.title == "Bank card *4477"
    assert (method.card.first6, method.card.last4) == ("555555", "4477")
    assert method.card.expiry_month
    assert method.card.expiry_year
    assert charged.status_code == 200, charged.text
    payment = PaymentResponse(charged.json())
    assert (payment.status, payment.paid, payment.refundable) == ("succeeded", True, True)
    assert payment.captured_at
    assert payment.confirmation is None
    assert (payment.payment_method.id, payment.payment_method.saved) == (method.id, True)
    assert payment.metadata == {"kabinet": "auto-top-up"}
    assert again.json()["id"] == payment.id
    notifications = [WebhookNotificationFactory().create(n) for n in receiver.wait_for(2)]
    assert all(isinstance(n.object, PaymentResponse) for n in notifications)
    assert [(n.event, n.object.id) for n in notifications] == [
        ("payment.succeeded", first.id),
        ("payment.succeeded", payment.id),
    ]


def test_only_a_card_saved_in_this_shop_can_be_charged(sandbox):
    shop, other = Shop(sandbox), Shop(sandbox)
    saved = shop.paid(save_payment_method=True)["payment_method"]["id"]
    unsaved = shop.paid()["payment_method"]["id"]

    elsewhere = refused(other.charge(saved), 400)
    not_saved = refused(shop.charge(unsaved), 400)
    made_up = refused(shop.charge(str(uuid.uuid4())), 400)
    with_page = refused(
        shop.charge(saved, confirmation={"type": "redirect", "return_url": RETURN_URL}), 400
    )

    assert elsewhere["parameter"] == not_saved["parameter"] == "payment_method_id"
    assert "saved in this shop" in elsewhere["description"]
    assert made_up["parameter"] == "payment_method_id"
    assert with_page["parameter"] == "confirmation"
    assert shop.charge(saved).json()["status"] == "succeeded"


def test_a_declining_card_from_the_list_is_not_saved(sandbox):
    shop = Shop(sandbox)
    payment = shop.payment(save_payment_method=True)

    pay(payment, test_card="5555555555554600")

    method = shop.found(payment["id"])["payment_method"]
    assert method["saved"] is False
    refused(shop.charge(method["id"]), 400)


def test_the_admin_switch_declines_a_saved_card_until_cleared(sandbox, receiver):
    shop = Shop(sandbox)
    shop.hook(receiver.url)
    method_id = shop.paid(save_payment_method=True)["payment_method"]["id"]
    switch = f"{sandbox}/_admin/payment_methods/{method_id}"

    set_on = requests.put(switch, json={"decline_reason": "insufficient_funds"}, timeout=10)
    declined = shop.charge(method_id)
    set_off = requests.put(switch, json={"decline_reason": ""}, timeout=10)
    charged = shop.charge(method_id)

    assert set_on.json() == {
        "id": method_id,
        "shop_id": shop.id,
        "decline_reason": "insufficient_funds",
    }
    assert set_off.json()["decline_reason"] == ""
    failed = PaymentResponse(declined.json())
    assert (failed.status, failed.paid) == ("canceled", False)
    assert failed.cancellation_details.party == "payment_network"
    assert failed.cancellation_details.reason == "insufficient_funds"
    assert charged.json()["status"] == "succeeded"
    events = [(n["event"], n["object"]["id"]) for n in receiver.wait_for(3)]
    assert events[1:] == [
        ("payment.canceled", failed.id),
        ("payment.succeeded", charged.json()["id"]),
    ]
    refused(requests.put(switch, json={"decline_reason": "bad_luck"}, timeout=10), 400)
    refused(requests.put(switch, json={"decline_reason": 5}, timeout=10), 400)
    unknown = f"{sandbox}/_admin/payment_methods/{uuid.uuid4()}"
    refused(requests.put(unknown, json={"decline_reason": ""}, timeout=10), 404, "not_found")


# --- two-stage payments -----------------------------------------------------------------------


def test_a_held_payment_is_captured_in_part_once(sandbox, receiver):
    shop = Shop(sandbox)
    shop.hook(receiver.url)
    held = PaymentResponse(shop.paid("1000.00", capture=False))
    capture = f"/payments/{held.id}/capture"
    part = {"amount": {"value": "600.00", "currency": "RUB"}}

    without_key = shop.call("POST", capture, part, key=None)
    too_much = shop.call("POST", capture, {"amount": {"value": "1000.01", "currency": "RUB"}})
    euros = shop.call("POST", capture, {"amount": {"value": "600.00", "currency": "EUR"}})
    refund_of_held = shop.refund(held.id, "1.00")
    captured = shop.call("POST", capture, part, key="capture-1")
    replayed = shop.call("POST", capture, part, key="capture-1")
    twice = shop.call("POST", capture, part)
    cancel_after = shop.call("POST", f"/payments/{held.id}/cancel", {})

    assert (held.status, held.paid, held.refundable) == ("waiting_for_capture", True, False)
    assert held.expires_at
    assert refused(without_key, 400)["parameter"] == "Idempotence-Key"
    assert refused(too_much, 400)["parameter"] == "amount.value"
    assert refused(euros, 400)["parameter"] == "amount.currency"
    refused(refund_of_held, 400)
    done = PaymentResponse(captured.json())
    assert (done.status, done.refundable, done.amount.value) == ("succeeded", True, Decimal(600))
    assert done.captured_at
    assert done.expires_at is None
    assert replayed.json() == captured.json()
    assert "waiting_for_capture" in refused(twice, 400)["description"]
    refused(cancel_after, 400)
    assert [n["event"] for n in receiver.wait_for(2)] == [
        "payment.waiting_for_capture",
        "payment.succeeded",
    ]


def test_a_held_payment_is_captured_whole_without_a_body(sandbox):
    shop = Shop(sandbox)
    held = shop.paid("250.00", capture=False)

    captured = shop.call("POST", f"/payments/{held['id']}/capture", raw=b" ")

    assert captured.status_code == 200, captured.text
    assert captured.json()["amount"] == {"value": "250.00", "currency": "RUB"}


def test_a_held_payment_can_be_canceled_and_nothing_else_can(sandbox, receiver):
    shop, other = Shop(sandbox), Shop(sandbox)
    shop.hook(receiver.url)
    pending = shop.payment(capture=False)
    one_stage = shop.paid()
    held = shop.paid(capture=False)

    refused(shop.call("POST", f"/payments/{pending['id']}/cancel", {}), 400)
    refused(shop.call("POST", f"/payments/{pending['id']}/capture", {}), 400)
    refused(shop.call("POST", f"/payments/{one_stage['id']}/cancel", {}), 400)
    refused(shop.call("POST", f"/payments/{one_stage['id']}/capture", {}), 400)
    refused(other.call("POST", f"/payments/{held['id']}/cancel", {}), 404, "not_found")
    canceled = shop.call("POST", f"/payments/{held['id']}/cancel", {})
    capture_after = shop.call("POST", f"/payments/{held['id']}/capture", {})

    payment = PaymentResponse(canceled.json())
    assert (payment.status, payment.paid) == ("canceled", False)
    assert payment.cancellation_details.party == "merchant"
    assert payment.cancellation_details.reason == "canceled_by_merchant"
    assert "canceled" in refused(capture_after, 400)["description"]
    events = [(n["event"], n["object"]["id"]) for n in receiver.wait_for(3)]
    assert events == [
        ("payment.succeeded", one_stage["id"]),
        ("payment.waiting_for_capture", held["id"]),
        ("payment.canceled", held["id"]),
    ]


# --- refunds ----------------------------------------------------------------------------------


def test_a_payment_is_refunded_in_parts_and_never_beyond_what_was_paid(sandbox):
    shop, other = Shop(sandbox), Shop(sandbox)
    payment = shop.paid("1000.00")

    first = shop.refund(payment["id"], "300.00", description="Возврат части аванса")
    after_first = PaymentResponse(shop.found(payment["id"]))
    rest = shop.refund(payment["id"], "700")
    after_rest = PaymentResponse(shop.found(payment["id"]))
    beyond = shop.refund(payment["id"], "0.01")

    refund = RefundResponse(first.json())
    assert (refund.status, refund.payment_id) == ("succeeded", payment["id"])
    assert (refund.amount.value, refund.amount.currency) == (Decimal(300), "RUB")
    assert refund.description == "Возврат части аванса"
    assert refund.created_at
    assert payment["refundable"] is True
    assert (after_first.refunded_amount.value, after_first.refundable) == (Decimal(300), True)
    assert after_first.status == "succeeded"
    assert rest.json()["amount"] == {"value": "700.00", "currency": "RUB"}
    assert (after_rest.refunded_amount.value, after_rest.refundable) == (Decimal(1000), False)
    assert "0.00" in refused(beyond, 400)["description"]
    assert shop.get(f"/refunds/{refund.id}").json() == first.json()
    refused(other.get(f"/refunds/{refund.id}"), 404, "not_found")
    refused(shop.get(f"/refunds/{uuid.uuid4()}"), 404, "not_found")


@pytest.mark.parametrize(
    ("change", "status", "parameter"),
    [
        ({"value": "1000.01"}, 400, "amount.value"),  # more than was paid
        ({"currency": "EUR"}, 400, "amount.currency"),
        ({"value": "10.001"}, 400, "amount.value"),
        ({"value": "0.00"}, 400, "amount.value"),
        ({"value": "-5.00"}, 400, "amount.value"),
        ({"value": "1e9999"}, 400, "amount.value"),
        ({"payment": "pending"}, 400, "payment_id"),
        ({"payment": "canceled"}, 400, "payment_id"),
        ({"payment": "another shop's"}, 404, None),
        ({"payment": "unknown"}, 404, None),
    ],
)
def test_a_refund_that_cannot_be_made_is_refused_and_changes_nothing(
    sandbox, change, status, parameter
):
    shop, other = Shop(sandbox), Shop(sandbox)
    payment = shop.paid("1000.00")
    target = {
        "pending": lambda: shop.payment()["id"],
        "canceled": lambda: declined(shop),
        "another shop's": lambda: other.paid()["id"],
        "unknown": lambda: str(uuid.uuid4()),
    }.get(change.get("payment", ""), lambda: payment["id"])()

    answer = shop.refund(target, change.get("value", "100.00"), change.get("currency", "RUB"))

    error = refused(answer, status, "invalid_request" if status == 400 else "not_found")
    assert error.get("parameter") == parameter
    assert "refunded_amount" not in shop.found(payment["id"])


def declined(shop: Shop) -> str:
    """A canceled payment of this shop: its card was declined on the page."""
    declined = shop.payment()
    pay(declined, test_card="5555555555554527")
    return declined["id"]


def test_a_refund_retried_with_its_key_is_made_once(sandbox):
    shop, other = Shop(sandbox), Shop(sandbox)
    payment = shop.paid("1000.00")
    elsewhere = other.paid("1000.00")

    first = shop.refund(payment["id"], "100.00", key="refund-1")
    retried = shop.refund(payment["id"], "100.00", key="refund-1")
    changed = shop.refund(payment["id"], "200.00", key="refund-1")
    without_key = shop.refund(payment["id"], "100.00", key=None)
    same_key_other_shop = other.refund(elsewhere["id"], "100.00", key="refund-1")

    assert retried.json() == first.json()
    assert refused(changed, 400)["parameter"] == "Idempotence-Key"
    assert refused(without_key, 400)["parameter"] == "Idempotence-Key"
    assert shop.found(payment["id"])["refunded_amount"]["value"] == "100.00"
    assert same_key_other_shop.status_code == 200
    assert same_key_other_shop.json()["id"] != first.json()["id"]


def test_refund_notifications_reach_only_the_refunding_shops_url(sandbox, receiver):
    shop, other = Shop(sandbox), Shop(sandbox)
    others_receiver = Receiver()
    try:
        shop.hook(receiver.url)
        other.hook(others_receiver.url)
        payment = shop.paid("500.00")
        refund = shop.refund(payment["id"], "120.50").json()
        others_payment = other.paid("200.00")
        others_refund = other.refund(others_payment["id"], "200.00").json()

        ours = receiver.wait_for(2)
        theirs = others_receiver.wait_for(2)
    finally:
        others_receiver.close()

    notice = WebhookNotificationFactory().create(ours[1])
    assert isinstance(notice, RefundWebhookNotification)
    assert (notice.event, notice.object.id) == ("refund.succeeded", refund["id"])
    assert notice.object.amount.value == Decimal("120.50")
    assert ours[1]["object"] == refund
    assert [n["object"]["id"] for n in ours] == [payment["id"], refund["id"]]
    assert [n["object"]["id"] for n in theirs] == [others_payment["id"], others_refund["id"]]


# --- what the sandbox refuses -----------------------------------------------------------------

AMOUNT = {"value": "10.00", "currency": "RUB"}


@pytest.mark.parametrize(
    ("method", "path", "raw", "parameter"),
    [
        ("POST", "/payments", b"{", None),
        ("POST", "/payments", b"[]", None),
        ("POST", "/payments", b'"text"', None),
        ("POST", "/payments", b"\xff\xfe{}", None),
        ("POST", "/payments", b'{"amount": "10.00"}', "amount"),
        ("POST", "/payments", b'{"amount": {"value": [], "currency": "RUB"}}', "amount.value"),
        ("POST", "/payments", b'{"amount": {"value": "abc", "currency": "RUB"}}', "amount.value"),
        ("POST", "/payments", b'{"amount": {"value": "NaN", "currency": "RUB"}}', "amount.value"),
        ("POST", "/payments", b'{"amount": {"value": true, "currency": "RUB"}}', "amount.value"),
        ("POST", "/payments", b'{"amount": {"value": "1", "currency": 5}}', "amount.currency"),
        ("POST", "/payments", {"amount": AMOUNT, "capture": "yes"}, "capture"),
        ("POST", "/payments", {"amount": AMOUNT, "save_payment_method": 1}, "save_payment_method"),
        ("POST", "/payments", {"amount": AMOUNT, "confirmation": "redirect"}, "confirmation"),
        (
            "POST",
            "/payments",
            {"amount": AMOUNT, "confirmation": {"type": "qr"}},
            "confirmation.type",
        ),
        ("POST", "/payments", {"amount": AMOUNT, "metadata": []}, "metadata"),
        ("POST", "/payments", {"amount": AMOUNT, "description": 5}, "description"),
        ("POST", "/payments", {"amount": AMOUNT, "description": "x" * 129}, "description"),
        ("POST", "/payments", {"amount": AMOUNT, "payment_method_id": 5}, "payment_method_id"),
        ("POST", "/refunds", b"{", None),
        ("POST", "/refunds", {"payment_id": 5, "amount": AMOUNT}, "payment_id"),
        ("POST", "/refunds", {"payment_id": "x", "amount": {"value": "1"}}, "amount.currency"),
        ("POST", "/refunds", {"payment_id": "x", "amount": AMOUNT, "receipt": []}, "receipt"),
        ("POST", "/payments/{id}/capture", b"{", None),
        ("POST", "/payments/{id}/capture", {"amount": "all"}, "amount"),
        ("POST", "/payments/{id}/cancel", b"[]", None),
    ],
)
def test_malformed_requests_are_refused_in_yookassas_shape(sandbox, method, path, raw, parameter):
    shop = Shop(sandbox)
    held = shop.paid(capture=False)
    body = raw if isinstance(raw, bytes) else None

    answer = shop.call(method, path.format(id=held["id"]), raw, raw=body or b"")

    assert refused(answer, 400).get("parameter") == parameter
    assert shop.found(held["id"])["status"] == "waiting_for_capture"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("delay", {"seconds": "soon"}),
        ("delay", {"seconds": -1}),
        ("shops/100001", {"webhook_url": 5}),
        ("shops/100001", {"webhook_url": "ftp://example.com/"}),
        ("payment_methods/whatever", b"{"),
    ],
)
def test_malformed_admin_requests_are_refused(sandbox, path, body):
    url = f"{sandbox}/_admin/{path}"
    if isinstance(body, bytes):
        answer = requests.put(url, data=body, timeout=10)
    else:
        answer = requests.put(url, json=body, timeout=10)

    refused(answer, 400)


def test_unknown_routes_and_ids_and_bad_credentials_get_yookassa_errors(sandbox):
    shop = Shop(sandbox)

    refused(shop.get(f"/payments/{uuid.uuid4()}"), 404, "not_found")
    refused(shop.get("/payouts"), 404, "not_found")
    refused(shop.call("DELETE", "/payments", key=None), 404, "not_found")
    refused(shop.call("POST", f"/payments/{uuid.uuid4()}/capture", {}), 404, "not_found")
    anonymous = requests.get(f"{sandbox}/v3/payments/x", timeout=10)
    refused(anonymous, 401, "invalid_credentials")
    lettered = requests.get(f"{sandbox}/v3/payments/x", auth=("shop", "secret"), timeout=10)
    refused(lettered, 401, "invalid_credentials")
    no_page = requests.get(f"{sandbox}/pay/{uuid.uuid4()}", timeout=10)
    assert no_page.status_code == 404
    assert "не найден" in no_page.text


def test_a_bad_content_length_is_refused_and_the_sandbox_keeps_serving(sandbox):
    address = urlsplit(sandbox)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.putrequest("POST", "/v3/payments")
        connection.putheader("Content-Length", "lots")
        connection.endheaders()
        answer = connection.getresponse()
        error = answer.read()
    finally:
        connection.close()

    assert answer.status == 400
    assert b'"invalid_request"' in error
    assert requests.get(f"{sandbox}/_admin/health", timeout=10).json() == {"status": "ok"}
