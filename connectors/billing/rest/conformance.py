"""Checks a server against the billing contract and says, check by check, what it gets wrong.

For a provider's developer building the contract in front of their billing system:
`manage.py billing_conformance URL --token TOKEN [--write-account ID]`.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from connectors.billing.base import ConnectorConfig
from connectors.billing.rest.connector import RestConnector
from connectors.billing.types import Money
from connectors.errors import ConnectorError, Rejected
from connectors.http import HttpClient


class NonConformance(Exception):
    """The server answered, but not as the contract says."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise NonConformance(message)


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str = ""


def _check(name: str, probe: Callable[[], str]) -> CheckResult:
    try:
        return CheckResult(name, True, probe())
    except (ConnectorError, NonConformance, KeyError, TypeError, ValueError) as error:
        return CheckResult(name, False, f"{type(error).__name__}: {error}")


def run_conformance(
    base_url: str, token: str, *, write_account: str | None = None
) -> list[CheckResult]:
    """Read checks always; the payment idempotency checks only with `write_account` (they post
    a small payment to that account)."""
    connector = RestConnector(ConnectorConfig(tenant="conformance", base_url=base_url, token=token))
    anonymous = HttpClient(base_url.rstrip("/") + "/v1/", retries=0)
    state: dict = {}

    def refuses_without_token() -> str:
        response = anonymous.get("capabilities")
        expect(response.status == 401, f"expected 401 without a token, got {response.status}")
        expect(
            response.headers.get("content-type", "").startswith("application/problem+json"),
            "errors must be application/problem+json",
        )
        return "401 problem+json"

    def accounts_page() -> str:
        page = connector.list_accounts(limit=2)
        expect(bool(page.items), "no accounts: seed at least three to check paging")
        state["account"] = page.items[0].id
        if page.next_cursor:
            following = connector.list_accounts(cursor=page.next_cursor, limit=2)
            expect(
                not {a.id for a in following.items} & {a.id for a in page.items},
                "the next page repeats accounts of the first",
            )
        return f"{len(page.items)} accounts on the first page"

    def account_and_services() -> str:
        account = connector.get_account(state["account"])
        services = connector.list_subscriptions(account.id)
        expect(
            all(service.account_id == account.id for service in services),
            "a service of the account names another account",
        )
        return f"{account.id}: balance {account.balance.value} {account.balance.currency}"

    def unknown_account_is_404() -> str:
        try:
            connector.get_account(f"no-such-{uuid.uuid4().hex}")
        except Rejected as error:
            expect(error.status == 404, f"expected 404, got {error.status}")
            return "404"
        raise NonConformance("an unknown account was answered with 200")

    checks = [
        ("authentication is required", refuses_without_token),
        ("accounts: shape and paging", accounts_page),
        ("account and its services", account_and_services),
        ("unknown account", unknown_account_is_404),
        ("plans", lambda: f"{len(connector.list_plans())} plans"),
        (
            "all services feed",
            lambda: f"{len(connector.list_subscriptions_page(limit=5).items)} on the first page",
        ),
        ("usage feed", lambda: f"{len(connector.list_usage(limit=5).items)} on the first page"),
        ("documents", lambda: f"{len(connector.list_documents(state['account']))} documents"),
        ("payments", lambda: f"{len(connector.list_payments(state['account']))} payments"),
    ]
    results = [_check(name, probe) for name, probe in checks]
    if write_account:
        results += _payment_checks(connector, write_account)
    return results


def _payment_checks(connector: RestConnector, account: str) -> list[CheckResult]:
    key = f"conformance-{uuid.uuid4().hex}"
    currency = connector.get_account(account).balance.currency
    paid_at = datetime.now(UTC)

    def pay(amount: str) -> str:
        return connector.post_payment(
            account,
            amount=Money(Decimal(amount), currency),
            method="other",
            external_ref=f"conformance:{key}",
            paid_at=paid_at,
            idempotency_key=key,
        ).reference

    def replay_returns_the_same_payment() -> str:
        first, again = pay("1.00"), pay("1.00")
        expect(first == again, "a replay with the same key made a new payment")
        return f"payment {first} once"

    def same_key_other_body_conflicts() -> str:
        try:
            pay("2.00")
        except Rejected as error:
            expect(error.status == 409, f"expected 409, got {error.status}")
            return "409"
        raise NonConformance("the same Idempotency-Key with another body was accepted")

    return [
        _check("payment replay with the same key", replay_returns_the_same_payment),
        _check("same key, different payment", same_key_other_body_conflicts),
    ]
