"""`python -m sandboxes.billing_simulator --host 127.0.0.1 --port 8300 --data-dir DIR`."""

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

from sandboxes.billing_simulator.app import Simulator
from sandboxes.billing_simulator.server import BillingServer


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m sandboxes.billing_simulator",
        description="Local billing system speaking the Portal Billing Connector API v1.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8300, help="0 picks a free port")
    parser.add_argument(
        "--data-dir",
        default=".local/billing-simulator",
        help="folder of the SQLite file; ':memory:' keeps nothing after exit",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGINT or SIGTERM, then stop the push workers and close the database."""
    options = parse_arguments(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    simulator = Simulator(options.data_dir)
    server = BillingServer((options.host, options.port), simulator)

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for serve_forever() to return, which runs in this very thread:
        # call it from another one.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    simulator.start()
    host, port = str(server.server_address[0]), server.server_address[1]
    print(f"billing simulator listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        simulator.stop()
    print("billing simulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
