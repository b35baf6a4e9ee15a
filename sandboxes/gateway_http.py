"""What the two payment gateway sandboxes share: the answer a sandbox gives, and the HTTP server
that reads a request, asks the sandbox and writes the answer back. Each sandbox keeps its own
routes and its own error shapes; this module knows neither."""

import json
import signal
import threading
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any, Protocol

MAX_BODY = 1024 * 1024


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    html: str = ""
    location: str = ""
    headers: dict[str, str] = field(default_factory=dict)


class GatewaySandbox(Protocol):
    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """Any request, answered in the gateway's own words."""
        ...

    def failure(self, status: int, message: str) -> Answer:
        """An error in the gateway's own shape, for what never reaches `handle`."""
        ...

    def listening_at(self, base_url: str) -> None:
        """Where the sandbox is served, for the links it hands out (its hosted pages)."""
        ...


def serve(sandbox: GatewaySandbox, *, name: str, host: str, port: int) -> int:
    """Serve `sandbox` until SIGINT or SIGTERM; port 0 picks a free one."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "KabinetGatewaySandbox/1.0"

        def _serve(self) -> None:
            headers = {key.lower(): value for key, value in self.headers.items()}
            try:
                length = int(headers.get("content-length") or 0)
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_BODY:
                self.close_connection = True  # the rest of the body cannot be skipped reliably
                answer = sandbox.failure(400, "Content-Length must be 0 to 1 MiB.")
            else:
                body = self.rfile.read(length) if length else b""
                answer = self._answer(headers, body)
            self._send(answer)

        def _answer(self, headers: dict[str, str], body: bytes) -> Answer:
            """A fault of the sandbox's own is answered 500, never a dropped connection."""
            try:
                return sandbox.handle(self.command, self.path, headers, body)
            except Exception as error:  # noqa: BLE001 (a sandbox bug must still answer)
                traceback.print_exc()
                return sandbox.failure(500, f"The sandbox failed: {type(error).__name__}.")

        def _send(self, answer: Answer) -> None:
            if answer.html:
                data, content_type = answer.html.encode(), "text/html; charset=utf-8"
            else:
                data = json.dumps(answer.body, ensure_ascii=False).encode() if answer.body else b""
                content_type = "application/json; charset=utf-8"
            self.send_response(answer.status)
            self.send_header("Content-Type", content_type)
            if answer.location:
                self.send_header("Location", answer.location)
            for key, value in answer.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib's name)
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for serve_forever() to return, which runs in this very thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    bound_host, bound_port = str(server.server_address[0]), server.server_address[1]
    sandbox.listening_at(f"http://{bound_host}:{bound_port}")
    print(f"{name} listening on http://{bound_host}:{bound_port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0
