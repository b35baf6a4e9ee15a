import sys
import types

import pytest

from deploy.local import embedded_postgres


def test_a_given_database_url_is_used_and_nothing_is_started(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.example/kabinet")
    monkeypatch.setitem(sys.modules, "pgserver", None)

    assert embedded_postgres.ensure_database_url() is None


def test_failure_to_start_is_a_clear_message_not_a_traceback(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise OSError("could not bind to the socket directory")

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(embedded_postgres, "DATA_DIR", tmp_path / "local" / "pgdata")
    monkeypatch.setattr(embedded_postgres, "ROOT", tmp_path)
    monkeypatch.setitem(sys.modules, "pgserver", types.SimpleNamespace(get_server=refuse))

    with pytest.raises(SystemExit) as stopped:
        embedded_postgres.ensure_database_url()

    message = str(stopped.value.code)
    assert message.startswith("Could not start the embedded PostgreSQL: OSError: could not bind")
    assert "DATABASE_URL" in message


def test_missing_package_is_a_clear_message(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setitem(sys.modules, "pgserver", None)

    with pytest.raises(SystemExit) as stopped:
        embedded_postgres.ensure_database_url()

    assert "the pgserver package is not installed" in str(stopped.value.code)


def test_handles_of_processes_that_died_are_forgotten(monkeypatch, tmp_path):
    import json
    import os
    import subprocess

    finished = subprocess.Popen(["true"])
    finished.wait()
    data_dir = tmp_path / "pgdata"
    data_dir.mkdir()
    (data_dir / ".handle_pids.json").write_text(json.dumps([finished.pid, os.getpid()]))
    monkeypatch.setattr(embedded_postgres, "DATA_DIR", data_dir)

    embedded_postgres._forget_dead_handles()

    assert json.loads((data_dir / ".handle_pids.json").read_text()) == [os.getpid()]
