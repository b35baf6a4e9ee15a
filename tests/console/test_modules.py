"""Staged launch: a part of the cabinet goes on only once what it needs is in place, off at any
time, each switch audited; the go-live checklist follows what is done."""

from django_tenants.utils import schema_context

from tenants.models import Provider
from tenants.users.models import AuditEntry, Role
from tests.cabinet.factories import make_stripe_gateway
from tests.cabinet.test_home import browser_for
from tests.conftest import make_user


def switch(browser, module: str, on: bool):
    return browser.post("/manage/modules/", {"module": module} | ({"on": "on"} if on else {}))


def modules_of(provider) -> list[str]:
    return Provider.objects.get(pk=provider.pk).modules


def test_payments_go_on_only_with_a_gateway_and_the_switch_is_audited(db, provider_a):
    Provider.objects.filter(pk=provider_a.pk).update(modules=["catalog"])
    admin = browser_for(make_user(provider_a, Role.PROVIDER_ADMIN, "admin@alpha.test"))

    refused = switch(admin, "payments", True)
    page = admin.get("/manage/modules/").content.decode()
    with schema_context(provider_a.schema_name):
        make_stripe_gateway("modules")
    switch(admin, "payments", True)
    on = modules_of(provider_a)
    switch(admin, "catalog", False)

    assert refused.status_code == 302
    assert 'data-module="payments" data-on="no"' in page
    assert "payments" in on
    assert modules_of(provider_a) == ["payments"]
    with schema_context(provider_a.schema_name):
        entries = list(AuditEntry.objects.filter(action="settings.module").order_by("at", "pk"))
    assert [entry.subject for entry in entries] == ["payments", "catalog"]
    assert entries[0].before == {"modules": ["catalog"]}


def test_parts_not_built_and_unknown_ones_stay_off(db, provider_a):
    Provider.objects.filter(pk=provider_a.pk).update(modules=[])
    admin = browser_for(make_user(provider_a, Role.PROVIDER_ADMIN, "admin@alpha.test"))

    switch(admin, "marketing", True)
    switch(admin, "rockets", True)

    assert modules_of(provider_a) == []


def test_staff_and_other_providers_cannot_switch(db, provider_a, provider_b):
    Provider.objects.filter(pk=provider_b.pk).update(modules=["catalog"])
    staff = browser_for(make_user(provider_a, Role.PROVIDER_STAFF, "staff@alpha.test"))
    admin_a = browser_for(make_user(provider_a, Role.PROVIDER_ADMIN, "admin@alpha.test"))

    by_staff = switch(staff, "catalog", False)
    switch(admin_a, "catalog", False)

    assert by_staff.status_code == 403
    assert modules_of(provider_b) == ["catalog"]


def test_the_checklist_follows_what_is_done(db, provider_a):
    admin = browser_for(make_user(provider_a, Role.PROVIDER_ADMIN, "admin@alpha.test"))
    before = admin.get("/manage/modules/").content.decode()
    admin.post("/manage/branding/publish")
    for kind in ("terms", "privacy"):
        admin.post("/manage/legal/", {"kind": kind, "title": "Текст", "body": "Текст"})

    after = admin.get("/manage/modules/").content.decode()

    assert before.count('data-done="yes"') + 2 == after.count('data-done="yes"')
