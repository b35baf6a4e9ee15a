"""Optional TOTP two-factor authentication (django-otp): a user turns it on by scanning a QR code
into an authenticator app and typing one code back; from then on, logging in asks for a code after
the password. Wrong codes slow down (django-otp's throttling)."""

from typing import Any
from urllib.parse import quote

import segno
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.users.models import User


def two_factor_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if two-factor is on."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_setup_device(user: User) -> TOTPDevice:
    """The authenticator being set up (a fresh secret until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def two_factor_uri(device: TOTPDevice, issuer: str) -> str:
    """The otpauth:// URI with the provider as issuer, quoted so that any name keeps the secret
    where authenticator apps look for it."""
    params = device.config_url.split("?", 1)[1]
    label = quote(f"{issuer.replace(':', '')}:{device.user.get_username()}")
    return f"otpauth://totp/{label}?{params}&issuer={quote(issuer, safe='')}"


def two_factor_qr_svg(device: TOTPDevice, issuer: str) -> str:
    return segno.make(two_factor_uri(device, issuer), error="m").svg_inline(scale=4)


@transaction.atomic
def two_factor_confirm(*, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return True


@transaction.atomic
def two_factor_disable(*, user: User, token: str) -> bool:
    """Turning it off needs a current code, so a stolen session alone cannot."""
    device = two_factor_device(user)
    if device is None or not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    return True


def two_factor_verify(*, user: Any, token: str) -> TOTPDevice | None:
    device = two_factor_device(user)
    return device if device is not None and device.verify_token(token) else None
