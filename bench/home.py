"""A client's home page under concurrent load, with 1 provider and with many, and the time the
tenancy layer adds to a request (`make bench`; results in docs/PERFORMANCE.md).

The site runs under gunicorn (two workers, as on this machine's two cores) against a scratch
database; threads of an HTTP client log in as a client of provider #1 and fetch its home page.
Each provider gets the same realistic account: five services, sixty documents, a year of daily
usage in three metrics, notices and announcements.

    python -m bench.home --providers 1000 --seconds 20 --concurrency 8
"""

import argparse
import http.cookiejar
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from bench.scratch import scratch_database

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"


def provision(index: int) -> str:
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from cabinet.accounts.models import ClientAccount, Notice
    from cabinet.accounts.services import account_access_grant
    from cabinet.announcements.models import Announcement
    from cabinet.catalog.models import Plan
    from cabinet.documents.models import Document
    from cabinet.services.models import Subscription
    from cabinet.usage.models import UsageDaily
    from tenants.services import provider_create
    from tenants.users.models import Role
    from tenants.users.services import user_create

    provider = provider_create(
        name=f"Bench {index}",
        slug=f"bench-{index}",
        admin_email=f"admin@bench-{index}.test",
        industry="isp",
        client_kinds=["individual"],
        language="ru",
        time_zone="Europe/Moscow",
        currency="RUB",
        status="active",
    ).provider
    now = timezone.now()
    with schema_context(provider.schema_name):
        account = ClientAccount.objects.create(
            external_id="acc:1",
            number="10001",
            holder_kind="individual",
            holder_name="Client",
            status="active",
            balance=Decimal("734.20"),
            currency="RUB",
            balance_as_of=now,
            credit_limit=Decimal("300"),
            recommended_payment=Decimal("600"),
        )
        for n in range(5):
            plan = Plan.objects.create(
                external_id=f"tp:{n}",
                name=f"Plan {n}",
                service_type="internet",
                recurring_price=Decimal(100 * (n + 1)),
                currency="RUB",
                period="month",
                self_service=True,
            )
            Subscription.objects.create(
                external_id=f"svc:{n}", account=account, plan=plan, status="active"
            )
        Document.objects.bulk_create(
            Document(
                external_id=f"doc:{n}",
                account=account,
                kind="invoice",
                number=f"I-{n}",
                issued_at=now - timedelta(days=6 * n),
                status="issued",
                total=Decimal("600"),
                currency="RUB",
            )
            for n in range(60)
        )
        today = now.date()
        UsageDaily.objects.bulk_create(
            UsageDaily(
                account=account,
                day=today - timedelta(days=n),
                metric=metric,
                unit=unit,
                direction=direction,
                quantity=Decimal(1000 + n),
                records=3,
            )
            for n in range(366)
            for metric, unit, direction in (
                ("data", "B", "in"),
                ("data", "B", "out"),
                ("time", "s", ""),
            )
        )
        Notice.objects.create(
            account=account, kind="plan_changed_elsewhere", data={"before": "tp:0", "after": "tp:1"}
        )
        Announcement.objects.create(kind="news", title="News", starts_at=now)
        user = user_create(email="client@bench.test", role=Role.CLIENT, password=PASSWORD)
        account_access_grant(user=user, account=account, role="owner")
    return provider.get_primary_domain().domain


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    env = dict(os.environ)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


class Browser:
    """A logged-in HTTP client that sends the provider's Host header to the local server."""

    def __init__(self, port: int, host: str) -> None:
        self.base, self.host = f"http://127.0.0.1:{port}", host
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> bytes:
        request = urllib.request.Request(self.base + path, headers={"Host": self.host})
        with self.opener.open(request, timeout=30) as response:
            return response.read()

    def log_in(self) -> None:
        page = self.get("/login").decode()
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        body = urllib.parse.urlencode(
            {"username": "client@bench.test", "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            self.base + "/login",
            data=body,
            headers={"Host": self.host, "Referer": f"http://{self.host}/login"},
        )
        self.opener.open(request, timeout=30).read()
        assert "10001" in self.get("/").decode(), "login failed"


def load(port: int, host: str, seconds: float, concurrency: int) -> dict:
    browsers = [Browser(port, host) for _ in range(concurrency)]
    for browser in browsers:
        browser.log_in()
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(browser: Browser) -> None:
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            browser.get("/")
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(browser,)) for browser in browsers]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    ordered = sorted(latencies)
    return {
        "rps": len(ordered) / elapsed,
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[int(len(ordered) * 0.95)] * 1000,
        "requests": len(ordered),
    }


PRESET: dict = {}


class PresetProviderMiddleware:
    """Stands in for ProviderRoutingMiddleware with the provider already known: no host lookup,
    no schema switch (the connection stays in that provider's schema)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.provider = request.tenant = PRESET["provider"]
        return self.get_response(request)


def tenancy_overhead(host: str, other_host: str, rounds: int = 2000) -> dict[str, float]:
    """Milliseconds per request of a trivial view (/health) through the whole middleware stack:
    with the provider found by host (remembered, alternating between two providers so that every
    request switches schema, and looked up every time), and with the provider resolved in
    advance (no lookup, no schema switch)."""
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import RequestFactory, override_settings

    from bench import home  # this module as imported by path, not as __main__
    from tenants.models import Domain

    environs = [
        RequestFactory().get("/health", HTTP_HOST=name).environ for name in (host, other_host)
    ]
    routed = WSGIHandler()
    home.PRESET["provider"] = Domain.objects.get(domain=host).tenant
    preset_stack = ["bench.home.PresetProviderMiddleware", *settings.MIDDLEWARE[1:]]
    with override_settings(MIDDLEWARE=preset_stack):
        preset = WSGIHandler()

    def timed(handler, hosts: int = 1) -> float:
        for _ in range(200):
            handler(dict(environs[0]), lambda status, headers: None)
        started = time.perf_counter()
        for index in range(rounds):
            handler(dict(environs[index % hosts]), lambda status, headers: None)
        return (time.perf_counter() - started) / rounds * 1000

    result = {"routed": timed(routed), "alternating": timed(routed, hosts=2)}
    with override_settings(ROUTING_CACHE_SECONDS=0):
        # No answer remembered by the runs above may serve this one.
        result["uncached"] = timed(routed)
    connection.set_tenant(home.PRESET["provider"])
    result["resolved"] = timed(preset)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    options = parser.parse_args()
    # Everything (this process and gunicorn) runs with the demo's settings: plain HTTP, the real
    # password hasher, connections kept between requests as in production.
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.demo"
    with scratch_database():
        from tenants.template_schema import template_ensure_current

        template_ensure_current()
        host = provision(1)
        results = []
        port = free_port()
        server = serve(port)
        try:
            one = load(port, host, options.seconds, options.concurrency)
        finally:
            server.terminate()
            server.wait()
        started = time.perf_counter()
        hosts = [provision(index) for index in range(2, options.providers + 1)]
        other_host = hosts[0]
        made = time.perf_counter() - started
        server = serve(port)
        try:
            many = load(port, host, options.seconds, options.concurrency)
        finally:
            server.terminate()
            server.wait()
        overhead = tenancy_overhead(host, other_host)
        for label, run in (("1 provider", one), (f"{options.providers} providers", many)):
            results.append(
                (
                    f"home page, {label}, {options.concurrency} clients",
                    f"{run['rps']:.0f} req/s, p50 {run['p50']:.1f} ms, p95 {run['p95']:.1f} ms "
                    f"({run['requests']} requests)",
                )
            )
        results.append(("throughput at many providers / at one", f"{many['rps'] / one['rps']:.2f}"))
        results.append(
            (f"provisioning {options.providers - 1} providers with their data", f"{made:.0f} s")
        )
        for key, label in (
            ("routed", "trivial view through the whole stack, provider remembered by host"),
            (
                "alternating",
                "the same, alternating between two providers (schema switch each time)",
            ),
            ("uncached", "the same, host looked up on every request (ROUTING_CACHE_SECONDS=0)"),
            ("resolved", "the same view with the tenant resolved in advance"),
        ):
            results.append((label, f"{overhead[key]:.2f} ms per request"))
        added = overhead["routed"] - overhead["resolved"]
        results.append(("time the tenancy layer adds (remembered host)", f"{added:.2f} ms"))
    print("| measurement | result |\n| --- | --- |")
    for label, value in results:
        print(f"| {label} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
