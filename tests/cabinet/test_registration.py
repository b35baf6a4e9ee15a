"""Self-registration with the contract number and a one-time code sent to billing's e-mail."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django_tenants.utils import schema_context

from branding.legal import legal_publish
from branding.models import LegalAcceptance
from cabinet.accounts.models import AccountAccess, RegistrationCode
from cabinet.accounts.services import account_access_grant
from tenants.models import Provider
from tests.cabinet.factories import make_account
from tests.conftest import host_of


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the per-address limit on /register counts in the cache


@pytest.fixture
def open_registration(provider_a):
    Provider.objects.filter(pk=provider_a.pk).update(
        access_modes=["invitation", "self_registration"]
    )
    with schema_context(provider_a.schema_name):
        account = make_account("acc:1", number="Д-77", email="anna@example.com")
    return provider_a, account


def start(browser: Client, number: str):
    return browser.post("/register", {"number": number})


def finish(browser: Client, code: str, email="anna@example.com", password="fresh-secret-77"):
    return browser.post(
        "/register/confirm",
        {"code": code, "email": email, "password1": password, "password2": password},
    )


def code_in(mailoutbox) -> str:
    return re.search(r"\b\d{6}\b", mailoutbox[-1].body).group(0)


def test_a_holder_registers_with_the_code_from_the_billing_e_mail(open_registration, mailoutbox):
    provider, account = open_registration
    browser = Client(HTTP_HOST=host_of(provider))
    assert "/register" in browser.get("/login").content.decode()

    sent = start(browser, " д-77 ")
    page = browser.get("/register/confirm").content.decode()
    done = finish(browser, code_in(mailoutbox))

    assert sent.status_code == 302
    assert mailoutbox[-1].to == ["anna@example.com"]
    assert "a***@example.com" in page
    assert done.status_code == 302
    assert "Д-77" in browser.get("/").content.decode()
    with schema_context(provider.schema_name):
        assert AccountAccess.objects.get(account=account).role == "owner"


@pytest.mark.parametrize(
    ("number", "reason"),
    [("Д-00", "не найден"), ("", "field-error")],
)
def test_unknown_or_empty_numbers_say_so(open_registration, mailoutbox, number, reason):
    provider, _ = open_registration

    response = start(Client(HTTP_HOST=host_of(provider)), number)

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not mailoutbox


def test_a_contract_without_an_e_mail_or_with_an_owner_cannot_register(
    open_registration, client_a, mailoutbox
):
    provider, account = open_registration
    with schema_context(provider.schema_name):
        make_account("acc:2", number="Д-78")
        account_access_grant(user=client_a.user, account=account, role="owner")
    browser = Client(HTTP_HOST=host_of(provider))

    no_email = start(browser, "Д-78")
    owned = start(browser, "Д-77")

    assert no_email.status_code == 400
    assert "не указан адрес эл. почты" in no_email.content.decode()
    assert owned.status_code == 400
    assert "уже есть личный кабинет" in owned.content.decode()
    assert not mailoutbox


def test_a_wrong_code_counts_and_five_wrong_codes_spend_it(open_registration, mailoutbox):
    provider, account = open_registration
    browser = Client(HTTP_HOST=host_of(provider))
    start(browser, "Д-77")
    right = code_in(mailoutbox)
    wrong = f"{(int(right) + 1) % 10**6:06d}"

    answers = [finish(browser, wrong) for _ in range(5)]
    last = finish(browser, right)

    assert all(answer.status_code == 400 for answer in answers)
    assert "Код неверный" in answers[0].content.decode()
    assert last.status_code == 400
    with schema_context(provider.schema_name):
        assert not AccountAccess.objects.exists()


def test_an_expired_code_is_refused(open_registration, mailoutbox):
    provider, _ = open_registration
    browser = Client(HTTP_HOST=host_of(provider))
    start(browser, "Д-77")
    with schema_context(provider.schema_name):
        row = RegistrationCode.objects.get()
        RegistrationCode.objects.update(expires_at=row.created_at - timedelta(minutes=1))

    assert finish(browser, code_in(mailoutbox)).status_code == 400


def test_codes_per_contract_are_limited(open_registration, mailoutbox):
    provider, _ = open_registration
    browser = Client(HTTP_HOST=host_of(provider))

    answers = [start(browser, "Д-77").status_code for _ in range(4)]

    assert answers == [302, 302, 302, 400]
    assert len(mailoutbox) == 3


def test_a_weak_password_or_a_taken_e_mail_are_field_errors(
    open_registration, client_a, mailoutbox
):
    provider, _ = open_registration
    browser = Client(HTTP_HOST=host_of(provider))
    start(browser, "Д-77")
    code = code_in(mailoutbox)

    weak = finish(browser, code, password="123")
    taken = finish(browser, code, email=client_a.user.email)

    assert weak.status_code == 400
    assert taken.status_code == 400
    assert "здесь уже есть вход" in taken.content.decode()


def test_registration_is_absent_where_the_provider_did_not_open_it(provider_a):
    browser = Client(HTTP_HOST=host_of(provider_a))

    assert browser.get("/register").status_code == 404
    assert "/register" not in browser.get("/login").content.decode()


def test_a_code_from_one_provider_means_nothing_at_another(
    open_registration, provider_b, mailoutbox
):
    provider, _ = open_registration
    Provider.objects.filter(pk=provider_b.pk).update(access_modes=["self_registration"])
    with schema_context(provider_b.schema_name):
        make_account("acc:1", number="Д-77", email="anna@example.com", currency="EUR")
    browser_a = Client(HTTP_HOST=host_of(provider))
    start(browser_a, "Д-77")
    code_a = code_in(mailoutbox)
    browser_b = Client(HTTP_HOST=host_of(provider_b))
    start(browser_b, "Д-77")
    code_b = code_in(mailoutbox)

    if code_a != code_b:
        assert finish(browser_b, code_a).status_code == 400
    assert finish(browser_b, code_b).status_code == 302


def test_one_address_cannot_try_contract_numbers_endlessly(open_registration, mailoutbox):
    provider, _ = open_registration
    browser = Client(HTTP_HOST=host_of(provider), REMOTE_ADDR="198.51.100.23")

    answers = [start(browser, f"Д-{number}") for number in range(21)]
    elsewhere = start(Client(HTTP_HOST=host_of(provider), REMOTE_ADDR="198.51.100.24"), "Д-77")

    assert "Слишком много попыток" not in answers[19].content.decode()
    assert "Слишком много попыток" in answers[20].content.decode()
    assert elsewhere.status_code == 302


def test_registering_accepts_the_providers_current_texts_and_is_refused_without(
    open_registration, mailoutbox
):
    provider, account = open_registration
    with schema_context(provider.schema_name):
        terms = legal_publish(kind="terms", title="Условия", body="Текст", user=None)
        consent = legal_publish(kind="consent", title="Согласие", body="Текст", user=None)
    browser = Client(HTTP_HOST=host_of(provider))
    start(browser, "Д-77")
    code = code_in(mailoutbox)

    page = browser.get("/register/confirm").content.decode()
    without = finish(browser, code)
    done = browser.post(
        "/register/confirm",
        {
            "code": code,
            "email": "anna@example.com",
            "password1": "fresh-secret-77",
            "password2": "fresh-secret-77",
            "accept": "on",
        },
    )

    assert 'href="/legal/terms/"' in page
    assert without.status_code == 400
    assert done.status_code == 302
    assert browser.get("/").status_code == 200  # nothing more to accept
    with schema_context(provider.schema_name):
        accepted = LegalAcceptance.objects.filter(user__email="anna@example.com")
        assert sorted(accepted.values_list("document_id", flat=True)) == sorted(
            [terms.pk, consent.pk]
        )
