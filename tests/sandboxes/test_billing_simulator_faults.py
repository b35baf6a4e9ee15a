"""Fault injection and surviving a restart."""

import time
from pathlib import Path

import requests

from tests.sandboxes.conftest import Billing, Tenant, sample_seed, start_simulator


def test_down_answers_503_problem_then_recovers(tenant: Tenant):
    tenant.admin("PUT", "/faults", {"mode": "down", "fail_next": 2})

    first, second, third = (tenant.get("/accounts/acc:1") for _ in range(3))

    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.headers["Content-Type"].startswith("application/problem+json")
    assert first.json()["code"] == "billing_unavailable"
    assert tenant.admin("GET", "/faults").json()["mode"] == "none"


def test_error_answers_the_given_status_until_cleared(tenant: Tenant):
    tenant.admin("PUT", "/faults", {"mode": "error", "status": 502})

    statuses = [tenant.get("/capabilities").status_code for _ in range(3)]
    tenant.admin("PUT", "/faults", {"mode": "none"})

    assert statuses == [502, 502, 502]
    assert tenant.get("/capabilities").status_code == 200


def test_slow_delays_the_answer(tenant: Tenant):
    tenant.admin("PUT", "/faults", {"mode": "slow", "delay_ms": 600, "fail_next": 1})

    started = time.monotonic()
    response = tenant.get("/accounts/acc:1")
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed >= 0.6


def test_garbage_is_a_200_that_is_not_the_contract(tenant: Tenant):
    tenant.admin("PUT", "/faults", {"mode": "garbage", "fail_next": 1})
    text = tenant.get("/accounts")
    tenant.admin("PUT", "/faults", {"mode": "garbage", "garbage": "json", "fail_next": 1})
    shape = tenant.get("/accounts")

    assert text.status_code == shape.status_code == 200
    assert text.content.startswith(b"<html>")
    assert "items" in shape.json()
    assert not isinstance(shape.json()["items"], list)


def test_faults_touch_only_their_instance(billing: Billing, tenant: Tenant):
    other = billing.tenant()
    tenant.admin("PUT", "/faults", {"mode": "down"})

    try:
        assert other.get("/accounts/acc:1").status_code == 200
        assert tenant.get("/accounts/acc:1").status_code == 503
    finally:
        tenant.admin("PUT", "/faults", {"mode": "none"})


def test_bad_fault_is_refused(tenant: Tenant):
    assert tenant.admin("PUT", "/faults", {"mode": "flaky"}).status_code == 422
    assert tenant.admin("PUT", "/faults", {"mode": "error", "status": 200}).status_code == 422


def test_instances_keep_their_data_apart(billing: Billing, tenant: Tenant):
    other = billing.tenant(seed=False, currency="EUR", time_zone="Europe/Berlin")
    other.seed({"accounts": [{"id": "acc:1", "balance": {"value": "5.00", "currency": "EUR"}}]})

    mine, theirs = tenant.get("/accounts/acc:1").json(), other.get("/accounts/acc:1").json()

    assert mine["balance"]["value"] == "-120.50"
    assert theirs["balance"] == {
        "value": "5.00",
        "currency": "EUR",
        "as_of": theirs["balance"]["as_of"],
    }
    assert other.get("/accounts").json()["next_cursor"] is None
    assert len(other.get("/accounts").json()["items"]) == 1


def test_restart_keeps_state(tmp_path: Path):
    first = start_simulator(tmp_path)
    session = requests.Session()
    config = {"token": "tok", "event_secret": "sec", "currency": "RUB"}
    session.put(f"{first.base}/_admin/instances/keep", json=config, timeout=10)
    session.post(f"{first.base}/_admin/instances/keep/seed", json=sample_seed(), timeout=10)
    headers = {"Authorization": "Bearer tok", "Idempotency-Key": "pay-1"}
    payment = {"amount": {"value": "20.50", "currency": "RUB"}}
    url = f"{first.base}/keep/v1/accounts/acc:1/payments"
    posted = session.post(url, json=payment, headers=headers, timeout=10).json()
    assert "billing simulator stopped" in first.stop()
    session.close()

    second = start_simulator(tmp_path)
    try:
        auth = {"Authorization": "Bearer tok"}
        account = requests.get(f"{second.base}/keep/v1/accounts/acc:1", headers=auth, timeout=10)
        replay = requests.post(
            url.replace(first.base, second.base), json=payment, headers=headers, timeout=10
        )
    finally:
        second.stop()

    assert account.json()["balance"]["value"] == "-100.00"
    assert replay.json() == posted
