"""Production settings, loaded in a fresh interpreter the way gunicorn and Celery load them."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({name: getattr(settings, name) for name in ("
    "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_DOMAIN', "
    "'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS')}))"
)


def load_production(**environment: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "DEBUG", "SITE_SCHEME")
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **environment)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )


def run_production(*command: str, **environment: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "DEBUG", "SITE_SCHEME")
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **environment)
    return subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_web_application_refuses_to_start_without_a_secret_key():
    result = run_production("-c", "import config.wsgi")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_deploy_check_reports_a_missing_secret_key():
    result = run_production("manage.py", "check", "--deploy")

    assert result.returncode != 0
    assert "kabinet.E001" in result.stderr


def test_schema_tooling_needs_no_secret_key():
    result = run_production("manage.py", "makemigrations", "--check", "--dry-run")

    assert "No changes detected" in result.stdout, result.stderr


def test_production_defaults_are_safe():
    result = load_production(SECRET_KEY="x" * 50)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 2592000,
    }


def test_plain_http_sites_do_not_mark_cookies_secure():
    result = load_production(SECRET_KEY="x" * 50, SITE_SCHEME="http")

    settings = json.loads(result.stdout)
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0


def test_a_celery_worker_refuses_to_start_without_a_secret_key():
    result = run_production("-m", "celery", "-A", "config", "worker", "--pool=solo")

    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stdout + result.stderr
