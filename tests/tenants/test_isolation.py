"""What is cached or stored under one provider is invisible to another."""

from django.core.cache import cache
from django_tenants.utils import schema_context


def test_cache_keys_carry_the_provider(db, provider_a, provider_b):
    with schema_context(provider_a.schema_name):
        cache.set("balance-banner", "alpha's")
    with schema_context(provider_b.schema_name):
        assert cache.get("balance-banner") is None
        cache.set("balance-banner", "bravo's")
    with schema_context(provider_a.schema_name):
        assert cache.get("balance-banner") == "alpha's"
    assert cache.get("balance-banner") is None
