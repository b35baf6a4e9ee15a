import pytest
from django.db import connections
from django_tenants.utils import schema_context

from tenants.users.models import Role, User
from tests.conftest import PASSWORD, host_of, make_user

pytestmark = pytest.mark.e2e

NO_ACCOUNT_YET = "К вашему входу ещё не привязан лицевой счёт"


@pytest.fixture
def client_of_alpha(committed_db, providers):
    persona = make_user(providers["a"], Role.CLIENT, "journey@alpha.test")
    yield persona
    with schema_context(providers["a"].schema_name):
        User.objects.filter(pk=persona.user.pk).delete()
    # While Playwright runs, Django hands this thread a context-local connection; close it here,
    # in the context that opened it.
    connections.close_all()


def test_client_logs_in_on_its_portal_and_is_a_stranger_at_another(
    page, live_url, providers, client_of_alpha
):
    alpha = f"http://{host_of(providers['a'])}:{live_url}"
    bravo = f"http://{host_of(providers['b'])}:{live_url}"

    page.goto(alpha + "/")
    assert page.url == alpha + "/login?next=/"
    assert page.locator("h1").inner_text() == "Вход в Альфа-Связь"
    page.get_by_label("Эл. почта").fill("journey@alpha.test")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(alpha + "/")
    assert page.locator("h1").inner_text() == NO_ACCOUNT_YET

    page.goto(bravo + "/")
    assert page.url == bravo + "/login?next=/"
    assert page.locator("h1").inner_text() == "Log in to Bravo Hosting"

    page.goto(alpha + "/")
    assert page.locator("h1").inner_text() == NO_ACCOUNT_YET
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_url(alpha + "/login")


def test_wrong_password_shows_the_reason_and_keeps_the_visitor_out(
    page, live_url, providers, client_of_alpha
):
    alpha = f"http://{host_of(providers['a'])}:{live_url}"

    page.goto(alpha + "/login")
    page.get_by_label("Эл. почта").fill("journey@alpha.test")
    page.get_by_label("Пароль").fill("not-the-password")
    page.get_by_role("button", name="Войти").click()

    assert "Неверная почта, номер договора или пароль" in page.locator(".errors").inner_text()
    page.goto(alpha + "/")
    assert page.url == alpha + "/login?next=/"
