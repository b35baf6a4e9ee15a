"""Documents, payments and usage pages: filters, downloads, CSV, roles and other accounts."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from cabinet.accounts.models import ClientAccount
from cabinet.accounts.services import account_access_grant
from cabinet.documents.models import Document
from cabinet.payments.models import BillingPayment
from cabinet.usage.models import UsageDaily
from tenants.models import Provider
from tests.cabinet.conftest import full_sync
from tests.cabinet.factories import make_account
from tests.cabinet.test_home import browser_for, make_document


def pay(account, external_id: str, amount: str, posted_at: datetime) -> BillingPayment:
    return BillingPayment.objects.create(
        external_id=external_id,
        account=account,
        amount=Decimal(amount),
        currency=account.currency,
        method="card",
        status="posted",
        posted_at=posted_at,
    )


@pytest.fixture
def owner_a(client_a):
    with schema_context(client_a.provider.schema_name):
        account = make_account("acc:1", number="10001")
        account_access_grant(user=client_a.user, account=account, role="owner")
    return client_a, account


def test_documents_are_filtered_by_period_in_the_providers_days(owner_a):
    persona, account = owner_a
    with schema_context(persona.provider.schema_name):
        # 30 November 22:30 UTC is already 1 December in Moscow.
        make_document(account, "NOV", issued_at=datetime(2026, 11, 15, tzinfo=UTC))
        make_document(account, "DEC", issued_at=datetime(2026, 11, 30, 22, 30, tzinfo=UTC))

    page = browser_for(persona).get("/documents/", {"since": "2026-12-01"}).content.decode()

    assert "DEC" in page
    assert "NOV" not in page


@pytest.mark.parametrize(
    "query", [{"since": "yesterday"}, {"since": "2026-12-05", "until": "2026-12-01"}, {"kind": "x"}]
)
def test_a_bad_filter_is_a_field_error(owner_a, query):
    persona, _ = owner_a

    response = browser_for(persona).get("/documents/", query)

    assert response.status_code == 400
    assert "field-error" in response.content.decode()


def test_payments_list_the_accounts_own_payments_in_pages(owner_a):
    persona, account = owner_a
    with schema_context(persona.provider.schema_name):
        other = make_account("acc:2", number="10002")
        pay(other, "pay:other", "999.00", datetime(2026, 11, 1, tzinfo=UTC))
        for day in range(1, 61):
            pay(
                account,
                f"pay:{day}",
                f"{day}.00",
                datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day),
            )
    browser = browser_for(persona)

    first = browser.get("/payments/").content.decode()
    second = browser.get("/payments/", {"page": 2}).content.decode()

    assert "60,00" in first
    assert "10,00" not in first
    assert "10,00" in second
    assert "999,00" not in first + second


def test_a_document_pdf_is_downloaded_from_billing_once(provider_a, billing_a, client_a):
    full_sync(provider_a.schema_name)
    with schema_context(provider_a.schema_name):
        account = ClientAccount.objects.get(external_id="acc:1")
        account_access_grant(user=client_a.user, account=account, role="owner")
        document = Document.objects.get(external_id="doc:77")
    browser = browser_for(client_a)

    listing = browser.get("/documents/").content.decode()
    response = browser.get(f"/documents/{document.id}/file")

    assert f"/documents/{document.id}/file" in listing
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    billing_a.admin("PUT", "/faults", {"mode": "down"})
    assert browser.get(f"/documents/{document.id}/file").status_code == 200


def test_a_document_billing_cannot_give_is_a_clear_page(provider_a, billing_a, client_a):
    full_sync(provider_a.schema_name)
    with schema_context(provider_a.schema_name):
        account = ClientAccount.objects.get(external_id="acc:1")
        account_access_grant(user=client_a.user, account=account, role="owner")
        document = Document.objects.get(external_id="doc:77")
    billing_a.admin("PUT", "/faults", {"mode": "down"})

    response = browser_for(client_a).get(f"/documents/{document.id}/file")

    assert response.status_code == 503
    assert "77" in response.content.decode()


def test_another_accounts_or_providers_document_is_not_found(owner_a, provider_b):
    persona, _ = owner_a
    with schema_context(persona.provider.schema_name):
        stranger = make_account("acc:9", number="10009")
        theirs = make_document(stranger, "THEIRS")
    with schema_context(provider_b.schema_name):
        foreign = make_document(make_account("acc:b", currency="EUR"), "FOREIGN")
    browser = browser_for(persona)

    assert browser.get(f"/documents/{theirs.id}/file").status_code == 404
    assert "THEIRS" not in browser.get("/documents/").content.decode()
    # Provider B's document id can only ever name a document of provider A's own schema.
    assert browser.get(f"/documents/{foreign.id + 1000}/file").status_code == 404


def test_a_technician_cannot_open_money_pages_and_an_accountant_not_usage(owner_a):
    persona, account = owner_a
    from tenants.users.models import Role
    from tests.conftest import make_user

    technician = make_user(persona.provider, Role.CLIENT, "tech@alpha.test")
    accountant = make_user(persona.provider, Role.CLIENT, "books@alpha.test")
    with schema_context(persona.provider.schema_name):
        account_access_grant(user=technician.user, account=account, role="technician")
        account_access_grant(user=accountant.user, account=account, role="accountant")

    for path in ("/documents/", "/payments/"):
        assert browser_for(technician).get(path).status_code == 403
    assert browser_for(accountant).get("/usage/").status_code == 403


def test_switched_off_modules_are_absent(owner_a):
    persona, _ = owner_a
    Provider.objects.filter(pk=persona.provider.pk).update(modules=["catalog"])
    browser = browser_for(persona)

    assert browser.get("/documents/").status_code == 404
    assert browser.get("/usage/").status_code == 404
    home = browser.get("/").content.decode()
    assert 'href="/usage/"' not in home
    assert 'href="/documents/"' not in home


@pytest.fixture
def year_of_traffic(owner_a):
    persona, account = owner_a
    today = timezone.now().astimezone(timezone.get_fixed_timezone(180)).date()
    with schema_context(persona.provider.schema_name):
        UsageDaily.objects.bulk_create(
            UsageDaily(
                account=account,
                day=today - timedelta(days=n),
                metric="data",
                unit="B",
                direction="in",
                quantity=Decimal(2 * 10**9),
                records=5,
            )
            for n in range(366)
        )
    return persona, today


def test_usage_by_day_shows_the_last_thirty_days_in_gigabytes(year_of_traffic):
    persona, today = year_of_traffic

    page = browser_for(persona).get("/usage/").content.decode()

    assert page.count("<rect ") == 30
    assert "60&nbsp;ГБ" in page  # 30 days of 2 GB


def test_usage_by_month_reads_the_rollups_in_one_query(
    year_of_traffic, django_assert_max_num_queries
):
    persona, today = year_of_traffic
    browser = browser_for(persona)
    since = (today - timedelta(days=200)).replace(day=1)

    with django_assert_max_num_queries(9):
        page = browser.get(
            "/usage/", {"grain": "month", "since": since.isoformat()}
        ).content.decode()

    months = (today.year - since.year) * 12 + today.month - since.month + 1
    assert page.count("<rect ") == months


def test_usage_exports_as_csv(year_of_traffic):
    persona, today = year_of_traffic

    response = browser_for(persona).get("/usage/", {"grain": "week", "export": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][1] == "Интернет-трафик, получено"
    assert rows[-1][0] == (today - timedelta(days=today.weekday())).isoformat()
    assert {row[2] for row in rows[1:]} == {"ГБ"}


@pytest.mark.parametrize(
    "query",
    [{"grain": "year"}, {"series": "nope"}, {"since": "2000-01-01", "until": "2026-01-01"}],
)
def test_bad_usage_questions_are_field_errors(year_of_traffic, query):
    persona, _ = year_of_traffic

    response = browser_for(persona).get("/usage/", query)

    assert response.status_code == 400
    assert "field-error" in response.content.decode()


def test_an_account_without_usage_says_so(owner_a):
    persona, _ = owner_a

    page = browser_for(persona).get("/usage/").content.decode()

    assert "На этом счёте пока не записано потребления." in page


def test_another_accounts_usage_is_never_shown(year_of_traffic):
    persona, _ = year_of_traffic
    with schema_context(persona.provider.schema_name):
        stranger = make_account("acc:9", number="10009")
        UsageDaily.objects.create(
            account=stranger,
            day=date(2026, 11, 1),
            metric="calls",
            unit="s",
            direction="",
            quantity=Decimal(60),
            records=1,
        )

    page = browser_for(persona).get("/usage/", {"series": "calls::s"})

    assert page.status_code == 400
    assert "Звонки" not in page.content.decode()
