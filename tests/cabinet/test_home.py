"""A client's home page: balance, services, usage, documents, notices, announcements, forecast,
and nothing of another account or provider."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from cabinet.accounts.models import NOTICE_PLAN_CHANGED_ELSEWHERE, ClientAccount, Notice
from cabinet.accounts.services import account_access_grant
from cabinet.announcements.models import Announcement
from cabinet.documents.models import Document
from cabinet.usage.models import UsageDaily
from connectors.models import BillingConnection
from tenants.users.models import Role
from tests.cabinet.factories import make_account, make_plan, make_subscription, provider_today
from tests.conftest import host_of, make_user
from tests.tenants.test_logins import login


def browser_for(persona) -> Client:
    browser = Client(HTTP_HOST=host_of(persona.provider))
    login(browser, persona.user.email)
    return browser


def make_document(account, number: str, **fields) -> Document:
    values = {
        "kind": "invoice",
        "issued_at": datetime(2026, 11, 1, tzinfo=UTC),
        "status": "issued",
        "total": Decimal("600.00"),
        "currency": account.currency,
    }
    values.update(fields)
    return Document.objects.create(
        external_id=f"doc:{number}", account=account, number=number, **values
    )


@pytest.fixture
def home_a(client_a):
    """Client A's account with a service, this month's traffic, an invoice and a notice."""
    with schema_context(client_a.provider.schema_name):
        account = make_account(
            "acc:1",
            number="10001",
            balance=Decimal("1234.50"),
            recommended_payment=Decimal("600.00"),
        )
        plan = make_plan("tp:1", name="Домашний 100")
        make_plan("tp:0", name="Домашний 50")
        make_subscription(account, plan)
        today = provider_today()
        UsageDaily.objects.create(
            account=account,
            day=today.replace(day=1),
            metric="data",
            unit="B",
            direction="in",
            quantity=Decimal(1_500_000_000),
            records=3,
        )
        make_document(account, "INV-77")
        Notice.objects.create(
            account=account,
            kind=NOTICE_PLAN_CHANGED_ELSEWHERE,
            data={"subscription": "svc:1", "before": "tp:0", "after": "tp:1"},
        )
        account_access_grant(user=client_a.user, account=account, role="owner")
    return account


def test_a_client_sees_its_account_at_a_glance(client_a, home_a):
    page = browser_for(client_a).get("/").content.decode()

    assert "10001" in page
    assert "1\xa0234,50\xa0₽" in page  # Russian provider: Russian money format
    assert "Рекомендуемый платёж: <strong>600,00\xa0₽</strong>" in page
    assert "Домашний 100" in page
    assert "<span>Интернет-трафик, получено</span> <strong>1,5&nbsp;ГБ</strong>" in page
    assert "INV-77" in page
    assert "Домашний 50 → Домашний 100" in page


def test_a_user_without_an_account_is_told_what_to_do(client_a):
    page = browser_for(client_a).get("/").content.decode()

    assert "ещё не привязан" in page


def test_announcements_reach_their_segment_only(client_a, home_a):
    now = timezone.now()
    with schema_context(client_a.provider.schema_name):
        other_plan = make_plan("tp:9", name="Бизнес")
        Announcement.objects.create(kind="planned_works", title="Работы на узле", starts_at=now)
        Announcement.objects.create(
            kind="news", title="Для юрлиц", starts_at=now, audience_holder_kind="legal_entity"
        )
        Announcement.objects.create(
            kind="news", title="Для тарифа Бизнес", starts_at=now, audience_plan=other_plan
        )
        Announcement.objects.create(
            kind="outage",
            title="Прошедшая авария",
            starts_at=now - timedelta(days=2),
            ends_at=now - timedelta(days=1),
        )
        Announcement.objects.create(
            kind="news", title="Завтрашняя новость", starts_at=now + timedelta(days=1)
        )

    page = browser_for(client_a).get("/").content.decode()

    assert "Работы на узле" in page
    for hidden in ("Для юрлиц", "Для тарифа Бизнес", "Прошедшая авария", "Завтрашняя новость"):
        assert hidden not in page


@pytest.fixture
def company_b(provider_b):
    """A legal entity at provider B with an owner, an accountant and a technician."""
    with schema_context(provider_b.schema_name):
        account = make_account(
            "acc:co",
            number="C-1",
            holder_kind="legal_entity",
            holder_name="Brenner GmbH",
            currency="EUR",
            balance=Decimal("50.00"),
        )
        make_subscription(account, make_plan("tp:vps", name="VPS M", currency="EUR"), "svc:vps")
        make_document(account, "INV-B1")
    people = {}
    for role in ("owner", "accountant", "technician"):
        people[role] = make_user(provider_b, Role.CLIENT, f"{role}@brenner.test")
        with schema_context(provider_b.schema_name):
            account_access_grant(user=people[role].user, account=account, role=role)
    return account, people


def test_an_accountant_sees_money_and_documents_but_not_services(company_b):
    _, people = company_b
    page = browser_for(people["accountant"]).get("/").content.decode()

    assert "€50.00" in page
    assert "INV-B1" in page
    assert "VPS M" not in page


def test_a_technician_sees_services_but_not_money(company_b):
    _, people = company_b
    page = browser_for(people["technician"]).get("/").content.decode()

    assert "VPS M" in page
    assert "€50.00" not in page
    assert "INV-B1" not in page


def test_a_user_switches_between_its_accounts_and_only_its_own(client_a, home_a, provider_b):
    with schema_context(client_a.provider.schema_name):
        second = make_account("acc:2", number="10002", holder_name="Дача")
        stranger = make_account("acc:3", number="10003", holder_name="Чужой")
        account_access_grant(user=client_a.user, account=second, role="owner")
    with schema_context(provider_b.schema_name):
        foreign = make_account("acc:b", number="B-1", holder_name="Bravo client", currency="EUR")
    browser = browser_for(client_a)

    assert browser.post("/account/switch", {"account": second.id}).status_code == 302
    assert "Дача" in browser.get("/").content.decode()
    for not_mine in (stranger.id, "x", 10**9):
        assert browser.post("/account/switch", {"account": not_mine}).status_code == 404
        page = browser.get("/").content.decode()
        assert "Дача" in page
        assert "Чужой" not in page
    # Ids are per provider: another provider's account id can only ever name one's own account.
    browser.post("/account/switch", {"account": foreign.id})
    assert "Bravo client" not in browser.get("/").content.decode()


def test_a_session_pointing_at_a_lost_account_falls_back_to_an_own_one(client_a, home_a):
    with schema_context(client_a.provider.schema_name):
        stranger = make_account("acc:3", number="10003", holder_name="Чужой")
    browser = browser_for(client_a)
    session = browser.session
    session["cabinet_account"] = stranger.id
    session.save()

    page = browser.get("/").content.decode()

    assert "10001" in page
    assert "Чужой" not in page


def test_home_queries_stay_flat_with_a_year_of_data(
    client_a, home_a, django_assert_max_num_queries
):
    with schema_context(client_a.provider.schema_name):
        BillingConnection.objects.create(kind="simulator", base_url="http://billing.example/x")
        plans = [make_plan(f"tp:x{n}", name=f"Plan {n}", self_service=True) for n in range(30)]
        for n, plan in enumerate(plans):
            make_subscription(
                home_a, plan, f"svc:x{n}", scheduled_plan=plans[0], scheduled_at=timezone.now()
            )
        for n in range(60):
            make_document(home_a, f"D-{n}")
        start = provider_today() - timedelta(days=365)
        UsageDaily.objects.bulk_create(
            UsageDaily(
                account=home_a,
                day=start + timedelta(days=n),
                metric=metric,
                unit=unit,
                direction="",
                quantity=Decimal(n),
                records=1,
            )
            for n in range(366)
            for metric, unit in (("time", "s"), ("calls", "s"))
        )
        for n in range(20):
            Notice.objects.create(
                account=home_a,
                kind=NOTICE_PLAN_CHANGED_ELSEWHERE,
                data={"before": "tp:0", "after": f"tp:x{n}"},
            )
            Announcement.objects.create(kind="news", title=f"News {n}", starts_at=timezone.now())
    browser = browser_for(client_a)

    # Session, user, accesses, services, usage, billing connection, documents, notices, plan
    # names, announcements, service changes under way, plans open to clients, a promised payment
    # under way, the published look, the legal texts' current versions (kept in the cache, which
    # starts empty in a test). The host was routed at login and the schema is already set.
    with django_assert_max_num_queries(15):
        assert browser.get("/").status_code == 200


def test_the_forecast_says_when_the_money_runs_out():
    from cabinet.accounts.selectors import BalanceView
    from cabinet.catalog.models import Plan
    from cabinet.selectors import _forecast
    from cabinet.services.models import Subscription

    plan = Plan(
        recurring_price=Decimal("600.00"),
        currency="RUB",
        period="month",
        unit_rates=[
            {
                "metric": "calls",
                "unit": "min",
                "price": "1.50",
                "currency": "RUB",
                "included": "100",
            }
        ],
    )
    balance = BalanceView(Decimal("300.00"), "RUB", datetime(2026, 11, 10, tzinfo=UTC), live=False)
    # 10 days into a 30-day month, 300 minutes of calls: 200 over the included 100, 300 RUB.
    daily = [{"metric": "calls", "unit": "s", "direction": "", "total": Decimal(300 * 60)}]

    forecast = _forecast(
        balance, Decimal(0), [Subscription(plan=plan, status="active")], daily, date(2026, 11, 10)
    )

    assert forecast.period_charges == Decimal("1500.00")  # 600 + 300 / 10 days * 30
    assert forecast.daily_spend == Decimal("50.00")
    assert forecast.runs_out_on == date(2026, 11, 16)
    assert not forecast.already_out


def test_a_companys_details_are_on_its_home_page(company_b):
    account, people = company_b
    provider = people["owner"].provider
    with schema_context(provider.schema_name):
        ClientAccount.objects.filter(pk=account.pk).update(
            inn="7707083893", kpp="773601001", ogrn="1027700132195", legal_address="Berlin, 1"
        )

    company = browser_for(people["technician"]).get("/").content.decode()

    assert "7707083893" in company
    assert "1027700132195" in company
    assert "Berlin, 1" in company
    assert "Company details" in company
