"""Data mode `live`: balances read through from billing, briefly cached, the mirror as fallback."""

from decimal import Decimal

from django.core.cache import cache
from django_tenants.utils import schema_context

from cabinet.accounts.models import ClientAccount
from cabinet.accounts.selectors import LIVE_TIMEOUT_SECONDS, account_balance
from cabinet.sync.connection import billing_connector
from tests.cabinet.conftest import full_sync


def balance(provider):
    with schema_context(provider.schema_name):
        account = ClientAccount.objects.get(external_id="acc:1")
        return account_balance(
            account=account,
            provider=provider,
            connector=billing_connector(timeout=LIVE_TIMEOUT_SECONDS, retries=0),
        )


def test_mirror_mode_shows_the_synced_copy(provider_a, billing_a):
    full_sync(provider_a.schema_name)
    billing_a.admin("POST", "/office-change", {"account_id": "acc:1", "balance": "42.00"})

    view = balance(provider_a)

    assert (view.value, view.live) == (Decimal("-120.50"), False)


def test_live_mode_reads_through_and_caches_briefly(provider_a, billing_a):
    cache.clear()
    provider_a.data_mode = "live"
    full_sync(provider_a.schema_name)
    billing_a.admin("POST", "/office-change", {"account_id": "acc:1", "balance": "42.00"})

    first = balance(provider_a)
    billing_a.admin("PUT", "/faults", {"mode": "down"})
    second = balance(provider_a)

    assert (first.value, first.live) == (Decimal("42.00"), True)
    assert second == first


def test_live_mode_falls_back_to_the_mirror_marked_stale(provider_a, billing_a):
    cache.clear()
    provider_a.data_mode = "live"
    full_sync(provider_a.schema_name)
    billing_a.admin("PUT", "/faults", {"mode": "slow", "delay_ms": 4000})

    view = balance(provider_a)

    assert (view.value, view.live, view.stale) == (Decimal("-120.50"), False, True)


def test_cached_balances_stay_with_their_provider(provider_a, provider_b, billing_a):
    cache.clear()
    provider_a.data_mode = "live"
    full_sync(provider_a.schema_name)
    balance(provider_a)

    with schema_context(provider_b.schema_name):
        assert cache.get("balance:acc:1") is None
