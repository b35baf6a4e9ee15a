import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from tenants.users.models import Invitation, Role, User, hash_token


@transaction.atomic
def user_create(
    *,
    email: str,
    role: Role,
    full_name: str = "",
    password: str | None = None,
    language: str = "",
    brand_owner: bool = False,
) -> User:
    """Create a user in the current schema; without a password, the user needs an invitation."""
    user = User(
        email=email, role=role, full_name=full_name, language=language, brand_owner=brand_owner
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def invitation_create(*, user: User) -> tuple[Invitation, str]:
    """Issue a one-time invitation; returns the row and the token (only its hash is stored)."""
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        user=user, token_hash=hash_token(token), expires_at=Invitation.default_expiry()
    )
    return invitation, token


def invitation_get_usable(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.usable()
        .select_related("user")
        .filter(token_hash=hash_token(token))
        .first()
    )


def user_set_password(*, user: User, password: str, validate: bool = True) -> User:
    """Set a password; `validate=False` only for fixed demo passwords."""
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Set the invited user's password and spend the invitation (and any others of that user)."""
    user = user_set_password(user=invitation.user, password=password)
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    return user


def user_logout_everywhere(*, user: User) -> None:
    """End every session and API token of `user`, on every device, this one included."""
    user.session_generation = secrets.token_hex(16)
    user.save(update_fields=["session_generation"])
    user.api_tokens.all().delete()


def user_profile_update(
    *,
    user: User,
    full_name: str,
    language: str,
    phone: str = "",
    email_categories: list[str] | None = None,
) -> User:
    """Save what the user says of itself; `email_categories` None leaves the choice as it is."""
    user.full_name = full_name.strip()
    user.language = language
    user.phone = phone.strip()
    fields = ["full_name", "language", "phone"]
    if email_categories is not None:
        user.email_categories = sorted(set(email_categories))
        fields.append("email_categories")
    user.save(update_fields=fields)
    return user
