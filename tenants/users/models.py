import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from tenants.users.email_categories import default_email_categories


class Role(models.TextChoices):
    OPERATOR = "operator", _("Platform operator")
    RESELLER = "reseller", _("Reseller staff")
    PROVIDER_ADMIN = "provider_admin", _("Provider administrator")
    PROVIDER_STAFF = "provider_staff", _("Provider staff")
    CLIENT = "client", _("Client")


PLATFORM_ROLES = frozenset({Role.OPERATOR, Role.RESELLER})
PROVIDER_STAFF_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF})


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser):
    # Stored in lower case (see save()), so unique means unique regardless of case.
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    language = models.CharField(_("language"), max_length=5, blank=True, choices=settings.LANGUAGES)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # E-mail categories the user gets (tenants.users.email_categories).
    email_categories = ArrayField(
        models.CharField(max_length=20), default=default_email_categories, blank=True
    )
    # May change a strict brandbook (the provider's brand owner); set for the first admin.
    brand_owner = models.BooleanField(_("brand owner"), default=False)
    # Changed by "log out everywhere": every session made before then stops being valid.
    session_generation = models.CharField(max_length=32, blank=True, default="")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret=None) -> str:
        # Django ties sessions to the password hash; the generation ties them to it as well.
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        material = self.password + (
            f":{self.session_generation}" if self.session_generation else ""
        )
        return salted_hmac(key_salt, material, secret=secret, algorithm="sha256").hexdigest()

    @property
    def is_provider_staff(self) -> bool:
        return self.role in PROVIDER_STAFF_ROLES

    @property
    def is_platform_user(self) -> bool:
        return self.role in PLATFORM_ROLES


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A one-time link that lets an invited user set a password. Only the token's hash is kept;
    the row lives in the schema it was issued in, so the link means nothing anywhere else."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    def __str__(self) -> str:
        return f"invitation for {self.user}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def default_expiry() -> datetime:
        return timezone.now() + timedelta(days=settings.INVITATION_TIMEOUT_DAYS)


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is kept, and the row lives in the schema it
    was issued in, so a token works on its own provider's domain and nowhere else."""

    PREFIX = "kb_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)  # the first characters, to tell tokens apart
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_token(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)


class AuditEntry(models.Model):
    """Who changed a setting or did something sensitive, what, when, and how it stood before
    and after. Kept in the schema it happened in: a provider's in its own, the platform's in
    the public one. Never holds a secret: callers pass what may be shown."""

    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_email = models.EmailField(blank=True)  # kept when the user is gone
    action = models.CharField(max_length=60)
    subject = models.CharField(max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "-at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.subject}"
