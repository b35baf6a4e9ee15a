"""A client switches tariff: confirmation with price and timing, delivery through the outbox to
the billing simulator over HTTP, waiting until billing confirms, refusals shown with the reason."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone
from django_tenants.utils import schema_context

from cabinet.accounts.models import ClientAccount
from cabinet.accounts.services import account_access_grant
from cabinet.catalog.models import Plan
from cabinet.services.models import Subscription
from cabinet.sync.models import OutboxMessage, OutboxStatus
from connectors.models import BillingConnection
from tenants.models import Provider
from tenants.users.models import Role
from tests.cabinet.conftest import full_sync
from tests.cabinet.factories import make_account, make_plan, make_subscription
from tests.cabinet.test_home import browser_for
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("eager")


@pytest.fixture
def subscriber(provider_a, billing_a, client_a):
    """Client A owns acc:1 of the simulator, on Домашний 100, with Домашний 500 open to clients."""
    full_sync(provider_a.schema_name)
    with schema_context(provider_a.schema_name):
        Plan.objects.update(self_service=True)
        account = ClientAccount.objects.get(external_id="acc:1")
        account_access_grant(user=client_a.user, account=account, role="owner")
        subscription = Subscription.objects.get(external_id="svc:1")
        target = Plan.objects.get(external_id="tp:7")
    return subscription, target


def choose(browser, subscription, **fields):
    return browser.post(f"/services/{subscription.id}/change", fields)


def confirm(browser, subscription, **fields):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return browser.post(f"/services/{subscription.id}/change", {**fields, "confirm": "1"})


def test_switching_now_is_confirmed_then_applied_by_billing(client_a, subscriber):
    subscription, target = subscriber
    browser = browser_for(client_a)
    assert f"/services/{subscription.id}/change" in browser.get("/").content.decode()

    summary = choose(browser, subscription, plan=target.pk, mode="now").content.decode()
    done = confirm(browser, subscription, plan=target.pk, mode="now")

    assert "Домашний 500" in summary
    assert "900,00" in summary
    assert "сразу" in summary
    assert done.status_code == 302
    with schema_context(client_a.provider.schema_name):
        assert OutboxMessage.objects.get().status == OutboxStatus.DELIVERED
        assert Subscription.objects.get(pk=subscription.pk).plan.external_id == "tp:7"
    home = browser.get("/").content.decode()
    assert "Ваша заявка отправлена в биллинг." in home


def test_from_the_next_period_shows_the_scheduled_switch(client_a, subscriber):
    subscription, target = subscriber
    browser = browser_for(client_a)

    confirm(browser, subscription, plan=target.pk, mode="next_period")

    with schema_context(client_a.provider.schema_name):
        again = Subscription.objects.get(pk=subscription.pk)
        assert (again.plan.external_id, again.scheduled_plan.external_id) == ("tp:5", "tp:7")
    assert "Переход на «Домашний 500» 1 " in browser.get("/").content.decode()


def test_while_billing_is_down_the_change_waits_and_cannot_be_asked_twice(
    client_a, subscriber, billing_a
):
    subscription, target = subscriber
    billing_a.admin("PUT", "/faults", {"mode": "down"})
    browser = browser_for(client_a)

    confirm(browser, subscription, plan=target.pk, mode="now")
    home = browser.get("/").content.decode()
    second = confirm(browser, subscription, plan=target.pk, mode="now")

    assert "Смена на Домашний 500 ждёт ответа биллинга" in home
    assert f"/services/{subscription.id}/change" not in home
    assert second.status_code == 400
    with schema_context(client_a.provider.schema_name):
        assert OutboxMessage.objects.get().status == OutboxStatus.PENDING


def test_a_change_billing_refuses_shows_why(client_a, subscriber):
    subscription, _ = subscriber
    with schema_context(client_a.provider.schema_name):
        # Known to Kabinet but not to billing: billing refuses it.
        stray = make_plan("tp:stray", name="Ночной", service_type="internet", self_service=True)
    browser = browser_for(client_a)

    confirm(browser, subscription, plan=stray.pk, mode="now")

    with schema_context(client_a.provider.schema_name):
        assert OutboxMessage.objects.get().status == OutboxStatus.REJECTED
    home = browser.get("/").content.decode()
    assert "Биллинг отклонил смену на Ночной" in home
    assert "tp:stray" in home


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"plan": "999999", "mode": "now"}, "plan"),
        ({"mode": "now"}, "plan"),
        ({"plan": "{target}", "mode": "tomorrow"}, "mode"),
        ({"plan": "{target}", "mode": "date", "effective_on": "2020-01-01"}, "mode"),
    ],
)
def test_bad_choices_are_field_errors_and_change_nothing(client_a, subscriber, fields, field):
    subscription, target = subscriber
    data = {key: value.replace("{target}", str(target.pk)) for key, value in fields.items()}

    response = confirm(browser_for(client_a), subscription, **data)

    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_a_date_in_the_future_when_billing_allows_dates(client_a, subscriber):
    subscription, target = subscriber
    with schema_context(client_a.provider.schema_name):
        BillingConnection.objects.update(options={"plan_change_modes": ["now", "date"]})
    browser = browser_for(client_a)
    past = choose(browser, subscription, plan=target.pk, mode="date", effective_on="2020-01-01")
    day = (timezone.now() + timedelta(days=10)).date()

    confirm(browser, subscription, plan=target.pk, mode="date", effective_on=day.isoformat())

    assert past.status_code == 400
    with schema_context(client_a.provider.schema_name):
        assert Subscription.objects.get(pk=subscription.pk).scheduled_plan.external_id == "tp:7"


def test_other_accounts_services_and_roles_without_services_are_refused(
    client_a, subscriber, provider_b
):
    subscription, target = subscriber
    with schema_context(client_a.provider.schema_name):
        stranger = make_account("acc:other", number="99")
        theirs = make_subscription(stranger, target, "svc:other")
    accountant = make_user(client_a.provider, Role.CLIENT, "books@alpha.test")
    with schema_context(client_a.provider.schema_name):
        account_access_grant(user=accountant.user, account=subscription.account, role="accountant")
    browser = browser_for(client_a)

    assert browser.get(f"/services/{theirs.id}/change").status_code == 404
    assert confirm(browser, theirs, plan=target.pk, mode="now").status_code == 404
    assert browser_for(accountant).get(f"/services/{subscription.id}/change").status_code == 403
    with schema_context(client_a.provider.schema_name):
        assert not OutboxMessage.objects.exists()


def test_without_self_service_there_is_nothing_to_change(client_a, subscriber):
    subscription, _ = subscriber
    Provider.objects.filter(pk=client_a.provider.pk).update(modules=["usage"])
    browser = browser_for(client_a)

    assert browser.get(f"/services/{subscription.id}/change").status_code == 404
    assert f"/services/{subscription.id}/change" not in browser.get("/").content.decode()
