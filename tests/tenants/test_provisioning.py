import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context
from psycopg import sql

from tenants import services
from tenants.errors import ProvisioningError
from tenants.migration_state import schema_exists
from tenants.models import Domain, Provider
from tenants.services import provider_create
from tenants.users.models import Invitation, Role, User
from tests.conftest import host_of
from tests.tenants.fingerprint import schema_fingerprint

ANSWERS = {
    "industry": "isp",
    "client_kinds": ["individual"],
    "language": "ru",
    "time_zone": "Europe/Moscow",
    "currency": "RUB",
}


def _snapshot() -> tuple[int, int, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace ORDER BY 1")
        schemas = [row[0] for row in cursor.fetchall()]
    return Provider.objects.count(), Domain.objects.count(), schemas


def test_provisioned_schema_is_the_schema_migrations_make(db, providers):
    """Same tables, columns, constraints (names included), indexes, sequences and seeded rows."""
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier("by_migrations")))
    call_command("migrate_schemas", schema_name="by_migrations", interactive=False, verbosity=0)
    connection.set_schema_to_public()
    created = provider_create(
        name="Copy Check", slug="copy-check", admin_email="a@b.test", **ANSWERS
    )
    # The provider's own first admin and invitation are provisioning's rows, not the migrations'.
    with schema_context(created.provider.schema_name):
        Invitation.objects.all().delete()
        User.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval('users_user_id_seq', 1, false)")
            cursor.execute("SELECT setval('users_invitation_id_seq', 1, false)")
    connection.set_schema_to_public()

    migrated = schema_fingerprint("by_migrations")
    copied = schema_fingerprint(created.provider.schema_name)

    assert len(migrated["relations"]) > 20
    assert any(row[0] == "branding_brandbook" and row[1] for row in migrated["rows"])
    for part in migrated:
        assert copied[part] == migrated[part], part


def test_provisioning_creates_domain_admin_and_a_working_invitation(db, providers):
    created = provider_create(
        name="Связь-Телеком", admin_email="Boss@Svyaz.test", admin_name="Boss", **ANSWERS
    )

    provider = created.provider
    assert provider.slug == "sviaz-telekom"
    assert provider.schema_name == "p_sviaz_telekom"
    assert provider.get_primary_domain().domain == "sviaz-telekom.platform.test"
    assert provider.modules == ["catalog", "self_service", "usage", "documents"]
    assert created.invitation_url.startswith("http://sviaz-telekom.platform.test/invite/")
    with schema_context(provider.schema_name):
        admin = User.objects.get()
        assert (admin.email, admin.role, admin.has_usable_password()) == (
            "boss@svyaz.test",
            Role.PROVIDER_ADMIN,
            False,
        )


def test_cyrillic_name_gets_a_valid_schema_name(db, providers):
    created = provider_create(name="Ёлки-Палки Телеком", admin_email="a@b.test", **ANSWERS)

    assert created.provider.schema_name == "p_elki_palki_telekom"
    assert schema_exists("p_elki_palki_telekom")


def test_idn_domain_is_stored_in_punycode(db, providers):
    created = provider_create(
        name="Пример", slug="primer", domain="Кабинет.Пример.РФ", admin_email="a@b.test", **ANSWERS
    )

    assert created.provider.get_primary_domain().domain == "xn--80acmlhv0b.xn--e1afmkfd.xn--p1ai"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "alpha"}, "slug"),
        ({"slug": "new-one", "domain": "ALPHA.platform.test."}, "domain"),
        ({"slug": "new-one", "domain": "platform.test"}, "domain"),
        ({"slug": "www"}, "slug"),
        ({"slug": "Bad_Slug"}, "slug"),
        ({"slug": "-bad"}, "slug"),
        ({"name": "!!!"}, "slug"),
        ({"slug": "new-one", "domain": "not a domain"}, "domain"),
        ({"slug": "new-one", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"slug": "new-one", "currency": "XXX"}, "currency"),
        ({"slug": "new-one", "client_kinds": []}, "client_kinds"),
        ({"slug": "new-one", "industry": "mining"}, "industry"),
        ({"slug": "new-one", "admin_email": "not-an-email"}, "admin_email"),
    ],
)
def test_bad_answers_are_refused_with_a_field_message_and_leave_nothing(
    db, providers, overrides, field
):
    answers = {"name": "New One", "admin_email": "a@b.test", **ANSWERS, **overrides}
    before = _snapshot()

    with pytest.raises(ProvisioningError) as raised:
        provider_create(**answers)

    assert field in raised.value.message_dict
    assert all(raised.value.message_dict[field])
    assert _snapshot() == before


def test_failure_midway_leaves_no_schema_and_no_rows(db, providers, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "user_create", fail)
    before = _snapshot()

    with pytest.raises(RuntimeError):
        provider_create(name="Half Made", admin_email="a@b.test", **ANSWERS)

    assert _snapshot() == before
    assert not schema_exists("p_half_made")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"slug": "alpha", "domain": "fresh.example"}, "slug"), ({"slug": "fresh"}, "domain")],
)
def test_losing_a_race_for_a_slug_or_domain_is_a_field_message(
    db, providers, monkeypatch, overrides, field
):
    """Validation passed, then another provisioning took the slug or domain before commit."""
    monkeypatch.setattr(services, "_validate_new_provider", lambda *args: None)
    if field == "domain":
        overrides["domain"] = host_of(providers["a"])
    before = _snapshot()

    with pytest.raises(ProvisioningError) as raised:
        provider_create(name="Racer", admin_email="a@b.test", **ANSWERS, **overrides)

    assert list(raised.value.message_dict) == [field]
    assert _snapshot() == before


@pytest.mark.parametrize(
    "domain",
    ["127.0.0.1", "10.0.0.1:8200", "com", "evil", "www.platform.test", "api.platform.test"],
)
def test_addresses_that_cannot_be_a_providers_domain_are_refused(db, providers, domain):
    with pytest.raises(ProvisioningError) as raised:
        provider_create(name="Odd", slug="odd", domain=domain, admin_email="a@b.test", **ANSWERS)

    assert "domain" in raised.value.message_dict


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"admin_name": "N" * 151}, "admin_name"),
        ({"slug": "xn--e1afmkfd"}, "slug"),
        ({"slug": "ab--cd"}, "slug"),
        ({"time_zone": "Factory"}, "time_zone"),
        ({"time_zone": "localtime"}, "time_zone"),
    ],
)
def test_more_bad_answers_get_field_messages(db, providers, overrides, field):
    answers = {"name": "New One", "slug": "new-one", "admin_email": "a@b.test", **ANSWERS}
    answers.update(overrides)

    with pytest.raises(ProvisioningError) as raised:
        provider_create(**answers)

    assert field in raised.value.message_dict
    assert "domain" not in raised.value.message_dict


def test_a_bad_slug_does_not_also_blame_the_domain(db, providers):
    with pytest.raises(ProvisioningError) as raised:
        provider_create(name="New One", slug="a_b", admin_email="a@b.test", **ANSWERS)

    assert list(raised.value.message_dict) == ["slug"]


def test_slug_of_a_long_first_word_keeps_that_word(db, providers):
    created = provider_create(
        name="Supercalifragilisticexpialidociousnessful Networks Ltd",
        admin_email="a@b.test",
        **ANSWERS,
    )

    assert created.provider.slug == "supercalifragilisticexpialidociousnessfu"


def test_a_schema_left_by_a_removed_provider_is_a_field_message(db, providers):
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "p_left_over"')

    with pytest.raises(ProvisioningError) as raised:
        provider_create(name="Left Over", admin_email="a@b.test", **ANSWERS)

    assert list(raised.value.message_dict) == ["slug"]
