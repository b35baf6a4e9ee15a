"""`python -m sandboxes.yookassa_sandbox --host 127.0.0.1 --port 8400` (0 picks a free port)."""

import argparse
import sys

from sandboxes.gateway_http import serve
from sandboxes.yookassa_sandbox.app import Sandbox


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m sandboxes.yookassa_sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8400)
    options = parser.parse_args()
    return serve(Sandbox(), name="yookassa sandbox", host=options.host, port=options.port)


if __name__ == "__main__":
    sys.exit(main())
