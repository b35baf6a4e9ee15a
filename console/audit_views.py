"""The provider's audit log in /manage/audit/ (administrators): who changed which setting or did
what sensitive thing, when, from where, and how it stood before and after."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tenants.users.access import role_required
from tenants.users.models import AuditEntry, Role

PAGE_SIZE = 50


@require_safe
@role_required(Role.PROVIDER_ADMIN)
def manage_audit(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.all()
    action = request.GET.get("action", "")[:60]
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    context = {"page": page, "action": action, "actions": list(actions)}
    return render(request, "console/manage_audit.html", context)
