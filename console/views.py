from typing import cast
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cabinet.accounts.invitations import (
    InviteRefused,
    accounts_with_users,
    client_invite,
    invitation_send,
)
from cabinet.accounts.models import AccountAccess, ClientAccount
from cabinet.accounts.selectors import client_accounts_matching
from cabinet.accounts.tasks import client_invite_all_task
from cabinet.announcements.models import Announcement
from cabinet.catalog.models import Plan
from cabinet.catalog.services import MAX_PICTURE_BYTES, plan_showcase_update
from cabinet.sync.models import ExchangeImport
from cabinet.sync.selectors import import_list_recent, sync_status
from cabinet.sync.tasks import exchange_import_start
from connectors.billing.files import ImportRejected
from console.forms import (
    AnnouncementForm,
    ClientInviteForm,
    ClientSearchForm,
    ExchangeFileForm,
    PlanShowcaseForm,
)
from tenants.models import Provider, ProviderStatus
from tenants.selectors import provider_list_for
from tenants.tasks import provider_task_send
from tenants.users.access import role_required
from tenants.users.audit import audit_record
from tenants.users.models import PLATFORM_ROLES, PROVIDER_STAFF_ROLES, Role, User


def _provider(request: HttpRequest) -> Provider:
    return cast(Provider, getattr(request, "provider", None))


@require_safe
@role_required(*PROVIDER_STAFF_ROLES)
def manage_home(request: HttpRequest) -> HttpResponse:
    return render(request, "console/manage_home.html")


@require_safe
@role_required(*PROVIDER_STAFF_ROLES)
def manage_sync(request: HttpRequest) -> HttpResponse:
    return render(request, "console/manage_sync.html", {"status": sync_status()})


@require_http_methods(["GET", "POST"])
@role_required(*PROVIDER_STAFF_ROLES)
def manage_imports(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ExchangeFileForm(request.POST, request.FILES) if posted else ExchangeFileForm()
    rejected = None
    if posted and form.is_valid():
        try:
            job = exchange_import_start(
                provider=_provider(request),
                files=form.cleaned_data["uploads"],
                requested_format=form.cleaned_data["format"],
                user=request.user,
            )
        except ImportRejected as error:
            rejected = error
        else:
            return redirect("console-manage-import", import_id=job.id)
    status = 400 if rejected or form.errors else 200
    context = {"form": form, "rejected": rejected, "imports": import_list_recent()}
    return render(request, "console/manage_imports.html", context, status=status)


@require_safe
@role_required(*PROVIDER_STAFF_ROLES)
def manage_import(request: HttpRequest, import_id: UUID) -> HttpResponse:
    job = get_object_or_404(ExchangeImport, id=import_id)
    return render(request, "console/manage_import.html", {"job": job})


@require_safe
@role_required(*PLATFORM_ROLES)
def platform_home(request: HttpRequest) -> HttpResponse:
    providers = provider_list_for(user=cast(User, request.user))
    return render(request, "console/platform_home.html", {"providers": providers})


@require_POST
@role_required(Role.OPERATOR)
def platform_provider_status(request: HttpRequest, provider_id: int) -> HttpResponse:
    """An operator suspends a provider (its portal shows a maintenance page, its data stays as
    it is) or resumes it; audited in the platform's own log."""
    provider = get_object_or_404(Provider, pk=provider_id)
    wanted = request.POST.get("status", "")
    if wanted not in (ProviderStatus.ACTIVE, ProviderStatus.SUSPENDED):
        messages.error(request, _("Choose to suspend or to resume."))
        return redirect("home")
    before = provider.status
    provider.status = wanted
    provider.save(update_fields=["status"])
    audit_record(
        request,
        "providers.status",
        provider.slug,
        before={"status": before},
        after={"status": wanted},
    )
    messages.success(
        request,
        _("%(name)s: %(status)s.")
        % {"name": provider.name, "status": provider.get_status_display()},
    )
    return redirect("home")


@require_safe
@role_required(*PROVIDER_STAFF_ROLES)
def manage_clients(request: HttpRequest) -> HttpResponse:
    form = ClientSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    accounts = client_accounts_matching(query)
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "reach": accounts_with_users(list(page.object_list)),
        "without_users": ClientAccount.objects.exclude(
            id__in=AccountAccess.objects.values("account_id")
        )
        .exclude(email="")
        .count(),
    }
    return render(request, "console/manage_clients.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*PROVIDER_STAFF_ROLES)
def manage_client_invite(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_object_or_404(ClientAccount, id=account_id)
    posted = request.method == "POST"
    form = ClientInviteForm(request.POST if posted else None, initial={"email": account.email})
    if posted and form.is_valid():
        try:
            user = client_invite(
                account=account,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                full_name=form.cleaned_data["full_name"],
            )
        except InviteRefused as refused:
            form.add_error(None, str(refused))
        else:
            invitation_send(user=user, provider=_provider(request), account=account)
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("console-manage-clients")
    context = {"form": form, "account": account, "reach": accounts_with_users([account])}
    return render(
        request, "console/manage_client_invite.html", context, status=400 if form.errors else 200
    )


@require_POST
@role_required(*PROVIDER_STAFF_ROLES)
def manage_clients_invite_all(request: HttpRequest) -> HttpResponse:
    provider = _provider(request)
    provider_task_send(client_invite_all_task, provider)
    messages.success(
        request,
        _("Invitations are being sent to every account holder with an e-mail; reload in a minute."),
    )
    return redirect("console-manage-clients")


@require_safe
@role_required(*PROVIDER_STAFF_ROLES)
def manage_announcements(request: HttpRequest) -> HttpResponse:
    announcements = Announcement.objects.select_related("audience_plan")[:100]
    return render(request, "console/manage_announcements.html", {"announcements": announcements})


@require_http_methods(["GET", "POST"])
@role_required(*PROVIDER_STAFF_ROLES)
def manage_announcement_edit(
    request: HttpRequest, announcement_id: int | None = None
) -> HttpResponse:
    instance = get_object_or_404(Announcement, id=announcement_id) if announcement_id else None
    posted = request.method == "POST"
    if posted and request.POST.get("delete") and instance is not None:
        instance.delete()
        messages.success(request, _("The announcement is removed."))
        return redirect("console-manage-announcements")
    form = AnnouncementForm(request.POST if posted else None, instance=instance)
    if posted and form.is_valid():
        announcement = form.save(commit=False)
        if instance is None:
            announcement.created_by = request.user
        announcement.save()
        messages.success(request, _("The announcement is saved."))
        return redirect("console-manage-announcements")
    context = {"form": form, "announcement": instance}
    return render(
        request,
        "console/manage_announcement_edit.html",
        context,
        status=400 if form.errors else 200,
    )


@require_safe
@role_required(*PROVIDER_STAFF_ROLES)
def manage_catalog(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.select_related("showcase").order_by("service_type", "name")
    return render(request, "console/manage_catalog.html", {"plans": plans})


@require_http_methods(["GET", "POST"])
@role_required(*PROVIDER_STAFF_ROLES)
def manage_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("showcase"), id=plan_id)
    showcase = getattr(plan, "showcase", None)
    initial = {
        "description": showcase.description if showcase else "",
        "position": showcase.position if showcase else 100,
        "hidden": showcase.hidden if showcase else False,
    }
    posted = request.method == "POST"
    form = PlanShowcaseForm(
        request.POST if posted else None, request.FILES or None, initial=initial
    )
    if posted and form.is_valid():
        upload = form.cleaned_data["picture"]
        try:
            plan_showcase_update(
                plan=plan,
                description=form.cleaned_data["description"],
                hidden=form.cleaned_data["hidden"],
                position=form.cleaned_data["position"],
                picture=upload.read(MAX_PICTURE_BYTES + 1) if upload else None,
                remove_picture=form.cleaned_data["remove_picture"],
            )
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("console-manage-catalog")
    context = {"form": form, "plan": plan, "showcase": showcase}
    return render(request, "console/manage_plan.html", context, status=400 if form.errors else 200)
