"""The hardened client against a real local HTTP server."""

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connectors.errors import BadResponse, OutboundAddressRefused, Unavailable
from connectors.http import HttpClient


class Script:
    """What the test server answers, path by path, and how often it was asked."""

    def __init__(self) -> None:
        self.routes: dict[str, list[tuple[int, dict[str, str], bytes, float]]] = {}
        self.hits: dict[str, int] = {}
        self.seen_headers: list[dict[str, str]] = []

    def answer(self, path: str, *responses: tuple) -> None:
        # (status, headers, body) or (status, headers, body, delay in seconds)
        self.routes[path] = [(*response, 0.0)[:4] for response in responses]


@pytest.fixture
def server(settings) -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            path = self.path.split("?")[0]
            script.hits[path] = script.hits.get(path, 0) + 1
            script.seen_headers.append(dict(self.headers))
            answers = script.routes.get(path) or [(404, {}, b"{}", 0.0)]
            status, headers, body, delay = answers[min(script.hits[path], len(answers)) - 1]
            time.sleep(delay)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _reply

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    settings.CONNECTOR_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    yield f"http://127.0.0.1:{httpd.server_port}", script
    httpd.shutdown()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://localhost:9/",
        "http://10.1.2.3/",
        "http://169.254.169.254/",
        "http://[::1]:9/",
        "http://192.168.0.1/",
        "http://0.0.0.0/",
        "ftp://example.com/",
        "file:///etc/passwd",
    ],
)
def test_internal_addresses_are_refused_without_the_allowlist(settings, url):
    settings.CONNECTOR_ALLOWED_NETWORKS = []

    with pytest.raises(OutboundAddressRefused):
        HttpClient(url).get("/v1/capabilities")


def test_allowlisted_address_is_reached_with_the_clients_headers(server):
    url, script = server
    script.answer("/v1/capabilities", (200, {"Content-Type": "application/json"}, b'{"ok": 1}'))

    response = HttpClient(url, headers={"Authorization": "Bearer s3cret"}).get("/v1/capabilities")

    assert response.json() == {"ok": 1}
    assert script.seen_headers[0]["Authorization"] == "Bearer s3cret"


def test_a_redirect_to_an_internal_address_is_refused(server):
    url, script = server
    script.answer("/v1/accounts", (302, {"Location": "http://169.254.169.254/latest/"}, b""))

    with pytest.raises(OutboundAddressRefused):
        HttpClient(url).get("/v1/accounts")


def test_a_get_is_retried_after_a_503_and_succeeds(server):
    url, script = server
    script.answer("/v1/plans", (503, {}, b""), (200, {}, b"[]"))

    assert HttpClient(url).get("/v1/plans").json() == []
    assert script.hits["/v1/plans"] == 2


def test_a_write_without_idempotency_key_is_not_retried(server):
    url, script = server
    script.answer("/v1/x", (503, {}, b""), (200, {}, b"{}"))

    with pytest.raises(Unavailable):
        HttpClient(url).request("POST", "/v1/x", json_body={"a": 1})
    assert script.hits["/v1/x"] == 1


def test_a_write_with_idempotency_key_is_retried(server):
    url, script = server
    script.answer("/v1/x", (502, {}, b""), (201, {}, b'{"id": "p1"}'))

    response = HttpClient(url).request(
        "POST", "/v1/x", json_body={"a": 1}, headers={"Idempotency-Key": "k1"}
    )

    assert response.status == 201
    assert script.hits["/v1/x"] == 2


def test_a_slow_server_is_unavailable_not_a_hang(server):
    url, script = server
    script.answer("/v1/slow", (200, {}, b"{}", 2.0))

    started = time.monotonic()
    with pytest.raises(Unavailable, match="no answer in time"):
        HttpClient(url, timeout=0.3, retries=0).get("/v1/slow")
    assert time.monotonic() - started < 1.5


def test_garbage_is_a_bad_response(server):
    url, script = server
    script.answer("/v1/accounts", (200, {}, b"<html>oops</html>"))

    with pytest.raises(BadResponse):
        HttpClient(url).get("/v1/accounts").json()


def test_errors_never_carry_the_credentials(server):
    url, script = server
    script.answer("/v1/down", (503, {}, b"token=s3cret"))

    with pytest.raises(Unavailable) as raised:
        HttpClient(url, headers={"Authorization": "Bearer s3cret"}, retries=0).get("/v1/down")
    assert "s3cret" not in str(raised.value)


def test_a_redirect_to_another_origin_is_not_followed_with_the_credentials(server):
    url, script = server
    other = HttpClient(url).base_url.replace("127.0.0.1", "localhost")
    script.answer("/v1/plans", (302, {"Location": f"{other}elsewhere"}, b""))
    script.answer("/elsewhere", (200, {}, b"[]"))

    with pytest.raises(BadResponse, match="another origin"):
        HttpClient(url, headers={"Authorization": "Bearer s3cret"}).get("/v1/plans")
    assert "/elsewhere" not in script.hits


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:99999/",
        "http://[::1/",
        "http://[64:ff9b::7f00:1]/",
        "http://[2002:7f00:1::]/",
    ],
)
def test_broken_and_disguised_internal_urls_are_refused(settings, url):
    settings.CONNECTOR_ALLOWED_NETWORKS = []

    with pytest.raises(OutboundAddressRefused):
        HttpClient(url).get("/v1/plans")


def test_a_closed_port_is_described_in_words(settings):
    settings.CONNECTOR_ALLOWED_NETWORKS = ["127.0.0.1/32"]

    with pytest.raises(Unavailable, match="connection refused or unreachable"):
        HttpClient("http://127.0.0.1:9/", retries=0).get("/v1/plans")
