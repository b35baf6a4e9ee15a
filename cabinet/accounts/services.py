from typing import Any

from django.db import transaction

from cabinet.accounts.models import AccessRole, AccountAccess, ClientAccount


@transaction.atomic
def account_access_grant(*, user: Any, account: ClientAccount, role: str) -> AccountAccess:
    """Let `user` into `account` with `role`; granting again changes the role."""
    access, _ = AccountAccess.objects.update_or_create(
        user=user, account=account, defaults={"role": AccessRole(role)}
    )
    return access
