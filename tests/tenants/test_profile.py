"""A user's own profile: name and language, password change, and logging out everywhere."""

from django.test import Client

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
