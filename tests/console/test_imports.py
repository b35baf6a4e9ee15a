"""Provider staff upload exchange files in /manage/imports/: all or nothing, row by row reasons."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context

from cabinet.accounts.models import ClientAccount
from cabinet.usage.models import UsageDaily, UsageRecord
from tests.cabinet.factories import make_account, make_plan, make_subscription
from tests.conftest import host_of
from tests.connectors.files.data import ASTERISK, FREERADIUS
from tests.tenants.test_logins import login

ACCOUNTS_CSV = (
    "account_id;contract_number;holder_type;holder_name;inn;kpp;email;phone;balance;currency;"
    "credit_limit;status\n"
)


def staff_browser(persona) -> Client:
    browser = Client(HTTP_HOST=host_of(persona.provider))
    login(browser, persona.user.email)
    return browser


def upload(browser: Client, name: str, content: bytes, file_format: str = ""):
    return browser.post(
        "/manage/imports/",
        {"uploads": [SimpleUploadedFile(name, content)], "format": file_format},
    )


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

    assert response.status_code == 400
    page = response.content.decode()
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

    assert response.status_code == 400
    assert "username: longer than 128 characters" in response.content.decode()
    with schema_context(admin_a.provider.schema_name):
        assert not UsageRecord.objects.exists()


def test_a_value_the_columns_cannot_hold_refuses_the_file_not_the_page(admin_a):
    row = "acc:78;78/2026;person;Петров;;;;;1000000000000,00;RUB;0;active\n"

    response = upload(staff_browser(admin_a), "accounts.csv", (ACCOUNTS_CSV + row).encode())

    assert response.status_code == 400
    assert "does not fit" in response.content.decode()
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

    assert response.status_code == 400
    assert "come from its billing system" in response.content.decode()


def test_accounts_in_another_currency_are_refused(admin_a):
    row = "acc:80;80/2026;person;Петров;;;;;10,00;USD;0;active\n"

    response = upload(staff_browser(admin_a), "accounts.csv", (ACCOUNTS_CSV + row).encode())

    assert response.status_code == 400
    assert "USD is not RUB" in response.content.decode()


def test_uploads_over_the_limit_are_a_field_error(admin_a, settings):
    settings.EXCHANGE_FILE_MAX_BYTES = 500_000

    response = upload(
        staff_browser(admin_a), "radacct.csv", (FREERADIUS / "radacct.csv").read_bytes()
    )

    assert response.status_code == 400
    assert "Файлы вместе больше" in response.content.decode()
