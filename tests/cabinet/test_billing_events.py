"""Change events pushed to a provider's domain: verified with that provider's own secret."""

import json
import time

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from cabinet.accounts.models import ClientAccount
from cabinet.sync.models import InboundEvent
from connectors.billing.rest.webhooks import sign
from tests.cabinet.conftest import full_sync
from tests.conftest import host_of

URL = "/api/v1/billing/events"


def envelope(tenant: str, event_id: str = "evt_1") -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "type": "balance.changed",
            "occurred_at": "2026-11-30T10:00:00+03:00",
            "tenant": tenant,
            "source": "simulator",
            "resource": {"type": "account", "id": "acc:1"},
            "data": {},
        }
    ).encode()


def post(host: str, body: bytes, secret: str = "secret-a", when: int | None = None):
    signature = sign(secret, body, when or int(time.time()))
    return Client(HTTP_HOST=host).post(
        URL, body, content_type="application/json", headers={"X-Portal-Signature": signature}
    )


def test_a_signed_event_triggers_a_re_read_of_its_account(
    provider_a, billing_a, eager, django_capture_on_commit_callbacks
):
    full_sync(provider_a.schema_name)
    billing_a.admin(
        "POST", "/office-change", {"account_id": "acc:1", "balance": "42.00", "emit_event": False}
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = post(host_of(provider_a), envelope(provider_a.slug))

    assert response.status_code == 202
    with schema_context(provider_a.schema_name):
        assert str(ClientAccount.objects.get(external_id="acc:1").balance) == "42.00"
        assert InboundEvent.objects.get().processed_at is not None


def test_a_repeated_event_is_acknowledged_once(provider_a, billing_a):
    first = post(host_of(provider_a), envelope(provider_a.slug))
    again = post(host_of(provider_a), envelope(provider_a.slug))

    assert (first.status_code, again.status_code, again.json()) == (
        202,
        200,
        {"status": "duplicate"},
    )
    with schema_context(provider_a.schema_name):
        assert InboundEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("body_tenant", "secret", "age", "code"),
    [
        ("alpha", "wrong-secret", 0, "bad_signature"),
        ("bravo", "secret-a", 0, "wrong_tenant"),
        ("alpha", "secret-a", 3600, "stale_signature"),
    ],
)
def test_bad_events_are_refused_and_change_nothing(
    provider_a, billing_a, body_tenant, secret, age, code
):
    response = post(host_of(provider_a), envelope(body_tenant), secret, int(time.time()) - age)

    assert (response.status_code, response.json()["code"]) == (400, code)
    with schema_context(provider_a.schema_name):
        assert not InboundEvent.objects.exists()


def test_an_event_sent_to_another_providers_domain_is_refused(provider_a, provider_b, billing_a):
    response = post(host_of(provider_b), envelope(provider_a.slug))

    assert response.status_code == 404
    with schema_context(provider_b.schema_name):
        assert not InboundEvent.objects.exists()


def test_the_platform_domain_takes_no_events(db, settings):
    response = post(settings.PLATFORM_DOMAIN, envelope("alpha"))

    assert response.status_code == 404


def test_the_change_feed_is_pulled_and_applied_once(provider_a, billing_a):
    from cabinet.sync.connection import billing_connector
    from cabinet.sync.events import events_pull

    full_sync(provider_a.schema_name)
    billing_a.admin(
        "POST", "/office-change", {"account_id": "acc:1", "balance": "55.00", "emit_event": True}
    )

    with schema_context(provider_a.schema_name):
        first = events_pull(billing_connector())
        again = events_pull(billing_connector())
        balance = ClientAccount.objects.get(external_id="acc:1").balance

    assert first >= 1
    assert again == 0
    assert str(balance) == "55.00"
