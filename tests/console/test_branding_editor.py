"""The branding editor in /manage/branding/: a draft that clients do not see until it is
published, contrast shown pair by pair, strict brandbooks kept for the brand owner, failing
strict pairs published only when acknowledged, and any earlier version published again."""

import re

from django.test import Client
from django_tenants.utils import schema_context

from branding.models import BrandVersion
from branding.selectors import brandbook_get, live_look
from tenants.users.models import Role, User
from tests.branding.palettes import STRICT_LIGHT
from tests.cabinet.test_home import browser_for
from tests.conftest import PASSWORD, Persona, host_of, make_user


def draft_form(**changes) -> dict:
    values = {
        "primary_color": "#1f4e79",
        "secondary_color": "",
        "accent_color": "#2e86de",
        "radius": "10",
        "density": "comfortable",
    }
    return values | changes


def strict_form(**colours) -> dict:
    palette = {f"light_{token}": value for token, value in STRICT_LIGHT.items()}
    return draft_form(primary_color="#0b6e4f") | palette | colours


def primary_served(provider, path: str = "/login", browser: Client | None = None) -> str:
    """The primary colour of the theme a page of the portal links to."""
    browser = browser or Client(HTTP_HOST=host_of(provider))
    page = browser.get(path).content.decode()
    [url] = re.findall(r'href="(/theme-[^"]+\.css[^"]*)"', page)
    css = browser.get(url.replace("&amp;", "&")).content.decode()
    return re.search(r"--kb-primary: (#[0-9a-f]{6});", css).group(1)


def strict(provider) -> None:
    provider.brand_mode = "strict"
    provider.save()


def strict_with_owner(provider):
    """The provider's brandbook made strict, and an administrator who is its brand owner."""
    strict(provider)
    owner = make_user(provider, Role.PROVIDER_ADMIN, "brand@alpha.test")
    with schema_context(provider.schema_name):
        User.objects.filter(pk=owner.user.pk).update(brand_owner=True)
    return owner


def test_a_saved_draft_reaches_clients_only_when_published(db, admin_a):
    browser = browser_for(admin_a)

    saved = browser.post("/manage/branding/", draft_form(primary_color="rgb(0 90 160)"))
    before_publishing = primary_served(admin_a.provider)
    published = browser.post("/manage/branding/publish")
    after = primary_served(admin_a.provider)

    assert (saved.status_code, published.status_code) == (302, 302)
    assert before_publishing == "#1f4e79"
    assert after == "#005aa0"
    with schema_context(admin_a.provider.schema_name):
        assert [v.number for v in BrandVersion.objects.all()] == [2, 1]
        assert BrandVersion.objects.first().published_by_id == admin_a.user.pk


def test_staff_preview_the_draft_and_no_one_else_can(db, admin_a, client_a):
    browser_for(admin_a).post("/manage/branding/", draft_form(primary_color="#7a1fa2"))

    staff_sees = primary_served(
        admin_a.provider, "/manage/branding/preview?look=draft", browser_for(admin_a)
    )
    client_sees = primary_served(client_a.provider, "/?look=draft", browser_for(client_a))
    stranger_sees = primary_served(client_a.provider, "/login?look=draft")
    preview = browser_for(admin_a).get("/manage/branding/preview?look=draft")

    assert staff_sees == "#7a1fa2"
    assert client_sees == stranger_sees == "#1f4e79"
    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"


def test_the_editor_shows_each_pair_and_a_bad_colour_is_a_field_error(db, admin_a):
    browser = browser_for(admin_a)

    bad = browser.post("/manage/branding/", draft_form(accent_color="#12345"))
    page = browser.get("/manage/branding/").content.decode()

    assert bad.status_code == 400
    assert "не цвет" in bad.content.decode()
    with schema_context(admin_a.provider.schema_name):
        assert brandbook_get().accent_color == "#2e86de"
    assert page.count("data-pair=") == 38  # 19 pairs in each of the two schemes
    assert 'class="fails"' not in page  # a site palette is derived to pass


def test_a_strict_brandbook_is_the_brand_owners_alone(db, admin_a, provider_a):
    owner = strict_with_owner(provider_a)
    staff = make_user(provider_a, Role.PROVIDER_STAFF, "staff@alpha.test")

    by_admin = browser_for(admin_a).post("/manage/branding/", strict_form())
    publish_by_admin = browser_for(admin_a).post("/manage/branding/publish")
    by_staff = browser_for(staff).post("/manage/branding/", strict_form())
    looked = browser_for(staff).get("/manage/branding/")
    by_owner = browser_for(owner).post("/manage/branding/", strict_form())

    assert (by_admin.status_code, publish_by_admin.status_code, by_staff.status_code) == (
        403,
        403,
        403,
    )
    assert looked.status_code == 200
    assert by_owner.status_code == 302
    with schema_context(provider_a.schema_name):
        assert brandbook_get().palette["light"] == STRICT_LIGHT
        assert BrandVersion.objects.count() == 1


def test_a_failing_strict_palette_is_published_only_when_acknowledged(db, provider_a):
    owner = strict_with_owner(provider_a)
    browser = browser_for(owner)
    browser.post("/manage/branding/", strict_form(light_text="#9a9a9a"))

    page = browser.get("/manage/branding/").content.decode()
    refused = browser.post("/manage/branding/publish", follow=True)
    with schema_context(provider_a.schema_name):
        versions_after_refusal = BrandVersion.objects.count()
    browser.post("/manage/branding/publish", {"acknowledge": "on"})

    assert 'data-pair="light:text:background"' in page
    assert re.search(r'class="fails" data-pair="light:text:background"', page)
    assert 'name="acknowledge"' in refused.content.decode()
    assert versions_after_refusal == 1
    with schema_context(provider_a.schema_name):
        published = BrandVersion.objects.first()
        assert published.number == 2
        failing = {(pair["foreground"], pair["background"]) for pair in published.acknowledged}
        assert ("text", "background") in failing
        assert live_look().palette["light"]["text"] == "#9a9a9a"


def test_a_strict_colour_in_error_is_shown_on_its_own_field(db, provider_a):
    owner = strict_with_owner(provider_a)

    answer = browser_for(owner).post("/manage/branding/", strict_form(light_danger="blood"))

    assert answer.status_code == 400
    html = answer.content.decode()
    field = html[html.index('id="id_light_danger"') :]
    assert "не цвет" in field[: field.index("</td>")]


def test_an_earlier_version_is_published_again_as_the_newest(db, admin_a):
    browser = browser_for(admin_a)
    for colour in ("#005aa0", "#7a1fa2"):
        browser.post("/manage/branding/", draft_form(primary_color=colour))
        browser.post("/manage/branding/publish")

    restored = browser.post("/manage/branding/versions/2/restore")
    missing = browser.post("/manage/branding/versions/99/restore", follow=True)

    assert restored.status_code == 302
    assert primary_served(admin_a.provider) == "#005aa0"
    assert "Такой версии нет" in missing.content.decode()
    with schema_context(admin_a.provider.schema_name):
        assert [v.number for v in BrandVersion.objects.all()] == [4, 3, 2, 1]
        assert brandbook_get().primary_color == "#005aa0"


def test_clients_and_other_providers_staff_stay_out(db, admin_a, client_a, provider_b):
    admin_b = make_user(provider_b, Role.PROVIDER_ADMIN, "admin@bravo.test")
    at_a_with_bs_session = browser_for(admin_b)
    at_a_with_bs_session.defaults["HTTP_HOST"] = host_of(admin_a.provider)

    by_client = browser_for(client_a).post("/manage/branding/", draft_form())
    from_b = at_a_with_bs_session.post("/manage/branding/", draft_form(primary_color="#000000"))

    assert by_client.status_code in (302, 403)
    assert from_b.status_code in (302, 403)
    with schema_context(admin_a.provider.schema_name):
        assert brandbook_get().primary_color == "#1f4e79"


def test_the_editor_page_takes_a_bounded_number_of_queries(
    db, admin_a, django_assert_max_num_queries
):
    browser = browser_for(admin_a)
    browser.get("/manage/branding/")

    with django_assert_max_num_queries(14):
        assert browser.get("/manage/branding/").status_code == 200


def test_images_uploaded_in_the_editor_are_checked_by_what_they_hold(db, admin_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    browser = browser_for(admin_a)
    script = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", "image/png")
    logo = SimpleUploadedFile(
        "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="4"/></svg>'
    )

    refused = browser.post("/manage/branding/", draft_form(logo=script))
    saved = browser.post("/manage/branding/", draft_form(logo=logo))

    assert refused.status_code == 400
    html = refused.content.decode()
    field = html[html.index('id="id_logo"') :]
    assert "SVG, PNG, WEBP" in field[: field.index("</div>")]
    assert saved.status_code == 302
    with schema_context(admin_a.provider.schema_name):
        assert brandbook_get().logo.name.endswith(".svg")


def test_a_strict_brandbook_back_on_its_first_look_can_still_be_saved(db, provider_a):
    owner = strict_with_owner(provider_a)
    browser = browser_for(owner)
    browser.post("/manage/branding/", strict_form())
    browser.post("/manage/branding/publish")

    browser.post("/manage/branding/versions/1/restore")  # the look the portal started with
    page = browser.get("/manage/branding/").content.decode()
    resave = browser.post("/manage/branding/", strict_form(light_primary="#0a5c42"))
    bad = browser.post("/manage/branding/", strict_form(light_primary="nope"), follow=False)

    assert 'name="light_primary" value="#' in page  # filled in, from the derived colours
    assert "the look the portal started with" in page or "с которого начинался" in page
    assert resave.status_code == 302
    assert bad.status_code == 400
    assert 'class="flash flash-error"' in bad.content.decode()


def test_a_brand_owner_chooses_the_others_and_the_last_one_stays(db, provider_a, client_a):
    other = make_user(provider_a, Role.PROVIDER_ADMIN, "other@alpha.test")
    with schema_context(provider_a.schema_name):
        # The administrator made at provisioning is the first brand owner.
        first = User.objects.get(brand_owner=True)
        first.set_password(PASSWORD)
        first.save()
    by_first, by_other = browser_for(Persona(provider_a, first)), browser_for(other)

    refused = by_other.post("/manage/branding/owners", {"user": other.user.pk, "owner": "on"})
    granted = by_first.post("/manage/branding/owners", {"user": other.user.pk, "owner": "on"})
    by_other.post("/manage/branding/owners", {"user": first.pk})  # takes the first one's off
    last = by_other.post("/manage/branding/owners", {"user": other.user.pk}, follow=True)
    a_client = by_other.post("/manage/branding/owners", {"user": client_a.user.pk, "owner": "on"})
    nonsense = by_other.post("/manage/branding/owners", {"user": "9" * 30, "owner": "on"})

    assert (refused.status_code, granted.status_code, nonsense.status_code) == (302, 302, 302)
    assert 'class="flash flash-error"' in last.content.decode()
    assert a_client.status_code == 302
    with schema_context(provider_a.schema_name):
        owners = set(User.objects.filter(brand_owner=True).values_list("email", flat=True))
    assert owners == {"other@alpha.test"}


def test_the_preview_shows_either_scheme_whatever_the_device(db, admin_a):
    browser = browser_for(admin_a)

    dark = browser.get("/manage/branding/preview?look=draft&theme=dark").content.decode()
    odd = browser.get("/manage/branding/preview?theme=sepia").content.decode()

    assert 'data-theme="dark"' in dark
    assert "data-theme" not in odd.split(">", 2)[1]
