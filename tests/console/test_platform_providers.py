"""Operators suspend and resume a provider from the platform console: its portal shows the
maintenance page meanwhile, its data untouched; each change is in the platform's audit log;
nobody else can do it."""

from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.models import Provider, Reseller
from tenants.services import platform_user_create
from tenants.users.models import AuditEntry, Role
from tests.conftest import PASSWORD, host_of
from tests.tenants.test_logins import login


def test_an_operator_suspends_and_resumes_a_provider(
    db, operator, platform_browser, provider_a, client_a
):
    login(platform_browser, operator.user.email)

    platform_browser.post(f"/providers/{provider_a.pk}/status", {"status": "suspended"})
    while_suspended = Client(HTTP_HOST=host_of(provider_a)).get("/login")
    platform_browser.post(f"/providers/{provider_a.pk}/status", {"status": "active"})
    resumed = Client(HTTP_HOST=host_of(provider_a)).get("/login")
    odd = platform_browser.post(f"/providers/{provider_a.pk}/status", {"status": "deleted"})

    assert while_suspended.status_code == 503
    assert resumed.status_code == 200
    assert odd.status_code == 302
    assert Provider.objects.get(pk=provider_a.pk).status == "active"
    connection.set_schema_to_public()
    entries = list(AuditEntry.objects.filter(action="providers.status").order_by("at", "pk"))
    assert [entry.after["status"] for entry in entries] == ["suspended", "active"]
    assert entries[0].actor_email == operator.user.email
    with schema_context(provider_a.schema_name):
        assert not AuditEntry.objects.filter(action="providers.status").exists()


def test_resellers_cannot_suspend_not_even_their_own(db, platform_browser, provider_a):
    reseller = Reseller.objects.create(name="Partner", slug="partner")
    Provider.objects.filter(pk=provider_a.pk).update(reseller=reseller)
    platform_user_create(
        email="sales@partner.test", role=Role.RESELLER, password=PASSWORD, reseller=reseller
    )
    login(platform_browser, "sales@partner.test")

    before = Provider.objects.get(pk=provider_a.pk).status
    answer = platform_browser.post(f"/providers/{provider_a.pk}/status", {"status": "suspended"})

    assert answer.status_code == 403
    assert Provider.objects.get(pk=provider_a.pk).status == before
