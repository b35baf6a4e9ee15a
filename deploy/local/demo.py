"""`make demo`: database, migrations, demo providers, then web, worker and beat until Ctrl-C.

Every child runs in its own process group, so Ctrl-C reaches only this supervisor, which then
stops the children in order and waits for them. If any child dies, the rest are stopped too.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from deploy.local.embedded_postgres import ROOT, ensure_database_url, stop_on_signals

PORT = int(os.environ.get("KABINET_PORT", "8000"))
SIMULATOR_PORT = int(os.environ.get("KABINET_SIMULATOR_PORT", "8300"))
YOOKASSA_PORT = int(os.environ.get("KABINET_YOOKASSA_PORT", "8400"))
STRIPE_PORT = int(os.environ.get("KABINET_STRIPE_PORT", "8410"))
LOCAL = ROOT / ".local"
YOOKASSA_URL = f"http://127.0.0.1:{YOOKASSA_PORT}"
STRIPE_URL = f"http://127.0.0.1:{STRIPE_PORT}"


def demo_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.demo")
    env.setdefault("PLATFORM_DOMAIN", "localhost")
    env.setdefault("PROVIDER_BASE_DOMAIN", "localhost")
    env.setdefault("SITE_PORT", str(PORT))
    env.setdefault("PYTHONUNBUFFERED", "1")
    # Payments go to the local YooKassa and Stripe sandboxes, which notify from this machine.
    env.setdefault("YOOKASSA_API_URL", f"{YOOKASSA_URL}/v3")
    env.setdefault("STRIPE_API_URL", STRIPE_URL)
    env.setdefault("YOOKASSA_NOTIFICATION_NETWORKS", "127.0.0.1/32")
    return env


def manage(env: dict[str, str], *args: str, tolerate: str = "") -> str:
    """Run a management command; stop the demo if it fails, unless its error contains
    `tolerate` (then show the error and go on)."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0 and tolerate and tolerate in result.stderr:
        sys.stderr.write(result.stderr)
    elif result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed (exit {result.returncode})")
    return result.stdout


def start(name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
    log = (LOCAL / f"{name}.log").open("a")
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for(process: subprocess.Popen, url: str, name: str, timeout: float = 60) -> None:
    """Until `url` answers; stop the demo if `process` dies or never answers."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"Host": "localhost"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited; see {LOCAL / (name + '.log')}")
        try:
            with urllib.request.urlopen(request, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit(f"{name} did not answer at {url}; see {LOCAL / (name + '.log')}")


def stop(processes: dict[str, subprocess.Popen]) -> None:
    """Stop every child and wait for it; a second Ctrl-C must not cut this short."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


PYTHON = str(Path(sys.executable))
BILLING_URL = f"http://127.0.0.1:{SIMULATOR_PORT}"
# What each long-running part of the demo is started with (lists: paths may hold spaces).
COMMANDS: dict[str, list[str]] = {
    "billing-simulator": [
        "-m",
        "sandboxes.billing_simulator",
        "--host=127.0.0.1",
        f"--port={SIMULATOR_PORT}",
        f"--data-dir={LOCAL / 'billing-simulator'}",
    ],
    "yookassa-sandbox": [
        "-m",
        "sandboxes.yookassa_sandbox",
        "--host=127.0.0.1",
        f"--port={YOOKASSA_PORT}",
    ],
    "stripe-sandbox": [
        "-m",
        "sandboxes.stripe_sandbox",
        "--host=127.0.0.1",
        f"--port={STRIPE_PORT}",
    ],
    "web": [
        "-m",
        "gunicorn",
        "config.wsgi",
        f"--bind=127.0.0.1:{PORT}",
        "--workers=2",
        "--access-logfile=-",
    ],
    "worker": ["-m", "celery", "-A", "config", "worker", "--concurrency=1", "--loglevel=INFO"],
    "beat": [
        "-m",
        "celery",
        "-A",
        "config",
        "beat",
        "--loglevel=INFO",
        f"--schedule={LOCAL / 'celerybeat-schedule'}",
    ],
}


def start_part(name: str, env: dict[str, str]) -> subprocess.Popen:
    return start(name, [PYTHON, *COMMANDS[name]], env)


def refuse_busy_ports() -> None:
    for port, variable in (
        (PORT, "KABINET_PORT"),
        (SIMULATOR_PORT, "KABINET_SIMULATOR_PORT"),
        (YOOKASSA_PORT, "KABINET_YOOKASSA_PORT"),
        (STRIPE_PORT, "KABINET_STRIPE_PORT"),
    ):
        if not port_is_free(port):
            raise SystemExit(
                f"Port {port} is in use (is another demo still running?). "
                f"Stop it, or choose another port: {variable}={port + 1} make demo"
            )


def prepare(env: dict[str, str], processes: dict[str, subprocess.Popen]) -> str:
    """Billing simulator up, database migrated, providers and their billing in place; returns
    the logins to print."""
    processes["billing-simulator"] = start_part("billing-simulator", env)
    wait_for(processes["billing-simulator"], f"{BILLING_URL}/_admin/health", "billing-simulator")
    processes["yookassa-sandbox"] = start_part("yookassa-sandbox", env)
    wait_for(processes["yookassa-sandbox"], f"{YOOKASSA_URL}/_admin/health", "yookassa-sandbox")
    processes["stripe-sandbox"] = start_part("stripe-sandbox", env)
    wait_for(processes["stripe-sandbox"], f"{STRIPE_URL}/_admin/health", "stripe-sandbox")
    print("Migrating ...", flush=True)
    manage(env, "migrate_providers", "--verbosity=0", tolerate="not served until fixed")
    manage(env, "collectstatic", "--noinput", "--verbosity=0")
    print("Provisioning the demo providers and syncing their billing ...", flush=True)
    return manage(
        env,
        "demo_seed",
        f"--billing-url={BILLING_URL}",
        f"--yookassa-url={YOOKASSA_URL}",
        f"--stripe-url={STRIPE_URL}",
    )


def serve(env: dict[str, str], processes: dict[str, subprocess.Popen], logins: str) -> int:
    for name in ("web", "worker", "beat"):
        processes[name] = start_part(name, env)
    wait_for(processes["web"], f"http://127.0.0.1:{PORT}/health", "web")
    print(f"\nKabinet demo is running (logs in {LOCAL.relative_to(ROOT)}/*.log)\n")
    print(logins)
    print("\nPress Ctrl-C to stop.", flush=True)
    while all(process.poll() is None for process in processes.values()):
        time.sleep(0.5)
    died = [name for name, process in processes.items() if process.poll() is not None]
    print(f"{', '.join(died)} stopped unexpectedly; see {LOCAL.relative_to(ROOT)}/", flush=True)
    return 1


def main() -> int:
    refuse_busy_ports()
    stop_on_signals()
    LOCAL.mkdir(exist_ok=True)
    (LOCAL / "broker").mkdir(exist_ok=True)
    server = ensure_database_url()  # noqa: F841 - keeps the embedded database up until we exit
    env = demo_environment()
    processes: dict[str, subprocess.Popen] = {}
    try:
        return serve(env, processes, prepare(env, processes))
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
