"""Notifications to a shop's URL, delivered the way YooKassa does: unsigned JSON, retried while
the shop does not answer 2xx.

Each URL has its own queue and worker, so one slow or dead shop never holds up another's
notifications, and a shop receives `payment.waiting_for_capture` before `payment.succeeded`.
"""

import json
import queue
import threading
import time
import urllib.request
from typing import Any

from sandboxes.loopback import loopback_target

ATTEMPTS = 5


class Outbox:
    def __init__(self) -> None:
        self._queues: dict[str, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def send(self, url: str, notification: dict[str, Any]) -> None:
        """Queue a notification; the caller hands over a copy it will not change again."""
        with self._lock:
            waiting = self._queues.get(url)
            if waiting is None:
                waiting = self._queues[url] = queue.Queue()
                threading.Thread(target=_deliver_all, args=(url, waiting), daemon=True).start()
        waiting.put(notification)


def _deliver_all(url: str, waiting: "queue.Queue[dict[str, Any]]") -> None:
    while True:
        _deliver(url, waiting.get())


def _deliver(url: str, notification: dict[str, Any]) -> None:
    """POST one notification, retrying a few times as YooKassa does when not answered 2xx."""
    data = json.dumps(notification, ensure_ascii=False).encode()
    target, extra_headers = loopback_target(url)
    for attempt in range(ATTEMPTS):
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
        except (OSError, ValueError):  # refused, timed out, answered 4xx/5xx, or not a URL
            pass
        time.sleep(0.2 * (attempt + 1))
