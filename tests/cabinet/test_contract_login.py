"""On a provider's portal a client may log in with the contract number instead of the e-mail."""

from django.test import Client
from django_tenants.utils import schema_context

from cabinet.accounts.services import account_access_grant
from tenants.users.models import Role
from tests.cabinet.factories import make_account
from tests.conftest import PASSWORD, host_of, make_user


def log_in(browser: Client, username: str, password: str = PASSWORD):
    return browser.post("/login", {"username": username, "password": password})


def owned_account(persona, number: str, role: str = "owner"):
    with schema_context(persona.provider.schema_name):
        account = make_account(f"acc:{number}", number=number)
        account_access_grant(user=persona.user, account=account, role=role)
    return account


def test_the_contract_number_logs_its_owner_in(client_a, browser_a):
    owned_account(client_a, "Д-2026/001")

    response = log_in(browser_a, " д-2026/001 ")

    assert response.status_code == 302
    assert browser_a.get("/").status_code == 200
    assert "Д-2026/001" in browser_a.get("/").content.decode()


def test_a_wrong_password_with_a_contract_number_says_so(client_a, browser_a):
    owned_account(client_a, "10001")

    response = log_in(browser_a, "10001", "not-it")

    assert response.status_code == 200
    assert "номер договора или пароль" in response.content.decode()


def test_a_contract_with_several_owners_needs_the_e_mail(client_a, browser_a):
    account = owned_account(client_a, "10002")
    partner = make_user(client_a.provider, Role.CLIENT, "partner@alpha.test")
    with schema_context(client_a.provider.schema_name):
        account_access_grant(user=partner.user, account=account, role="owner")

    assert log_in(browser_a, "10002").status_code == 200
    assert log_in(browser_a, client_a.user.email).status_code == 302


def test_an_accountant_is_not_logged_in_by_the_contract_number(client_a, browser_a):
    owned_account(client_a, "10003", role="accountant")

    assert log_in(browser_a, "10003").status_code == 200


def test_a_contract_number_of_another_provider_logs_nobody_in(client_a, provider_b):
    owned_account(client_a, "10004")
    make_user(provider_b, Role.CLIENT, client_a.user.email)

    assert log_in(Client(HTTP_HOST=host_of(provider_b)), "10004").status_code == 200


def test_failures_by_number_and_by_e_mail_count_together(client_a, browser_a):
    owned_account(client_a, "10005")
    for username in ["10005", client_a.user.email] * 2 + ["10005"]:
        log_in(browser_a, username, "not-it")

    assert log_in(browser_a, client_a.user.email).status_code == 429
