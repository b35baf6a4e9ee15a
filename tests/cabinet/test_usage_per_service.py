"""Usage per service: records that name a service's identifier (a RADIUS login, a phone number)
are kept apart in the daily rollups, and the usage page and API can show one service alone."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from cabinet.accounts.services import account_access_grant
from cabinet.usage.models import UsageDaily
from cabinet.usage.services import usage_ingest
from tests.api.test_client_api import api
from tests.cabinet.factories import make_account, make_plan, make_subscription
from tests.cabinet.test_home import browser_for
from tests.cabinet.test_usage_ingest import record


@pytest.fixture
def two_lines(client_a):
    """Client A's account has two internet services (logins u1 and u2); a third record names
    the account by its contract number. Another account has its own service u9."""
    with schema_context(client_a.provider.schema_name):
        account = make_account("acc:1", number="10001")
        plan = make_plan()
        home = make_subscription(account, plan, "svc:1", identifiers={"login": "u1"})
        dacha = make_subscription(account, plan, "svc:2", identifiers={"login": "u2"})
        other = make_subscription(
            make_account("acc:9", number="10009"), plan, "svc:9", identifiers={"login": "u9"}
        )
        account_access_grant(user=client_a.user, account=account, role="owner")
        day = timezone.now().replace(hour=12) - timedelta(days=1)
        usage_ingest(
            records=[
                record("a", "u1", day, str(3 * 10**9)),
                record("b", "u2", day, str(1 * 10**9)),
                record("c", "10001", day, str(5 * 10**8)),
                record("d", "u9", day, str(7 * 10**9)),
            ],
            time_zone="Europe/Moscow",
        )
    return account, home, dacha, other


def test_each_service_has_its_own_rollup_and_the_account_the_sum(client_a, two_lines):
    account, home, dacha, _ = two_lines
    with schema_context(client_a.provider.schema_name):
        rows = dict(
            UsageDaily.objects.filter(account=account).values_list("subscription_id", "quantity")
        )

    assert rows == {
        home.id: Decimal("3000000000.0000"),
        dacha.id: Decimal("1000000000.0000"),
        None: Decimal("500000000.0000"),
    }


def test_the_usage_page_shows_one_service_or_all(client_a, two_lines):
    _, home, dacha, _ = two_lines
    browser = browser_for(client_a)

    everything = browser.get("/usage/").content.decode()
    one = browser.get("/usage/", {"service": dacha.id}).content.decode()
    csv = browser.get("/usage/", {"service": home.id, "export": "csv"})

    assert "Домашний 100 · u1" in everything
    assert "Домашний 100 · u2" in everything
    assert "4,5&nbsp;ГБ" in everything  # 3 + 1 + 0.5
    assert "1&nbsp;ГБ" in one
    assert "4,5&nbsp;ГБ" not in one
    assert f"service{home.id}" in csv["Content-Disposition"]
    assert ";3.00;" in csv.content.decode()


def test_another_accounts_service_is_a_field_error_not_its_usage(client_a, two_lines):
    *_, other = two_lines

    response = browser_for(client_a).get("/usage/", {"service": other.id})

    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert "7&nbsp;ГБ" not in response.content.decode()


def test_the_api_lists_services_and_answers_for_one(client_a, two_lines):
    account, home, _, other = two_lines
    browser = api(client_a)
    path = f"/api/v1/accounts/{account.id}/usage"

    listed = browser.get(path).json()
    one = browser.get(path, {"service": home.id, "grain": "month"}).json()
    foreign = browser.get(path, {"service": other.id})

    assert [item["label"] for item in listed["services"]] == [
        "Домашний 100 · u1",
        "Домашний 100 · u2",
    ]
    assert Decimal(one["usage"]["total"]) == Decimal("3.00")
    assert one["usage"]["unit"] == "GB"
    assert foreign.status_code == 400
    assert "service" in foreign.json()


def test_an_account_with_usage_per_service_can_be_deleted(client_a, two_lines):
    account, home, *_ = two_lines
    with schema_context(client_a.provider.schema_name):
        account.delete()

        assert not UsageDaily.objects.filter(subscription=home).exists()


@pytest.mark.parametrize("ended_first", [True, False])
def test_a_reused_phone_number_counts_for_the_service_still_running(client_a, ended_first):
    with schema_context(client_a.provider.schema_name):
        plan = make_plan()
        lines = [
            (make_account("acc:old", number="20001"), "svc:old", "ended"),
            (make_account("acc:new", number="20002"), "svc:new", "active"),
        ]
        for account, external_id, status in lines if ended_first else reversed(lines):
            make_subscription(
                account, plan, external_id, status=status, identifiers={"msisdn": "79990001122"}
            )
        day = datetime(2026, 11, 3, 12, tzinfo=UTC)
        usage_ingest(records=[record("z1", "79990001122", day, "100")], time_zone="Europe/Moscow")

        rows = list(
            UsageDaily.objects.values_list("account__external_id", "subscription__external_id")
        )

    assert rows == [("acc:new", "svc:new")]


def test_a_service_asked_for_on_an_account_without_any_is_refused(client_a, two_lines):
    *_, other = two_lines
    with schema_context(client_a.provider.schema_name):
        plain = make_account("acc:plain", number="10050")
        account_access_grant(user=client_a.user, account=plain, role="owner")
    browser = browser_for(client_a)
    browser.post("/account/switch", {"account": plain.id})

    response = browser.get("/usage/", {"service": other.id})

    assert response.status_code == 400


def test_the_usage_page_opens_on_what_was_actually_used(client_a):
    with schema_context(client_a.provider.schema_name):
        account = make_account("acc:1", number="10001")
        account_access_grant(user=client_a.user, account=account, role="owner")
        day = timezone.now().replace(hour=12) - timedelta(days=1)
        # Calls sort before data by name, but the last call was months ago and the one
        # yesterday went unanswered (zero seconds).
        calls = record("c", "10001", day, "0")
        calls = calls.__class__(**{**calls.__dict__, "metric": "calls", "unit": "s"})
        old_call = calls.__class__(
            **{
                **calls.__dict__,
                "source_key": "c-old",
                "quantity": Decimal(60),
                "started_at": day - timedelta(days=90),
            }
        )
        usage_ingest(
            records=[calls, old_call, record("d", "10001", day, str(2 * 10**9))],
            time_zone="UTC",
        )

    page = browser_for(client_a).get("/usage/").content.decode()

    assert "2&nbsp;ГБ" in page


def test_a_billing_feed_record_counts_for_the_service_it_names(client_a, two_lines):
    account, home, dacha, other = two_lines
    day = timezone.now().replace(hour=12) - timedelta(days=3)  # a day of its own
    from_billing = record("f1", "acc:1", day, "250")
    named = from_billing.__class__(**{**from_billing.__dict__, "service_ref": "svc:2"})
    # A record naming a service of another account counts for its own account alone.
    stray = from_billing.__class__(
        **{**from_billing.__dict__, "source_key": "f2", "service_ref": "svc:9"}
    )
    with schema_context(client_a.provider.schema_name):
        usage_ingest(records=[named, stray], time_zone="Europe/Moscow")
        rows = dict(
            UsageDaily.objects.filter(account=account, quantity=250).values_list(
                "subscription_id", "quantity"
            )
        )

    assert rows == {dacha.id: Decimal("250.0000"), None: Decimal("250.0000")}
