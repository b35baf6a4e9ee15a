"""Alerts a client sets for itself, checked after every sync, firing once a month as a notice."""

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from cabinet.accounts.alerts import alerts_check
from cabinet.accounts.models import ClientAccount, ClientAlert, Notice
from cabinet.accounts.services import account_access_grant
from cabinet.usage.models import UsageDaily
from tenants.users.models import Role
from tests.cabinet.factories import make_account, provider_today
from tests.cabinet.test_home import browser_for
from tests.conftest import make_user


@pytest.fixture
def watched(client_a):
    with schema_context(client_a.provider.schema_name):
        account = make_account(balance=Decimal("500.00"))
        account_access_grant(user=client_a.user, account=account, role="owner")
        UsageDaily.objects.create(
            account=account,
            day=provider_today(),
            metric="data",
            unit="B",
            direction="in",
            quantity=Decimal(6 * 10**9),
            records=1,
        )
    return account


def test_a_balance_alert_fires_once_when_crossed(client_a, watched):
    browser = browser_for(client_a)
    assert (
        browser.post("/alerts/", {"kind": "balance_below", "threshold": "300"}).status_code == 302
    )
    with schema_context(client_a.provider.schema_name):
        assert alerts_check(time_zone="Europe/Moscow") == 0
        ClientAccount.objects.update(balance=Decimal("120.00"))
        assert alerts_check(time_zone="Europe/Moscow") == 1
        assert alerts_check(time_zone="Europe/Moscow") == 0  # not again this month

    home = browser.get("/").content.decode()
    assert "Баланс 120,00\xa0₽ — ниже заданных вами 300,00\xa0₽." in home


def test_a_usage_alert_compares_in_the_unit_the_client_chose(client_a, watched):
    browser = browser_for(client_a)
    browser.post(
        "/alerts/",
        {"kind": "usage_above", "threshold": "5", "series": "data:in:B", "unit": "GB"},
    )

    with schema_context(client_a.provider.schema_name):
        assert alerts_check(time_zone="Europe/Moscow") == 1

    assert "Интернет-трафик, получено за этот месяц: 6 ГБ" in browser.get("/").content.decode()


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "usage_above", "threshold": "5"},
        {"kind": "usage_above", "threshold": "5", "series": "data:in:B", "unit": "min"},
        {"kind": "usage_above", "threshold": "-1", "series": "data:in:B"},
        {"kind": "balance_below", "threshold": "abc"},
        {"kind": "whenever", "threshold": "1"},
    ],
)
def test_bad_alerts_are_field_errors(client_a, watched, fields):
    response = browser_for(client_a).post("/alerts/", fields)

    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    with schema_context(client_a.provider.schema_name):
        assert not ClientAlert.objects.exists()


def test_a_technician_cannot_watch_the_balance_and_nobody_removes_others_alerts(client_a, watched):
    technician = make_user(client_a.provider, Role.CLIENT, "tech@alpha.test")
    with schema_context(client_a.provider.schema_name):
        account_access_grant(user=technician.user, account=watched, role="technician")
        mine = ClientAlert.objects.create(
            user=client_a.user, account=watched, kind="balance_below", threshold=1
        )
    tech = browser_for(technician)

    refused = tech.post("/alerts/", {"kind": "balance_below", "threshold": "100"})
    tech.post("/alerts/", {"delete": str(mine.pk)})

    assert refused.status_code == 400
    with schema_context(client_a.provider.schema_name):
        assert ClientAlert.objects.filter(pk=mine.pk).exists()
        assert not Notice.objects.exists()
