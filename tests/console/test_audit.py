"""The audit log: settings changes and sensitive actions recorded with who, what, when, from
where, before and after; no secret in it; each provider's log its own, for administrators."""

from decimal import Decimal

from django_tenants.utils import schema_context

from tenants.users.models import AuditEntry, Role
from tests.cabinet.test_home import browser_for
from tests.conftest import make_user

GATEWAY = {
    "kind": "stripe",
    "mode": "test",
    "secret_key": "sk_test_auditAccount0000secret",
    "webhook_secret": "whsec_auditAccount0000signing",
    "min_amount": "1.00",
    "max_amount": "5000.00",
    "purposes": ["top_up"],
}


def test_settings_changes_are_recorded_without_secrets(db, provider_a):
    admin = make_user(provider_a, Role.PROVIDER_ADMIN, "admin@alpha.test")
    browser = browser_for(admin)

    saved = browser.post("/manage/payments/gateway", GATEWAY)
    browser.post("/manage/branding/publish")
    browser.post("/manage/legal/", {"kind": "terms", "title": "Условия", "body": "Текст"})
    page = browser.get("/manage/audit/").content.decode()

    assert saved.status_code == 302
    with schema_context(provider_a.schema_name):
        entries = {entry.action: entry for entry in AuditEntry.objects.all()}
    gateway = entries["payments.gateway_saved"]
    assert (gateway.actor_email, gateway.before["kind"], gateway.after["kind"]) == (
        "admin@alpha.test",
        "none",
        "stripe",
    )
    assert gateway.after["keys"] == "replaced"
    assert Decimal(gateway.after["max_amount"]) == Decimal("5000.00")
    assert entries["branding.published"].after["version"] == 2
    assert entries["legal.published"].after == {"version": 1}
    assert gateway.address == "127.0.0.1"
    assert "sk_test_audit" not in page
    assert "whsec_audit" not in page
    assert 'data-action="payments.gateway_saved"' in page


def test_each_provider_reads_its_own_log_and_only_its_administrators(db, provider_a, provider_b):
    admin_a = browser_for(make_user(provider_a, Role.PROVIDER_ADMIN, "admin@alpha.test"))
    admin_b = browser_for(make_user(provider_b, Role.PROVIDER_ADMIN, "admin@bravo.test"))
    staff_a = browser_for(make_user(provider_a, Role.PROVIDER_STAFF, "staff@alpha.test"))
    admin_a.post("/manage/branding/publish")

    at_b = admin_b.get("/manage/audit/").content.decode()
    by_staff = staff_a.get("/manage/audit/")
    filtered = admin_a.get("/manage/audit/?action=" + "x" * 500)

    assert "branding.published" not in at_b
    assert by_staff.status_code == 403
    assert filtered.status_code == 200
