"""Provider staff upload exchange files in /manage/imports/: all or nothing, row by row reasons."""

import csv
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django_tenants.utils import schema_context

from cabinet.accounts.models import ClientAccount
from cabinet.sync.models import ExchangeImport, ImportStatus
from cabinet.sync.tasks import exchange_import_task
from cabinet.usage.models import UsageDaily, UsageRecord
from tenants.tasks import provider_task_send
from tenants.users.models import Role
from tests.cabinet.factories import make_account, make_plan, make_subscription
from tests.conftest import host_of, make_user
from tests.connectors.files.data import ASTERISK, FREERADIUS
from tests.tenants.test_logins import login
from tests.tenants.test_worker import running_worker, wait_until

pytestmark = pytest.mark.usefixtures("eager")

ACCOUNTS_CSV = (
    "account_id;contract_number;holder_type;holder_name;inn;kpp;email;phone;balance;currency;"
    "credit_limit;status\n"
)


def staff_browser(persona) -> Client:
    browser = Client(HTTP_HOST=host_of(persona.provider))
    login(browser, persona.user.email)
    return browser


def upload(browser: Client, name: str, content: bytes, file_format: str = ""):
    """Upload, let the import run (tasks run at once here), and open the page it leads to."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = browser.post(
            "/manage/imports/",
            {"uploads": [SimpleUploadedFile(name, content)], "format": file_format},
        )
    if response.status_code == 302:
        return browser.get(response["Location"])
    return response


def refused(response, schema_name: str) -> str:
    """The page of an import that was refused whole; nothing of it was stored."""
    assert response.status_code == 200
    with schema_context(schema_name):
        assert ExchangeImport.objects.get().status == ImportStatus.REFUSED
    return response.content.decode()


def test_a_radacct_export_is_recognised_and_stored(admin_a, provider_b):
    with schema_context(admin_a.provider.schema_name):
        make_subscription(make_account(), make_plan(), identifiers={"login": "u10001"})

    response = upload(
        staff_browser(admin_a), "radacct.csv", (FREERADIUS / "radacct.csv").read_bytes()
    )

    # 17 of the 3,626 sessions were still open when the table was exported: they wait for the
    # export that shows them closed.
    assert response.status_code == 200
    assert "10827" in response.content.decode()
    with schema_context(admin_a.provider.schema_name):
        assert UsageRecord.objects.count() == 3 * (3626 - 17)
        assert UsageDaily.objects.exists()
    with schema_context(provider_b.schema_name):
        assert not UsageRecord.objects.exists()


def test_a_bad_file_is_refused_whole_with_row_numbers(admin_a):
    good = (ASTERISK / "Master.csv").read_bytes().splitlines(keepends=True)
    broken = b"".join(good[:5] + [b'"x","y"\n'] + good[5:])

    response = upload(staff_browser(admin_a), "Master.csv", broken, "asterisk_cdr")

    page = refused(response, admin_a.provider.schema_name)
    assert "Master.csv" in page
    assert "<td>6</td>" in page
    with schema_context(admin_a.provider.schema_name):
        assert not UsageRecord.objects.exists()


def test_an_unrecognisable_file_asks_for_the_format(admin_a):
    response = upload(staff_browser(admin_a), "notes.txt", b"hello\nworld\n")

    assert response.status_code == 400
    assert "cannot be recognised" in response.content.decode()


def test_accounts_csv_in_windows_1251_is_imported(admin_a):
    row = (
        "acc:77;77/2026;person;Петров Пётр;;;petrov@example.com;+79990000077;150,00;RUB;0;active\n"
    )
    content = (ACCOUNTS_CSV + row).encode("cp1251")

    response = upload(staff_browser(admin_a), "accounts.csv", content)

    assert response.status_code == 200, response.content.decode()
    with schema_context(admin_a.provider.schema_name):
        account = ClientAccount.objects.get(external_id="acc:77")
        assert (account.holder_name, str(account.balance)) == ("Петров Пётр", "150.00")


def test_clients_cannot_import(client_a):
    response = upload(staff_browser(client_a), "radacct.csv", b"x")

    assert response.status_code == 403


def test_no_file_is_a_field_error(admin_a):
    response = staff_browser(admin_a).post("/manage/imports/", {})

    assert response.status_code == 400
    assert "field-error" in response.content.decode()


def test_an_identifier_too_long_to_store_is_refused_with_its_row(admin_a):
    with (FREERADIUS / "radacct.csv").open(newline="") as source:
        reader = csv.reader(source)
        header, row = next(reader), next(reader)
    row[header.index("username")] = "u" + "x" * 200
    content = io.StringIO()
    csv.writer(content).writerows([header, row])

    response = upload(
        staff_browser(admin_a), "radacct.csv", content.getvalue().encode(), "radacct_csv"
    )

    page = refused(response, admin_a.provider.schema_name)
    assert "username: longer than 128 characters" in page
    with schema_context(admin_a.provider.schema_name):
        assert not UsageRecord.objects.exists()


def test_a_value_the_columns_cannot_hold_refuses_the_file_not_the_page(admin_a):
    row = "acc:78;78/2026;person;Петров;;;;;1000000000000,00;RUB;0;active\n"

    response = upload(staff_browser(admin_a), "accounts.csv", (ACCOUNTS_CSV + row).encode())

    assert "does not fit" in refused(response, admin_a.provider.schema_name)
    with schema_context(admin_a.provider.schema_name):
        assert not ClientAccount.objects.exists()


def test_files_of_different_formats_are_told_apart(admin_a):
    browser = staff_browser(admin_a)
    response = browser.post(
        "/manage/imports/",
        {
            "uploads": [
                SimpleUploadedFile("radacct.csv", (FREERADIUS / "radacct.csv").read_bytes()),
                SimpleUploadedFile("Master.csv", (ASTERISK / "Master.csv").read_bytes()),
            ]
        },
    )

    assert response.status_code == 400
    assert "different formats" in response.content.decode()


def test_accounts_file_is_refused_when_billing_owns_the_accounts(admin_a):
    from connectors.models import BillingConnection

    with schema_context(admin_a.provider.schema_name):
        BillingConnection.objects.create(kind="simulator", base_url="http://billing.example/x")
    row = "acc:79;79/2026;person;Петров;;;;;10,00;RUB;0;active\n"

    response = upload(staff_browser(admin_a), "accounts.csv", (ACCOUNTS_CSV + row).encode())

    assert "come from its billing system" in refused(response, admin_a.provider.schema_name)


def test_accounts_in_another_currency_are_refused(admin_a):
    row = "acc:80;80/2026;person;Петров;;;;;10,00;USD;0;active\n"

    response = upload(staff_browser(admin_a), "accounts.csv", (ACCOUNTS_CSV + row).encode())

    assert "USD is not RUB" in refused(response, admin_a.provider.schema_name)


def test_uploads_over_the_limit_are_a_field_error(admin_a, settings):
    settings.EXCHANGE_FILE_MAX_BYTES = 500_000

    response = upload(
        staff_browser(admin_a), "radacct.csv", (FREERADIUS / "radacct.csv").read_bytes()
    )

    assert response.status_code == 400
    assert "Файлы вместе больше" in response.content.decode()


def test_an_import_lists_with_its_outcome_and_leaves_no_files(admin_a):
    browser = staff_browser(admin_a)
    upload(browser, "Master.csv", (ASTERISK / "Master.csv").read_bytes())

    listing = browser.get("/manage/imports/").content.decode()

    with schema_context(admin_a.provider.schema_name):
        job = ExchangeImport.objects.get()
        assert job.status == ImportStatus.DONE
        assert job.inserted == UsageRecord.objects.count() > 0
        assert job.created_by == admin_a.user
        assert not any(default_storage.exists(path) for path in job.stored_paths)
    assert f"/manage/imports/{job.id}/" in listing
    assert "Master.csv" in listing


def test_an_import_waiting_for_a_worker_says_so_and_refreshes(admin_a):
    browser = staff_browser(admin_a)
    response = browser.post(
        "/manage/imports/",
        {"uploads": [SimpleUploadedFile("Master.csv", (ASTERISK / "Master.csv").read_bytes())]},
    )

    page = browser.get(response["Location"]).content.decode()

    assert 'http-equiv="refresh"' in page
    with schema_context(admin_a.provider.schema_name):
        job = ExchangeImport.objects.get()
        assert job.status == ImportStatus.QUEUED
        assert all(default_storage.exists(path) for path in job.stored_paths)


def test_another_providers_staff_cannot_see_an_import(admin_a, provider_b):
    upload(staff_browser(admin_a), "Master.csv", (ASTERISK / "Master.csv").read_bytes())
    with schema_context(admin_a.provider.schema_name):
        job = ExchangeImport.objects.get()
    admin_b = make_user(provider_b, Role.PROVIDER_ADMIN, "admin@bravo.test")

    browser_b = staff_browser(admin_b)

    assert browser_b.get(f"/manage/imports/{job.id}/").status_code == 404
    assert str(job.id) not in browser_b.get("/manage/imports/").content.decode()


def test_clients_cannot_see_imports(admin_a, client_a):
    upload(staff_browser(admin_a), "Master.csv", (ASTERISK / "Master.csv").read_bytes())
    with schema_context(admin_a.provider.schema_name):
        job = ExchangeImport.objects.get()

    assert staff_browser(client_a).get(f"/manage/imports/{job.id}/").status_code == 403


def test_a_redelivered_task_does_not_import_twice(admin_a, provider_a):
    upload(staff_browser(admin_a), "Master.csv", (ASTERISK / "Master.csv").read_bytes())
    with schema_context(provider_a.schema_name):
        job = ExchangeImport.objects.get()

    again = provider_task_send(exchange_import_task, provider_a, str(job.id)).get()

    assert again == "already taken"
    with schema_context(provider_a.schema_name):
        assert ExchangeImport.objects.get().inserted == UsageRecord.objects.count()


def test_an_unexpected_error_fails_the_import_and_keeps_nothing(admin_a, monkeypatch):
    def broken_ingest(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("cabinet.sync.imports.usage_ingest", broken_ingest)

    response = upload(staff_browser(admin_a), "Master.csv", (ASTERISK / "Master.csv").read_bytes())

    assert response.status_code == 200
    with schema_context(admin_a.provider.schema_name):
        job = ExchangeImport.objects.get()
        assert job.status == ImportStatus.FAILED
        assert not any(default_storage.exists(path) for path in job.stored_paths)
        assert not UsageRecord.objects.exists()
    assert "disk full" not in response.content.decode()


@pytest.mark.worker
def test_a_worker_imports_an_upload_in_the_background(committed_db, providers, tmp_path):
    provider = providers["a"]
    staff = make_user(provider, Role.PROVIDER_ADMIN, "imports-worker@alpha.test")
    browser = staff_browser(staff)
    try:
        with running_worker(tmp_path / "worker.log") as log:
            master = SimpleUploadedFile("Master.csv", (ASTERISK / "Master.csv").read_bytes())
            response = browser.post("/manage/imports/", {"uploads": [master]})
            assert response.status_code == 302

            def finished() -> bool:
                with schema_context(provider.schema_name):
                    return ExchangeImport.objects.get().is_finished

            wait_until(finished)
            with schema_context(provider.schema_name):
                job = ExchangeImport.objects.get()
                assert job.status == ImportStatus.DONE, log.read_text()
                assert job.inserted == UsageRecord.objects.count() > 0
    finally:
        browser.post("/logout")  # its session would count in other tests
        with schema_context(provider.schema_name):
            UsageDaily.objects.all().delete()
            UsageRecord.objects.all().delete()
            ExchangeImport.objects.all().delete()
            staff.user.delete()
