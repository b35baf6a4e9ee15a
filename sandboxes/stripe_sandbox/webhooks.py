"""Events to an account's endpoint, signed as Stripe signs them, so the SDK's
`stripe.Webhook.construct_event(body, header, secret)` accepts them with that secret only."""

import hashlib
import hmac
import json
import queue
import threading
import time
import urllib.request
from typing import Any

from sandboxes.loopback import loopback_target

ATTEMPTS = 5


def signature(secret: str, payload: bytes, timestamp: int) -> str:
    """`Stripe-Signature`: HMAC-SHA256 of `"{t}.{body}"` with the endpoint's secret, in hex."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class Courier:
    """One account's deliveries, made in the background so answers are not held up, and one
    at a time in the order the events happened, so a test can expect that order."""

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[str, str, bytes]] = queue.Queue()
        threading.Thread(target=self._work, daemon=True).start()

    def send(self, url: str, secret: str, events: list[dict[str, Any]]) -> None:
        for event in events if url else []:
            self.queue.put((url, secret, json.dumps(event, ensure_ascii=False).encode()))

    def _work(self) -> None:
        while True:
            _post(*self.queue.get())


def _post(url: str, secret: str, payload: bytes) -> None:
    """One event, retried a few times while the endpoint fails or answers other than 2xx, as
    Stripe retries; each attempt is signed afresh."""
    target, extra_headers = loopback_target(url)
    for attempt in range(ATTEMPTS):
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": signature(secret, payload, int(time.time())),
            **extra_headers,
        }
        request = urllib.request.Request(target, data=payload, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if 200 <= response.status < 300:
                    return
        except OSError:
            pass
        time.sleep(0.2 * (attempt + 1))
