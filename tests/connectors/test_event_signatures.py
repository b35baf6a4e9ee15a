import json
import time

import pytest

from connectors.billing.rest.webhooks import sign, verify
from connectors.errors import Rejected

EVENT = {
    "id": "evt_1",
    "type": "subscription.plan_changed",
    "occurred_at": "2026-11-30T10:00:00+03:00",
    "tenant": "alpha",
    "source": "simulator",
    "resource": {"type": "subscription", "id": "svc:10"},
    "data": {"before": {"plan_id": "tp:5"}, "after": {"plan_id": "tp:7"}},
}
BODY = json.dumps(EVENT).encode()


def signed(body: bytes = BODY, secret: str = "whsec", at: int | None = None) -> dict[str, str]:
    return {"X-Portal-Signature": sign(secret, body, at or int(time.time()))}


def test_a_signed_event_for_this_provider_is_accepted():
    event = verify(secret="whsec", tenant="alpha", headers=signed(), raw_body=BODY)

    assert (event.id, event.type, event.resource_id) == (
        "evt_1",
        "subscription.plan_changed",
        "svc:10",
    )


@pytest.mark.parametrize(
    ("headers", "body", "tenant", "code"),
    [
        ({}, BODY, "alpha", "bad_signature"),
        ({"X-Portal-Signature": "garbage"}, BODY, "alpha", "bad_signature"),
        (signed(secret="another"), BODY, "alpha", "bad_signature"),
        (signed(), BODY.replace(b"tp:7", b"tp:9"), "alpha", "bad_signature"),
        (signed(at=int(time.time()) - 3600), BODY, "alpha", "stale_signature"),
        (signed(), BODY, "bravo", "wrong_tenant"),
        (signed(b"not json"), b"not json", "alpha", "bad_event"),
    ],
)
def test_bad_events_are_rejected_with_a_reason(headers, body, tenant, code):
    with pytest.raises(Rejected) as raised:
        verify(secret="whsec", tenant=tenant, headers=headers, raw_body=body)

    assert raised.value.code == code


@pytest.mark.parametrize(
    "header",
    ["t=" + "9" * 400 + ",v1=ab", "t=" + "9" * 5000 + ",v1=ab", f"t={int(time.time())},v1=é"],
)
def test_absurd_signature_headers_are_bad_signatures(header):
    with pytest.raises(Rejected) as raised:
        verify(
            secret="whsec", tenant="alpha", headers={"X-Portal-Signature": header}, raw_body=BODY
        )

    assert raised.value.code == "bad_signature"


@pytest.mark.parametrize(
    "change",
    [
        {"data": [1, 2, 3]},
        {"id": "e" * 129},
        {"id": "evt\x00"},
        {"type": "t" * 61},
        {"resource": {"type": "account", "id": "a" * 129}},
    ],
)
def test_signed_but_malformed_events_are_bad_events(change):
    body = json.dumps({**EVENT, **change}).encode()

    with pytest.raises(Rejected) as raised:
        verify(secret="whsec", tenant="alpha", headers=signed(body), raw_body=body)

    assert raised.value.code == "bad_event"
