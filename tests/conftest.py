"""Two providers made once per session (copied from the template, not migrated one by one) and
personas on each: `admin_a`, `client_a` at provider A; `client_b` at provider B."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import setup_databases, teardown_databases
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Provider
from tenants.routing import routes_forget
from tenants.services import provider_create
from tenants.template_schema import template_ensure_current
from tenants.users.models import Role, User
from tenants.users.services import user_create

PASSWORD = "correct-horse-battery-staple"


@dataclass(frozen=True)
class Persona:
    provider: Provider | None
    user: User
    password: str = PASSWORD


def _make_provider(slug: str, **answers) -> Provider:
    existing = Provider.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    return provider_create(slug=slug, admin_email=f"first-admin@{slug}.test", **answers).provider


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker) -> Iterator[None]:
    """The test database, set up even when only `committed_db` tests run (pytest-django would
    only set it up for tests marked for its own transactions)."""
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def providers(django_db_setup, django_db_blocker) -> dict[str, Provider]:
    with django_db_blocker.unblock():
        template_ensure_current()
        return {
            "a": _make_provider(
                "alpha",
                name="Альфа-Связь",
                industry="isp",
                client_kinds=["individual"],
                language="ru",
                time_zone="Europe/Moscow",
                currency="RUB",
            ),
            "b": _make_provider(
                "bravo",
                name="Bravo Hosting",
                industry="hosting",
                client_kinds=["legal_entity"],
                language="en",
                time_zone="Europe/Berlin",
                currency="EUR",
            ),
        }


@pytest.fixture
def provider_a(db, providers) -> Provider:
    """A fresh copy per test: a test's changes are rolled back in the database, not in objects."""
    return Provider.objects.get(pk=providers["a"].pk)


@pytest.fixture
def provider_b(db, providers) -> Provider:
    return Provider.objects.get(pk=providers["b"].pk)


@pytest.fixture(autouse=True)
def _start_in_public_schema(request) -> Iterator[None]:
    """Every test starts (and ends) in the public schema, as a request or task would, and with
    nothing remembered from what another test changed and rolled back: no host, no cache."""
    routes_forget()
    cache.clear()
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        connection.set_schema_to_public()
    yield
    if "db" in request.fixturenames:
        connection.set_schema_to_public()


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Database access without the wrapping transaction, for what other processes must see (a
    Celery worker, migration processes). The test removes what it made."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


def make_user(provider: Provider | None, role: Role, email: str) -> Persona:
    schema = provider.schema_name if provider else get_public_schema_name()
    with schema_context(schema):
        user = user_create(email=email, role=role, full_name=email.split("@")[0], password=PASSWORD)
    return Persona(provider, user)


@pytest.fixture
def admin_a(db, provider_a) -> Persona:
    return make_user(provider_a, Role.PROVIDER_ADMIN, "admin@alpha.test")


@pytest.fixture
def client_a(db, provider_a) -> Persona:
    return make_user(provider_a, Role.CLIENT, "client@alpha.test")


@pytest.fixture
def client_b(db, provider_b) -> Persona:
    return make_user(provider_b, Role.CLIENT, "client@bravo.test")


@pytest.fixture
def operator(db) -> Persona:
    return make_user(None, Role.OPERATOR, "operator@platform.test")


def host_of(provider: Provider) -> str:
    return provider.get_primary_domain().domain


@pytest.fixture
def browser_a(provider_a) -> Client:
    """A test client that talks to provider A's domain."""
    return Client(HTTP_HOST=host_of(provider_a))


@pytest.fixture
def browser_b(provider_b) -> Client:
    return Client(HTTP_HOST=host_of(provider_b))


@pytest.fixture
def platform_browser(settings) -> Client:
    return Client(HTTP_HOST=settings.PLATFORM_DOMAIN)


@pytest.fixture
def eager():
    """Tasks run at once in the calling process (and their errors propagate)."""
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False
