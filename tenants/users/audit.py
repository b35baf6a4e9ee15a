"""The audit log: one line per settings change or sensitive action, written by the service that
makes it, from the request that asked for it."""

from typing import Any

from django.http import HttpRequest

from tenants.users.lockout import client_address
from tenants.users.models import AuditEntry


def audit_record(
    request: HttpRequest | None,
    action: str,
    subject: str = "",
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    user: Any = None,
) -> AuditEntry:
    """Record `action` on `subject` by the request's user (or `user`, for a task)."""
    actor = user if user is not None else getattr(request, "user", None)
    known = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=known,
        actor_email=getattr(known, "email", "") or "",
        action=action,
        subject=str(subject)[:200],
        before=before or {},
        after=after or {},
        address=client_address(request) if request is not None else None,
    )
