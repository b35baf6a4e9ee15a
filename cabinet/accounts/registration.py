"""Self-registration: the contract number, a one-time code sent to the e-mail billing has for
that contract, then a login of one's own. Whoever can read that mailbox holds the contract."""

import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from cabinet.accounts.models import AccessRole, AccountAccess, ClientAccount, RegistrationCode
from cabinet.accounts.services import account_access_grant
from tenants.models import Provider
from tenants.users.models import Role, User
from tenants.users.services import user_create

CODE_LIFETIME = timedelta(minutes=15)
CODES_PER_HOUR = 3
ATTEMPTS_PER_CODE = 5


class RegistrationRefused(Exception):
    """Registration cannot go on; the message says why, for the person registering."""


def _digest(account_id: int, code: str) -> str:
    return salted_hmac("kabinet.registration", f"{account_id}:{code}").hexdigest()


def masked(email: str) -> str:
    """i***@example.com: enough to recognise one's own address, not to learn someone else's."""
    name, _at, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"


def registration_start(*, number: str, provider: Provider) -> RegistrationCode:
    """Send a code for the contract `number`; refuses when there is nothing to send it to."""
    account = ClientAccount.objects.filter(number__iexact=number.strip()).first()
    if account is None:
        raise RegistrationRefused(
            _("No contract with this number was found. Check it on your contract or an invoice.")
        )
    if AccountAccess.objects.filter(account=account, role=AccessRole.OWNER).exists():
        raise RegistrationRefused(
            _("This contract already has a personal account. Log in, or reset the password.")
        )
    if not account.email:
        raise RegistrationRefused(
            _("No e-mail is on file for this contract; ask the provider's support to add one.")
        )
    recent = RegistrationCode.objects.filter(
        account=account, created_at__gte=timezone.now() - timedelta(hours=1)
    ).count()
    if recent >= CODES_PER_HOUR:
        raise RegistrationRefused(
            _("Codes for this contract were sent several times already; try again in an hour.")
        )
    code = f"{secrets.randbelow(10**6):06d}"
    row = RegistrationCode.objects.create(
        account=account,
        code_hash=_digest(account.pk, code),
        sent_to=account.email,
        expires_at=timezone.now() + CODE_LIFETIME,
    )
    with translation.override(provider.language):
        subject = _("Your code for %(name)s") % {"name": provider.name}
        body = render_to_string(
            "cabinet/email/registration_code.txt",
            {"code": code, "provider": provider, "account": account, "minutes": 15},
        )
    send_mail(subject, body, None, [account.email])
    return row


def registration_finish(*, code_id: int, code: str, email: str, password: str) -> User:
    """Check the code and make the owner's login; a wrong code counts against the code."""
    row = (
        RegistrationCode.objects.select_related("account")
        .filter(id=code_id, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if row is None:
        raise RegistrationRefused(_("The code has expired. Ask for a new one."))
    # Count the try before comparing, in one statement: parallel guesses cannot get past five.
    counted = RegistrationCode.objects.filter(pk=row.pk, attempts__lt=ATTEMPTS_PER_CODE).update(
        attempts=F("attempts") + 1
    )
    if not counted:
        raise RegistrationRefused(_("The code was typed wrong too many times. Ask for a new one."))
    if not constant_time_compare(row.code_hash, _digest(row.account_id, code.strip())):
        raise RegistrationRefused(_("The code is wrong."))
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise RegistrationRefused(
            _("This e-mail already has a login here. Log in with it, or choose another e-mail.")
        )
    validate_password(password, User(email=email))
    with transaction.atomic():
        spent = RegistrationCode.objects.filter(pk=row.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not spent:
            raise RegistrationRefused(_("The code has already been used."))
        if AccountAccess.objects.filter(account=row.account, role=AccessRole.OWNER).exists():
            raise RegistrationRefused(_("This contract already has a personal account."))
        user = user_create(email=email, role=Role.CLIENT, password=password)
        account_access_grant(user=user, account=row.account, role=AccessRole.OWNER)
    return user
