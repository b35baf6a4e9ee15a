"""Provider staff see their online payments, filter them and take them as CSV; other providers'
payments and clients stay out."""

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from cabinet.payments.models import OnlinePayment
from tenants.users.models import Role
from tests.cabinet.factories import make_account
from tests.conftest import make_user
from tests.console.test_imports import staff_browser

PATH = "/manage/payments/"


def make_payment(account, amount: str, status: str, gateway_id: str) -> OnlinePayment:
    return OnlinePayment.objects.create(
        account=account,
        purpose="top_up",
        amount=Decimal(amount),
        currency="RUB",
        gateway="yookassa",
        gateway_payment_id=gateway_id,
        status=status,
        cancellation_reason="card_expired" if status == "canceled" else "",
    )


@pytest.fixture
def payments_a(provider_a):
    with schema_context(provider_a.schema_name):
        anna = make_account("acc:1", number="10001", holder_name="Смирнова Анна")
        boris = make_account("acc:2", number="10002", holder_name="Борисов Борис")
        make_payment(anna, "500.00", "succeeded", "2f1a-paid")
        make_payment(boris, "150.00", "canceled", "2f1b-declined")


def test_staff_filter_the_payments_and_take_them_as_csv(provider_a, admin_a, payments_a):
    staff = make_user(provider_a, Role.PROVIDER_STAFF, "desk@alpha.test")
    browser = staff_browser(staff)

    everything = browser.get(PATH).content.decode()
    declined = browser.get(PATH, {"status": "canceled"}).content.decode()
    by_name = browser.get(PATH, {"search": "смирнова"}).content.decode()
    csv = browser.get(PATH, {"status": "succeeded", "export": "csv"})

    assert "2f1a-paid" in everything
    assert "2f1b-declined" in everything
    assert "2f1b-declined" in declined
    assert "2f1a-paid" not in declined
    assert "card_expired" in declined
    assert "2f1a-paid" in by_name
    assert "2f1b-declined" not in by_name
    assert csv["Content-Type"].startswith("text/csv")
    rows = csv.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 2
    assert ";10001;Смирнова Анна;top_up;500.00;RUB;succeeded;2f1a-paid;" in rows[1]


def test_bad_filters_are_field_errors(admin_a, payments_a):
    response = staff_browser(admin_a).get(PATH, {"status": "stolen", "since": "yesterday"})

    assert response.status_code == 400
    assert "field-error" in response.content.decode()


def test_clients_are_refused_and_another_provider_sees_only_its_own(
    provider_a, provider_b, client_a, payments_a
):
    admin_b = make_user(provider_b, Role.PROVIDER_ADMIN, "admin@bravo.test")

    assert staff_browser(client_a).get(PATH).status_code == 403
    other = staff_browser(admin_b).get(PATH).content.decode()
    assert "2f1a-paid" not in other
    assert "Смирнова" not in other


def test_the_list_queries_stay_flat(provider_a, admin_a, django_assert_max_num_queries):
    with schema_context(provider_a.schema_name):
        account = make_account("acc:many", number="20001")
        for number in range(120):
            make_payment(account, "10.00", "succeeded", f"gw-{number}")
    browser = staff_browser(admin_a)

    # Session, user, the page's count and rows (with accounts and invoices), brandbook.
    with django_assert_max_num_queries(6):
        assert browser.get(PATH).status_code == 200
