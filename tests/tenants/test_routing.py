import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tenants.middleware import ProviderRoutingMiddleware
from tenants.models import Domain, Provider, ProviderStatus
from tenants.routing import routes_forget
from tests.conftest import host_of
from tests.tenants.test_profile import logged_in


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
    Domain.objects.create(tenant=provider_a, domain="xn--e1afmkfd.xn--p1ai", is_primary=True)

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

    from branding.services import brandbook_publish, brandbook_update

    with schema_context(provider_a.schema_name):
        brandbook_update(primary_color="#C8102E")
        brandbook_publish(user=None, mode="site")
    with schema_context(provider_b.schema_name):
        brandbook_update(primary_color="#0B6E4F")
        brandbook_publish(user=None, mode="site")

    css_a = Client(HTTP_HOST=host_of(provider_a)).get("/theme-1.css").content.decode()
    css_b = Client(HTTP_HOST=host_of(provider_b)).get("/theme-1.css").content.decode()

    assert "--kb-primary: #c8102e;" in css_a
    assert "--kb-primary: #0b6e4f;" in css_b


def test_provider_whose_schema_is_missing_is_not_served_from_the_public_schema(
    db, provider_a, operator
):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{provider_a.schema_name}" RENAME TO gone_away')
    platform = Client(HTTP_HOST="platform.test")
    platform.post("/login", {"username": operator.user.email, "password": operator.password})
    browser = Client(HTTP_HOST=host_of(provider_a))
    browser.cookies["sessionid"] = platform.cookies["sessionid"].value

    assert browser.get("/api/v1/me").status_code == 503
    assert browser.get("/login").status_code == 503


def test_trailing_dot_host_accepts_a_browser_post(db, client_a):
    host = host_of(client_a.provider) + ".:8000"
    browser = Client(HTTP_HOST=host, enforce_csrf_checks=True)
    token = browser.get("/login").context["csrf_token"]

    response = browser.post(
        "/login",
        {
            "username": client_a.user.email,
            "password": client_a.password,
            "csrfmiddlewaretoken": token,
        },
        headers={"origin": f"http://{host}"},
    )

    assert response.status_code == 302


def test_utf8_host_decoded_as_latin1_by_the_server_still_routes(db, provider_a):
    from tenants.models import Domain

    Domain.objects.create(tenant=provider_a, domain="xn--e1afmkfd.xn--p1ai", is_primary=True)
    as_gunicorn_passes_it = "пример.рф".encode().decode("latin-1")

    assert Client(HTTP_HOST=as_gunicorn_passes_it).get("/login").status_code == 200


def test_forwarded_host_uses_the_value_the_proxy_added(db, settings, provider_a, provider_b):
    settings.USE_X_FORWARDED_HOST = True
    spoofed_then_proxy = f"{host_of(provider_b)}, {host_of(provider_a)}"

    response = Client(HTTP_X_FORWARDED_HOST=spoofed_then_proxy).get("/login")

    assert "Альфа-Связь" in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/manage/", "/health", "/theme-1.css", "/brand/logo"])
def test_pages_answer_only_the_methods_they_serve(db, browser_a, path):
    assert browser_a.post(path).status_code in (403, 405)
    assert browser_a.generic("TRACE", path).status_code == 405


def test_early_answers_carry_security_headers(db, provider_a):
    provider_a.status = ProviderStatus.SUSPENDED
    provider_a.save()

    for response in (
        Client(HTTP_HOST="nowhere.test").get("/"),
        Client(HTTP_HOST=host_of(provider_a)).get("/"),
    ):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
    assert Client(HTTP_HOST=host_of(provider_a)).get("/")["Retry-After"] == "600"


def _routing_queries(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/health").status_code == 200
    return [query["sql"] for query in queries if "tenants_domain" in query["sql"]]


def test_a_host_is_looked_up_once_and_then_remembered(db, provider_a, browser_a):
    assert len(_routing_queries(browser_a)) == 1
    assert _routing_queries(browser_a) == []


@override_settings(ROUTING_CACHE_SECONDS=0)
def test_without_the_cache_every_request_looks_the_host_up(db, provider_a, browser_a):
    assert len(_routing_queries(browser_a)) == 1
    assert len(_routing_queries(browser_a)) == 1


def test_a_remembered_provider_suspended_in_this_process_is_unavailable_at_once(
    db, provider_a, browser_a
):
    assert browser_a.get("/login").status_code == 200

    provider_a.status = ProviderStatus.SUSPENDED
    provider_a.save()

    assert browser_a.get("/login").status_code == 503


@override_settings(ROUTING_CACHE_SECONDS=0.2)
def test_a_change_made_by_another_process_is_seen_when_the_answer_expires(
    db, provider_a, browser_a
):
    assert browser_a.get("/login").status_code == 200
    # A queryset update sends no signal, like a change saved by another process.
    Provider.objects.filter(pk=provider_a.pk).update(status=ProviderStatus.SUSPENDED)
    assert browser_a.get("/login").status_code == 200

    time.sleep(0.3)

    assert browser_a.get("/login").status_code == 503


def test_requests_alternating_between_providers_each_read_their_own_schema(
    db, provider_a, provider_b, client_a, client_b
):
    browsers = [(logged_in(persona), persona) for persona in (client_a, client_b)]
    for _ in range(3):
        for browser, persona in browsers:
            body = browser.get("/profile/").content.decode()
            assert persona.user.email in body
            assert persona.provider.name in body
            other = client_b if persona is client_a else client_a
            assert other.user.email not in body


def test_a_field_changed_on_one_request_does_not_reach_the_next(db, provider_a):
    seen = []

    def view(request):
        seen.append(request.provider.name)
        request.provider.name = "Changed and never saved"
        return HttpResponse()

    middleware = ProviderRoutingMiddleware(view)
    for _ in range(2):
        middleware(RequestFactory().get("/", HTTP_HOST=host_of(provider_a)))

    assert seen == [provider_a.name, provider_a.name]


def test_turning_the_cache_off_ignores_what_was_remembered(db, provider_a, browser_a):
    assert len(_routing_queries(browser_a)) == 1
    with override_settings(ROUTING_CACHE_SECONDS=0):
        assert len(_routing_queries(browser_a)) == 1


def test_a_list_changed_in_place_on_one_request_does_not_reach_the_next(db, provider_a):
    seen = []

    def view(request):
        seen.append(list(request.provider.modules))
        request.provider.modules.append("marketing")  # changed in place, never saved
        return HttpResponse()

    middleware = ProviderRoutingMiddleware(view)
    for _ in range(2):
        middleware(RequestFactory().get("/", HTTP_HOST=host_of(provider_a)))

    assert seen[0] == seen[1] == list(provider_a.modules)


def _status_in_another_thread(host: str) -> int:
    statuses = []

    def fetch() -> None:
        try:
            statuses.append(Client(HTTP_HOST=host).get("/login").status_code)
        finally:
            connections.close_all()

    thread = threading.Thread(target=fetch)
    thread.start()
    thread.join(30)
    return statuses[0]


@override_settings(ROUTING_CACHE_SECONDS=30)
def test_a_request_served_before_a_suspension_commits_does_not_keep_it_unseen(
    committed_db, providers
):
    provider = Provider.objects.get(pk=providers["a"].pk)
    host = host_of(provider)
    try:
        assert _status_in_another_thread(host) == 200
        with transaction.atomic():
            provider.status = ProviderStatus.SUSPENDED
            provider.save()
            # Another request of this process comes before the commit and sees it active.
            assert _status_in_another_thread(host) == 200

        assert _status_in_another_thread(host) == 503
    finally:
        Provider.objects.filter(pk=provider.pk).update(status=ProviderStatus.ACTIVE)
        routes_forget()
