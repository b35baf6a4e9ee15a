"""Reading client accounts: which ones a user may see, and the balance the way the provider's
data mode says."""

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import F, Func, Q, QuerySet, Value

from cabinet.accounts.models import AccountAccess, ClientAccount
from connectors.billing.base import BillingConnector
from connectors.errors import ConnectorError
from tenants.models import DataMode, Provider

LIVE_CACHE_SECONDS = 30
LIVE_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class BalanceView:
    value: Decimal
    currency: str
    as_of: datetime
    live: bool  # read from the billing system just now (or within LIVE_CACHE_SECONDS)
    stale: bool = False  # live mode, but the billing system did not answer: this is the mirror


def account_balance(
    *, account: ClientAccount, provider: Provider, connector: BillingConnector | None
) -> BalanceView:
    """In `mirror` mode the synced copy; in `live` mode the billing system's answer, cached
    briefly (the cache key carries the provider's schema), or the copy marked stale when billing
    does not answer in time."""
    mirror = BalanceView(account.balance, account.currency, account.balance_as_of, live=False)
    if provider.data_mode != DataMode.LIVE or connector is None:
        return mirror
    key = f"balance:{account.external_id}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        data = connector.get_account(account.external_id)
    except ConnectorError:
        return replace(mirror, stale=True)
    view = BalanceView(data.balance.value, data.balance.currency, data.balance_as_of, live=True)
    cache.set(key, view, LIVE_CACHE_SECONDS)
    return view


@dataclass(frozen=True)
class AccountChoice:
    """The account a client user is looking at, and every account the user can switch to."""

    current: AccountAccess
    all: list[AccountAccess]


def account_choice(*, user: Any, selected_id: Any = None) -> AccountChoice | None:
    """The user's accesses with their accounts (one query). `selected_id` (from the session) picks
    the current one only if it is among them; otherwise the first. None: no account yet."""
    accesses = list(AccountAccess.objects.filter(user=user).select_related("account"))
    if not accesses:
        return None
    current = next((a for a in accesses if a.account_id == selected_id), accesses[0])
    return AccountChoice(current=current, all=accesses)


def account_access_of(*, user: Any, account_id: Any) -> AccountAccess | None:
    """The user's access to one account, or None when it is not theirs."""
    try:
        account_id = int(account_id)
    except (TypeError, ValueError):
        return None
    return (
        AccountAccess.objects.select_related("account")
        .filter(user=user, account_id=account_id)
        .first()
    )


def client_accounts_matching(query: str) -> QuerySet[ClientAccount]:
    """Accounts a staff member's search names: by contract number, holder's name, INN, the
    account's or its users' e-mail, or phone whatever way it is written (+7 (800) 555… finds
    78005…)."""
    query = query.strip()
    accounts = ClientAccount.objects.all()
    if not query:
        return accounts
    found = (
        Q(number__icontains=query)
        | Q(holder_name__icontains=query)
        | Q(email__iexact=query)
        | Q(accesses__user__email__iexact=query)
    )
    digits = re.sub(r"\D", "", query)
    if digits and len(digits) >= 5 and not re.search(r"[^\d\s()+\-.]", query):
        found |= Q(inn__startswith=digits) | Q(phone_digits__contains=digits)
        accounts = accounts.annotate(
            phone_digits=Func(
                F("phone"), Value(r"\D"), Value(""), Value("g"), function="regexp_replace"
            )
        )
    return accounts.filter(found).distinct()
