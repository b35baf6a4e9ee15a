"""Credentials at rest: encrypted with Fernet (AES-128-CBC + HMAC) from the `cryptography` package.

Keys come from CREDENTIALS_KEYS (newest first, so old keys still decrypt during a rotation);
without it, one key is derived from SECRET_KEY.
"""

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _cipher() -> MultiFernet:
    keys = list(settings.CREDENTIALS_KEYS) or [
        base64.urlsafe_b64encode(
            hashlib.sha256(b"kabinet-credentials:" + settings.SECRET_KEY.encode()).digest()
        ).decode()
    ]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "CREDENTIALS_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes each)"
        ) from error


def encrypt(plain: str) -> str:
    return _cipher().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "stored credentials cannot be decrypted with CREDENTIALS_KEYS or SECRET_KEY"
        ) from error


class EncryptedJSONField(models.TextField):
    """A JSON object stored encrypted. The plain value exists only in memory."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return {}
        return json.loads(decrypt(value))

    def to_python(self, value: Any) -> Any:
        return value if isinstance(value, dict) else ({} if not value else json.loads(value))

    def get_prep_value(self, value: Any) -> str:
        return encrypt(json.dumps(value or {}, sort_keys=True))
