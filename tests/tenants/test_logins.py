import re

import pytest
from django.core import mail
from django.test import Client
from django_tenants.utils import schema_context

from tenants.models import Reseller
from tenants.services import platform_user_create
from tenants.users.models import Role, User
from tenants.users.services import invitation_create
from tenants.users.tokens import password_reset_token_generator
from tests.conftest import PASSWORD, host_of, make_user


def login(browser: Client, email: str, password: str = PASSWORD):
    return browser.post("/login", {"username": email, "password": password})


def test_client_logs_in_on_its_providers_domain_and_lands_home(db, client_a, browser_a):
    response = login(browser_a, "CLIENT@alpha.test")

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = browser_a.get("/")
    assert home.status_code == 200
    assert "Альфа-Связь" in home.content.decode()


def test_provider_staff_lands_on_manage(db, admin_a, browser_a):
    response = login(browser_a, admin_a.user.email)

    assert response["Location"] == "/manage/"
    assert browser_a.get("/manage/").status_code == 200
    assert browser_a.get("/")["Location"] == "/manage/"


def test_client_cannot_open_manage(db, client_a, browser_a):
    login(browser_a, client_a.user.email)

    assert browser_a.get("/manage/").status_code == 403


def test_anonymous_visitor_is_sent_to_login(db, browser_a):
    assert browser_a.get("/manage/")["Location"] == "/login?next=/manage/"
    assert browser_a.get("/")["Location"] == "/login?next=/"


def test_credentials_of_one_provider_do_not_open_another(db, client_a, browser_b):
    response = login(browser_b, client_a.user.email)

    assert response.status_code == 200
    assert "wrong" in response.content.decode()
    assert "_auth_user_id" not in browser_b.session


def test_same_email_at_two_providers_is_two_users(db, provider_a, provider_b, browser_a, browser_b):
    make_user(provider_a, Role.CLIENT, "same@person.test")
    with schema_context(provider_b.schema_name):
        from tenants.users.services import user_create

        user_create(email="same@person.test", role=Role.CLIENT, password="another-password-42")

    assert login(browser_a, "same@person.test").status_code == 302
    assert login(browser_b, "same@person.test").status_code == 200
    assert login(browser_b, "same@person.test", "another-password-42").status_code == 302


def test_session_cookie_of_one_provider_is_worthless_at_another(db, client_a, client_b, provider_b):
    browser = Client(HTTP_HOST=host_of(client_a.provider))
    login(browser, client_a.user.email)
    stolen = browser.cookies["sessionid"].value

    elsewhere = Client(HTTP_HOST=host_of(provider_b))
    elsewhere.cookies["sessionid"] = stolen

    assert elsewhere.get("/")["Location"] == "/login?next=/"
    assert elsewhere.get("/api/v1/me").status_code == 401  # unknown here: not logged in


def test_session_cookie_is_host_only(db, client_a, browser_a):
    login(browser_a, client_a.user.email)

    cookie = browser_a.cookies["sessionid"]
    assert cookie["domain"] == ""
    assert cookie["httponly"] is True


def test_api_names_the_user_of_this_provider(db, client_a, browser_a):
    login(browser_a, client_a.user.email)

    assert browser_a.get("/api/v1/me").json() == {
        "email": "client@alpha.test",
        "full_name": "client",
        "phone": "",
        "language": "",
        "role": "client",
        "email_categories": ["reminders", "service_news", "statements"],
        "provider": "alpha",
    }


def test_provider_session_is_worthless_on_the_platform(db, admin_a, browser_a, platform_browser):
    login(browser_a, admin_a.user.email)
    platform_browser.cookies["sessionid"] = browser_a.cookies["sessionid"].value

    assert platform_browser.get("/")["Location"] == "/login?next=/"


def test_provider_admin_cannot_log_in_to_the_platform(db, admin_a, platform_browser):
    assert login(platform_browser, admin_a.user.email).status_code == 200


def test_operator_sees_every_provider(db, operator, platform_browser, provider_a, provider_b):
    assert login(platform_browser, operator.user.email)["Location"] == "/"

    page = platform_browser.get("/").content.decode()
    assert provider_a.name in page
    assert provider_b.name in page


def test_reseller_sees_only_the_providers_it_onboarded(
    db, platform_browser, provider_a, provider_b
):
    reseller = Reseller.objects.create(name="Partner", slug="partner")
    provider_a.reseller = reseller
    provider_a.save()
    platform_user_create(
        email="sales@partner.test", role=Role.RESELLER, password=PASSWORD, reseller=reseller
    )

    login(platform_browser, "sales@partner.test")
    page = platform_browser.get("/").content.decode()

    assert provider_a.name in page
    assert provider_b.name not in page


def test_operator_cannot_log_in_on_a_provider_domain(db, operator, browser_a):
    assert login(browser_a, operator.user.email).status_code == 200


def _reset_link(browser: Client, email: str) -> str:
    mail.outbox.clear()
    assert browser.post("/password-reset/", {"email": email}).status_code == 302
    (message,) = mail.outbox
    return re.search(r"http://[^\s]+", message.body).group(0)


def test_password_reset_works_at_its_own_provider(db, client_a, browser_a):
    link = _reset_link(browser_a, client_a.user.email)
    assert link.startswith(f"http://{host_of(client_a.provider)}/password-reset/")

    form_page = browser_a.get(link, follow=True)
    response = browser_a.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret-9", "new_password2": "a-brand-new-secret-9"},
    )

    assert response.status_code == 302
    assert (
        login(
            Client(HTTP_HOST=host_of(client_a.provider)),
            client_a.user.email,
            "a-brand-new-secret-9",
        ).status_code
        == 302
    )


def test_password_reset_link_is_worthless_at_another_provider(db, client_a, provider_b):
    # A twin at provider B with the same id, e-mail and password hash: everything a plain
    # Django reset token is made of.
    with schema_context(provider_b.schema_name):
        User.objects.create(
            pk=client_a.user.pk,
            email=client_a.user.email,
            password=client_a.user.password,
            role=Role.CLIENT,
        )
    link = _reset_link(Client(HTTP_HOST=host_of(client_a.provider)), client_a.user.email)
    path = link.split(host_of(client_a.provider), 1)[1]

    page = Client(HTTP_HOST=host_of(provider_b)).get(path, follow=True)

    assert "This link does not work" in page.content.decode()
    with schema_context(provider_b.schema_name):
        twin = User.objects.get(pk=client_a.user.pk)
        assert password_reset_token_generator.check_token(twin, path.split("/")[3]) is False
    with schema_context(client_a.provider.schema_name):
        assert password_reset_token_generator.check_token(client_a.user, path.split("/")[3])


def test_invitation_sets_a_password_and_is_single_use(db, provider_a):
    invited = make_user(provider_a, Role.PROVIDER_STAFF, "new@alpha.test")
    with schema_context(provider_a.schema_name):
        _, token = invitation_create(user=invited.user)
    browser = Client(HTTP_HOST=host_of(provider_a))

    assert browser.get(f"/invite/{token}/").status_code == 200
    weak = browser.post(f"/invite/{token}/", {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200
    assert "field-error" in weak.content.decode()
    response = browser.post(
        f"/invite/{token}/",
        {"new_password1": "fresh-secret-77", "new_password2": "fresh-secret-77"},
    )
    assert response["Location"] == "/manage/"
    assert Client(HTTP_HOST=host_of(provider_a)).get(f"/invite/{token}/").status_code == 404


@pytest.mark.parametrize("token", ["nonsense", "x" * 500])
def test_unknown_invitation_is_a_clear_404(db, browser_a, token):
    response = browser_a.get(f"/invite/{token}/")

    assert response.status_code == 404
    assert 'type="password"' not in response.content.decode()


def test_invitation_of_one_provider_is_worthless_at_another(db, provider_a, provider_b):
    invited = make_user(provider_a, Role.PROVIDER_STAFF, "new@alpha.test")
    with schema_context(provider_a.schema_name):
        _, token = invitation_create(user=invited.user)

    assert Client(HTTP_HOST=host_of(provider_b)).get(f"/invite/{token}/").status_code == 404


def test_reset_link_uses_the_sites_own_port_not_the_requests(db, settings, client_a):
    settings.SITE_PORT = 8000
    browser = Client(HTTP_HOST=host_of(client_a.provider) + ":6666")

    link = _reset_link(browser, client_a.user.email)

    assert link.startswith(f"http://{host_of(client_a.provider)}:8000/password-reset/")


def test_manage_shows_the_providers_settings(db, admin_a, browser_a):
    login(browser_a, admin_a.user.email)

    page = browser_a.get("/manage/").content.decode()

    for shown in ("Интернет-провайдер", "Физические лица", "Каталог услуг", "Europe/Moscow", "RUB"):
        assert shown in page
