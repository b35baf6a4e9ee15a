"""Provider staff give clients access to their accounts: one at a time, or every account of the
billing system whose holder has an e-mail, at once. New users get a one-time link by e-mail to
choose a password; users who already log in are told of the account they can now reach."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from cabinet.accounts.models import AccessRole, AccountAccess, ClientAccount, HolderKind
from cabinet.accounts.services import account_access_grant
from tenants.links import provider_url
from tenants.models import Provider
from tenants.users.models import Role, User
from tenants.users.services import invitation_create, user_create


class InviteRefused(Exception):
    """The invitation cannot be made; the message says why, for provider staff."""


@transaction.atomic
def client_invite(*, account: ClientAccount, email: str, role: str, full_name: str = "") -> User:
    """The client user for `email` (made if new) with `role` on `account`."""
    email = email.strip().lower()
    if role != AccessRole.OWNER and account.holder_kind == HolderKind.INDIVIDUAL:
        raise InviteRefused(_("An individual's account has only its owner."))
    user = User.objects.filter(email=email).first()
    if user is not None and user.role != Role.CLIENT:
        raise InviteRefused(_("This e-mail belongs to the provider's staff."))
    if user is None:
        user = user_create(
            email=email, role=Role.CLIENT, full_name=(full_name or account.holder_name)[:150]
        )
    account_access_grant(user=user, account=account, role=role)
    return user


def invitation_send(*, user: User, provider: Provider, account: ClientAccount) -> None:
    """A new user gets a link to choose a password; a user who already logs in is told which
    account was added. Written in the user's language, else the provider's."""
    link = provider_url(provider, "/login")
    if not user.has_usable_password():
        link = provider_url(provider, f"/invite/{invitation_create(user=user)[1]}/")
    context = {
        "provider": provider,
        "account": account,
        "link": link,
        "new": not user.has_usable_password(),
        "days": settings.INVITATION_TIMEOUT_DAYS,
    }
    with translation.override(user.language or provider.language):
        subject = _("Your personal account at %(name)s") % {"name": provider.name}
        body = render_to_string("cabinet/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])


@dataclass(frozen=True)
class BulkInviteReport:
    accounts: int  # accounts that got their owner
    users: int  # e-mails sent
    skipped_without_email: int


def client_invite_all(*, provider: Provider) -> BulkInviteReport:
    """Every account with an e-mail and nobody to log in gets its holder as owner; one person
    with several contracts under one e-mail becomes one user with all of them, and one e-mail."""
    without_users = ClientAccount.objects.exclude(id__in=AccountAccess.objects.values("account_id"))
    skipped = without_users.filter(email="").count()
    invited: dict[int, tuple[User, ClientAccount]] = {}
    accounts = 0
    for account in without_users.exclude(email="").iterator(chunk_size=500):
        try:
            user = client_invite(account=account, email=account.email, role=AccessRole.OWNER)
        except InviteRefused:
            continue
        accounts += 1
        invited.setdefault(user.pk, (user, account))
    for user, account in invited.values():
        invitation_send(user=user, provider=provider, account=account)
    return BulkInviteReport(accounts, len(invited), skipped)


def accounts_with_users(accounts: list[ClientAccount]) -> dict[int, list[Any]]:
    """Who can reach each of `accounts` (one query)."""
    reach: dict[int, list[Any]] = {account.pk: [] for account in accounts}
    for access in AccountAccess.objects.filter(account__in=accounts).select_related("user"):
        reach[access.account_id].append(access)
    return reach
