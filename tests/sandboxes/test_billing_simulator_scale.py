"""100,000 accounts: seeded in one request, listed in pages of 1,000."""

import time

from tests.sandboxes.conftest import Billing

COUNT = 100_000


def test_seed_and_page_through_100000_accounts(billing: Billing):
    tenant = billing.tenant(seed=False)
    accounts = [
        {
            "id": f"acc:{n:06d}",
            "number": f"{n}/2026",
            "holder": {"type": "person", "name": f"Абонент {n}"},
            "balance": {"value": f"{n % 1000}.00", "currency": "RUB"},
        }
        for n in range(COUNT)
    ]

    started = time.monotonic()
    stored = tenant.seed({"accounts": accounts, "emit_events": False})
    seeded = time.monotonic()
    ids, cursor, pages = [], None, 0
    while True:
        params = {"limit": 1000} | ({"cursor": cursor} if cursor else {})
        page = tenant.get("/accounts", **params).json()
        ids += [account["id"] for account in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    listed = time.monotonic()

    print(
        f"\nseeded {COUNT} accounts in {seeded - started:.2f} s; "
        f"listed them in {pages} pages in {listed - seeded:.2f} s"
    )
    assert stored["accounts"] == COUNT
    assert len(ids) == len(set(ids)) == COUNT
    assert pages == 100
    assert seeded - started < 30
    assert listed - seeded < 60
