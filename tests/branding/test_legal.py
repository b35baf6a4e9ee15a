"""Legal texts: published by the provider as versions, accepted at registration and again when
one changes, each acceptance kept with its moment and version; shown sanitised."""

from django.core.cache import cache
from django.test import Client
from django_tenants.utils import schema_context

from branding.legal import legal_publish
from branding.models import LegalAcceptance
from tenants.users.models import Role
from tests.cabinet.factories import make_account
from tests.cabinet.test_home import browser_for
from tests.conftest import host_of, make_user


def publish(provider, kind: str, body: str, title: str = "Условия"):
    with schema_context(provider.schema_name):
        return legal_publish(kind=kind, title=title, body=body, user=None)


def test_staff_publish_versions_and_the_text_is_shown_without_anything_that_runs(
    db, provider_a, provider_b
):
    admin = browser_for(make_user(provider_a, Role.PROVIDER_ADMIN, "admin@alpha.test"))
    body = "# Условия\n\n**Важно.** <script>alert(1)</script> [сайт](javascript:alert(1))"

    first = admin.post("/manage/legal/", {"kind": "terms", "title": "Условия", "body": body})
    admin.post("/manage/legal/", {"kind": "terms", "title": "Условия", "body": "Новые условия"})
    empty = admin.post("/manage/legal/", {"kind": "terms", "title": "", "body": ""})
    current = Client(HTTP_HOST=host_of(provider_a)).get("/legal/terms/").content.decode()
    old = Client(HTTP_HOST=host_of(provider_a)).get("/legal/terms/v1/").content.decode()

    assert first.status_code == 302
    assert empty.status_code == 400
    assert "Новые условия" in current
    assert "<strong>Важно.</strong>" in old
    assert "<script>alert(1)" not in old
    assert "javascript:" not in old
    assert Client(HTTP_HOST=host_of(provider_b)).get("/legal/terms/").status_code == 404
    assert Client(HTTP_HOST=host_of(provider_a)).get("/legal/nonsense/").status_code == 404


def test_a_changed_text_is_accepted_again_before_anything_else(db, provider_a, client_a):
    with schema_context(provider_a.schema_name):
        account = make_account()
        from cabinet.accounts.services import account_access_grant

        account_access_grant(user=client_a.user, account=account, role="owner")
    publish(provider_a, "terms", "Версия 1")
    browser = browser_for(client_a)

    asked = browser.get("/pay/")
    browser.post("/legal/accept?next=/pay/", {"accept": "on"})
    free = browser.get("/")
    publish(provider_a, "terms", "Версия 2")
    publish(provider_a, "privacy", "Политика", title="Политика")
    asked_again = browser.get("/")
    refused = browser.post("/legal/accept?next=/", {})
    browser.post("/legal/accept?next=https://evil.example/", {"accept": "on"})

    assert (asked.status_code, asked["Location"]) == (302, "/legal/accept?next=%2Fpay%2F")
    assert free.status_code == 200
    assert asked_again["Location"].startswith("/legal/accept")
    assert refused.status_code == 400
    assert browser.get("/").status_code == 200
    with schema_context(provider_a.schema_name):
        accepted = sorted(
            LegalAcceptance.objects.filter(user=client_a.user).values_list(
                "document__kind", "document__version"
            )
        )
        moments = LegalAcceptance.objects.filter(user=client_a.user).values_list(
            "accepted_at", flat=True
        )
    assert accepted == [("privacy", 1), ("terms", 1), ("terms", 2)]
    assert all(moments)


def test_staff_are_not_held_by_the_clients_texts(db, provider_a):
    publish(provider_a, "terms", "Версия 1")
    admin = browser_for(make_user(provider_a, Role.PROVIDER_ADMIN, "admin@alpha.test"))

    assert admin.get("/manage/").status_code == 200


def test_a_process_that_has_not_seen_the_new_version_still_records_its_acceptance(
    db, provider_a, client_a
):
    """Another web process keeps the versions it last saw for a while; accepting reads them from
    the database, so an acceptance is never lost and only what was shown is accepted."""
    with schema_context(provider_a.schema_name):
        account = make_account()
        from cabinet.accounts.services import account_access_grant

        account_access_grant(user=client_a.user, account=account, role="owner")
    first = publish(provider_a, "terms", "Версия 1")
    browser = browser_for(client_a)
    browser.post("/legal/accept", {"accept": "on", "shown": str(first.pk)})
    stale = cache.get("branding:legal:current")
    second = publish(provider_a, "terms", "Версия 2")
    cache.set("branding:legal:current", stale, 30)  # as in a process that missed the news

    page = browser.get("/legal/accept").content.decode()
    changed = browser.post("/legal/accept", {"accept": "on", "shown": str(first.pk)})
    accepted = browser.post("/legal/accept", {"accept": "on", "shown": str(second.pk)})

    assert "версия 2" in page or "version 2" in page
    assert changed.status_code == 200
    assert accepted.status_code == 302
    with schema_context(provider_a.schema_name):
        versions = sorted(
            LegalAcceptance.objects.filter(user=client_a.user).values_list(
                "document__version", flat=True
            )
        )
    assert versions == [1, 2]
