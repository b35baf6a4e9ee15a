import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django_tenants.utils import schema_context

from cabinet.usage.models import UsageRecord
from tenants.users.models import Role
from tests.conftest import make_user
from tests.connectors.files.data import ASTERISK
from tests.console.test_imports import staff_browser

MASTER = (ASTERISK / "Master.csv").read_bytes()


pytestmark = pytest.mark.usefixtures("eager")


def post(browser, content: bytes, file_format: str = ""):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return browser.post(
            "/api/v1/imports",
            {"files": [SimpleUploadedFile("Master.csv", content)], "format": file_format},
        )


def test_staff_import_cdrs_through_the_api(admin_a, provider_b):
    browser = staff_browser(admin_a)
    response = post(browser, MASTER)

    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    body = browser.get(response["Location"]).json()
    assert (body["format_name"], body["status"]) == ("asterisk_cdr", "done")
    assert body["inserted"] == body["received"] > 0
    with schema_context(provider_b.schema_name):
        assert not UsageRecord.objects.exists()


def test_a_refused_file_reports_its_rows(admin_a):
    broken = MASTER.replace(b'"ANSWERED"', b'"ANSWERED",', 1)
    browser = staff_browser(admin_a)

    response = post(browser, broken, "asterisk_cdr")

    body = browser.get(response["Location"]).json()
    assert body["status"] == "refused"
    (first, *_) = body["errors"]
    assert (first["file"], first["line"]) == ("Master.csv", 1)
    with schema_context(admin_a.provider.schema_name):
        assert not UsageRecord.objects.exists()


def test_an_unrecognisable_file_answers_400_at_once(admin_a):
    response = post(staff_browser(admin_a), b"hello\nworld\n")

    assert response.status_code == 400
    assert "cannot be recognised" in response.json()["errors"][0]["reason"]


def test_another_providers_import_is_not_found(admin_a, provider_b):
    response = post(staff_browser(admin_a), MASTER)
    admin_b = make_user(provider_b, Role.PROVIDER_ADMIN, "admin@bravo.test")

    answer = staff_browser(admin_b).get(response["Location"])

    assert answer.status_code == 404


def test_bad_fields_answer_400_with_field_errors(admin_a):
    response = staff_browser(admin_a).post("/api/v1/imports", {"format": "pdf"})

    assert response.status_code == 400
    assert set(response.json()) == {"files", "format"}


def test_clients_and_strangers_cannot_import(client_a, browser_a):
    assert post(staff_browser(client_a), MASTER).status_code == 403
    assert post(browser_a, MASTER).status_code == 401  # not logged in: say how to authenticate
