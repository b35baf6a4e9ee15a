"""The billing simulator as a real process on a free port, and small HTTP helpers around it.

These tests need no database: the simulator is a separate program with its own SQLite file.
"""

import json
import selectors
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class SimulatorProcess:
    process: subprocess.Popen[str]
    base: str

    def stop(self) -> str:
        """SIGTERM, wait, and return what it printed after the ready line."""
        self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=10)
        assert self.process.returncode == 0
        return out


def start_sandbox(module: str, name: str, *options: str) -> SimulatorProcess:
    """Start `python -m <module>` on a free port and read the base URL from the line it prints
    when ready (`<name> listening on http://…`)."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--host", "127.0.0.1", "--port", "0", *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    if not selector.select(timeout=15):
        process.kill()
        pytest.fail(f"{name} did not start within 15 s")
    line = process.stdout.readline().strip()
    assert line.startswith(f"{name} listening on http://"), line
    return SimulatorProcess(process, line.rpartition(" ")[2])


def start_simulator(data_dir: Path | str) -> SimulatorProcess:
    return start_sandbox(
        "sandboxes.billing_simulator", "billing simulator", "--data-dir", str(data_dir)
    )


@dataclass
class Tenant:
    """One billing instance with its token, spoken to over the contract."""

    base: str
    name: str
    token: str
    secret: str
    http: requests.Session

    @property
    def api(self) -> str:
        return f"{self.base}/{self.name}/v1"

    def get(self, path: str, **params: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        return self.http.get(self.api + path, params=params, headers=headers, timeout=30)

    def post(self, path: str, body: dict, key: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        headers["Idempotency-Key"] = key or uuid.uuid4().hex
        return self.http.post(self.api + path, json=body, headers=headers, timeout=30)

    def admin(self, method: str, suffix: str = "", body: Any = None) -> requests.Response:
        url = f"{self.base}/_admin/instances/{self.name}{suffix}"
        return self.http.request(method, url, json=body, timeout=120)

    def seed(self, body: dict) -> dict:
        response = self.admin("POST", "/seed", body)
        assert response.status_code == 200, response.text
        return response.json()["stored"]


def sample_seed() -> dict:
    """Two plans, two accounts, a subscription each, a document, a payment and usage."""
    rub = "RUB"
    return {
        "plans": [
            {
                "id": "tp:5",
                "code": "home100",
                "name": "Домашний 100",
                "service_type": "internet",
                "price": {"recurring": {"value": "600.00", "currency": rub}, "period": "month"},
                "attributes": {"speed_down_kbps": 100000},
            },
            {
                "id": "tp:7",
                "code": "home500",
                "name": "Домашний 500",
                "service_type": "internet",
                "price": {"recurring": {"value": "900.00", "currency": rub}, "period": "month"},
            },
        ],
        "accounts": [
            {
                "id": "acc:1",
                "number": "12345/2021",
                "holder": {"type": "person", "name": "Иванов И.И."},
                "contacts": {"email": "ivanov@example.com", "phone": "+79990000001"},
                "balance": {"value": "-120.50", "currency": rub},
                "recommended_payment": {"value": "600.00", "currency": rub},
            },
            {
                "id": "acc:2",
                "number": "12346/2021",
                "holder": {"type": "organization", "name": "ООО Ромашка", "inn": "7700000000"},
            },
        ],
        "subscriptions": [
            {
                "id": "svc:1",
                "account_id": "acc:1",
                "plan_id": "tp:5",
                "identifiers": {"login": "u1", "ip": "10.0.0.5"},
            },
            {"id": "svc:2", "account_id": "acc:2", "plan_id": "tp:5"},
        ],
        "documents": [
            {
                "id": "doc:77",
                "account_id": "acc:1",
                "kind": "invoice",
                "number": "77",
                "total": {"value": "600.00", "currency": rub},
                "vat": {"value": "100.00", "currency": rub},
                "lines": [
                    {
                        "description": "Абонентская плата",
                        "quantity": "1",
                        "amount": {"value": "600.00", "currency": rub},
                    }
                ],
            },
        ],
        "payments": [
            {
                "id": "pay:old",
                "account_id": "acc:1",
                "amount": {"value": "300.00", "currency": rub},
                "method": "cash",
                "posted_at": "2026-01-10T12:00:00+03:00",
            },
        ],
        "usage": [
            {
                "id": f"radius:{n}",
                "account_id": "acc:1",
                "subscription_id": "svc:1",
                "metric": "data" if n % 2 else "time",
                "unit": "B" if n % 2 else "s",
                "quantity": str(1000 * n),
                "started_at": f"2026-03-{n:02d}T10:00:00+03:00",
            }
            for n in range(1, 11)
        ],
    }


@dataclass
class Billing:
    """The running simulator and a way to make fresh, isolated instances on it."""

    base: str
    http: requests.Session = field(default_factory=requests.Session)

    def tenant(self, seed: bool = True, **config: Any) -> Tenant:
        name = f"t-{uuid.uuid4().hex[:10]}"
        token, secret = uuid.uuid4().hex, uuid.uuid4().hex
        body = {
            "token": token,
            "event_secret": secret,
            "currency": "RUB",
            "time_zone": "Europe/Moscow",
        } | config
        tenant = Tenant(self.base, name, token, secret, self.http)
        response = tenant.admin("PUT", "", body)
        assert response.status_code == 201, response.text
        if seed:
            tenant.seed(sample_seed())
        return tenant


@pytest.fixture(scope="session")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorProcess]:
    running = start_simulator(tmp_path_factory.mktemp("billing"))
    yield running
    running.stop()


@pytest.fixture
def billing(simulator: SimulatorProcess) -> Billing:
    return Billing(simulator.base)


@pytest.fixture
def tenant(billing: Billing) -> Tenant:
    return billing.tenant()


class Receiver:
    """A tiny webhook endpoint: records every POST; answers 500 to the first `fail_first`."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail_first = fail_first
        self.calls = 0
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.arrived:
                    receiver.calls += 1
                    failing = receiver.calls <= receiver.fail_first
                    if not failing:
                        receiver.received.append((dict(self.headers), body))
                    receiver.arrived.notify_all()
                self.send_response(500 if failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 10) -> list[dict]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout=timeout)
            return [json.loads(body) for _, body in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


@pytest.fixture(scope="session")
def sandbox() -> Iterator[str]:
    """The YooKassa sandbox, a process of its own; its base URL."""
    running = start_sandbox("sandboxes.yookassa_sandbox", "yookassa sandbox")
    yield running.base
    running.process.terminate()
    running.process.wait(timeout=10)


@pytest.fixture(scope="session")
def stripe_sandbox() -> Iterator[str]:
    """The Stripe sandbox, a process of its own; its base URL. It must stop cleanly on SIGTERM."""
    running = start_sandbox("sandboxes.stripe_sandbox", "stripe sandbox")
    yield running.base
    running.stop()
