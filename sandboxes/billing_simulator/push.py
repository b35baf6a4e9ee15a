"""Push of events to an instance's webhook: one worker thread per instance, in feed order, signed,
retried with backoff until the receiver answers 2xx (at-least-once; receivers de-duplicate by id).
"""

import hashlib
import hmac
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from sandboxes.billing_simulator.instances import Instance
from sandboxes.billing_simulator.storage import Store
from sandboxes.loopback import loopback_target

BATCH = 100
FIRST_RETRY_S = 0.1
LAST_RETRY_S = 5.0
TIMEOUT_S = 5.0


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    """`t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>` (the Stripe scheme)."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def post_event(instance: Instance, body: bytes) -> None:
    """POST one event to the webhook; raises on a network error or a non-2xx answer."""
    assert instance.webhook_url is not None
    url, extra_headers = loopback_target(instance.webhook_url)
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "kabinet-billing-simulator",
            "X-Portal-Signature": signature_header(instance.event_secret, body, int(time.time())),
            **extra_headers,
        },
    )
    # urlopen raises HTTPError for 4xx/5xx, which is what makes them retried.
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        response.read()


class _Worker(threading.Thread):
    def __init__(self, name: str, pusher: "Pusher") -> None:
        super().__init__(name=f"push-{name}", daemon=True)
        self.instance_name = name
        self.pusher = pusher
        self.wakeup = threading.Event()
        self.attempts = 0
        self.last_error: str | None = None

    def run(self) -> None:
        while not self.pusher.stopping.is_set():
            self.wakeup.wait(timeout=1.0)
            self.wakeup.clear()
            self._drain()

    def _drain(self) -> None:
        while not self.pusher.stopping.is_set():
            instance = self.pusher.load(self.instance_name)
            if instance is None or instance.webhook_url is None:
                return
            with self.pusher.store.read() as tx:
                rows = tx.events_after(instance.name, tx.pushed_seq(instance.name), BATCH)
            if not rows:
                return
            for seq, body in rows:
                if not self._deliver(instance, body.encode()):
                    return
                with self.pusher.store.transaction() as tx:
                    tx.set_pushed_seq(instance.name, seq)

    def _deliver(self, instance: Instance, body: bytes) -> bool:
        """Retry one event until it is accepted; False only when the server is stopping."""
        delay = FIRST_RETRY_S
        while not self.pusher.stopping.is_set():
            self.attempts += 1
            try:
                post_event(instance, body)
            except (urllib.error.URLError, OSError, ValueError) as error:
                self.last_error = str(error)
                self.pusher.stopping.wait(delay)
                delay = min(delay * 2, LAST_RETRY_S)
                continue
            self.last_error = None
            return True
        return False


class Pusher:
    """Starts a worker per instance on demand and wakes it when events are committed."""

    def __init__(self, store: Store, load: Callable[[str], Instance | None]) -> None:
        self.store = store
        self.load = load
        self.stopping = threading.Event()
        self._workers: dict[str, _Worker] = {}
        self._lock = threading.Lock()

    def wake(self, names: set[str]) -> None:
        """New events for these instances were committed (or their webhook changed)."""
        for name in names:
            with self._lock:
                worker = self._workers.get(name)
                if worker is None and not self.stopping.is_set():
                    worker = self._workers[name] = _Worker(name, self)
                    worker.start()
            if worker is not None:
                worker.wakeup.set()

    def status(self, name: str) -> dict[str, Any]:
        """Delivery attempts and the last error, for the admin API."""
        worker = self._workers.get(name)
        if worker is None:
            return {"attempts": 0, "last_error": None}
        return {"attempts": worker.attempts, "last_error": worker.last_error}

    def stop(self) -> None:
        """Stop every worker; undelivered events stay in the feed for the next start."""
        self.stopping.set()
        for worker in list(self._workers.values()):
            worker.wakeup.set()
            worker.join(timeout=TIMEOUT_S + 1)
