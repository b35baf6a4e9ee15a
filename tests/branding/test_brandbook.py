import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import schema_context

from branding.selectors import brandbook_get
from branding.services import brandbook_publish, brandbook_update
from tests.conftest import host_of

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


@pytest.mark.parametrize(
    "change",
    [
        {"logo_name": "evil.html", "logo_content": b"<script>alert(1)</script>"},
        {"primary_color": "reddish", "logo_name": "fine.svg", "logo_content": SVG},
    ],
)
def test_bad_brandbook_input_changes_nothing_and_writes_no_file(db, provider_a, change):
    with schema_context(provider_a.schema_name):
        before = brandbook_get()
        storage = before.logo.storage
        files_before = set(storage.listdir("brand")[1]) if storage.exists("brand") else set()

        with pytest.raises(ValidationError):
            brandbook_update(**change)

        after = brandbook_get()
        files_after = set(storage.listdir("brand")[1]) if storage.exists("brand") else set()
    assert (after.primary_color, after.logo.name) == (before.primary_color, before.logo.name)
    assert files_after == files_before


def test_logo_is_served_from_the_providers_own_folder(db, provider_a, provider_b):
    with schema_context(provider_a.schema_name):
        path = brandbook_update(logo_name="alpha.svg", logo_content=SVG).logo.path
        brandbook_publish(user=None, mode="site")

    assert path.split("/")[-3] == provider_a.schema_name
    assert Client(HTTP_HOST=host_of(provider_a)).get("/brand/logo").status_code == 200
    assert Client(HTTP_HOST=host_of(provider_b)).get("/brand/logo").status_code == 404


def test_a_logo_file_gone_from_disk_is_a_404_not_a_500(db, provider_a):
    with schema_context(provider_a.schema_name):
        logo = brandbook_update(logo_name="gone.svg", logo_content=SVG).logo
        brandbook_publish(user=None, mode="site")
        logo.storage.delete(logo.name)

    assert Client(HTTP_HOST=host_of(provider_a)).get("/brand/logo").status_code == 404


def test_each_portal_has_its_own_web_app_manifest(db, provider_a, provider_b):
    with schema_context(provider_a.schema_name):
        brandbook_update(primary_color="#c8102e", logo_name="logo.svg", logo_content=b"<svg/>")
        brandbook_publish(user=None, mode="site")

    alpha = Client(HTTP_HOST=host_of(provider_a)).get("/manifest.webmanifest")
    bravo = Client(HTTP_HOST=host_of(provider_b)).get("/manifest.webmanifest")

    assert alpha["Content-Type"] == "application/manifest+json"
    assert (alpha.json()["name"], alpha.json()["theme_color"]) == ("Альфа-Связь", "#c8102e")
    assert alpha.json()["icons"][0]["src"].startswith("/brand/logo?v=")
    assert bravo.json()["name"] == "Bravo Hosting"
    assert bravo.json()["icons"] == []
    page = Client(HTTP_HOST=host_of(provider_a)).get("/login").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
