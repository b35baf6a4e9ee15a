"""Each provider's YooKassa shop through the SDK's models against the sandbox over HTTP: its own
credentials and timeout, idempotent creation, and nothing shared between providers."""

import threading
from decimal import Decimal

import pytest
import requests

from connectors.errors import Rejected, Unavailable
from connectors.payments.yookassa import YooKassaShop


def shop(base: str, shop_id: str, timeout: float = 5) -> YooKassaShop:
    return YooKassaShop(
        shop_id=shop_id, secret_key=f"test_{shop_id}_secret", api_url=f"{base}/v3", timeout=timeout
    )


def top_up(value: str, account: str) -> dict:
    return {
        "amount": {"value": value, "currency": "RUB"},
        "capture": True,
        "confirmation": {"type": "redirect", "return_url": "https://svyaz.example/payments/"},
        "description": f"Пополнение лицевого счёта {account}",
        "metadata": {"kabinet_payment": account},
    }


def test_two_providers_paying_at_once_each_reach_their_own_shop(sandbox):
    shops = {"100001": shop(sandbox, "100001"), "200002": shop(sandbox, "200002")}
    made: dict[str, list] = {shop_id: [] for shop_id in shops}

    def pay(shop_id: str) -> None:
        for number in range(10):
            payment = shops[shop_id].create_payment(
                top_up("150.00", f"{shop_id}-{number}"), idempotency_key=f"{shop_id}-{number}"
            )
            made[shop_id].append(payment)

    threads = [threading.Thread(target=pay, args=(shop_id,)) for shop_id in shops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    for shop_id, payments in made.items():
        assert len(payments) == 10
        assert {payment.recipient.account_id for payment in payments} == {shop_id}
        other = next(key for key in shops if key != shop_id)
        with pytest.raises(Rejected) as refused:
            shops[other].find_payment(payments[0].id)
        assert refused.value.status == 404
        found = shops[shop_id].find_payment(payments[0].id)
        assert (found.status, Decimal(str(found.amount.value))) == ("pending", Decimal("150.00"))
        assert found.confirmation.confirmation_url.endswith(f"/pay/{payments[0].id}")


def test_the_same_key_gives_the_same_payment_and_another_body_is_refused(sandbox):
    provider = shop(sandbox, "300003")

    first = provider.create_payment(top_up("500.00", "A-1"), idempotency_key="kabinet-pay-1")
    again = provider.create_payment(top_up("500.00", "A-1"), idempotency_key="kabinet-pay-1")

    assert again.id == first.id
    with pytest.raises(Rejected):
        provider.create_payment(top_up("600.00", "A-1"), idempotency_key="kabinet-pay-1")


def test_bad_requests_are_refused_before_or_by_the_gateway(sandbox):
    provider = shop(sandbox, "400004")

    with pytest.raises(ValueError, match="amount"):  # the SDK's model refuses it first
        provider.create_payment(top_up("0.00", "A-1"), idempotency_key="k-zero")
    with pytest.raises(Rejected) as euros:
        provider.create_payment(
            {**top_up("10.00", "A-1"), "amount": {"value": "10.00", "currency": "EUR"}},
            idempotency_key="k-eur",
        )
    assert euros.value.status == 400
    with pytest.raises(ValueError, match="plain identifier"):
        provider.find_payment("../payments")


def test_a_slow_gateway_runs_into_this_shops_own_timeout(sandbox):
    patient, hasty = shop(sandbox, "500005", timeout=5), shop(sandbox, "600006", timeout=0.2)
    requests.put(f"{sandbox}/_admin/delay", json={"seconds": 0.5}, timeout=5)
    try:
        with pytest.raises(Unavailable):
            hasty.create_payment(top_up("10.00", "A-1"), idempotency_key="k-hasty")
        assert patient.create_payment(top_up("10.00", "A-2"), idempotency_key="k-patient").id
    finally:
        requests.put(f"{sandbox}/_admin/delay", json={"seconds": 0}, timeout=5)


def test_the_secret_key_never_shows_in_the_shops_repr(sandbox):
    assert "secret" not in repr(shop(sandbox, "700007"))


@pytest.mark.parametrize(
    ("outcome", "status", "reason"),
    [("succeed", "succeeded", None), ("decline", "canceled", "card_expired")],
)
def test_the_hosted_page_settles_the_payment_and_notifies_its_shop_only(
    sandbox, receiver, outcome, status, reason
):
    provider, other = shop(sandbox, "800008"), shop(sandbox, "900009")
    requests.put(f"{sandbox}/_admin/shops/800008", json={"webhook_url": receiver.url}, timeout=5)
    payment = provider.create_payment(top_up("250.00", "A-1"), idempotency_key=f"page-{outcome}")
    other.create_payment(top_up("1.00", "B-1"), idempotency_key=f"other-{outcome}")
    page = requests.get(payment.confirmation.confirmation_url, timeout=5)

    paid = requests.post(
        payment.confirmation.confirmation_url,
        data={"outcome": outcome},
        allow_redirects=False,
        timeout=5,
    )
    again = requests.post(
        payment.confirmation.confirmation_url, data={"outcome": "succeed"}, timeout=5
    )

    assert "250.00" in page.text
    assert paid.status_code == 303
    assert paid.headers["Location"] == "https://svyaz.example/payments/"
    assert again.status_code == 400
    settled = provider.find_payment(payment.id)
    assert settled.status == status
    if reason:
        assert settled.cancellation_details.reason == reason
    notifications = receiver.wait_for(1)
    assert [n["object"]["id"] for n in notifications] == [payment.id]
    assert notifications[0]["event"] == f"payment.{status}"
