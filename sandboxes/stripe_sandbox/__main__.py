"""`python -m sandboxes.stripe_sandbox --host 127.0.0.1 --port 8420` (0 picks a free port).

Point the SDK at it with `stripe.StripeClient("sk_test_…", base_addresses={"api": BASE})`.
"""

import argparse
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType

from sandboxes.stripe_sandbox.app import Answer, Sandbox
from sandboxes.stripe_sandbox.store import new_id

MAX_BODY = 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "KabinetStripeSandbox/1.0"
    sandbox: Sandbox

    def _serve(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True  # the rest of the body cannot be skipped reliably
            message = "Content-Length must be a number of bytes up to 1 MiB."
            answer = Answer(400, {"error": {"type": "invalid_request_error", "message": message}})
        else:
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = self.sandbox.handle(self.command, self.path, headers, body)
        self._send(answer)

    def _send(self, answer: Answer) -> None:
        if answer.html:
            data, content_type = answer.html.encode(), "text/html; charset=utf-8"
        else:
            data = json.dumps(answer.body, ensure_ascii=False).encode() if answer.body else b""
            content_type = "application/json; charset=utf-8"
        self.send_response(answer.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Request-Id", new_id("req_"))
        if answer.location:
            self.send_header("Location", answer.location)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib's name)
        pass


def main() -> int:
    """Serve until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m sandboxes.stripe_sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    options = parser.parse_args()
    Handler.sandbox = Sandbox()
    server = ThreadingHTTPServer((options.host, options.port), Handler)
    server.daemon_threads = True

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for serve_forever() to return, which runs in this very thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    host, port = str(server.server_address[0]), server.server_address[1]
    Handler.sandbox.base_url = f"http://{host}:{port}"
    print(f"stripe sandbox listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
