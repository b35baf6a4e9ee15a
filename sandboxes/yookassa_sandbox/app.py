"""The part of YooKassa's API v3 Kabinet uses, kept in memory, for tests and local runs.

Every shop is its own world: a payment, refund or saved card is found only with the Basic
credentials (shop id and any secret) of the shop that made it. Implemented:

* `POST /v3/payments` (`Idempotence-Key` required: the same key and body give the same payment
  back, the same key with another body is refused). With `confirmation{type: redirect,
  return_url}` (or none) the payment is `pending` and `confirmation_url` leads to the hosted
  page. `capture: false` makes it two-stage. `save_payment_method: true` saves the card when it
  is paid: `payment_method.saved` is true and `payment_method.id` can be charged again, by this
  shop only. With `payment_method_id` of such a card and no confirmation the payment settles
  at once: `succeeded` (or `waiting_for_capture`), or `canceled` when the card is set to decline.
* `GET /v3/payments/{id}`.
* `POST /v3/payments/{id}/capture` (optional smaller `amount`) and `/cancel`
  (`canceled_by_merchant`) for a payment `waiting_for_capture`.
* `POST /v3/refunds` `{payment_id, amount, description?, receipt?, metadata?}` and
  `GET /v3/refunds/{id}`: whole or partial refunds of a succeeded payment, which gains
  `refunded_amount` and stays `refundable` until nothing is left.
* The hosted page `/pay/{id}` with YooKassa's test cards (see `page.py`, `cards.py`).
* Notifications `payment.waiting_for_capture`, `payment.succeeded`, `payment.canceled` and
  `refund.succeeded` to the shop's URL, unsigned as YooKassa's are.
* Errors as YooKassa's `{"type": "error", "id", "code", "description", "parameter"?}`: 400
  `invalid_request`, 401 `invalid_credentials`, 404 `not_found`; bad input never crashes it.

Test controls, without credentials: `GET /_admin/health`; `PUT /_admin/delay` `{"seconds"}`
slows the API, for timeout tests; `PUT /_admin/shops/{shop_id}` `{"webhook_url"}` sets where
the shop's notifications go; `PUT /_admin/payment_methods/{id}` `{"decline_reason"}` makes
charges of a saved card fail with that reason from now on (`""` lets them pass again).
"""

import base64
import time
from typing import Any
from urllib.parse import unquote, urlsplit

from sandboxes.yookassa_sandbox import cards, page, payments, refunds
from sandboxes.yookassa_sandbox.protocol import (
    Answer,
    Refusal,
    idempotence_key,
    invalid,
    not_found,
    read_object,
)
from sandboxes.yookassa_sandbox.state import Store, snapshot


class Sandbox:
    def __init__(self, store: Store | None = None) -> None:
        self.store = store or Store()

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """Answer one request; whatever is wrong with it becomes YooKassa's error object."""
        path = urlsplit(target).path
        parts = [unquote(part) for part in path.strip("/").split("/")]
        try:
            if parts[0] == "_admin":
                return self._admin(method, parts[1:], body)
            if parts[0] == "pay" and len(parts) == 2:
                return page.serve(self.store, method, parts[1], body)
            time.sleep(self.store.delay)
            return self._api(method, path, parts, headers, body)
        except Refusal as refusal:
            return refusal.answer()

    def failure(self, status: int, message: str) -> Answer:
        code = "internal_server_error" if status >= 500 else "invalid_request"
        return Refusal(status, code, message).answer()

    def listening_at(self, base_url: str) -> None:
        self.store.base_url = base_url

    def _api(
        self, method: str, path: str, parts: list[str], headers: dict[str, str], body: bytes
    ) -> Answer:
        shop = _shop(headers.get("authorization", ""))
        if shop is None:
            raise Refusal(401, "invalid_credentials", "Basic auth with shop id and secret key")
        store = self.store
        match method, parts:
            case "POST", ["v3", "payments"]:
                return payments.create(store, shop, idempotence_key(headers), path, body)
            case "GET", ["v3", "payments", payment_id]:
                with store.lock:
                    return Answer(200, snapshot(store.payment(shop, payment_id).body))
            case "POST", ["v3", "payments", payment_id, "capture"]:
                key = idempotence_key(headers)
                return payments.capture(store, shop, payment_id, key, path, body)
            case "POST", ["v3", "payments", payment_id, "cancel"]:
                key = idempotence_key(headers)
                return payments.cancel(store, shop, payment_id, key, path, body)
            case "POST", ["v3", "refunds"]:
                return refunds.create(store, shop, idempotence_key(headers), path, body)
            case "GET", ["v3", "refunds", refund_id]:
                return refunds.find(store, shop, refund_id)
        raise not_found(f"{method} {path} is not part of the sandbox")

    def _admin(self, method: str, parts: list[str], body: bytes) -> Answer:
        match method, parts:
            case "GET", ["health"]:
                return Answer(200, {"status": "ok"})
            case "PUT", ["delay"]:
                return self._set_delay(read_object(body, empty_ok=True))
            case "PUT", ["shops", shop_id]:
                return self._set_webhook(shop_id, read_object(body, empty_ok=True))
            case "PUT", ["payment_methods", method_id]:
                return self._set_decline(method_id, read_object(body))
        raise not_found(f"{method} /_admin/{'/'.join(parts)} is not part of the sandbox")

    def _set_delay(self, request: dict[str, Any]) -> Answer:
        seconds = request.get("seconds", 0)
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise invalid("seconds must be a number", "seconds")
        if not 0 <= seconds <= 60:
            raise invalid("seconds must be from 0 to 60", "seconds")
        self.store.delay = float(seconds)
        return Answer(200, {"delay": self.store.delay})

    def _set_webhook(self, shop_id: str, request: dict[str, Any]) -> Answer:
        url = request.get("webhook_url", "")
        if not isinstance(url, str) or (url and urlsplit(url).scheme not in ("http", "https")):
            raise invalid("webhook_url must be an http(s) URL, or empty for none", "webhook_url")
        with self.store.lock:
            self.store.webhooks[shop_id] = url
        return Answer(200, {"shop_id": shop_id, "webhook_url": url})

    def _set_decline(self, method_id: str, request: dict[str, Any]) -> Answer:
        """Make charges of a saved card fail (or pass again), as when its money runs out."""
        reason = request.get("decline_reason")
        if not isinstance(reason, str) or (reason and reason not in cards.NETWORK_REASONS):
            raise invalid(
                f"decline_reason must be empty or one of {', '.join(cards.NETWORK_REASONS)}",
                "decline_reason",
            )
        with self.store.lock:
            method = self.store.methods.get(method_id)
            if method is None:
                raise not_found(f"saved payment method {method_id} not found")
            method.decline_reason = reason
            return Answer(200, {"id": method_id, "shop_id": method.shop, "decline_reason": reason})


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
