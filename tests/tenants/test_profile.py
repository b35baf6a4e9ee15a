"""A user's own profile: name and language, password change, and logging out everywhere."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tenants.users.email_categories import EmailCategory, email_wanted
from tenants.users.models import User
from tests.conftest import PASSWORD, host_of
from tests.tenants.test_logins import login


def logged_in(persona) -> Client:
    browser = Client(HTTP_HOST=host_of(persona.provider))
    assert login(browser, persona.user.email).status_code == 302
    return browser


def test_a_client_chooses_english_on_a_russian_portal(client_a):
    browser = logged_in(client_a)

    response = browser.post("/profile/", {"full_name": "Anna Smirnova", "language": "en"})

    assert response.status_code == 302
    page = browser.get("/profile/").content.decode()
    assert "Profile" in page
    assert "Anna Smirnova" in page


def test_a_language_the_site_does_not_speak_is_a_field_error(client_a):
    response = logged_in(client_a).post("/profile/", {"language": "de"})

    assert response.status_code == 400
    assert "field-error" in response.content.decode()


def test_logging_out_everywhere_ends_every_session(client_a):
    phone, laptop = logged_in(client_a), logged_in(client_a)

    phone.post("/profile/logout-everywhere")

    assert phone.get("/profile/").status_code == 302
    assert laptop.get("/profile/").status_code == 302
    again = logged_in(client_a)
    assert again.get("/profile/").status_code == 200


def test_changing_the_password_keeps_this_session_and_ends_the_others(client_a):
    here, elsewhere = logged_in(client_a), logged_in(client_a)

    response = here.post(
        "/profile/password",
        {
            "old_password": PASSWORD,
            "new_password1": "brand-new-secret-9",
            "new_password2": "brand-new-secret-9",
        },
    )

    assert response.status_code == 302
    assert here.get("/profile/").status_code == 200
    assert elsewhere.get("/profile/").status_code == 302


def test_the_profile_needs_a_login(provider_a):
    response = Client(HTTP_HOST=host_of(provider_a)).get("/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login")


def test_a_client_chooses_which_e_mails_to_get_and_offers_start_switched_off(client_a):
    browser = logged_in(client_a)
    page = browser.get("/profile/").content.decode()

    response = browser.post(
        "/profile/",
        {"phone": "+7 912 345-67-89", "email_categories": ["statements", "offers"]},
    )

    reminders = page.split('value="reminders"')[1].split(">")[0]
    offers = page.split('value="offers"')[1].split(">")[0]
    assert "checked" in reminders
    assert "checked" not in offers
    assert "Приглашения, одноразовые коды" in page  # what always comes is said
    assert response.status_code == 302
    with schema_context(client_a.provider.schema_name):
        user = User.objects.get(pk=client_a.user.pk)
    assert user.phone == "+7 912 345-67-89"
    assert email_wanted(user, EmailCategory.OFFERS)
    assert email_wanted(user, EmailCategory.STATEMENTS)
    assert not email_wanted(user, EmailCategory.REMINDERS)


def test_a_new_client_gets_service_mail_but_no_offers(client_a):
    assert email_wanted(client_a.user, EmailCategory.REMINDERS)
    assert email_wanted(client_a.user, EmailCategory.SERVICE_NEWS)
    assert not email_wanted(client_a.user, EmailCategory.OFFERS)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phone": "call me"}, "phone"),
        ({"phone": "+7" + "9" * 30}, "phone"),
        ({"phone": "+1222222222222222222223"}, "phone"),
        ({"phone": "+7(((((((((((((((((9"}, "phone"),
        ({"email_categories": ["spam"]}, "email_categories"),
    ],
)
def test_bad_contacts_and_choices_are_field_errors_and_change_nothing(client_a, fields, field):
    response = logged_in(client_a).post("/profile/", {"full_name": "Changed", **fields})

    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    with schema_context(client_a.provider.schema_name):
        user = User.objects.get(pk=client_a.user.pk)
    assert (user.full_name, user.phone) == (client_a.user.full_name, "")
    assert user.email_categories == client_a.user.email_categories


def test_staff_have_no_e_mail_choices_and_cannot_post_them(admin_a):
    browser = logged_in(admin_a)

    page = browser.get("/profile/").content.decode()
    browser.post("/profile/", {"email_categories": ["offers"]})

    assert 'name="email_categories"' not in page
    with schema_context(admin_a.provider.schema_name):
        assert "offers" not in User.objects.get(pk=admin_a.user.pk).email_categories
