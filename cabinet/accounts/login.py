"""Logging in to a provider's portal by contract number, and the name failed attempts are counted
under, so that an e-mail and a contract number of one person count together."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from cabinet.accounts.models import AccessRole, AccountAccess


def contract_login_user(request: HttpRequest | None, number: str) -> Any | None:
    """The user a contract number logs in: the account's only owner. A number with several
    owners (or none) logs nobody in; those users log in by e-mail."""
    if request is None or getattr(request, "provider", None) is None or "@" in number:
        return None
    owners = list(
        AccountAccess.objects.filter(
            account__number__iexact=number.strip(), role=AccessRole.OWNER, user__is_active=True
        ).select_related("user")[:2]
    )
    return owners[0].user if len(owners) == 1 else None


class ContractNumberBackend(ModelBackend):
    """`username` may be a contract number on a provider's portal (e-mail works everywhere)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any | None:
        if not username or not password:
            return None
        user = contract_login_user(request, username)
        if user is None or not user.check_password(password):
            return None
        return user if self.user_can_authenticate(user) else None


def login_identity(request: HttpRequest, credentials: dict | None) -> str | None:
    """What lockouts count failures under: the e-mail, or the e-mail a contract number stands
    for (an unknown number counts under itself)."""
    # Axes asks with the credentials, or (checking a request before any) with the request alone.
    source = credentials if credentials is not None else getattr(request, "POST", {})
    username = (source.get("username") or "").strip()
    if not username:
        return None
    user = contract_login_user(request, username)
    # Lowercasing may lengthen a string; the attempts table keeps 255 characters.
    return (user.email if user else username).lower()[:255]
