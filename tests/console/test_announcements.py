"""Provider staff write announcements; clients of the chosen segment see them on their home."""

from django_tenants.utils import schema_context

from cabinet.accounts.services import account_access_grant
from cabinet.announcements.models import Announcement
from tenants.users.models import Role
from tests.cabinet.factories import make_account
from tests.cabinet.test_home import browser_for
from tests.conftest import make_user
from tests.console.test_imports import staff_browser


def test_staff_announce_planned_works_and_clients_see_them(admin_a, client_a):
    with schema_context(admin_a.provider.schema_name):
        account_access_grant(user=client_a.user, account=make_account(), role="owner")
    browser = staff_browser(admin_a)

    response = browser.post(
        "/manage/announcements/new",
        {
            "kind": "planned_works",
            "title": "Работы на узле Ленина, 5",
            "body": "Интернет может пропадать на 10 минут.",
            "starts_at": "2026-01-01T10:00",
            "ends_at": "2099-01-01T10:00",
        },
    )

    assert response.status_code == 302
    with schema_context(admin_a.provider.schema_name):
        saved = Announcement.objects.get()
    assert saved.starts_at.hour == 7  # 10:00 in Moscow is 07:00 UTC
    assert saved.created_by == admin_a.user
    assert "Работы на узле Ленина, 5" in browser_for(client_a).get("/").content.decode()
    assert "Работы на узле" in browser.get("/manage/announcements/").content.decode()


def test_an_end_before_the_start_or_no_title_are_field_errors(admin_a):
    response = staff_browser(admin_a).post(
        "/manage/announcements/new",
        {
            "kind": "news",
            "title": "",
            "starts_at": "2026-02-01T10:00",
            "ends_at": "2026-01-01T10:00",
        },
    )

    assert response.status_code == 400
    assert response.content.decode().count("field-error") == 2
    with schema_context(admin_a.provider.schema_name):
        assert not Announcement.objects.exists()


def test_staff_edit_and_remove_and_nobody_else_may(admin_a, client_a, provider_b):
    with schema_context(admin_a.provider.schema_name):
        item = Announcement.objects.create(kind="news", title="Old", starts_at="2026-01-01T00:00Z")
    admin_b = make_user(provider_b, Role.PROVIDER_ADMIN, "admin@bravo.test")
    browser = staff_browser(admin_a)

    assert staff_browser(client_a).get(f"/manage/announcements/{item.id}").status_code == 403
    assert (
        staff_browser(admin_b).post(f"/manage/announcements/{item.id}", {"delete": "1"}).status_code
        == 404
    )
    browser.post(
        f"/manage/announcements/{item.id}",
        {"kind": "outage", "title": "New", "starts_at": "2026-01-01T00:00"},
    )
    with schema_context(admin_a.provider.schema_name):
        assert Announcement.objects.get().title == "New"
    browser.post(f"/manage/announcements/{item.id}", {"delete": "1"})
    with schema_context(admin_a.provider.schema_name):
        assert not Announcement.objects.exists()
