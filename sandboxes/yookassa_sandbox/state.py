"""The sandbox's memory: payments, refunds and saved payment methods, each owned by one shop.

Everything a request changes is changed under one lock, and answers and notifications carry
copies, so a payment being paid on the page is never half-written in an answer.
"""

import copy
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sandboxes.yookassa_sandbox.notify import Outbox
from sandboxes.yookassa_sandbox.protocol import invalid, not_found


@dataclass
class Payment:
    body: dict[str, Any]  # the payment object exactly as YooKassa shows it
    shop: str
    capture: bool  # false: two stages, the shop captures or cancels after the payer paid
    save_method: bool  # the payer's card becomes a saved method when paid
    refunded: Decimal = Decimal("0")

    @property
    def status(self) -> str:
        return str(self.body["status"])


@dataclass
class SavedMethod:
    body: dict[str, Any]  # `payment_method` of the payment that saved it
    shop: str
    decline_reason: str = ""  # set by a test: charges fail with this reason from now on


@dataclass
class Refund:
    body: dict[str, Any]
    shop: str


@dataclass
class Store:
    base_url: str = ""
    delay: float = 0.0
    payments: dict[str, Payment] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    methods: dict[str, SavedMethod] = field(default_factory=dict)
    # (shop, Idempotence-Key) → (id of what the request made, the request's fingerprint)
    keys: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    webhooks: dict[str, str] = field(default_factory=dict)  # shop id → notification URL
    lock: threading.Lock = field(default_factory=threading.Lock)
    outbox: Outbox = field(default_factory=Outbox)

    def payment(self, shop: str, payment_id: str) -> Payment:
        """A payment of this shop; another shop's payment is as unknown as a made-up id."""
        payment = self.payments.get(payment_id)
        if payment is None or payment.shop != shop:
            raise not_found(f"payment {payment_id} not found")
        return payment

    def replayed(self, shop: str, key: str, request: str) -> str | None:
        """The id an earlier request with this key made, if it was this same request; the key
        with a different request is refused, as YooKassa does."""
        known = self.keys.get((shop, key))
        if known is None:
            return None
        made, first = known
        if first != request:
            raise invalid("this Idempotence-Key was used for another request", "Idempotence-Key")
        return made

    def remember(self, shop: str, key: str, request: str, made: str) -> None:
        self.keys[(shop, key)] = (made, request)

    def notify(self, shop: str, event: str, obj: dict[str, Any]) -> None:
        """Send `{"type": "notification", "event", "object"}` to the shop's URL, if it set one."""
        url = self.webhooks.get(shop)
        if url:
            notification = {"type": "notification", "event": event, "object": copy.deepcopy(obj)}
            self.outbox.send(url, notification)


def snapshot(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy for an answer, written to the socket after the lock is released."""
    return copy.deepcopy(obj)
