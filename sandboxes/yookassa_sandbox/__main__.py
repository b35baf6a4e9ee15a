"""`python -m sandboxes.yookassa_sandbox --host 127.0.0.1 --port 8400` (0 picks a free port)."""

import argparse
import json
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sandboxes.yookassa_sandbox.app import Sandbox
from sandboxes.yookassa_sandbox.protocol import Answer, Refusal

MAX_BODY = 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "KabinetYooKassaSandbox/1.0"
    sandbox: Sandbox

    def _serve(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True  # the body, if any, cannot be skipped reliably
            answer = Refusal(400, "invalid_request", "Content-Length must be 0 to 1 MiB").answer()
        else:
            body = self.rfile.read(length) if length else b""
            answer = self._answer(headers, body)
        if answer.html:
            data, content_type = answer.html.encode(), "text/html; charset=utf-8"
        else:
            data = json.dumps(answer.body, ensure_ascii=False).encode() if answer.body else b""
            content_type = "application/json; charset=utf-8"
        self.send_response(answer.status)
        self.send_header("Content-Type", content_type)
        if answer.location:
            self.send_header("Location", answer.location)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _answer(self, headers: dict[str, str], body: bytes) -> Answer:
        """The sandbox's answer; a fault of its own is answered 500, never a dropped connection."""
        try:
            return self.sandbox.handle(self.command, self.path, headers, body)
        except Exception as error:  # a sandbox bug must still answer, and say so
            traceback.print_exc()
            description = f"the sandbox failed: {type(error).__name__}"
            return Refusal(500, "internal_server_error", description).answer()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib's name)
        pass


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m sandboxes.yookassa_sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8400)
    options = parser.parse_args()
    Handler.sandbox = Sandbox()
    server = ThreadingHTTPServer((options.host, options.port), Handler)
    server.daemon_threads = True
    host, port = str(server.server_address[0]), server.server_address[1]
    Handler.sandbox.store.base_url = f"http://{host}:{port}"
    print(f"yookassa sandbox listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
