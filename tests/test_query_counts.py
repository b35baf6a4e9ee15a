"""Queries per page stay flat: routing, session, user, brandbook, then the page itself."""

from django.test import Client

from tenants.models import Provider
from tenants.services import reseller_create
from tests.conftest import host_of
from tests.tenants.test_logins import login


def test_login_page_queries(db, provider_a, django_assert_max_num_queries):
    browser = Client(HTTP_HOST=host_of(provider_a))
    # One of them reads which legal texts are current; later requests find that in the cache.
    with django_assert_max_num_queries(5):
        assert browser.get("/login").status_code == 200


def test_client_home_without_an_account_queries(
    db, client_a, browser_a, django_assert_max_num_queries
):
    # The page with a full account is pinned in tests/cabinet/test_home.py.
    login(browser_a, client_a.user.email)
    with django_assert_max_num_queries(7):
        assert browser_a.get("/").status_code == 200


def test_manage_home_queries(db, admin_a, browser_a, django_assert_max_num_queries):
    login(browser_a, admin_a.user.email)
    with django_assert_max_num_queries(6):
        assert browser_a.get("/manage/").status_code == 200


def test_platform_home_queries_do_not_grow_with_providers(
    db, operator, platform_browser, provider_a, provider_b, django_assert_max_num_queries
):
    reseller = reseller_create(name="Partner")
    Provider.objects.update(reseller=reseller)
    login(platform_browser, operator.user.email)
    with django_assert_max_num_queries(6):
        page = platform_browser.get("/")
    assert provider_a.name in page.content.decode()
    assert "Partner" in page.content.decode()
