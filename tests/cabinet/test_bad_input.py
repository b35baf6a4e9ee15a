"""Inputs found by a break-it pass: every one answers 400 (or a form with its error) and changes
nothing, never a 500 or a runaway request."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.message import Message

import pytest
from django.core.cache import cache
from django.test import Client
from django_tenants.utils import schema_context

from cabinet.accounts.models import NOTICE_PLAN_CHANGED_ELSEWHERE, Notice
from cabinet.accounts.services import account_access_grant
from cabinet.forms import MAX_USAGE_DAYS
from cabinet.sync.models import OutboxMessage
from connectors.models import BillingConnection
from tenants.models import Provider
from tenants.users.models import Role
from tests.api.test_client_api import token_for
from tests.cabinet.factories import make_account, make_plan, make_subscription, make_usage_day
from tests.cabinet.test_client_pages import pay
from tests.cabinet.test_home import make_document
from tests.conftest import PASSWORD, host_of, make_user


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def page_browser(persona) -> Client:
    browser = Client(HTTP_HOST=host_of(persona.provider), raise_request_exception=False)
    assert browser.post("/login", {"username": persona.user.email, "password": PASSWORD})[
        "Location"
    ]
    return browser


def api_browser(persona) -> Client:
    token = token_for(persona)
    return Client(
        HTTP_HOST=host_of(persona.provider),
        HTTP_AUTHORIZATION=f"Bearer {token}",
        raise_request_exception=False,
    )


@pytest.fixture
def world(client_a):
    with schema_context(client_a.provider.schema_name):
        BillingConnection.objects.create(
            kind="simulator",
            base_url="http://billing.example/x",
            options={"plan_change_modes": ["now", "next_period", "date"]},
        )
        mine = make_account("acc:1", number="10001", balance=Decimal("250.00"))
        current = make_plan("tp:1", self_service=True)
        target = make_plan("tp:2", name="Домашний 500", self_service=True)
        subscription = make_subscription(mine, current, "svc:1")
        make_usage_day(mine, Decimal(10**9))
        make_document(mine, "INV-MINE")
        pay(mine, "pay:1", "100.00", datetime(2026, 11, 3, tzinfo=UTC))
        account_access_grant(user=client_a.user, account=mine, role="owner")
    return {"mine": mine, "subscription": subscription, "target": target}


def _spy(monkeypatch, module):
    real, asked = module.usage_chart, []

    def spy(*, since, until, **kwargs):
        asked.append((since, until))
        return real(since=max(since, until - timedelta(days=365)), until=until, **kwargs)

    monkeypatch.setattr(module, "usage_chart", spy)
    return asked


def test_usage_since_alone_keeps_to_the_five_year_limit(client_a, world, monkeypatch):
    import api.client
    import cabinet.views

    asked = _spy(monkeypatch, cabinet.views) + _spy(monkeypatch, api.client)
    page = page_browser(client_a).get("/usage/", {"since": "0001-01-01"})
    csv = page_browser(client_a).get("/usage/", {"since": "0001-01-01", "export": "csv"})
    rest = api_browser(client_a).get(f"/api/v1/accounts/{world['mine'].id}/usage?since=0001-01-01")

    assert [page.status_code, csv.status_code, rest.status_code] == [400, 400, 400]
    assert all((until - since).days <= MAX_USAGE_DAYS for since, until in asked)


@pytest.mark.parametrize(
    "path",
    [
        "/documents/?until=9999-12-31",
        "/payments/?until=9999-12-31",
        "/usage/?until=0001-01-01",
        "/usage/?until=9999-12-31",
        "/usage/?until=9999-12-31&grain=week",
        "/usage/?until=0001-01-15&grain=month",
        "/usage/?since=9999-12-01&until=9999-12-31&export=csv",
        "API/documents?until=9999-12-31",
        "API/payments?until=9999-12-31",
        "API/usage?until=0001-01-01",
        "API/usage?until=9999-12-31",
    ],
)
def test_calendar_edges_are_400_not_500(client_a, world, path):
    if path.startswith("API"):
        browser = api_browser(client_a)
        path = path.replace("API", f"/api/v1/accounts/{world['mine'].id}")
    else:
        browser = page_browser(client_a)

    assert browser.get(path).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        "[1, 2]",
        '"text"',
        "42",
        "null",
        '{"plan": PLAN, "mode": "now", "effective_on": 5}',
        '{"plan": PLAN, "mode": "date", "effective_on": ["2027-01-01"]}',
        '{"plan": PLAN, "mode": "date", "effective_on": "9999-12-31"}',
    ],
)
def test_odd_plan_change_bodies_are_400_with_a_reason(client_a, world, body):
    path = f"/api/v1/accounts/{world['mine'].id}/services/{world['subscription'].id}/plan-change"

    response = api_browser(client_a).post(
        path, body.replace("PLAN", str(world["target"].id)), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_long_logins_are_a_wrong_login_not_a_500(client_a):
    browser = Client(HTTP_HOST=host_of(client_a.provider), raise_request_exception=False)

    api = browser.post(
        "/api/v1/tokens",
        {"username": "x" * 300, "password": "nope"},
        content_type="application/json",
    )
    page = browser.post("/login", {"username": "İ" * 254, "password": "nope"})  # lower() -> 508

    assert (api.status_code, page.status_code) == (400, 200)


def test_long_e_mails_are_field_errors(admin_a, provider_a, mailoutbox):
    long_email = "a" * 250 + "@example.com"
    with schema_context(provider_a.schema_name):
        stranger = make_account("acc:9", number="10009")
        make_account("acc:reg", number="Д-77", email="anna@example.com")
    invite = page_browser(admin_a).post(
        f"/manage/clients/{stranger.id}/invite", {"email": long_email, "role": "owner"}
    )
    provider_a.access_modes = ["self_registration"]
    provider_a.save()
    browser = Client(HTTP_HOST=host_of(provider_a), raise_request_exception=False)
    browser.post("/register", {"number": "Д-77"})
    code = re.search(r"\b\d{6}\b", mailoutbox[-1].body).group(0)
    finish = browser.post(
        "/register/confirm",
        {
            "code": code,
            "email": long_email,
            "password1": "fresh-secret-77",
            "password2": "fresh-secret-77",
        },
    )

    assert (invite.status_code, finish.status_code) == (400, 400)


@pytest.mark.parametrize("number", ["СТ-10010", 'A"B', "A\nB"])
def test_the_usage_csv_is_an_attachment_whatever_the_contract_number(client_a, number):
    with schema_context(client_a.provider.schema_name):
        account = make_account("acc:csv", number=number)
        make_usage_day(account, Decimal(10**9))
        account_access_grant(user=client_a.user, account=account, role="owner")

    response = page_browser(client_a).get("/usage/", {"export": "csv"})

    assert response.status_code == 200
    header = Message()
    header["Content-Disposition"] = response["Content-Disposition"]
    assert header.get_content_disposition() == "attachment"
    assert header.get_filename().startswith(f"usage-{number.replace(chr(10), '-')}-data-")


def test_an_accountant_does_not_see_tariffs_in_notices(provider_b):
    with schema_context(provider_b.schema_name):
        account = make_account("acc:co", number="C-1", holder_kind="legal_entity", currency="EUR")
        make_plan("tp:vps", name="VPS M", currency="EUR")
        make_plan("tp:vps-xl", name="VPS XL Secret", currency="EUR")
        Notice.objects.create(
            account=account,
            kind=NOTICE_PLAN_CHANGED_ELSEWHERE,
            data={"subscription": "svc:vps", "before": "tp:vps", "after": "tp:vps-xl"},
        )
    people = {}
    for role in ("owner", "accountant"):
        people[role] = make_user(provider_b, Role.CLIENT, f"{role}@brenner.test")
        with schema_context(provider_b.schema_name):
            account_access_grant(user=people[role].user, account=account, role=role)

    assert "VPS XL Secret" in page_browser(people["owner"]).get("/").content.decode()
    assert "VPS XL Secret" not in page_browser(people["accountant"]).get("/").content.decode()


def test_the_authenticator_uri_keeps_its_secret_for_any_provider_name(client_a, monkeypatch):
    from urllib.parse import parse_qs, urlsplit

    from tenants.users import two_factor

    Provider.objects.filter(pk=client_a.provider.pk).update(name="Q&A Net? #1")
    seen, real = [], two_factor.segno.make
    monkeypatch.setattr(
        two_factor.segno, "make", lambda content, **kw: seen.append(content) or real(content, **kw)
    )

    page_browser(client_a).get("/profile/two-factor")

    query = parse_qs(urlsplit(seen[0]).query)
    assert "secret" in query
    assert query["issuer"] == ["Q&A Net? #1"]
