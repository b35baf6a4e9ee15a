"""Optional TOTP two-factor authentication: turning it on, logging in with it, and its edges."""

import time

from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD, host_of
from tests.tenants.test_logins import login
from tests.tenants.test_profile import logged_in


def current_code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


def turn_on(persona) -> TOTPDevice:
    browser = logged_in(persona)
    page = browser.get("/profile/two-factor").content.decode()
    assert "<svg" in page
    with schema_context(persona.provider.schema_name):
        device = TOTPDevice.objects.get(user=persona.user)
    assert browser.post("/profile/two-factor", {"code": current_code(device)}).status_code == 302
    with schema_context(persona.provider.schema_name):
        device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_wrong_code_does_not_turn_it_on(client_a):
    browser = logged_in(client_a)
    browser.get("/profile/two-factor")

    response = browser.post("/profile/two-factor", {"code": "000000"})

    assert response.status_code == 400
    with schema_context(client_a.provider.schema_name):
        assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_logging_in_then_asks_for_the_code(client_a):
    device = turn_on(client_a)
    browser = Client(HTTP_HOST=host_of(client_a.provider))

    first = login(browser, client_a.user.email)
    assert first["Location"] == "/login/code"
    assert browser.get("/profile/").status_code == 302  # not logged in yet
    # The code that turned it on is spent; the next one is accepted.
    done = browser.post("/login/code", {"code": current_code(device, offset=1)})

    assert done.status_code == 302
    assert browser.get("/profile/").status_code == 200


def test_a_wrong_code_keeps_the_visitor_out_and_slows_down(client_a):
    device = turn_on(client_a)
    browser = Client(HTTP_HOST=host_of(client_a.provider))
    login(browser, client_a.user.email)

    wrong = browser.post(
        "/login/code", {"code": "123456" if current_code(device) != "123456" else "654321"}
    )
    right_at_once = browser.post("/login/code", {"code": current_code(device, offset=1)})

    assert wrong.status_code == 400
    assert right_at_once.status_code == 400  # throttled after a failure
    assert browser.get("/profile/").status_code == 302


def test_the_code_step_expires(client_a):
    device = turn_on(client_a)
    browser = Client(HTTP_HOST=host_of(client_a.provider))
    login(browser, client_a.user.email)
    session = browser.session
    session["two_factor_pending"]["since"] -= 301
    session.save()

    response = browser.post("/login/code", {"code": current_code(device, offset=1)})

    assert response["Location"] == "/login"
    assert browser.get("/profile/").status_code == 302


def test_a_password_reset_does_not_skip_the_code(client_a):
    turn_on(client_a)
    browser = Client(HTTP_HOST=host_of(client_a.provider))
    browser.post("/password-reset/", {"email": client_a.user.email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password-reset/" in line)
    path = "/" + link.split("/", 3)[3]
    form_page = browser.get(path)

    done = browser.post(
        form_page["Location"] if form_page.status_code == 302 else path,
        {"new_password1": "another-secret-55", "new_password2": "another-secret-55"},
    )

    assert done["Location"] == "/login"
    assert browser.get("/profile/").status_code == 302


def test_turning_it_off_needs_a_current_code(client_a):
    device = turn_on(client_a)
    browser = Client(HTTP_HOST=host_of(client_a.provider))
    login(browser, client_a.user.email)
    browser.post("/login/code", {"code": current_code(device, offset=1)})

    refused = browser.post("/profile/two-factor", {"code": "abc"})
    assert refused.status_code == 400
    with schema_context(client_a.provider.schema_name):
        assert TOTPDevice.objects.filter(confirmed=True).exists()


def test_without_two_factor_the_password_is_enough(client_a):
    browser = Client(HTTP_HOST=host_of(client_a.provider))

    assert login(browser, client_a.user.email, PASSWORD)["Location"] == "/"
