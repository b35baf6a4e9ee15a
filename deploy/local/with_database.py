"""Run a command with DATABASE_URL set, starting the embedded PostgreSQL if it is unset.

python -m deploy.local.with_database -- pytest -q
"""

import subprocess
import sys

from deploy.local.embedded_postgres import ensure_database_url, stop_on_signals


def main(argv: list[str]) -> int:
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        print("usage: python -m deploy.local.with_database -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    stop_on_signals()
    server = ensure_database_url()  # noqa: F841 - keeps the server up until we exit
    child = subprocess.Popen(command)
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.terminate()
        child.wait()
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
