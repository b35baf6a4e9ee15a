"""The catalog: plans from billing with the provider's own words and pictures, marked with what
the client has, can switch to and can order."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from cabinet.accounts.services import account_access_grant
from cabinet.catalog.models import PlanShowcase
from connectors.models import BillingConnection
from tenants.models import Provider
from tests.cabinet.factories import make_account, make_plan, make_subscription
from tests.cabinet.test_home import browser_for
from tests.console.test_imports import staff_browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def catalog_a(client_a):
    with schema_context(client_a.provider.schema_name):
        BillingConnection.objects.create(kind="simulator", base_url="http://billing.example/x")
        account = make_account()
        mine = make_plan("tp:1", name="Домашний 100", self_service=True)
        better = make_plan("tp:2", name="Домашний 500", self_service=True)
        office = make_plan("tp:3", name="Бизнес", self_service=False)
        tv = make_plan("tp:4", name="ТВ", service_type="tv", self_service=True)
        make_subscription(account, mine)
        account_access_grant(user=client_a.user, account=account, role="owner")
    return {"mine": mine, "better": better, "office": office, "tv": tv}


def test_the_catalog_marks_what_the_client_has_and_can_switch_to(client_a, catalog_a):
    page = browser_for(client_a).get("/catalog/").content.decode()

    assert page.count('class="card plan') == 4
    mine = page.split("Домашний 100")[1].split("</section>")[0]
    better = page.split("Домашний 500")[1].split("</section>")[0]
    office = page.split("Бизнес")[1].split("</section>")[0]
    tv = page.split("ТВ</h2>")[1].split("</section>")[0]
    assert "У вас подключено" in mine
    assert "Можно перейти в кабинете" in better
    assert "обратитесь в офис провайдера" in office
    assert f"/catalog/{catalog_a['tv'].pk}/order" in tv  # another kind of service is ordered
    assert "/order" not in better + office + mine


def test_staff_describe_and_picture_a_plan_and_clients_see_it(admin_a, client_a, catalog_a):
    browser = staff_browser(admin_a)
    plan = catalog_a["better"]

    response = browser.post(
        f"/manage/catalog/{plan.id}",
        {
            "description": "500 Мбит/с и роутер в подарок",
            "position": "1",
            "picture": SimpleUploadedFile("p.png", PNG),
        },
    )

    assert response.status_code == 302
    client = browser_for(client_a)
    page = client.get("/catalog/").content.decode()
    assert "роутер в подарок" in page
    assert page.index("Домашний 500") < page.index("Домашний 100")  # position 1 comes first
    picture = client.get(f"/catalog/{plan.id}/picture")
    assert picture["Content-Type"] == "image/png"
    assert b"".join(picture.streaming_content) == PNG


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.svg", b"<svg onload='alert(1)'/>"), "PNG, JPEG или WebP"),
        (SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024)), "2 МБ"),
    ],
)
def test_a_bad_picture_is_a_field_error_and_changes_nothing(admin_a, catalog_a, upload, message):
    plan = catalog_a["better"]

    response = staff_browser(admin_a).post(
        f"/manage/catalog/{plan.id}", {"description": "new", "position": "1", "picture": upload}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    with schema_context(admin_a.provider.schema_name):
        assert not PlanShowcase.objects.filter(description="new").exists()


def test_hidden_plans_are_absent_for_clients(admin_a, client_a, catalog_a):
    plan = catalog_a["office"]
    staff_browser(admin_a).post(f"/manage/catalog/{plan.id}", {"position": "5", "hidden": "on"})

    assert "Бизнес" not in browser_for(client_a).get("/catalog/").content.decode()


def test_the_catalog_module_switched_off_is_absent(client_a, catalog_a):
    Provider.objects.filter(pk=client_a.provider.pk).update(modules=["usage"])
    browser = browser_for(client_a)

    assert browser.get("/catalog/").status_code == 404
    assert 'href="/catalog/"' not in browser.get("/").content.decode()


def test_clients_cannot_edit_and_other_providers_cannot_reach_the_catalog(
    client_a, catalog_a, provider_b
):
    from tenants.users.models import Role
    from tests.conftest import make_user

    plan = catalog_a["better"]
    admin_b = make_user(provider_b, Role.PROVIDER_ADMIN, "admin@bravo.test")

    assert staff_browser(client_a).get(f"/manage/catalog/{plan.id}").status_code == 403
    assert staff_browser(admin_b).get(f"/manage/catalog/{plan.id + 1000}").status_code == 404
    assert "Домашний" not in staff_browser(admin_b).get("/manage/catalog/").content.decode()


def test_the_catalog_queries_stay_flat(client_a, catalog_a, django_assert_max_num_queries):
    with schema_context(client_a.provider.schema_name):
        for number in range(50):
            plan = make_plan(f"tp:x{number}", name=f"Plan {number}", self_service=True)
            PlanShowcase.objects.create(plan=plan, description="words")
    browser = browser_for(client_a)

    # Session, user, accesses, connection, services, orders under way, plans with their
    # showcase, the published look, the legal texts' current versions (kept in the cache, which
    # starts empty in a test; the host was routed at login).
    with django_assert_max_num_queries(9):
        assert browser.get("/catalog/").status_code == 200
