"""`python -m sandboxes.yookassa_sandbox --host 127.0.0.1 --port 8400` (0 picks a free port)."""

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sandboxes.yookassa_sandbox.app import Sandbox


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "KabinetYooKassaSandbox/1.0"
    sandbox: Sandbox

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1024 * 1024)) if length > 0 else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        answer = self.sandbox.handle(self.command, self.path, headers, body)
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

    do_GET = do_POST = do_PUT = _serve

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
    Handler.sandbox.base_url = f"http://{host}:{port}"
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
