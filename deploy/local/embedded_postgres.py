"""A PostgreSQL for `make demo` and `make test` on a machine that has none.

When DATABASE_URL is unset, start the PostgreSQL 16 that the `pgserver` package ships, with its
data in .local/pgdata (git-ignored, reused by the next run), and point DATABASE_URL at it. The
server stops when the last process that started it exits.
"""

import json
import os
import signal
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DATA_DIR = ROOT / ".local" / "pgdata"
DATABASE_NAME = "kabinet"


class EmbeddedPostgresError(SystemExit):
    def __init__(self, reason: str) -> None:
        super().__init__(
            f"Could not start the embedded PostgreSQL: {reason}\n"
            "Set DATABASE_URL to use a PostgreSQL server of your own, for example\n"
            "  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kabinet make demo"
        )


def ensure_database_url() -> object | None:
    """Set DATABASE_URL to a running database; return the server handle to keep alive, if any."""
    if os.environ.get("DATABASE_URL"):
        return None
    # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp, which is fine here.
    warnings.filterwarnings("ignore", module="platformdirs")
    try:
        import pgserver
    except ImportError as error:
        raise EmbeddedPostgresError(f"the pgserver package is not installed ({error})") from None
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles()
    print(f"Starting the embedded PostgreSQL ({DATA_DIR.relative_to(ROOT)}) ...", file=sys.stderr)
    try:
        server = pgserver.get_server(DATA_DIR, cleanup_mode="stop")
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "1 row" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    except Exception as error:  # noqa: BLE001 - any failure here means "cannot start"; say why
        log = DATA_DIR / "log"
        hint = f" (see {log})" if log.exists() else ""
        raise EmbeddedPostgresError(f"{type(error).__name__}: {error}{hint}") from None
    os.environ["DATABASE_URL"] = server.get_uri(DATABASE_NAME)
    return server


def _forget_dead_handles() -> None:
    """Drop processes that died without stopping the server from pgserver's list of users.

    pgserver stops the server when the last process on that list exits; a process killed without
    cleaning up stays listed forever, and the server would then never stop again.
    """
    handles = DATA_DIR / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if _is_running(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_on_signals() -> None:
    """Treat SIGTERM and SIGHUP (and SIGINT, even when inherited as ignored) as Ctrl-C, so every
    way of stopping reaches the code that stops the children and the database."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), signal.default_int_handler)
