"""Provider staff give clients access: one account at a time, or every holder with an e-mail."""

import re

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from cabinet.accounts.models import AccountAccess
from cabinet.accounts.services import account_access_grant
from tenants.users.models import Role, User
from tests.cabinet.factories import make_account
from tests.cabinet.test_home import browser_for
from tests.conftest import host_of, make_user
from tests.console.test_imports import staff_browser

pytestmark = pytest.mark.usefixtures("eager")


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def accept(link: str, provider) -> Client:
    browser = Client(HTTP_HOST=host_of(provider))
    path = "/" + link.split("/", 3)[3]
    response = browser.post(
        path, {"new_password1": "fresh-secret-77", "new_password2": "fresh-secret-77"}
    )
    assert response.status_code == 302, response.content.decode()
    return browser


def test_staff_invite_a_holder_who_then_sees_the_account(admin_a, mailoutbox):
    with schema_context(admin_a.provider.schema_name):
        account = make_account("acc:1", number="10001", email="ivanov@example.com")
    browser = staff_browser(admin_a)

    form = browser.get(f"/manage/clients/{account.id}/invite").content.decode()
    response = browser.post(
        f"/manage/clients/{account.id}/invite", {"email": "Ivanov@Example.com", "role": "owner"}
    )

    assert 'value="ivanov@example.com"' in form  # the e-mail billing knows
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.to == ["ivanov@example.com"]
    assert "10001" in message.body
    assert message.subject == "Ваш личный кабинет в Альфа-Связь"
    client = accept(link_in(message), admin_a.provider)
    assert "10001" in client.get("/").content.decode()


def test_a_user_who_already_logs_in_gets_the_account_added(admin_a, client_a, mailoutbox):
    with schema_context(admin_a.provider.schema_name):
        first = make_account("acc:1", number="10001")
        second = make_account("acc:2", number="10002")
        account_access_grant(user=client_a.user, account=first, role="owner")

    staff_browser(admin_a).post(
        f"/manage/clients/{second.id}/invite", {"email": client_a.user.email, "role": "owner"}
    )

    (message,) = mailoutbox
    assert "/login" in link_in(message)
    assert "/invite/" not in message.body
    with schema_context(admin_a.provider.schema_name):
        assert AccountAccess.objects.filter(user=client_a.user).count() == 2
        assert User.objects.filter(email=client_a.user.email).count() == 1


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"email": "not-an-email", "role": "owner"}, "field-error"),
        ({"email": "x@example.com", "role": "boss"}, "field-error"),
        ({"email": "x@example.com", "role": "accountant"}, "есть только владелец"),
        ({"email": "{staff}", "role": "owner"}, "сотруднику провайдера"),
    ],
)
def test_bad_invitations_say_why_and_change_nothing(admin_a, mailoutbox, fields, reason):
    with schema_context(admin_a.provider.schema_name):
        account = make_account("acc:1", number="10001")
    data = {key: value.replace("{staff}", admin_a.user.email) for key, value in fields.items()}

    response = staff_browser(admin_a).post(f"/manage/clients/{account.id}/invite", data)

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not mailoutbox
    with schema_context(admin_a.provider.schema_name):
        assert not AccountAccess.objects.exists()


def test_a_legal_entity_gets_an_accountant(admin_a, mailoutbox):
    with schema_context(admin_a.provider.schema_name):
        account = make_account("acc:co", number="C-1", holder_kind="legal_entity")

    staff_browser(admin_a).post(
        f"/manage/clients/{account.id}/invite", {"email": "books@co.example", "role": "accountant"}
    )

    with schema_context(admin_a.provider.schema_name):
        assert AccountAccess.objects.get().role == "accountant"


def test_invite_all_reaches_each_holder_once(admin_a, mailoutbox):
    with schema_context(admin_a.provider.schema_name):
        make_account("acc:1", number="10001", email="petrov@example.com")
        make_account("acc:2", number="10002", email="PETROV@example.com")  # same person
        make_account("acc:3", number="10003", email="sidorova@example.com")
        make_account("acc:4", number="10004")  # no e-mail in billing
    browser = staff_browser(admin_a)
    assert "3 счёта" in browser.get("/manage/clients/").content.decode()

    browser.post("/manage/clients/invite-all")
    browser.post("/manage/clients/invite-all")

    assert sorted(message.to[0] for message in mailoutbox) == [
        "petrov@example.com",
        "sidorova@example.com",
    ]
    with schema_context(admin_a.provider.schema_name):
        petrov = User.objects.get(email="petrov@example.com")
        assert AccountAccess.objects.filter(user=petrov).count() == 2


def test_clients_and_other_providers_cannot_invite(admin_a, client_a, provider_b, mailoutbox):
    with schema_context(admin_a.provider.schema_name):
        account = make_account("acc:1", number="10001")
    admin_b = make_user(provider_b, Role.PROVIDER_ADMIN, "admin@bravo.test")

    assert staff_browser(client_a).get("/manage/clients/").status_code == 403
    assert staff_browser(client_a).post("/manage/clients/invite-all").status_code == 403
    answer = staff_browser(admin_b).post(
        f"/manage/clients/{account.id + 1000}/invite", {"email": "x@example.com", "role": "owner"}
    )
    assert answer.status_code == 404
    assert "10001" not in staff_browser(admin_b).get("/manage/clients/").content.decode()
    assert not mailoutbox


def test_the_client_list_finds_by_number_or_name(admin_a):
    with schema_context(admin_a.provider.schema_name):
        make_account("acc:1", number="10001", holder_name="Петров Пётр")
        make_account("acc:2", number="20002", holder_name="Сидорова Анна")
    browser = staff_browser(admin_a)

    by_name = browser.get("/manage/clients/", {"q": "сидор"}).content.decode()
    by_number = browser.get("/manage/clients/", {"q": "1000"}).content.decode()

    assert "20002" in by_name
    assert "10001" not in by_name
    assert "10001" in by_number
    assert "20002" not in by_number


def test_the_client_list_queries_stay_flat(admin_a, django_assert_max_num_queries):
    with schema_context(admin_a.provider.schema_name):
        for number in range(60):
            account = make_account(f"acc:{number}", number=f"{10000 + number}")
            user = User.objects.create(email=f"c{number}@example.com", role=Role.CLIENT)
            account_access_grant(user=user, account=account, role="owner")
    browser = staff_browser(admin_a)

    # Routing (3), session, user, count, page, who logs in, accounts without users, brandbook.
    with django_assert_max_num_queries(10):
        assert browser.get("/manage/clients/").status_code == 200


def test_staff_find_a_client_by_inn_e_mail_or_phone_however_written(db, provider_a, provider_b):
    staff = browser_for(make_user(provider_a, Role.PROVIDER_STAFF, "desk@alpha.test"))
    holder = make_user(provider_a, Role.CLIENT, "owner@firm.example")
    with schema_context(provider_a.schema_name):
        firm = make_account(
            "acc:firm",
            number="Ю-501",
            holder_name="ООО «Ромашка»",
            inn="7701234567",
            phone="+7 (800) 555-35-35",
        )
        make_account("acc:other", number="Ф-9", holder_name="Петров П. П.")
        account_access_grant(user=holder.user, account=firm, role="owner")
    with schema_context(provider_b.schema_name):
        make_account("acc:b", number="B-1", holder_name="Bravo Client", inn="7701234567")

    def found(query: str) -> str:
        return staff.get("/manage/clients/", {"q": query}).content.decode()

    for query in ("7701234567", "OWNER@firm.example", "8005553535", "+7 800 555 35 35", "ромашка"):
        page = found(query)
        assert "Ю-501" in page, query
        assert "Ф-9" not in page, query
        assert "B-1" not in page, query
    assert staff.get("/manage/clients/", {"q": "%_\\'\" ;--" * 8}).status_code == 200
