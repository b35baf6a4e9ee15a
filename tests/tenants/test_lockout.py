"""Repeated failed logins lock the login, then the address, per provider, with a clear message."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.users.models import Role
from tests.conftest import PASSWORD, host_of, make_user


def attempt(browser: Client, username: str, password: str = "wrong-password", address="10.0.0.1"):
    return browser.post("/login", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_login_even_with_the_right_password(client_a, browser_a):
    for _ in range(4):
        assert attempt(browser_a, client_a.user.email).status_code == 200
    assert attempt(browser_a, client_a.user.email).status_code == 429

    locked = attempt(browser_a, client_a.user.email, PASSWORD)

    assert locked.status_code == 429
    assert "Вход временно приостановлен" in locked.content.decode()
    assert "15 минут" in locked.content.decode()
    assert "_auth_user_id" not in browser_a.session


def test_a_locked_login_does_not_lock_others_at_the_same_address(client_a, admin_a, browser_a):
    for _ in range(5):
        attempt(browser_a, client_a.user.email)

    other = attempt(Client(HTTP_HOST=host_of(admin_a.provider)), admin_a.user.email, PASSWORD)

    assert other.status_code == 302


def test_the_lock_lifts_after_the_cool_off(client_a, browser_a):
    for _ in range(5):
        attempt(browser_a, client_a.user.email)
    with schema_context(client_a.provider.schema_name):
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert attempt(browser_a, client_a.user.email, PASSWORD).status_code == 302


def test_a_success_clears_earlier_failures(client_a, browser_a):
    for _ in range(4):
        attempt(browser_a, client_a.user.email)
    assert attempt(browser_a, client_a.user.email, PASSWORD).status_code == 302
    browser_a.post("/logout")

    for _ in range(4):
        attempt(browser_a, client_a.user.email)

    assert attempt(browser_a, client_a.user.email, PASSWORD).status_code == 302


def test_many_failures_from_one_address_lock_the_address(provider_a, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    victim = make_user(provider_a, Role.CLIENT, "victim@alpha.test")
    browser = Client(HTTP_HOST=host_of(provider_a))
    for number in range(10):
        attempt(browser, f"guess{number}@alpha.test", address="203.0.113.9")

    assert attempt(browser, victim.user.email, PASSWORD, "203.0.113.9").status_code == 429
    assert attempt(browser, victim.user.email, PASSWORD, "203.0.113.10").status_code == 302


def test_a_lockout_at_one_provider_does_not_reach_another(client_a, provider_b):
    twin = make_user(provider_b, Role.CLIENT, client_a.user.email)
    for _ in range(5):
        attempt(Client(HTTP_HOST=host_of(client_a.provider)), client_a.user.email)

    elsewhere = attempt(Client(HTTP_HOST=host_of(provider_b)), twin.user.email, PASSWORD)

    assert elsewhere.status_code == 302


@pytest.mark.parametrize("case", ["UPPER", " padded "])
def test_the_login_is_counted_however_it_is_typed(client_a, browser_a, case):
    email = client_a.user.email
    typed = email.upper() if case == "UPPER" else f"  {email}  "
    for _ in range(5):
        attempt(browser_a, typed)

    assert attempt(browser_a, email, PASSWORD).status_code == 429


def test_behind_a_proxy_the_forwarded_address_is_counted(provider_a, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    settings.TRUSTED_PROXY_COUNT = 1
    victim = make_user(provider_a, Role.CLIENT, "victim@alpha.test")
    browser = Client(HTTP_HOST=host_of(provider_a))

    def through_proxy(username, password, client, spoofed="1.2.3.4"):
        # The client may send its own X-Forwarded-For; the proxy appends the real address.
        return browser.post(
            "/login",
            {"username": username, "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"{spoofed}, {client}",
        )

    for number in range(10):
        through_proxy(f"guess{number}@alpha.test", "wrong", "198.51.100.7", f"9.9.9.{number}")

    assert through_proxy(victim.user.email, PASSWORD, "198.51.100.7").status_code == 429
    assert through_proxy(victim.user.email, PASSWORD, "198.51.100.8").status_code == 302
