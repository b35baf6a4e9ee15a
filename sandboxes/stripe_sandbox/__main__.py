"""`python -m sandboxes.stripe_sandbox --host 127.0.0.1 --port 8420` (0 picks a free port).

Point the SDK at it with `stripe.StripeClient("sk_test_…", base_addresses={"api": BASE})`.
"""

import argparse
import sys

from sandboxes.gateway_http import serve
from sandboxes.stripe_sandbox.app import Sandbox


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m sandboxes.stripe_sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    options = parser.parse_args()
    return serve(Sandbox(), name="stripe sandbox", host=options.host, port=options.port)


if __name__ == "__main__":
    sys.exit(main())
