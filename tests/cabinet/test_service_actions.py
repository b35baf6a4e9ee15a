"""A client blocks a service for a while, resumes it, switches it off, and asks for a promised
payment: each states what happens, goes through the outbox to the billing simulator over HTTP,
waits until billing confirms, and shows billing's reason when it refuses."""

import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase
from django.utils import timezone
from django_tenants.utils import schema_context

from cabinet.accounts.models import ClientAccount
from cabinet.accounts.services import account_access_grant
from cabinet.catalog.models import Plan, PlanShowcase
from cabinet.services.models import Subscription
from cabinet.sync.connection import billing_connector
from cabinet.sync.models import OutboxKind, OutboxMessage, OutboxStatus
from cabinet.sync.services import account_refresh
from connectors.errors import ConnectorError
from connectors.models import BillingConnection
from tenants.users.models import Role
from tests.cabinet.conftest import full_sync
from tests.cabinet.factories import make_plan
from tests.cabinet.test_home import browser_for
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("eager")


@pytest.fixture
def service(provider_a, billing_a, client_a) -> Subscription:
    """Client A owns acc:1 of the simulator (balance −120.50) with svc:1 on Домашний 100."""
    full_sync(provider_a.schema_name)
    with schema_context(provider_a.schema_name):
        account = ClientAccount.objects.get(external_id="acc:1")
        account_access_grant(user=client_a.user, account=account, role="owner")
        return Subscription.objects.get(external_id="svc:1")


def act(browser, subscription, action, **fields):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return browser.post(f"/services/{subscription.id}/{action}", {"action": action, **fields})


def ask_promise(browser, **fields):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return browser.post("/promised-payment/", fields)


def reread(provider, model, pk):
    with schema_context(provider.schema_name):
        return model.objects.get(pk=pk)


def test_a_block_until_a_day_then_resuming_reach_billing(client_a, service, billing_a):
    browser = browser_for(client_a)
    page = browser.get(f"/services/{service.id}/").content.decode()
    confirmation = browser.get(f"/services/{service.id}/suspend").content.decode()
    back_on = (timezone.localdate() + timedelta(days=14)).isoformat()

    blocked = act(browser, service, "suspend", until_on=back_on)

    assert f"/services/{service.id}/suspend" in page
    assert f"/services/{service.id}/end" in page
    assert f"/services/{service.id}/resume" not in page
    assert "Логин" in page
    assert "u1" in page
    assert "None" not in page
    assert "Домашний 100" in confirmation
    assert "600,00" in confirmation
    assert blocked.status_code == 302
    assert reread(client_a.provider, Subscription, service.pk).status == "suspended"
    in_billing = billing_a.get("/accounts/acc:1/subscriptions").json()["items"][0]
    assert in_billing["status"] == "suspended"
    page = browser.get(f"/services/{service.id}/").content.decode()
    assert f"/services/{service.id}/resume" in page
    back = timezone.localdate() + timedelta(days=14)
    assert f"до {back.day} " in page
    assert in_billing["suspended_until"] is not None

    act(browser, service, "resume")

    assert reread(client_a.provider, Subscription, service.pk).status == "active"


def test_switching_a_service_off_removes_it_from_home(client_a, service, billing_a):
    browser = browser_for(client_a)
    assert "Домашний 100" in browser.get("/").content.decode()

    act(browser, service, "end")

    assert reread(client_a.provider, Subscription, service.pk).status == "ended"
    assert billing_a.get("/accounts/acc:1/subscriptions").json()["items"][0]["status"] == "ended"
    assert "Домашний 100" not in browser.get("/").content.decode()


def test_while_billing_is_down_a_block_waits_and_cannot_be_asked_twice(
    client_a, service, billing_a
):
    billing_a.admin("PUT", "/faults", {"mode": "down"})
    browser = browser_for(client_a)

    act(browser, service, "suspend")
    page = browser.get(f"/services/{service.id}/").content.decode()
    second = act(browser, service, "end")
    tariff = browser.post(f"/services/{service.id}/change", {"mode": "now", "confirm": "1"})

    assert "Блокировка ждёт ответа биллинга" in page
    assert f"/services/{service.id}/end" not in page
    assert second.status_code == 400
    assert tariff.status_code in (400, 404)
    with schema_context(client_a.provider.schema_name):
        assert list(OutboxMessage.objects.values_list("kind", "status")) == [
            (OutboxKind.SUSPEND, OutboxStatus.PENDING)
        ]


def test_a_block_billing_refuses_shows_why(client_a, service, billing_a):
    # The office blocked it already; the mirror does not know yet, billing refuses a second one.
    assert billing_a.post("/subscriptions/svc:1/suspend", {}).ok
    browser = browser_for(client_a)

    act(browser, service, "suspend")

    with schema_context(client_a.provider.schema_name):
        assert OutboxMessage.objects.get().status == OutboxStatus.REJECTED
    page = browser.get(f"/services/{service.id}/").content.decode()
    assert "Биллинг отклонил заявку" in page
    assert "suspended" in page


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"until_on": "2020-01-01"}, "until_on"),
        ({"until_on": "{today}"}, "until_on"),
        ({"until_on": "{far}"}, "until_on"),
        ({"until_on": "14.02.2031x"}, "until_on"),
    ],
)
def test_a_bad_day_is_a_field_error_and_records_nothing(client_a, service, fields, field):
    today = timezone.localdate()
    values = {
        key: value.replace("{today}", today.isoformat()).replace(
            "{far}", (today + timedelta(days=400)).isoformat()
        )
        for key, value in fields.items()
    }

    response = act(browser_for(client_a), service, "suspend", **values)

    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_what_the_service_state_does_not_allow_is_not_offered(client_a, service):
    browser = browser_for(client_a)

    assert browser.get(f"/services/{service.id}/resume").status_code == 404
    assert act(browser, service, "resume").status_code == 404
    assert act(browser, service, "explode").status_code == 404
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_a_provider_whose_billing_cannot_switch_off_does_not_offer_it(client_a, service):
    with schema_context(client_a.provider.schema_name):
        BillingConnection.objects.update(options={"service_actions": ["suspend", "resume"]})
    browser = browser_for(client_a)

    page = browser.get(f"/services/{service.id}/").content.decode()

    assert f"/services/{service.id}/suspend" in page
    assert f"/services/{service.id}/end" not in page
    assert act(browser, service, "end").status_code == 404


def test_another_accounts_and_another_providers_services_are_not_found(
    client_a, client_b, service, provider_a
):
    with schema_context(provider_a.schema_name):
        other = Subscription.objects.get(external_id="svc:2")  # acc:2, not client A's
    browser = browser_for(client_a)
    stranger = browser_for(client_b)

    for path in (f"/services/{other.id}/", f"/services/{other.id}/suspend"):
        assert browser.get(path).status_code == 404
    assert act(browser, other, "end").status_code == 404
    # Provider B's client on B's domain asks for A's service id: B's schema has no such thing.
    for response in (stranger.get(f"/services/{service.id}/"), act(stranger, service, "end")):
        assert "Домашний 100" not in response.content.decode()
        assert "12345/2021" not in response.content.decode()
    with schema_context(provider_a.schema_name):
        assert not OutboxMessage.objects.exists()
        assert Subscription.objects.get(pk=other.pk).status == "active"


def test_roles_technician_blocks_services_accountant_asks_for_promises(
    provider_a, service, billing_a
):
    with schema_context(provider_a.schema_name):
        account = ClientAccount.objects.get(external_id="acc:1")
        accountant = make_user(provider_a, Role.CLIENT, "books@alpha.test")
        technician = make_user(provider_a, Role.CLIENT, "tech@alpha.test")
        account_access_grant(user=accountant.user, account=account, role="accountant")
        account_access_grant(user=technician.user, account=account, role="technician")

    assert browser_for(accountant).get(f"/services/{service.id}/").status_code == 403
    assert act(browser_for(accountant), service, "end").status_code == 403
    assert ask_promise(browser_for(technician), amount="100").status_code == 403
    with schema_context(provider_a.schema_name):
        assert not OutboxMessage.objects.exists()
    assert act(browser_for(technician), service, "suspend").status_code == 302
    assert ask_promise(browser_for(accountant), amount="100").status_code == 302


def test_a_promised_payment_is_credited_and_shown_until_its_end(client_a, service, billing_a):
    browser = browser_for(client_a)
    home = browser.get("/").content.decode()
    form = browser.get("/promised-payment/").content.decode()

    done = ask_promise(browser, amount="500.00")

    assert "/promised-payment/" in home
    assert 'value="600.00"' in form  # the recommended payment is offered
    assert done.status_code == 302
    account = reread(client_a.provider, ClientAccount, service.account_id)
    assert account.balance == 379.50
    assert account.promised_amount == 500
    assert account.promised_until > timezone.now() + timedelta(days=4)
    home = browser.get("/").content.decode()
    assert "Обещанный платёж 500,00" in home
    assert 'href="/promised-payment/"' not in home
    again = ask_promise(browser, amount="100")
    assert again.status_code == 400
    with schema_context(client_a.provider.schema_name):
        assert OutboxMessage.objects.count() == 1


def test_billing_takes_a_promised_payment_back_when_its_term_ends(
    client_a, service, billing_a, provider_a
):
    billing_a.admin(
        "PUT",
        "",
        {
            "token": "token-a",
            "event_secret": "secret-a",
            "currency": "RUB",
            "time_zone": "Europe/Moscow",
            "promise_seconds": 1,
        },
    )
    ask_promise(browser_for(client_a), amount="500")
    assert reread(provider_a, ClientAccount, service.account_id).balance == 379.50

    time.sleep(1.5)
    with schema_context(provider_a.schema_name):
        account_refresh(billing_connector(), "acc:1")

    account = reread(provider_a, ClientAccount, service.account_id)
    assert (account.balance, account.promised_amount) == (-120.50, None)


def test_a_promise_above_billings_limit_is_refused_with_its_reason(client_a, service):
    browser = browser_for(client_a)

    ask_promise(browser, amount="5000")

    with schema_context(client_a.provider.schema_name):
        assert OutboxMessage.objects.get().status == OutboxStatus.REJECTED
    home = browser.get("/").content.decode()
    assert "Биллинг отклонил обещанный платёж" in home
    assert "at most 1000.00" in home


@pytest.mark.parametrize("amount", ["", "0", "-5", "abc", "301", "1.234"])
def test_a_bad_amount_is_a_field_error_and_records_nothing(client_a, service, amount):
    with schema_context(client_a.provider.schema_name):
        BillingConnection.objects.update(options={"promised_payment_limit": "300"})

    response = ask_promise(browser_for(client_a), amount=amount)

    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_a_provider_without_promised_payments_does_not_offer_them(client_a, service):
    with schema_context(client_a.provider.schema_name):
        BillingConnection.objects.update(options={"promised_payment": False})
    browser = browser_for(client_a)

    assert "/promised-payment/" not in browser.get("/").content.decode()
    assert browser.get("/promised-payment/").status_code == 404
    assert ask_promise(browser, amount="100").status_code == 404


def order(browser, plan):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return browser.post(f"/catalog/{plan.pk}/order")


@pytest.fixture
def tv(provider_a, service) -> Plan:
    """A TV plan billing knows, open to clients; client A has internet only."""
    with schema_context(provider_a.schema_name):
        Plan.objects.filter(external_id="tp:7").update(service_type="tv", self_service=True)
        return Plan.objects.get(external_id="tp:7")


def test_a_service_ordered_in_the_catalog_appears_on_the_account(client_a, tv, billing_a):
    browser = browser_for(client_a)
    catalog = browser.get("/catalog/").content.decode()
    confirmation = browser.get(f"/catalog/{tv.pk}/order").content.decode()

    done = order(browser, tv)

    assert f"/catalog/{tv.pk}/order" in catalog
    assert "900,00" in confirmation
    assert "12345/2021" in confirmation
    assert done.status_code == 302
    with schema_context(client_a.provider.schema_name):
        assert OutboxMessage.objects.get().status == OutboxStatus.DELIVERED
        held = Subscription.objects.filter(account__external_id="acc:1", plan=tv)
        assert held.get().status == "active"
    plans = [s["plan_id"] for s in billing_a.get("/accounts/acc:1/subscriptions").json()["items"]]
    assert plans == ["tp:5", "tp:7"]
    catalog = browser.get("/catalog/").content.decode()
    assert f"/catalog/{tv.pk}/order" not in catalog  # it is held now


def test_while_billing_is_down_an_order_waits_and_is_not_doubled(client_a, tv, billing_a):
    billing_a.admin("PUT", "/faults", {"mode": "down"})
    browser = browser_for(client_a)

    order(browser, tv)
    catalog = browser.get("/catalog/").content.decode()
    second = order(browser, tv)

    assert "Заказ ждёт ответа биллинга" in catalog
    assert f"/catalog/{tv.pk}/order" not in catalog
    assert second.status_code == 400
    with schema_context(client_a.provider.schema_name):
        assert OutboxMessage.objects.count() == 1


def test_what_cannot_be_ordered_is_not_found(client_a, client_b, tv, provider_a):
    with schema_context(provider_a.schema_name):
        internet = Plan.objects.get(external_id="tp:5")  # held already
        office_only = make_plan("tp:office", name="Офисный", service_type="voip")
        hidden = make_plan("tp:hidden", name="Скрытый", service_type="iptv", self_service=True)
        PlanShowcase.objects.create(plan=hidden, hidden=True)
    browser = browser_for(client_a)

    for plan in (internet, office_only, hidden):
        assert browser.get(f"/catalog/{plan.pk}/order").status_code == 404
        assert order(browser, plan).status_code == 404
    assert browser.get("/catalog/999999/order").status_code == 404
    # Provider B's client asks for A's plan id on B's domain: B has no such plan.
    assert "Домашний 500" not in order(browser_for(client_b), tv).content.decode()
    with schema_context(provider_a.schema_name):
        assert not OutboxMessage.objects.exists()


@pytest.fixture
def refresh_fails(monkeypatch):
    """Billing confirms a write, then the account cannot be read back (it went away)."""

    def unavailable(*args, **kwargs):
        raise ConnectorError("billing went away")

    monkeypatch.setattr("cabinet.sync.tasks.account_refresh", unavailable)


def test_a_confirmed_order_is_not_sent_again_before_the_account_is_read_back(
    client_a, tv, billing_a, refresh_fails
):
    browser = browser_for(client_a)

    first = order(browser, tv)
    catalog = browser.get("/catalog/").content.decode()
    second = order(browser, tv)

    assert first.status_code == 302
    assert second.status_code == 400
    assert f"/catalog/{tv.pk}/order" not in catalog
    plans = [s["plan_id"] for s in billing_a.get("/accounts/acc:1/subscriptions").json()["items"]]
    assert plans.count("tp:7") == 1


def test_a_confirmed_block_or_promise_is_not_asked_again_before_the_read_back(
    client_a, service, billing_a, refresh_fails
):
    browser = browser_for(client_a)

    act(browser, service, "suspend")
    second_block = act(browser, service, "suspend")
    ask_promise(browser, amount="100")
    second_promise = ask_promise(browser, amount="100")

    assert second_block.status_code in (400, 404)
    assert second_promise.status_code == 400
    with schema_context(client_a.provider.schema_name):
        assert OutboxMessage.objects.filter(status=OutboxStatus.REJECTED).count() == 0
        assert OutboxMessage.objects.count() == 2


def test_a_closed_account_cannot_block_or_switch_off_services(client_a, service):
    with schema_context(client_a.provider.schema_name):
        ClientAccount.objects.filter(pk=service.account_id).update(status="closed")
    browser = browser_for(client_a)

    page = browser.get(f"/services/{service.id}/").content.decode()

    assert f"/services/{service.id}/suspend" not in page
    assert act(browser, service, "suspend").status_code == 404
    assert act(browser, service, "end").status_code == 404
    assert browser.get("/promised-payment/").status_code == 404
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_with_the_catalog_switched_off_nothing_can_be_ordered(client_a, tv):
    provider = client_a.provider
    provider.modules = [module for module in provider.modules if module != "catalog"]
    provider.save()
    browser = browser_for(client_a)

    assert browser.get(f"/catalog/{tv.pk}/order").status_code == 404
    assert order(browser, tv).status_code == 404
    with schema_context(provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_a_promise_written_with_an_exponent_reaches_billing_as_plain_money(client_a, service):
    ask_promise(browser_for(client_a), amount="1e2")

    with schema_context(client_a.provider.schema_name):
        message = OutboxMessage.objects.get()
    assert message.payload["amount"] == "100.00"
    assert message.status == OutboxStatus.DELIVERED


def test_a_day_to_resume_given_with_another_action_is_a_field_error(client_a, service):
    back_on = (timezone.localdate() + timedelta(days=5)).isoformat()

    response = act(browser_for(client_a), service, "end", until_on=back_on)

    assert response.status_code == 400
    assert "Только у блокировки есть день возобновления" in response.content.decode()
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_a_missing_action_says_why(client_a, service):
    browser = browser_for(client_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = browser.post(f"/services/{service.id}/end", {})

    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()


def test_garbage_from_billing_leaves_the_change_waiting(client_a, service, billing_a):
    billing_a.admin("PUT", "/faults", {"mode": "garbage", "garbage": "text"})
    browser = browser_for(client_a)

    act(browser, service, "suspend")

    with schema_context(client_a.provider.schema_name):
        assert OutboxMessage.objects.get().status == OutboxStatus.PENDING
    page = browser.get(f"/services/{service.id}/").content.decode()
    assert "Блокировка ждёт ответа биллинга" in page
    assert "<html" not in page.split("change-state")[1][:300]


def test_an_accountant_does_not_see_which_tariffs_the_account_holds(provider_a, service):
    accountant = make_user(provider_a, Role.CLIENT, "books@alpha.test")
    with schema_context(provider_a.schema_name):
        account_access_grant(
            user=accountant.user,
            account=ClientAccount.objects.get(pk=service.account_id),
            role="accountant",
        )

    page = browser_for(accountant).get("/catalog/").content.decode()

    assert "У вас подключено" not in page


def test_a_promised_payment_is_marked_and_not_counted_as_the_clients_money(
    client_a, service, billing_a
):
    with schema_context(client_a.provider.schema_name):
        # A monthly fee, so that the home page forecasts when the money runs out.
        Subscription.objects.filter(pk=service.pk).update(status="active")
    browser = browser_for(client_a)

    ask_promise(browser, amount="500")
    with schema_context(client_a.provider.schema_name):
        full_sync(client_a.provider.schema_name)
    payments = browser.get("/payments/").content.decode()
    home = browser.get("/").content.decode()

    assert "Обещанный платёж: биллинг спишет его" in payments
    until = reread(client_a.provider, ClientAccount, service.account_id).promised_until
    day = until.astimezone(ZoneInfo("Europe/Moscow"))
    # 379,50 on the account, of which 500 is promised: the money runs out when it is taken back.
    assert f"хватит до {day.day} " in home
