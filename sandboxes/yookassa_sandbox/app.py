"""The part of YooKassa's API v3 Kabinet uses, kept in memory: creating a payment (idempotent by
`Idempotence-Key`, per shop) and reading it back. Every shop is its own world: a payment is
found only with the credentials of the shop that made it. `PUT /_admin/delay` makes answers slow,
for tests of timeouts.
"""

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


@dataclass
class Sandbox:
    base_url: str = ""
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)  # by payment id
    by_key: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        if method == "PUT" and path == "/_admin/delay":
            self.delay = float(json.loads(body or b"{}").get("seconds", 0))
            return Answer(200, {"delay": self.delay})
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
