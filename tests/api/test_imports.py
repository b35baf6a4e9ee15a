from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from cabinet.usage.models import UsageRecord
from tests.connectors.files.data import ASTERISK
from tests.console.test_imports import staff_browser

MASTER = (ASTERISK / "Master.csv").read_bytes()


def post(browser, content: bytes, file_format: str = ""):
    return browser.post(
        "/api/v1/imports",
        {"files": [SimpleUploadedFile("Master.csv", content)], "format": file_format},
    )


def test_staff_import_cdrs_through_the_api(admin_a, provider_b):
    response = post(staff_browser(admin_a), MASTER)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["format"] == "asterisk_cdr"
    assert body["inserted"] == body["received"] > 0
    with schema_context(provider_b.schema_name):
        assert not UsageRecord.objects.exists()


def test_a_refused_file_answers_400_with_rows(admin_a):
    broken = MASTER.replace(b'"ANSWERED"', b'"ANSWERED",', 1)

    response = post(staff_browser(admin_a), broken, "asterisk_cdr")

    assert response.status_code == 400
    (first, *_) = response.json()["errors"]
    assert (first["file"], first["line"]) == ("Master.csv", 1)
    with schema_context(admin_a.provider.schema_name):
        assert not UsageRecord.objects.exists()


def test_bad_fields_answer_400_with_field_errors(admin_a):
    response = staff_browser(admin_a).post("/api/v1/imports", {"format": "pdf"})

    assert response.status_code == 400
    assert set(response.json()) == {"files", "format"}


def test_clients_and_strangers_cannot_import(client_a, browser_a):
    assert post(staff_browser(client_a), MASTER).status_code == 403
    assert post(browser_a, MASTER).status_code == 403
