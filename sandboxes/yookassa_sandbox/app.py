"""The part of YooKassa's API v3 Kabinet uses, kept in memory: creating a payment (idempotent by
`Idempotence-Key`, per shop), reading it back, and the hosted page where a tester pays or
declines. Every shop is its own world: a payment is found only with the credentials of the shop
that made it. When a payment settles, the shop's notification URL (set with
`PUT /_admin/shops/{shop_id}` `{"webhook_url": ...}`) gets YooKassa's notification, unsigned as
YooKassa's are. `PUT /_admin/delay` makes answers slow, for tests of timeouts.
"""

import base64
import json
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs

from sandboxes.loopback import loopback_target


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    html: str = ""
    location: str = ""


@dataclass
class Sandbox:
    base_url: str = ""
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)  # by payment id
    by_key: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    delay: float = 0.0
    webhooks: dict[str, str] = field(default_factory=dict)  # shop id → notification URL
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        if method == "GET" and path == "/_admin/health":
            return Answer(200, {"status": "ok"})
        if method == "PUT" and path == "/_admin/delay":
            self.delay = float(json.loads(body or b"{}").get("seconds", 0))
            return Answer(200, {"delay": self.delay})
        if method == "PUT" and path.startswith("/_admin/shops/"):
            shop_id = path.removeprefix("/_admin/shops/")
            self.webhooks[shop_id] = str(json.loads(body or b"{}").get("webhook_url", ""))
            return Answer(200, {"shop_id": shop_id, "webhook_url": self.webhooks[shop_id]})
        if path.startswith("/pay/"):
            return self._page(method, path.removeprefix("/pay/"), body)
        time.sleep(self.delay)
        shop = _shop(headers.get("authorization", ""))
        if shop is None:
            return _error(401, "invalid_credentials", "Basic auth with shop id and secret key")
        if method == "POST" and path == "/v3/payments":
            return self._create(shop, headers.get("idempotence-key", ""), body)
        if method == "GET" and path.startswith("/v3/payments/"):
            payment = self.payments.get(path.removeprefix("/v3/payments/"))
            if payment is None or payment["recipient"]["account_id"] != shop:
                return _error(404, "not_found", "payment not found")
            return Answer(200, payment)
        return _error(404, "not_found", f"{method} {path} is not part of the sandbox")

    def _page(self, method: str, payment_id: str, body: bytes) -> Answer:
        """The hosted confirmation page: a tester pays, or makes the card fail."""
        payment = self.payments.get(payment_id)
        if payment is None:
            return _error(404, "not_found", "payment not found")
        if method == "GET":
            return Answer(200, {}, html=_page_html(payment))
        outcome = OUTCOMES.get(parse_qs(body.decode(errors="replace")).get("outcome", [""])[0])
        if outcome is None:
            return _error(400, "invalid_request", "choose succeed, decline or insufficient")
        with self.lock:
            if payment["status"] != "pending":
                return _error(400, "invalid_request", f"the payment is {payment['status']}")
            status, cancellation = outcome
            payment["status"] = status
            payment["paid"] = status == "succeeded"
            if cancellation:
                payment["cancellation_details"] = cancellation
            else:
                payment["captured_at"] = datetime.now(UTC).isoformat(timespec="milliseconds")
                payment["payment_method"] = {
                    "type": "bank_card",
                    "id": str(uuid.uuid4()),
                    "saved": False,
                    "title": "Bank card *4477",
                }
        self._notify(payment)
        return Answer(303, {}, location=payment["confirmation"]["return_url"] or "/")

    def _notify(self, payment: dict[str, Any]) -> None:
        url = self.webhooks.get(payment["recipient"]["account_id"])
        if not url:
            return
        event = "payment.succeeded" if payment["status"] == "succeeded" else "payment.canceled"
        notification = {"type": "notification", "event": event, "object": payment}
        threading.Thread(target=_post, args=(url, notification), daemon=True).start()

    def _create(self, shop: str, key: str, body: bytes) -> Answer:
        if not key or len(key) > 64:
            return _error(400, "invalid_request", "Idempotence-Key header is required")
        try:
            request = json.loads(body)
            amount = request["amount"]
            value = Decimal(str(amount["value"]))
            currency = str(amount["currency"])
        except (ValueError, KeyError, TypeError, InvalidOperation):
            return _error(400, "invalid_request", "amount.value and amount.currency are required")
        whole_kopecks = value.is_finite() and value == value.quantize(Decimal("0.01"))
        if not whole_kopecks or value <= 0 or currency != "RUB":
            return _error(400, "invalid_request", "amount must be positive roubles with kopecks")
        fingerprint = json.dumps(request, sort_keys=True)
        with self.lock:
            known = self.by_key.get((shop, key))
            if known is not None:
                payment_id, first = known
                if first != fingerprint:
                    return _error(
                        400, "invalid_request", "Idempotence-Key used for another request"
                    )
                return Answer(200, self.payments[payment_id])
            payment_id = str(uuid.uuid4())
            payment = {
                "id": payment_id,
                "status": "pending",
                "paid": False,
                "amount": {"value": f"{value:.2f}", "currency": currency},
                "description": str(request.get("description", ""))[:128],
                "metadata": request.get("metadata") or {},
                "recipient": {"account_id": shop, "gateway_id": f"gw-{shop}"},
                "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "confirmation": {
                    "type": "redirect",
                    "confirmation_url": f"{self.base_url}/pay/{payment_id}",
                    "return_url": (request.get("confirmation") or {}).get("return_url", ""),
                },
                "test": True,
                "refundable": False,
            }
            self.payments[payment_id] = payment
            self.by_key[(shop, key)] = (payment_id, fingerprint)
        return Answer(200, payment)


OUTCOMES = {
    "succeed": ("succeeded", None),
    "decline": ("canceled", {"party": "payment_network", "reason": "card_expired"}),
    "insufficient": ("canceled", {"party": "payment_network", "reason": "insufficient_funds"}),
}


def _page_html(payment: dict[str, Any]) -> str:
    amount = payment["amount"]
    buttons = "".join(
        f'<button name="outcome" value="{outcome}">{label}</button> '
        for outcome, label in (
            ("succeed", "Оплатить"),
            ("decline", "Карта отклонена"),
            ("insufficient", "Недостаточно средств"),
        )
    )
    return (
        "<!doctype html><html lang=ru><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width">'
        "<title>ЮKassa (песочница)</title><h1>Оплата</h1>"
        f"<p>{amount['value']} {amount['currency']}</p>"
        f'<form method="post">{buttons}</form></html>'
    )


def _shop(authorization: str) -> str | None:
    """The shop id of Basic credentials; any non-empty secret is accepted (it is a sandbox),
    but the id must look like YooKassa's."""
    if not authorization.startswith("Basic "):
        return None
    try:
        shop, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
    except ValueError:
        return None
    return shop if shop.isdigit() and secret else None


def _error(status: int, code: str, description: str) -> Answer:
    return Answer(
        status, {"type": "error", "id": str(uuid.uuid4()), "code": code, "description": description}
    )


def _post(url: str, notification: dict[str, Any]) -> None:
    """Deliver a notification, retrying a few times as YooKassa does when not answered 200."""
    data = json.dumps(notification, ensure_ascii=False).encode()
    target, extra_headers = loopback_target(url)
    for attempt in range(5):
        request = urllib.request.Request(
            target,
            data=data,
            headers={"Content-Type": "application/json", **extra_headers},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if 200 <= response.status < 300:
                    return
        except OSError:
            pass
        time.sleep(0.2 * (attempt + 1))
