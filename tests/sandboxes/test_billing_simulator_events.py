"""The change feed, signed push to a webhook, and changes made in the office."""

import hashlib
import hmac
import time
from datetime import UTC, datetime

from tests.sandboxes.conftest import Billing, Receiver, Tenant

ENVELOPE_KEYS = {"id", "type", "occurred_at", "tenant", "source", "resource", "actor", "data"}


def _all_events(tenant: Tenant) -> list[dict]:
    events, cursor = [], None
    while True:
        page = tenant.get("/events", limit=1000, **({"cursor": cursor} if cursor else {})).json()
        events += page["items"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return events


def test_every_change_appends_an_event_in_order(tenant: Tenant):
    seeded = len(_all_events(tenant))
    tenant.post("/accounts/acc:1/payments", {"amount": {"value": "50.00", "currency": "RUB"}})
    tenant.post("/subscriptions/svc:1/change-plan", {"plan_id": "tp:7", "mode": "now"})

    events = _all_events(tenant)[seeded:]

    assert [e["type"] for e in events] == [
        "payment.posted",
        "balance.changed",
        "subscription.plan_changed",
    ]
    plan_changed = events[2]
    assert plan_changed.keys() == ENVELOPE_KEYS
    assert plan_changed["tenant"] == tenant.name
    assert plan_changed["resource"] == {"type": "subscription", "id": "svc:1"}
    assert plan_changed["data"] == {"before": {"plan_id": "tp:5"}, "after": {"plan_id": "tp:7"}}
    assert events[1]["data"]["after"]["balance"]["value"] == "-70.50"


def test_event_feed_resumes_from_its_cursor(tenant: Tenant):
    first = tenant.get("/events", limit=2).json()
    tail = tenant.get("/events", limit=1000, cursor=first["next_cursor"]).json()
    later = tenant.get("/events", cursor=tail["next_cursor"]).json()

    ids = [e["id"] for e in first["items"] + tail["items"]]
    assert len(ids) == len(set(ids)) == len(_all_events(tenant))
    assert later["items"] == []
    assert later["next_cursor"] == tail["next_cursor"]


def _verify(secret: str, headers: dict[str, str], body: bytes) -> None:
    fields = dict(part.split("=", 1) for part in headers["X-Portal-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(fields["v1"], expected.hexdigest())
    assert abs(int(fields["t"]) - time.time()) < 60


def test_new_events_are_pushed_signed_and_in_order(billing: Billing, receiver: Receiver):
    tenant = billing.tenant(webhook_url=receiver.url)
    seeded = _all_events(tenant)

    pushed = receiver.wait_for(len(seeded))

    assert [e["id"] for e in pushed] == [e["id"] for e in seeded]
    for headers, body in receiver.received:
        _verify(tenant.secret, headers, body)


def test_push_is_retried_until_accepted(billing: Billing):
    receiver = Receiver(fail_first=3)
    try:
        tenant = billing.tenant(seed=False, webhook_url=receiver.url)
        tenant.seed({"accounts": [{"id": "acc:1"}, {"id": "acc:2"}]})

        pushed = receiver.wait_for(2)
    finally:
        receiver.close()

    assert [e["resource"]["id"] for e in pushed] == ["acc:1", "acc:2"]
    assert receiver.calls == 5
    status = tenant.admin("GET").json()["push"]
    assert status["pushed_seq"] == status["last_event_seq"]


def test_a_webhook_added_later_gets_only_new_events(tenant: Tenant, receiver: Receiver):
    config = {"token": tenant.token, "event_secret": tenant.secret, "webhook_url": receiver.url}
    assert tenant.admin("PUT", "", config).status_code == 200

    tenant.post("/subscriptions/svc:2/suspend", {})

    assert [e["type"] for e in receiver.wait_for(1)] == ["subscription.suspended"]


def test_office_change_with_an_event(tenant: Tenant):
    before = len(_all_events(tenant))
    change = {"subscription_id": "svc:1", "plan_id": "tp:7", "operator": "admin:3"}

    response = tenant.admin("POST", "/office-change", change)

    assert response.status_code == 200
    event = _all_events(tenant)[before]
    assert (event["type"], event["actor"]) == (
        "subscription.plan_changed",
        {"kind": "operator", "id": "admin:3"},
    )


def test_silent_office_change_leaves_drift_only_a_full_read_finds(tenant: Tenant):
    before_events = len(_all_events(tenant))
    account_before = tenant.get("/accounts/acc:1").json()
    since = datetime.now(UTC).isoformat()
    silent = [
        {"subscription_id": "svc:1", "plan_id": "tp:7", "emit_event": False},
        {"account_id": "acc:1", "balance_delta": "-99.50", "emit_event": False},
    ]

    for change in silent:
        assert tenant.admin("POST", "/office-change", change).status_code == 200

    account = tenant.get("/accounts/acc:1").json()
    assert account["balance"]["value"] == "-220.00"
    assert account["updated_at"] == account_before["updated_at"]
    subscription = tenant.get("/accounts/acc:1/subscriptions").json()["items"][0]
    assert subscription["plan_id"] == "tp:7"
    assert len(_all_events(tenant)) == before_events
    assert tenant.get("/accounts", updated_since=since).json()["items"] == []
    assert tenant.get("/accounts/acc:1/subscriptions", updated_since=since).json()["items"] == []


def test_office_balance_and_status_are_checked(tenant: Tenant):
    set_balance = {"account_id": "acc:2", "balance": "1000.00", "status": "blocked"}
    bad = {"account_id": "acc:2", "status": "gone"}

    changed = tenant.admin("POST", "/office-change", set_balance).json()["account"]
    refused = tenant.admin("POST", "/office-change", bad)

    assert (changed["balance"]["value"], changed["status"]) == ("1000.00", "blocked")
    assert refused.status_code == 422
    assert tenant.get("/accounts/acc:2").json()["status"] == "blocked"


def test_a_localhost_subdomain_webhook_is_reached_on_this_machine():
    from sandboxes.loopback import loopback_target

    assert loopback_target("http://svyaz.localhost:8000/api/v1/billing/events") == (
        "http://127.0.0.1:8000/api/v1/billing/events",
        {"Host": "svyaz.localhost:8000"},
    )
    assert loopback_target("https://billing.example/hooks") == ("https://billing.example/hooks", {})
