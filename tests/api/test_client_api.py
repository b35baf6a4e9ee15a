"""The client API: tokens bound to a provider and a user, and the cabinet's reads and writes."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from cabinet.accounts.services import account_access_grant
from cabinet.sync.models import OutboxMessage
from cabinet.usage.models import UsageDaily
from connectors.models import BillingConnection
from tenants.users.models import Role
from tests.cabinet.factories import make_account, make_plan, make_subscription, provider_today
from tests.cabinet.test_client_pages import pay
from tests.cabinet.test_home import make_document
from tests.conftest import PASSWORD, host_of, make_user


def token_for(persona, **extra) -> str:
    response = Client(HTTP_HOST=host_of(persona.provider)).post(
        "/api/v1/tokens",
        {"username": persona.user.email, "password": PASSWORD, "name": "phone", **extra},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


def api(persona, token: str | None = None) -> Client:
    return Client(
        HTTP_HOST=host_of(persona.provider),
        HTTP_AUTHORIZATION=f"Bearer {token or token_for(persona)}",
    )


@pytest.fixture
def client_account(client_a):
    with schema_context(client_a.provider.schema_name):
        account = make_account("acc:1", number="10001", balance=Decimal("250.00"))
        account_access_grant(user=client_a.user, account=account, role="owner")
    return account


def test_a_token_reads_the_accounts_and_the_balance(client_a, client_account):
    browser = api(client_a)

    accounts = browser.get("/api/v1/accounts").json()
    detail = browser.get(f"/api/v1/accounts/{client_account.id}").json()

    assert accounts == [
        {
            "id": client_account.id,
            "number": "10001",
            "holder_name": client_account.holder_name,
            "holder_kind": "individual",
            "status": "active",
            "role": "owner",
        }
    ]
    assert detail["balance"] == {"value": "250.00", "currency": "RUB"}


def test_a_wrong_password_or_bad_fields_are_400(client_a):
    anonymous = Client(HTTP_HOST=host_of(client_a.provider))

    wrong = anonymous.post(
        "/api/v1/tokens",
        {"username": client_a.user.email, "password": "nope"},
        content_type="application/json",
    )
    empty = anonymous.post("/api/v1/tokens", {}, content_type="application/json")

    assert wrong.status_code == 400
    assert empty.status_code == 400
    assert set(empty.json()) == {"username", "password"}


def test_five_wrong_passwords_pause_token_requests_too(client_a):
    anonymous = Client(HTTP_HOST=host_of(client_a.provider))
    answers = [
        anonymous.post(
            "/api/v1/tokens",
            {"username": client_a.user.email, "password": "nope"},
            content_type="application/json",
        ).status_code
        for _ in range(5)
    ]
    right = anonymous.post(
        "/api/v1/tokens",
        {"username": client_a.user.email, "password": PASSWORD},
        content_type="application/json",
    )

    assert answers[-1] in (400, 429)
    assert right.status_code == 429


def test_a_token_means_nothing_at_another_provider(client_a, client_b, client_account):
    token = token_for(client_a)

    elsewhere = Client(HTTP_HOST=host_of(client_b.provider), HTTP_AUTHORIZATION=f"Bearer {token}")

    assert elsewhere.get("/api/v1/accounts").status_code == 401


def test_a_revoked_token_and_logging_out_everywhere_end_tokens(client_a, client_account):
    first, second = token_for(client_a), token_for(client_a)

    assert api(client_a, first).delete("/api/v1/tokens/current").status_code == 204
    assert api(client_a, first).get("/api/v1/accounts").status_code == 401
    session = Client(HTTP_HOST=host_of(client_a.provider))
    session.post("/login", {"username": client_a.user.email, "password": PASSWORD})
    session.post("/profile/logout-everywhere")
    assert api(client_a, second).get("/api/v1/accounts").status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer kb_forged", "Bearer \u00e9"])
def test_malformed_or_unknown_tokens_are_401(client_a, header):
    browser = Client(HTTP_HOST=host_of(client_a.provider), HTTP_AUTHORIZATION=header)

    assert browser.get("/api/v1/accounts").status_code == 401


def test_other_accounts_and_roles_are_refused(client_a, client_account, provider_b):
    with schema_context(client_a.provider.schema_name):
        stranger = make_account("acc:9", number="10009")
        make_document(stranger, "THEIRS")
    technician = make_user(client_a.provider, Role.CLIENT, "tech@alpha.test")
    with schema_context(client_a.provider.schema_name):
        account_access_grant(user=technician.user, account=client_account, role="technician")
    owner, tech = api(client_a), api(technician)

    for path in ("", "/services", "/usage", "/documents", "/payments"):
        assert owner.get(f"/api/v1/accounts/{stranger.id}{path}").status_code == 404
    assert tech.get(f"/api/v1/accounts/{client_account.id}/documents").status_code == 403
    assert tech.get(f"/api/v1/accounts/{client_account.id}/payments").status_code == 403
    assert tech.get(f"/api/v1/accounts/{client_account.id}").json()["balance"] is None


def test_documents_and_payments_come_in_pages(client_a, client_account):
    with schema_context(client_a.provider.schema_name):
        for number in range(30):
            make_document(client_account, f"D-{number}")
        pay(client_account, "pay:1", "100.00", datetime(2026, 11, 3, tzinfo=UTC))
    browser = api(client_a)

    documents = browser.get(f"/api/v1/accounts/{client_account.id}/documents?limit=10").json()
    payments = browser.get(f"/api/v1/accounts/{client_account.id}/payments").json()

    assert documents["count"] == 30
    assert len(documents["results"]) == 10
    assert payments["results"][0]["amount"] == {"value": "100.00", "currency": "RUB"}


def test_usage_answers_with_points_and_bad_questions_with_field_errors(client_a, client_account):
    with schema_context(client_a.provider.schema_name):
        UsageDaily.objects.create(
            account=client_account,
            day=provider_today(),
            metric="data",
            unit="B",
            direction="in",
            quantity=Decimal(3 * 10**9),
            records=1,
        )
    browser = api(client_a)

    good = browser.get(f"/api/v1/accounts/{client_account.id}/usage").json()
    bad = browser.get(f"/api/v1/accounts/{client_account.id}/usage?grain=year&since=x")

    assert good["available"] == [{"series": "data:in:B", "label": "Интернет-трафик, получено"}]
    assert good["usage"]["unit"] == "GB"
    assert good["usage"]["points"][-1]["quantity"] == "3.00"
    assert bad.status_code == 400
    assert set(bad.json()) == {"grain", "since"}


def test_a_tariff_change_is_accepted_and_shows_as_waiting(client_a, client_account):
    with schema_context(client_a.provider.schema_name):
        BillingConnection.objects.create(kind="simulator", base_url="http://billing.example/x")
        current = make_plan("tp:1", self_service=True)
        target = make_plan("tp:2", name="Домашний 500", self_service=True)
        subscription = make_subscription(client_account, current)
    browser = api(client_a)
    path = f"/api/v1/accounts/{client_account.id}/services/{subscription.id}/plan-change"

    bad = browser.post(path, {"plan": 999, "mode": "now"}, content_type="application/json")
    made = browser.post(path, {"plan": target.id, "mode": "now"}, content_type="application/json")
    services = browser.get(f"/api/v1/accounts/{client_account.id}/services").json()

    assert bad.status_code == 400
    assert "plan" in bad.json()
    assert made.status_code == 202
    assert made.json()["status"] == "pending"
    assert services[0]["change"]["plan_name"] == "Домашний 500"
    with schema_context(client_a.provider.schema_name):
        assert OutboxMessage.objects.count() == 1


def test_two_factor_users_need_the_code_for_a_token(client_a):
    from tests.tenants.test_two_factor import current_code, turn_on

    device = turn_on(client_a)
    anonymous = Client(HTTP_HOST=host_of(client_a.provider))
    body = {"username": client_a.user.email, "password": PASSWORD}

    without = anonymous.post("/api/v1/tokens", body, content_type="application/json")
    with_code = anonymous.post(
        "/api/v1/tokens",
        {**body, "code": current_code(device, offset=1)},
        content_type="application/json",
    )

    assert without.status_code == 400
    assert "code" in without.json()
    assert with_code.status_code == 201


def test_the_schema_is_published_at_a_stable_url(provider_a):
    response = Client(HTTP_HOST=host_of(provider_a)).get("/api/v1/openapi.yaml")

    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/accounts/{account_id}/usage:" in text
    assert "bearerToken" in text


def test_a_block_and_a_promised_payment_are_accepted_and_show_as_waiting(
    client_a, client_account, provider_a
):
    with schema_context(client_a.provider.schema_name):
        BillingConnection.objects.create(kind="simulator", base_url="http://billing.example/x")
        subscription = make_subscription(client_account, make_plan("tp:1"))
        other_account = make_account("acc:9", number="10009")
        others = make_subscription(other_account, make_plan("tp:9"), external_id="svc:9")
    browser = api(client_a)
    base = f"/api/v1/accounts/{client_account.id}"

    listed = browser.get(f"{base}/services").json()
    wrong = browser.post(
        f"{base}/services/{subscription.id}/actions",
        {"action": "resume"},
        content_type="application/json",
    )
    past = browser.post(
        f"{base}/services/{subscription.id}/actions",
        {"action": "suspend", "until_on": "2020-01-01"},
        content_type="application/json",
    )
    stranger = browser.post(
        f"{base}/services/{others.id}/actions", {"action": "end"}, content_type="application/json"
    )
    made = browser.post(
        f"{base}/services/{subscription.id}/actions",
        {"action": "suspend"},
        content_type="application/json",
    )
    promise = browser.post(
        f"{base}/promised-payment", {"amount": "300.00"}, content_type="application/json"
    )
    bad_promise = browser.post(
        f"{base}/promised-payment", {"amount": "-1"}, content_type="application/json"
    )

    assert listed[0]["actions"] == ["suspend", "end"]
    assert wrong.status_code == 400
    assert "action" in wrong.json()
    assert past.status_code == 400
    assert "until_on" in past.json()
    assert stranger.status_code == 404
    assert made.status_code == 202
    assert made.json()["kind"] == "suspend"
    assert made.json()["status"] == "pending"
    assert browser.get(f"{base}/services").json()[0]["change"]["kind"] == "suspend"
    assert promise.status_code == 202
    assert promise.json() == {"status": "pending", "amount": "300.00", "currency": "RUB"}
    assert bad_promise.status_code == 400
    assert "amount" in bad_promise.json()
    with schema_context(client_a.provider.schema_name):
        assert sorted(OutboxMessage.objects.values_list("kind", flat=True)) == [
            "promised_payment",
            "suspend",
        ]


def test_a_technician_cannot_ask_for_a_promised_payment_by_api(provider_a, client_account):
    technician = make_user(provider_a, Role.CLIENT, "tech@alpha.test")
    with schema_context(provider_a.schema_name):
        BillingConnection.objects.create(kind="simulator", base_url="http://billing.example/x")
        account_access_grant(user=technician.user, account=client_account, role="technician")

    response = api(technician).post(
        f"/api/v1/accounts/{client_account.id}/promised-payment",
        {"amount": "100"},
        content_type="application/json",
    )

    assert response.status_code == 403
    with schema_context(provider_a.schema_name):
        assert not OutboxMessage.objects.exists()


def test_the_catalog_says_what_can_be_ordered_and_an_order_is_accepted(
    client_a, client_account, provider_a
):
    with schema_context(client_a.provider.schema_name):
        BillingConnection.objects.create(kind="simulator", base_url="http://billing.example/x")
        make_subscription(client_account, make_plan("tp:1", self_service=True))
        tv = make_plan("tp:4", name="ТВ", service_type="tv", self_service=True)
    browser = api(client_a)
    base = f"/api/v1/accounts/{client_account.id}"

    catalog = {item["plan"]["name"]: item for item in browser.get(f"{base}/catalog").json()}
    held = browser.post(
        f"{base}/orders",
        {"plan": catalog["Домашний 100"]["plan"]["id"]},
        content_type="application/json",
    )
    unknown = browser.post(f"{base}/orders", {"plan": "x"}, content_type="application/json")
    made = browser.post(f"{base}/orders", {"plan": tv.id}, content_type="application/json")
    after = {item["plan"]["name"]: item for item in browser.get(f"{base}/catalog").json()}

    assert catalog["ТВ"]["orderable"] is True
    assert catalog["Домашний 100"]["owned"] is True
    assert catalog["Домашний 100"]["orderable"] is False
    assert held.status_code == 400
    assert unknown.status_code == 400
    assert "plan" in unknown.json()
    assert made.status_code == 202
    assert made.json()["status"] == "pending"
    assert after["ТВ"]["order"]["status"] == "pending"
    with schema_context(client_a.provider.schema_name):
        assert OutboxMessage.objects.count() == 1


def test_the_profile_is_read_and_changed_by_api(client_a, admin_a):
    browser = api(client_a)

    before = browser.get("/api/v1/me").json()
    changed = browser.patch(
        "/api/v1/me",
        {"phone": "+7 912 000-00-00", "email_categories": ["offers"]},
        content_type="application/json",
    )
    bad = browser.patch(
        "/api/v1/me", {"phone": "x", "email_categories": ["spam"]}, content_type="application/json"
    )
    not_a_list = browser.patch(
        "/api/v1/me", {"email_categories": "offers"}, content_type="application/json"
    )
    staff = api(admin_a).patch(
        "/api/v1/me", {"email_categories": ["offers"]}, content_type="application/json"
    )

    assert "offers" not in before["email_categories"]
    assert changed.status_code == 200
    assert (changed.json()["phone"], changed.json()["email_categories"]) == (
        "+7 912 000-00-00",
        ["offers"],
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"phone", "email_categories"}
    assert not_a_list.status_code == 400
    assert staff.status_code == 400
    assert "email_categories" in staff.json()
    assert browser.get("/api/v1/me").json()["phone"] == "+7 912 000-00-00"


def test_odd_write_bodies_are_field_errors_not_failures(client_a, client_account, provider_a):
    with schema_context(client_a.provider.schema_name):
        BillingConnection.objects.create(kind="simulator", base_url="http://billing.example/x")
        subscription = make_subscription(client_account, make_plan("tp:1"))
    browser = api(client_a)
    base = f"/api/v1/accounts/{client_account.id}"

    superscript = browser.post(f"{base}/orders", {"plan": "²"}, content_type="application/json")
    misspelt = browser.post(
        f"{base}/services/{subscription.id}/actions",
        {"action": "suspend", "until": "2031-01-01"},
        content_type="application/json",
    )
    extra = browser.post(
        f"{base}/promised-payment", {"amount": "10", "days": "3"}, content_type="application/json"
    )
    long_phone = browser.patch(
        "/api/v1/me", {"phone": "+1222222222222222222223"}, content_type="application/json"
    )
    brackets = browser.patch(
        "/api/v1/me", {"phone": "+7(((((((((((((((((9"}, content_type="application/json"
    )

    assert superscript.status_code == 400
    assert "plan" in superscript.json()
    assert misspelt.status_code == 400
    assert "until" in misspelt.json()
    assert extra.status_code == 400
    assert "days" in extra.json()
    assert long_phone.status_code == 400
    assert brackets.status_code == 400
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_the_profile_takes_a_form_body_too(client_a):
    response = api(client_a).patch(
        "/api/v1/me",
        "phone=%2B7+912+000-00-00&email_categories=offers&email_categories=reminders",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert response.json()["email_categories"] == ["offers", "reminders"]


def test_api_refusals_speak_the_providers_language(client_a, client_account):
    with schema_context(client_a.provider.schema_name):
        BillingConnection.objects.create(
            kind="simulator",
            base_url="http://billing.example/x",
            options={"promised_payment": False},
        )

    response = api(client_a).post(
        f"/api/v1/accounts/{client_account.id}/promised-payment",
        {"amount": "10"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "Обещанный платёж здесь не предоставляется." in response.json()["non_field_errors"]
