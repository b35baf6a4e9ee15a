"""A real Celery worker process, a real broker (the machine's Redis when CELERY_BROKER_URL is set,
as in CI; otherwise the file broker) and the test database."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django_tenants.utils import schema_context

from config.celery import app
from tenants.tasks import provider_task_send, providers_fan_out_task
from tenants.users.tasks import sessions_clear_expired_task
from tests.tenants.test_tasks import add_sessions, session_count

ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


def wait_until(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.2)


@contextmanager
def running_worker(log_path: Path) -> Iterator[Path]:
    Path(settings.CELERY_FILESYSTEM_BROKER_DIR).mkdir(parents=True, exist_ok=True)
    app.control.purge()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
        "--queues",
        settings.CELERY_TASK_DEFAULT_QUEUE,
    ]
    with log_path.open("w") as log:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: "ready." in log_path.read_text() or worker.poll() is not None, 60)
        assert worker.poll() is None, log_path.read_text()
        yield log_path
    finally:
        worker.terminate()
        worker.wait(timeout=30)


@pytest.mark.worker
def test_worker_runs_each_providers_task_in_that_providers_schema(
    committed_db, providers, tmp_path
):
    alpha, bravo = providers["a"].schema_name, providers["b"].schema_name
    add_sessions(alpha, expired=2, live=1)
    add_sessions(bravo, expired=3, live=1)
    try:
        with running_worker(tmp_path / "worker.log") as log:
            provider_task_send(sessions_clear_expired_task, providers["a"])
            wait_until(lambda: session_count(alpha) == 1)
            assert session_count(bravo) == 4

            provider_task_send(sessions_clear_expired_task, providers["b"])
            wait_until(lambda: session_count(bravo) == 1)
            assert session_count(alpha) == 1

            # Beat's fan-out, queued from the public schema, reaches each provider in its own.
            add_sessions(alpha, expired=1, live=0)
            add_sessions(bravo, expired=2, live=0)
            providers_fan_out_task.delay("tenants.users.tasks.sessions_clear_expired_task")
            wait_until(lambda: session_count(alpha) == 1 and session_count(bravo) == 1)

            # Queued from the public schema: the header and the argument disagree.
            add_sessions(alpha, expired=1, live=0)
            sessions_clear_expired_task.apply_async(args=[alpha])
            wait_until(lambda: "WrongSchemaError" in log.read_text())
            assert session_count(alpha) == 2
    finally:
        for schema in (alpha, bravo):
            with schema_context(schema):
                Session.objects.all().delete()
