"""The provider's payment gateway settings in /manage/: keys encrypted and never shown back,
amounts, purposes and YooKassa receipt settings checked, administrators only."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from connectors.models import PaymentGateway
from tenants.users.models import Role
from tests.cabinet.factories import make_plan
from tests.conftest import make_user
from tests.console.test_imports import staff_browser

PATH = "/manage/payments/gateway"
YOOKASSA = {
    "kind": "yookassa",
    "mode": "test",
    "shop_id": "506751",
    "secret_key": "test_Fh8hUAVVBGUGbjmlzba6TB0iyUbos_lueTHE-axOwM0",
    "min_amount": "10.00",
    "max_amount": "50000.00",
    "purposes": ["top_up", "invoice"],
    "tax_system": "2",
    "vat_code": "11",
    "payment_subject": "service",
    "payment_mode": "full_prepayment",
    "receipt_contact": "email",
}


@pytest.fixture
def admin_b(provider_b):
    return make_user(provider_b, Role.PROVIDER_ADMIN, "admin@bravo.test")


def stored(provider) -> PaymentGateway | None:
    with schema_context(provider.schema_name):
        return PaymentGateway.objects.first()


def test_an_admin_sets_up_yookassa_and_the_key_never_comes_back(admin_a):
    with schema_context(admin_a.provider.schema_name):
        make_plan("tp:1")
        make_plan("tp:tv", service_type="tv")
    browser = staff_browser(admin_a)

    saved = browser.post(PATH, {**YOOKASSA, "vat_tv": "12"})
    page = browser.get(PATH).content.decode()

    assert saved.status_code == 302
    gateway = stored(admin_a.provider)
    assert gateway.credentials["secret_key"] == YOOKASSA["secret_key"]
    assert (gateway.vat_code, gateway.vat_codes, gateway.tax_system) == (11, {"tv": 12}, 2)
    assert YOOKASSA["secret_key"] not in page
    assert "…wM0" not in page  # the hint shows the last four characters only
    assert "…OwM0" in page
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT credentials FROM "{admin_a.provider.schema_name}".connectors_paymentgateway'
        )
        (raw,) = cursor.fetchone()
    assert "test_Fh8h" not in raw
    assert "506751" not in raw


def test_an_empty_key_keeps_the_stored_one(admin_a):
    browser = staff_browser(admin_a)
    browser.post(PATH, YOOKASSA)

    again = browser.post(PATH, {**YOOKASSA, "secret_key": "", "max_amount": "70000"})

    assert again.status_code == 302
    gateway = stored(admin_a.provider)
    assert gateway.credentials["secret_key"] == YOOKASSA["secret_key"]
    assert str(gateway.max_amount) == "70000.00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"secret_key": "live_Fh8hUAVVBGUGbjmlzba6TB0iyUbos"}, "secret_key"),
        ({"secret_key": "not a key"}, "secret_key"),
        ({"shop_id": "shop-1"}, "shop_id"),
        ({"min_amount": "0"}, "min_amount"),
        ({"min_amount": "100", "max_amount": "50"}, "max_amount"),
        ({"min_amount": "10.001"}, "min_amount"),
        ({"purposes": []}, "purposes"),
        ({"vat_code": ""}, "vat_code"),
        ({"vat_code": "13"}, "vat_code"),
        ({"tax_system": "7"}, "tax_system"),
        ({"receipt_contact": ""}, "receipt_contact"),
        ({"kind": "paypal"}, "kind"),
    ],
)
def test_bad_settings_are_field_errors_and_store_nothing(admin_a, change, field):
    response = staff_browser(admin_a).post(PATH, {**YOOKASSA, **change})

    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert stored(admin_a.provider) is None


def test_stripe_keys_must_match_the_mode_and_yookassa_takes_roubles_only(admin_b):
    browser = staff_browser(admin_b)  # provider B counts in euros
    stripe = {
        "kind": "stripe",
        "mode": "live",
        "secret_key": "sk_test_51Hx0aB2cD3eF4gH5",
        "webhook_secret": "whsec_1234567890abcdef",
        "min_amount": "5",
        "max_amount": "5000",
        "purposes": ["invoice"],
    }

    mismatched = browser.post(PATH, stripe)
    roubles_only = browser.post(PATH, YOOKASSA)
    saved = browser.post(PATH, {**stripe, "mode": "test"})

    assert mismatched.status_code == 400
    assert "field-error" in mismatched.content.decode()
    assert roubles_only.status_code == 400
    assert saved.status_code == 302
    gateway = stored(admin_b.provider)
    assert (gateway.kind, gateway.purposes, gateway.vat_code) == ("stripe", ["invoice"], None)


def test_only_administrators_reach_the_keys_and_each_provider_sees_its_own(
    admin_a, admin_b, provider_a
):
    staff = make_user(provider_a, Role.PROVIDER_STAFF, "staff@alpha.test")
    client = make_user(provider_a, Role.CLIENT, "payer@alpha.test")
    staff_browser(admin_a).post(PATH, YOOKASSA)

    assert staff_browser(staff).get(PATH).status_code == 403
    assert staff_browser(staff).post(PATH, {**YOOKASSA, "shop_id": "1"}).status_code == 403
    assert staff_browser(client).get(PATH).status_code == 403
    other = staff_browser(admin_b).get(PATH).content.decode()
    assert "…OwM0" not in other
    assert stored(admin_a.provider).credentials["shop_id"] == "506751"


def test_switching_payments_off_needs_no_keys(admin_a):
    browser = staff_browser(admin_a)
    browser.post(PATH, YOOKASSA)

    off = browser.post(
        PATH, {"kind": "none", "mode": "test", "min_amount": "10", "max_amount": "100"}
    )

    assert off.status_code == 302
    gateway = stored(admin_a.provider)
    assert (gateway.kind, gateway.credentials, gateway.tax_system) == ("none", {}, None)
