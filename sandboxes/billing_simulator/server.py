"""The HTTP layer: a threading server that hands decoded requests to the Simulator."""

import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sandboxes.billing_simulator.app import Simulator
from sandboxes.billing_simulator.routing import ApiError, problem_response

MAX_BODY = 512 * 1024 * 1024  # a seed of 100,000 accounts with subscriptions is ~60 MB
logger = logging.getLogger("billing_simulator.http")


class BillingServer(ThreadingHTTPServer):
    """One thread per connection; the simulator is shared."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], simulator: Simulator) -> None:
        super().__init__(address, RequestHandler)
        self.simulator = simulator


class RequestHandler(BaseHTTPRequestHandler):
    """Reads the whole request, asks the simulator, writes the answer with a length (so HTTP/1.1
    keep-alive works and a client paging 100 times reuses one connection)."""

    protocol_version = "HTTP/1.1"
    server: BillingServer
    server_version = "KabinetBillingSimulator/1.0"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY or length < 0:
            response = problem_response(ApiError(413, "validation_failed", "body too large"))
            self.close_connection = True
        else:
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            response = self.server.simulator.handle(self.command, self.path, headers, body)
        self.send_response(response.status)
        self.send_header("Content-Type", _content_type(response.content_type))
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib's name)
        logger.debug("%s %s", self.address_string(), format % args)


def _content_type(content_type: str) -> str:
    if content_type.startswith(("application/json", "application/problem+json")):
        return content_type + "; charset=utf-8"
    return content_type
