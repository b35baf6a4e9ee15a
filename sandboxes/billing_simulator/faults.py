"""Fault injection per instance, for testing how Kabinet copes with a sick billing system.

Faults live in memory only: a restarted simulator is healthy again, like a restarted billing.
"""

import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from sandboxes.billing_simulator.formats import invalid
from sandboxes.billing_simulator.routing import ApiError, Response, json_response

MODES = ("none", "down", "slow", "garbage", "error")
GARBAGE_KINDS = ("text", "json")


@dataclass
class Fault:
    """What to do to the next requests. `fail_next` None means until changed."""

    mode: str = "none"
    delay_ms: int = 0
    status: int = 500
    fail_next: int | None = None
    garbage: str = "text"


def fault_from_body(body: dict[str, Any]) -> Fault:
    """Validate an admin PUT body into a Fault."""
    mode = body.get("mode", "none")
    if mode not in MODES:
        raise invalid("mode", f"must be one of {', '.join(MODES)}")
    fault = Fault(
        mode=mode,
        delay_ms=body.get("delay_ms", 1000 if mode == "slow" else 0),
        status=body.get("status", 500),
        fail_next=body.get("fail_next"),
        garbage=body.get("garbage", "text"),
    )
    if not isinstance(fault.delay_ms, int) or not 0 <= fault.delay_ms <= 600_000:
        raise invalid("delay_ms", "must be an integer from 0 to 600000")
    if not isinstance(fault.status, int) or not 400 <= fault.status <= 599:
        raise invalid("status", "must be an HTTP error status (400-599)")
    count = fault.fail_next
    if count is not None and (not isinstance(count, int) or count < 1):
        raise invalid("fail_next", "must be a positive integer or null")
    if fault.garbage not in GARBAGE_KINDS:
        raise invalid("garbage", f"must be one of {', '.join(GARBAGE_KINDS)}")
    return fault


class Faults:
    """The current fault of every instance."""

    def __init__(self) -> None:
        self._faults: dict[str, Fault] = {}
        self._lock = threading.Lock()

    def set(self, name: str, fault: Fault) -> None:
        """Replace the instance's fault."""
        with self._lock:
            self._faults[name] = fault

    def get(self, name: str) -> dict[str, Any]:
        """The instance's fault as the admin API shows it."""
        with self._lock:
            return asdict(self._faults.get(name, Fault()))

    def _take(self, name: str) -> Fault | None:
        """The fault for this request, counting it against `fail_next`."""
        with self._lock:
            fault = self._faults.get(name)
            if fault is None or fault.mode == "none":
                return None
            if fault.fail_next is not None:
                fault.fail_next -= 1
                if fault.fail_next <= 0:
                    self._faults[name] = Fault()
            return fault

    def intercept(self, name: str) -> Response | None:
        """A faulty answer for this request, or None to answer normally (maybe after a
        delay: the sleep happens here, outside any lock, so other instances stay fast)."""
        fault = self._take(name)
        if fault is None:
            return None
        if fault.mode == "slow":
            time.sleep(fault.delay_ms / 1000)
            return None
        if fault.mode == "down":
            raise ApiError(503, "billing_unavailable", "the billing system is down (injected)")
        if fault.mode == "error":
            raise ApiError(fault.status, "billing_unavailable", "injected failure")
        if fault.garbage == "json":
            return json_response(200, {"unexpected": ["shape"], "items": "not a list"})
        # Claims JSON but is an HTML error page, as a misconfigured proxy in front would send.
        return Response(200, b"<html><body>502 Bad Gateway</body></html>", "application/json")
