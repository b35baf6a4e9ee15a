"""The contract's read and write endpoints over real HTTP."""

import time
from datetime import UTC, datetime, timedelta

from tests.sandboxes.conftest import Billing, Tenant

ACCOUNT_KEYS = {
    "id",
    "number",
    "status",
    "holder",
    "contacts",
    "address",
    "balance",
    "credit_limit",
    "recommended_payment",
    "promised_payment",
    "updated_at",
    "vendor",
}


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys()
    assert (body["status"], body["code"]) == (status, code)
    return body


def test_requests_without_the_instance_token_are_refused(billing: Billing, tenant: Tenant):
    other = billing.tenant(seed=False)

    missing = tenant.http.get(f"{tenant.api}/accounts", timeout=10)
    wrong = tenant.http.get(
        f"{tenant.api}/accounts", headers={"Authorization": f"Bearer {other.token}"}, timeout=10
    )

    _problem(missing, 401, "unauthorized")
    _problem(wrong, 401, "unauthorized")
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_instance_and_path_are_404(tenant: Tenant):
    response = tenant.http.get(f"{tenant.base}/nobody/v1/accounts", timeout=10)
    _problem(response, 404, "not_found")
    _problem(tenant.get("/nothing-here"), 404, "not_found")
    _problem(tenant.get("/accounts/acc:404"), 404, "not_found")


def test_capabilities_describe_the_instance(tenant: Tenant):
    body = tenant.get("/capabilities").json()

    assert body["write"] == [
        "post_payment",
        "post_refund",
        "change_plan",
        "suspend",
        "resume",
        "end",
        "order",
        "promised_payment",
    ]
    assert body["plan_change_modes"] == ["now", "next_period", "date"]
    assert body["events"] == {"mode": "poll", "min_interval_s": 5}
    assert body["currency"] == "RUB"


def test_account_has_the_contract_shape(tenant: Tenant):
    body = tenant.get("/accounts/acc:1").json()

    assert body.keys() == ACCOUNT_KEYS
    assert body["balance"]["value"] == "-120.50"
    assert body["balance"]["currency"] == "RUB"
    assert body["holder"]["name"] == "Иванов И.И."
    assert datetime.fromisoformat(body["updated_at"]).utcoffset() == timedelta(hours=3)


def test_every_list_of_an_account_has_its_shape(tenant: Tenant):
    subscriptions = tenant.get("/accounts/acc:1/subscriptions").json()
    documents = tenant.get("/accounts/acc:1/documents").json()
    payments = tenant.get("/accounts/acc:1/payments").json()
    plans = tenant.get("/plans", account_id="acc:1").json()

    assert subscriptions["next_cursor"] is None
    assert [s["id"] for s in subscriptions["items"]] == ["svc:1"]
    assert subscriptions["items"][0]["identifiers"]["login"] == "u1"
    assert documents["items"][0]["files"] == [
        {"format": "pdf", "href": "/v1/documents/doc:77/file?format=pdf"}
    ]
    assert payments["items"][0]["amount"] == {"value": "300.00", "currency": "RUB"}
    assert [p["id"] for p in plans["items"]] == ["tp:5", "tp:7"]
    assert plans["items"][0]["price"]["recurring"] == {"value": "600.00", "currency": "RUB"}


def test_document_file_is_a_pdf(tenant: Tenant):
    response = tenant.get("/documents/doc:77/file", format="pdf")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-1.4")
    assert response.content.rstrip().endswith(b"%%EOF")
    assert b"Total: 600.00 RUB" in response.content
    _problem(tenant.get("/documents/doc:77/file", format="xml"), 422, "unsupported")


def test_accounts_page_with_a_cursor(tenant: Tenant):
    first = tenant.get("/accounts", limit=1).json()
    second = tenant.get("/accounts", limit=1, cursor=first["next_cursor"]).json()

    assert [a["id"] for a in first["items"]] == ["acc:1"]
    assert [a["id"] for a in second["items"]] == ["acc:2"]
    assert second["next_cursor"] is None


def test_limit_and_cursor_are_checked(tenant: Tenant):
    _problem(tenant.get("/accounts", limit=1001), 400, "validation_failed")
    _problem(tenant.get("/accounts", limit=0), 400, "validation_failed")
    _problem(tenant.get("/accounts", cursor="not-ours"), 400, "validation_failed")
    _problem(tenant.get("/accounts", updated_since="yesterday"), 422, "validation_failed")


def test_updated_since_returns_only_later_changes(tenant: Tenant):
    since = datetime.now(UTC).isoformat()
    tenant.post("/accounts/acc:2/payments", {"amount": {"value": "10.00", "currency": "RUB"}})

    changed = tenant.get("/accounts", updated_since=since).json()

    assert [a["id"] for a in changed["items"]] == ["acc:2"]


def test_usage_filters_by_time_and_metric(tenant: Tenant):
    response = tenant.get(
        "/accounts/acc:1/usage",
        **{"from": "2026-03-03T00:00:00+03:00", "to": "2026-03-07T00:00:00+03:00"},
        metric="data",
    )

    assert [u["id"] for u in response.json()["items"]] == ["radius:3", "radius:5"]
    assert response.json()["items"][0]["quantity"] == "3000"


def test_usage_feed_resumes_from_its_cursor(tenant: Tenant):
    first = tenant.get("/usage", limit=4).json()
    rest = tenant.get("/usage", limit=100, cursor=first["next_cursor"]).json()
    after_end = tenant.get("/usage", cursor=rest["next_cursor"]).json()

    ids = [u["id"] for u in first["items"] + rest["items"]]
    assert ids == [f"radius:{n}" for n in range(1, 11)]
    assert (first["has_more"], rest["has_more"]) == (True, False)
    assert after_end == {"items": [], "next_cursor": rest["next_cursor"], "has_more": False}


def test_payment_changes_the_balance_and_replays_by_key(tenant: Tenant):
    body = {
        "amount": {"value": "500.00", "currency": "RUB"},
        "method": "card",
        "external_ref": "yookassa:23d93cac",
    }

    first = tenant.post("/accounts/acc:1/payments", body, key="intent-1")
    again = tenant.post("/accounts/acc:1/payments", body, key="intent-1")

    assert first.status_code == 201
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert tenant.get("/accounts/acc:1").json()["balance"]["value"] == "379.50"
    assert len(tenant.get("/accounts/acc:1/payments").json()["items"]) == 2


def test_payment_key_reused_for_another_body_is_a_conflict(tenant: Tenant):
    body = {"amount": {"value": "500.00", "currency": "RUB"}, "method": "card"}
    tenant.post("/accounts/acc:1/payments", body, key="intent-2")

    other = tenant.post(
        "/accounts/acc:1/payments",
        body | {"amount": {"value": "1.00", "currency": "RUB"}},
        key="intent-2",
    )

    _problem(other, 409, "conflict")
    assert tenant.get("/accounts/acc:1").json()["balance"]["value"] == "379.50"


def test_payment_with_a_known_external_ref_is_refused(tenant: Tenant):
    body = {"amount": {"value": "5.00", "currency": "RUB"}, "external_ref": "stripe:pi_1"}
    tenant.post("/accounts/acc:1/payments", body)

    _problem(tenant.post("/accounts/acc:1/payments", body), 409, "conflict")


def test_bad_payments_change_nothing(tenant: Tenant):
    cases = [
        ({"amount": {"value": "5.00", "currency": "EUR"}}, "amount.currency"),
        ({"amount": {"value": "-5.00", "currency": "RUB"}}, "amount.value"),
        ({"amount": {"value": 5.0, "currency": "RUB"}}, "amount.value"),
        ({"amount": {"value": "5.001", "currency": "RUB"}}, "amount.value"),
        ({"amount": {"value": "5.00", "currency": "RUB"}, "method": "gold"}, "method"),
    ]
    for body, field in cases:
        problem = _problem(tenant.post("/accounts/acc:1/payments", body), 422, "validation_failed")
        assert list(problem["errors"]) == [field]
    missing_key = tenant.http.post(
        f"{tenant.api}/accounts/acc:1/payments",
        json={"amount": {"value": "5.00", "currency": "RUB"}},
        headers={"Authorization": f"Bearer {tenant.token}"},
        timeout=10,
    )
    _problem(missing_key, 400, "validation_failed")
    assert tenant.get("/accounts/acc:1").json()["balance"]["value"] == "-120.50"


def test_refunds_take_money_back_until_the_payment_is_reversed(tenant: Tenant):
    paid = {"amount": {"value": "500.00", "currency": "RUB"}, "external_ref": "stripe:pi_r1"}
    payment = tenant.post("/accounts/acc:1/payments", paid).json()

    def refund(value: str, ref: str):
        body = {
            "amount": {"value": value, "currency": "RUB"},
            "payment_ref": "stripe:pi_r1",
            "external_ref": ref,
        }
        return tenant.post("/accounts/acc:1/refunds", body)

    part = refund("200.00", "stripe:re_1")
    too_much = refund("300.01", "stripe:re_2")
    rest = refund("300.00", "stripe:re_3")
    again = refund("1.00", "stripe:re_3")

    assert part.status_code == 201, part.text
    assert (part.json()["amount"]["value"], part.json()["refund_of"]) == ("-200.00", payment["id"])
    _problem(too_much, 409, "conflict")
    assert rest.status_code == 201
    _problem(again, 409, "conflict")
    payments = {item["id"]: item for item in tenant.get("/accounts/acc:1/payments").json()["items"]}
    assert payments[payment["id"]]["status"] == "reversed"
    assert tenant.get("/accounts/acc:1").json()["balance"]["value"] == "-120.50"


def test_bad_refunds_change_nothing(tenant: Tenant, billing: Billing):
    tenant.post(
        "/accounts/acc:1/payments",
        {"amount": {"value": "50.00", "currency": "RUB"}, "external_ref": "stripe:pi_r2"},
    )
    good = {"amount": {"value": "5.00", "currency": "RUB"}, "payment_ref": "stripe:pi_r2"}
    cases = [
        (good | {"amount": {"value": "0.00", "currency": "RUB"}}, 422, "validation_failed"),
        ({k: v for k, v in good.items() if k != "payment_ref"}, 422, "validation_failed"),
        (good | {"payment_ref": "stripe:pi_unknown"}, 404, "not_found"),
    ]
    for number, (body, status, code) in enumerate(cases):
        _problem(
            tenant.post("/accounts/acc:1/refunds", body | {"external_ref": f"re:{number}"}),
            status,
            code,
        )
    _problem(tenant.post("/accounts/acc:1/refunds", good), 422, "validation_failed")
    _problem(
        tenant.post("/accounts/acc:2/refunds", good | {"external_ref": "re:other"}),
        404,
        "not_found",
    )
    other = billing.tenant()
    _problem(
        other.post("/accounts/acc:1/refunds", good | {"external_ref": "re:x"}), 404, "not_found"
    )
    assert tenant.get("/accounts/acc:1").json()["balance"]["value"] == "-70.50"


def test_a_payment_naming_an_invoice_marks_it_paid(tenant: Tenant):
    invoices = [
        item
        for item in tenant.get("/accounts/acc:1/documents").json()["items"]
        if item["kind"] == "invoice"
    ]
    invoice = invoices[0]
    body = {"amount": invoice["total"], "method": "card", "document_id": invoice["id"]}

    wrong = tenant.post("/accounts/acc:1/payments", body | {"document_id": "doc:none"})
    paid = tenant.post("/accounts/acc:1/payments", body)

    _problem(wrong, 422, "validation_failed")
    assert paid.status_code == 201, paid.text
    documents = tenant.get("/accounts/acc:1/documents").json()["items"]
    assert {item["id"]: item["status"] for item in documents}[invoice["id"]] == "paid"


def test_change_plan_now_applies_at_once(tenant: Tenant):
    response = tenant.post("/subscriptions/svc:1/change-plan", {"plan_id": "tp:7", "mode": "now"})

    assert response.status_code == 200
    assert response.json()["plan_id"] == "tp:7"
    assert tenant.get("/accounts/acc:1/subscriptions").json()["items"][0]["plan_id"] == "tp:7"
    _problem(
        tenant.post("/subscriptions/svc:1/change-plan", {"plan_id": "tp:7", "mode": "now"}),
        409,
        "conflict",
    )


def test_change_plan_next_period_is_scheduled(tenant: Tenant):
    response = tenant.post(
        "/subscriptions/svc:1/change-plan", {"plan_id": "tp:7", "mode": "next_period"}
    )

    assert response.status_code == 202
    operation = response.json()
    assert operation["status"] == "pending"
    subscription = tenant.get("/accounts/acc:1/subscriptions").json()["items"][0]
    assert subscription["plan_id"] == "tp:5"
    effective = datetime.fromisoformat(subscription["scheduled_change"]["effective_at"])
    assert (effective.day, effective.hour, effective.utcoffset()) == (1, 0, timedelta(hours=3))
    assert tenant.get(f"/operations/{operation['id']}").json() == operation


def test_change_plan_on_a_date_applies_when_due(tenant: Tenant):
    at = (datetime.now(UTC) + timedelta(seconds=1.5)).isoformat()
    body = {"plan_id": "tp:7", "mode": "date", "effective_at": at}

    operation = tenant.post("/subscriptions/svc:1/change-plan", body).json()
    time.sleep(2)

    subscription = tenant.get("/accounts/acc:1/subscriptions").json()["items"][0]
    assert (subscription["plan_id"], subscription["scheduled_change"]) == ("tp:7", None)
    finished = tenant.get(f"/operations/{operation['id']}").json()
    assert (finished["status"], finished["result"]["plan_id"]) == ("succeeded", "tp:7")


def test_change_plan_input_is_checked(tenant: Tenant):
    past = {"plan_id": "tp:7", "mode": "date", "effective_at": "2020-01-01T00:00:00+00:00"}
    cases = [
        {"plan_id": "tp:404", "mode": "now"},
        {"plan_id": "tp:7", "mode": "tomorrow"},
        {"plan_id": "tp:7", "mode": "date"},
        past,
    ]
    for body in cases:
        _problem(tenant.post("/subscriptions/svc:1/change-plan", body), 422, "validation_failed")
    _problem(tenant.post("/subscriptions/svc:404/change-plan", cases[0]), 404, "not_found")


def test_suspend_and_resume(tenant: Tenant):
    suspended = tenant.post("/subscriptions/svc:1/suspend", {"reason": "voluntary"})
    twice = tenant.post("/subscriptions/svc:1/suspend", {"reason": "voluntary"})
    resumed = tenant.post("/subscriptions/svc:1/resume", {})

    assert suspended.json()["status"] == "suspended"
    _problem(twice, 409, "conflict")
    assert resumed.json()["status"] == "active"


def test_malformed_json_is_a_400(tenant: Tenant):
    response = tenant.http.post(
        f"{tenant.api}/subscriptions/svc:1/suspend",
        data=b"{not json",
        headers={"Authorization": f"Bearer {tenant.token}", "Idempotency-Key": "x"},
        timeout=10,
    )
    _problem(response, 400, "validation_failed")


def test_services_of_every_account_are_listed_in_one_feed(tenant: Tenant):
    page = tenant.get("/subscriptions", limit=1000).json()
    mine = tenant.get("/accounts/acc:1/subscriptions").json()

    assert {item["id"] for item in mine["items"]} <= {item["id"] for item in page["items"]}
    assert page["next_cursor"] is None


def test_documents_and_payments_of_every_account_are_listed_in_feeds(tenant: Tenant):
    documents = tenant.get("/documents", limit=1000).json()
    payments = tenant.get("/payments", limit=1000).json()

    assert [item["id"] for item in documents["items"]] == ["doc:77"]
    assert [item["id"] for item in payments["items"]] == ["pay:old"]


def test_ending_a_subscription_drops_its_scheduled_change(tenant: Tenant):
    at = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    tenant.post(
        "/subscriptions/svc:1/change-plan", {"plan_id": "tp:7", "mode": "date", "effective_at": at}
    )

    ended = tenant.post("/subscriptions/svc:1/end", {})
    again = tenant.post("/subscriptions/svc:1/end", {})

    assert ended.status_code == 200
    assert (ended.json()["status"], ended.json()["scheduled_change"]) == ("ended", None)
    assert ended.json()["ends_at"] is not None
    _problem(again, 409, "conflict")
    events = [event["type"] for event in tenant.get("/events").json()["items"]]
    assert events[-1] == "subscription.ended"


def test_a_promised_payment_is_credited_once_and_taken_back_at_its_end(billing: Billing):
    tenant = billing.tenant(promise_limit="500.00", promise_seconds=1)
    body = {"amount": {"value": "300.00", "currency": "RUB"}}

    credited = tenant.post("/accounts/acc:1/promised-payment", body, key="promise-1")
    replay = tenant.post("/accounts/acc:1/promised-payment", body, key="promise-1")
    second = tenant.post("/accounts/acc:1/promised-payment", body, key="promise-2")
    above = tenant.post(
        "/accounts/acc:2/promised-payment", {"amount": {"value": "600.00", "currency": "RUB"}}
    )

    assert credited.status_code == 201
    assert credited.json()["balance"]["value"] == "179.50"
    assert credited.json()["promised_payment"]["value"] == "300.00"
    assert replay.json() == credited.json()
    _problem(second, 409, "conflict")
    _problem(above, 422, "validation_failed")
    payments = tenant.get("/accounts/acc:1/payments").json()["items"]
    assert [p["method"] for p in payments].count("promised") == 1

    time.sleep(1.5)

    account = tenant.get("/accounts/acc:1").json()
    assert (account["balance"]["value"], account["promised_payment"]) == ("-120.50", None)


def test_promise_settings_of_an_instance_are_checked(billing: Billing):
    for body in ({"promise_limit": "abc"}, {"promise_limit": "-1"}, {"promise_seconds": 0}):
        response = billing.http.put(
            f"{billing.base}/_admin/instances/odd",
            json={"token": "t", "event_secret": "s", **body},
        )
        _problem(response, 422, "validation_failed")


def test_ordering_adds_an_active_service_to_the_account(tenant: Tenant):
    made = tenant.post("/accounts/acc:1/subscriptions", {"plan_id": "tp:7"}, key="order-1")
    replay = tenant.post("/accounts/acc:1/subscriptions", {"plan_id": "tp:7"}, key="order-1")
    unknown = tenant.post("/accounts/acc:1/subscriptions", {"plan_id": "tp:404"})

    assert made.status_code == 201
    assert (made.json()["plan_id"], made.json()["status"]) == ("tp:7", "active")
    assert replay.json() == made.json()
    _problem(unknown, 422, "validation_failed")
    services = tenant.get("/accounts/acc:1/subscriptions").json()["items"]
    assert [service["plan_id"] for service in services] == ["tp:5", "tp:7"]


def test_a_block_with_an_end_is_lifted_when_the_day_comes(tenant: Tenant):
    until = (datetime.now(UTC) + timedelta(seconds=1.5)).isoformat()

    blocked = tenant.post("/subscriptions/svc:1/suspend", {"reason": "voluntary", "to": until})
    past = tenant.post("/subscriptions/svc:2/suspend", {"to": "2020-01-01T00:00:00+00:00"})

    assert blocked.json()["status"] == "suspended"
    assert blocked.json()["suspended_until"] is not None
    _problem(past, 422, "validation_failed")
    time.sleep(2)
    subscription = tenant.get("/accounts/acc:1/subscriptions").json()["items"][0]
    assert (subscription["status"], subscription["suspended_until"]) == ("active", None)
    assert tenant.get("/events").json()["items"][-1]["type"] == "subscription.resumed"
