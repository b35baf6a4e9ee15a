import pytest
from django.test import Client

from tenants.models import Domain, ProviderStatus
from tests.conftest import host_of


@pytest.mark.parametrize(
    "host",
    [
        "ALPHA.PLATFORM.TEST",
        "alpha.platform.test.",
        "alpha.platform.test:8000",
        "Alpha.Platform.Test.:80",
    ],
)
def test_oddly_written_host_reaches_its_provider(db, provider_a, host):
    response = Client(HTTP_HOST=host).get("/login")

    assert response.status_code == 200
    assert "Альфа-Связь" in response.content.decode()


@pytest.mark.parametrize(
    "host",
    [
        "unknown.platform.test",
        "alpha.platform.test.evil.test",
        "localhost",
        "127.0.0.1",
        "a_b.platform.test",
        "alpha..platform.test",
        "[::1]:8000",
        "x" * 300,
    ],
)
def test_unknown_host_gets_a_plain_404_naming_no_provider(db, provider_a, provider_b, host):
    response = Client(HTTP_HOST=host).get("/login")

    assert response.status_code == 404
    body = response.content.decode()
    for provider in (provider_a, provider_b):
        assert provider.name not in body
        assert provider.slug not in body


def test_idn_domain_answers_in_unicode_and_punycode(db, provider_a):
    Domain.objects.create(tenant=provider_a, domain="xn--e1afmkfd.xn--p1ai", is_primary=False)

    for host in ("пример.рф", "ПРИМЕР.РФ", "xn--e1afmkfd.xn--p1ai", "XN--E1AFMKFD.XN--P1AI."):
        response = Client(HTTP_HOST=host).get("/login")
        assert response.status_code == 200, host
        assert "Альфа-Связь" in response.content.decode()


def test_platform_domain_serves_the_platform_login(db, platform_browser, provider_a):
    response = platform_browser.get("/login")

    assert response.status_code == 200
    assert "Platform console" in response.content.decode()
    assert provider_a.name not in response.content.decode()


def test_suspended_provider_shows_a_maintenance_page(db, provider_a, browser_a):
    provider_a.status = ProviderStatus.SUSPENDED
    provider_a.save()

    response = browser_a.get("/login")

    assert response.status_code == 503
    assert "Альфа-Связь" in response.content.decode()
    assert "идут технические работы" in response.content.decode()
    assert "<form" not in response.content.decode()


def test_provider_whose_migration_failed_is_not_served(db, provider_a, browser_a, browser_b):
    provider_a.migration_error = "ProgrammingError: relation exists"
    provider_a.save()

    assert browser_a.get("/login").status_code == 503
    assert browser_b.get("/login").status_code == 200


def test_each_portal_shows_its_own_language(db, browser_a, browser_b):
    assert "Войти" in browser_a.get("/login").content.decode()
    assert "Log in" in browser_b.get("/login").content.decode()


def test_theme_is_the_providers_own(db, provider_a, provider_b):
    from django_tenants.utils import schema_context

    from branding.services import brandbook_update

    with schema_context(provider_a.schema_name):
        brandbook_update(primary_color="#C8102E")
    with schema_context(provider_b.schema_name):
        brandbook_update(primary_color="#0B6E4F")

    css_a = Client(HTTP_HOST=host_of(provider_a)).get("/theme-1.css").content.decode()
    css_b = Client(HTTP_HOST=host_of(provider_b)).get("/theme-1.css").content.decode()

    assert "--kb-primary: #c8102e;" in css_a
    assert "--kb-primary: #0b6e4f;" in css_b
