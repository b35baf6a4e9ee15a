import csv
import mimetypes
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from branding.legal import legal_accept, legal_current, legal_remember
from cabinet.access import SESSION_ACCOUNT_KEY, ClientRequest, client_page
from cabinet.accounts.alerts import AlertRefused, client_alert_create
from cabinet.accounts.models import AlertKind, Capability, ClientAlert, RegistrationCode
from cabinet.accounts.registration import (
    RegistrationRefused,
    masked,
    registration_finish,
    registration_start,
)
from cabinet.catalog.models import PlanShowcase
from cabinet.catalog.selectors import catalog_seen_by
from cabinet.documents.models import Document
from cabinet.documents.services import document_file_get
from cabinet.forms import (
    AlertForm,
    DocumentFilterForm,
    PeriodForm,
    PlanChangeForm,
    RegistrationFinishForm,
    RegistrationStartForm,
    UsageForm,
)
from cabinet.payments.models import BillingPayment
from cabinet.payments.services import PAYABLE_INVOICE_STATUSES, payments_open
from cabinet.selectors import document_list, home_overview, payment_list
from cabinet.services.changes import (
    ChangeRefused,
    plan_change_modes,
    plan_change_request,
    plan_change_targets,
)
from cabinet.services.models import Subscription
from cabinet.sync.tasks import outbox_deliver_task
from cabinet.usage.selectors import (
    MeteredService,
    UsageChart,
    usage_chart,
    usage_series_of,
    usage_services_of,
)
from connectors.errors import ConnectorError
from connectors.models import PaymentPurpose
from tenants.models import AccessMode, Provider
from tenants.presets import Module
from tenants.tasks import provider_task_send
from tenants.users.access import role_required
from tenants.users.lockout import client_address
from tenants.users.models import PROVIDER_STAFF_ROLES, Role, User
from tenants.users.views import PASSWORD_BACKEND

PAGE_SIZE = 50


def _provider(request: HttpRequest) -> Provider:
    return cast(Provider, getattr(request, "provider", None))


@require_safe
@role_required(Role.CLIENT, *PROVIDER_STAFF_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    if cast(User, request.user).is_provider_staff:
        return redirect(reverse("console-manage-home"))
    return _client_home(request)


@client_page()
def _client_home(request: ClientRequest) -> HttpResponse:
    overview = home_overview(access=request.account_choice.current, provider=_provider(request))
    context = {"overview": overview, "choice": request.account_choice}
    return render(request, "cabinet/home.html", context)


@require_POST
@client_page()
def account_switch(request: ClientRequest) -> HttpResponse:
    wanted = request.POST.get("account", "")
    access = next((a for a in request.account_choice.all if str(a.account_id) == wanted), None)
    if access is None:
        return render(request, "errors/not_found.html", status=404)
    request.session[SESSION_ACCOUNT_KEY] = access.account_id
    return redirect("home")


def _zone(request: HttpRequest) -> ZoneInfo:
    return ZoneInfo(_provider(request).time_zone)


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
@client_page(Capability.MONEY)
def documents(request: ClientRequest) -> HttpResponse:
    if Module.DOCUMENTS not in _provider(request).modules:
        return render(request, "errors/not_found.html", status=404)
    form = DocumentFilterForm(request.GET)
    valid = form.is_valid()
    rows = (
        document_list(
            account=request.account_choice.current.account,
            zone=_zone(request),
            since=form.cleaned_data["since"],
            until=form.cleaned_data["until"],
            kind=form.cleaned_data["kind"],
        )
        if valid
        else Document.objects.none()
    )
    invoices_payable = Module.PAYMENTS in _provider(request).modules and bool(
        payments_open(PaymentPurpose.INVOICE)
    )
    context = {
        "form": form,
        "page": _page(request, rows),
        "choice": request.account_choice,
        "invoices_payable": invoices_payable,
        "payable_statuses": PAYABLE_INVOICE_STATUSES,
    }
    return render(request, "cabinet/documents.html", context, status=200 if valid else 400)


@require_safe
@client_page(Capability.MONEY)
def document_file(request: ClientRequest, document_id: int) -> HttpResponseBase:
    account = request.account_choice.current.account
    document = get_object_or_404(Document, id=document_id, account=account)
    try:
        document = document_file_get(document)
    except ConnectorError:
        context = {"document": document, "choice": request.account_choice}
        return render(request, "cabinet/document_unavailable.html", context, status=503)
    name = f"{document.get_kind_display()} {document.number}.pdf"
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


@require_safe
@client_page(Capability.MONEY)
def payments(request: ClientRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    valid = form.is_valid()
    rows = (
        payment_list(
            account=request.account_choice.current.account,
            zone=_zone(request),
            since=form.cleaned_data["since"],
            until=form.cleaned_data["until"],
        )
        if valid
        else BillingPayment.objects.none()
    )
    context = {"form": form, "page": _page(request, rows), "choice": request.account_choice}
    return render(request, "cabinet/payments.html", context, status=200 if valid else 400)


@require_safe
@client_page(Capability.SERVICES)
def usage(request: ClientRequest) -> HttpResponse:
    provider = _provider(request)
    if Module.USAGE not in provider.modules:
        return render(request, "errors/not_found.html", status=404)
    account = request.account_choice.current.account
    services = usage_services_of(account)
    service = _chosen_service(request.GET.get("service"), services)
    series = usage_series_of(account, service.id if service else None)
    today = timezone.now().astimezone(_zone(request)).date()
    form = UsageForm(request.GET, series=series, today=today, services=services)
    context: dict[str, Any] = {
        "form": form,
        "choice": request.account_choice,
        "chart": None,
        "service": service,
    }
    if not form.is_valid():
        return render(request, "cabinet/usage.html", context, status=400)
    if not series:
        return render(request, "cabinet/usage.html", context)
    data = form.cleaned_data
    chosen = form.series_by_key.get(data["series"], series[0])
    chart = usage_chart(
        account=account,
        series=chosen,
        grain=data["grain"],
        since=data["since"],
        until=data["until"],
        subscription_id=data["service"],
    )
    if request.GET.get("export") == "csv":
        return _usage_csv(chart, account.number, service)
    context["chart"] = chart
    return render(request, "cabinet/usage.html", context)


def _chosen_service(raw: str | None, services: list[MeteredService]) -> MeteredService | None:
    return next((item for item in services if str(item.id) == raw), None)


def _usage_csv(chart: UsageChart, number: str, service: MeteredService | None) -> HttpResponse:
    # Contract numbers may hold any character; the header encodes the name (RFC 6266).
    safe_number = "".join(char if char.isprintable() else "-" for char in number)
    scope = f"-service{service.id}" if service else ""
    name = f"usage-{safe_number}{scope}-{chart.series.metric}-{chart.since}-{chart.until}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response.write("\ufeff")  # spreadsheet programs need the mark to read UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Period start"), chart.series.label, _("Unit")])
    for bucket in chart.buckets:
        writer.writerow([bucket.start.isoformat(), str(bucket.quantity), chart.unit_label])
    return response


@require_http_methods(["GET", "POST"])
@client_page(Capability.SERVICES)
def plan_change(request: ClientRequest, subscription_id: int) -> HttpResponse:
    provider = _provider(request)
    account = request.account_choice.current.account
    subscription = get_object_or_404(
        Subscription.objects.select_related("plan"), id=subscription_id, account=account
    )
    targets = plan_change_targets(subscription)
    modes = plan_change_modes()
    if Module.SELF_SERVICE not in provider.modules or not targets or not modes:
        return render(request, "errors/not_found.html", status=404)
    posted = request.method == "POST"
    form = PlanChangeForm(
        request.POST if posted else None, targets=targets, modes=modes, zone=_zone(request)
    )
    context = {"form": form, "subscription": subscription, "choice": request.account_choice}
    if not posted or not form.is_valid():
        return render(request, "cabinet/plan_change.html", context, status=400 if posted else 200)
    if request.POST.get("confirm") != "1":
        return render(request, "cabinet/plan_change_confirm.html", context)
    try:
        plan_change_request(
            subscription=subscription,
            plan=form.cleaned_data["plan"],
            mode=form.cleaned_data["mode"],
            effective_at=form.cleaned_data["effective_at"],
        )
    except ChangeRefused as refused:
        form.add_error(None, str(refused))
        return render(request, "cabinet/plan_change.html", context, status=400)
    transaction.on_commit(lambda: provider_task_send(outbox_deliver_task, provider))
    messages.success(request, _("Your request is on its way to the billing system."))
    return redirect("home")


REGISTRATION_SESSION_KEY = "cabinet_registration_code"


def _self_registration_open(request: HttpRequest) -> bool:
    return AccessMode.SELF_REGISTRATION in _provider(request).access_modes


@require_http_methods(["GET", "POST"])
@ratelimit(
    key=lambda group, request: client_address(request), rate="20/h", method="POST", block=False
)
def register(request: HttpRequest) -> HttpResponse:
    if not _self_registration_open(request) or request.user.is_authenticated:
        return render(request, "errors/not_found.html", status=404)
    posted = request.method == "POST"
    form = RegistrationStartForm(request.POST if posted else None)
    if posted and getattr(request, "limited", False):
        form.add_error(None, _("Too many attempts from your address; try again in an hour."))
    elif posted and form.is_valid():
        try:
            code = registration_start(
                number=form.cleaned_data["number"], provider=_provider(request)
            )
        except RegistrationRefused as refused:
            form.add_error("number", str(refused))
        else:
            request.session[REGISTRATION_SESSION_KEY] = code.pk
            return redirect("cabinet-register-confirm")
    status = 400 if form.errors else 200
    return render(request, "cabinet/register.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def register_confirm(request: HttpRequest) -> HttpResponse:
    code_id = request.session.get(REGISTRATION_SESSION_KEY)
    if not _self_registration_open(request) or code_id is None:
        return redirect("cabinet-register")
    code = RegistrationCode.objects.filter(pk=code_id).first()
    if code is None:
        return redirect("cabinet-register")
    posted = request.method == "POST"
    form = RegistrationFinishForm(request.POST if posted else None, initial={"email": code.sent_to})
    documents = list(legal_current(fresh=True).values())
    if documents:
        form.fields["accept"] = forms.BooleanField(
            label=_("I accept the documents listed above"),
            error_messages={"required": _("Accept the documents to register.")},
        )
    if posted and form.is_valid():
        try:
            user = registration_finish(
                code_id=code_id,
                code=form.cleaned_data["code"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except RegistrationRefused as refused:
            form.add_error(None, str(refused))
        except ValidationError as invalid:
            form.add_error("password1", invalid)
        else:
            legal_accept(user=user, documents=documents)
            del request.session[REGISTRATION_SESSION_KEY]
            login(request, user, backend=PASSWORD_BACKEND)
            legal_remember(request)
            return redirect("home")
    context = {"form": form, "sent_to": masked(code.sent_to), "documents": documents}
    return render(
        request, "cabinet/register_confirm.html", context, status=400 if form.errors else 200
    )


@require_safe
@client_page()
def catalog(request: ClientRequest) -> HttpResponse:
    provider = _provider(request)
    if Module.CATALOG not in provider.modules:
        return render(request, "errors/not_found.html", status=404)
    items = catalog_seen_by(access=request.account_choice.current, modules=provider.modules)
    context = {"items": items, "choice": request.account_choice}
    return render(request, "cabinet/catalog.html", context)


@require_safe
@role_required(Role.CLIENT, *PROVIDER_STAFF_ROLES)
def plan_picture(request: HttpRequest, plan_id: int) -> HttpResponseBase:
    """A plan's picture, for clients of this provider (and its staff, who also see hidden ones)."""
    showcases = PlanShowcase.objects.all()
    if not cast(User, request.user).is_provider_staff:
        showcases = showcases.filter(hidden=False)
    showcase = get_object_or_404(showcases, plan_id=plan_id)
    if not showcase.picture:
        return render(request, "errors/not_found.html", status=404)
    content_type = mimetypes.guess_type(showcase.picture.name)[0] or "application/octet-stream"
    response = FileResponse(showcase.picture.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_http_methods(["GET", "POST"])
@client_page()
def alerts(request: ClientRequest) -> HttpResponse:
    access = request.account_choice.current
    posted = request.method == "POST"
    if posted and request.POST.get("delete"):
        ClientAlert.objects.filter(
            pk=request.POST["delete"] if request.POST["delete"].isdigit() else 0,
            account=access.account,
            user=access.user,
        ).delete()
        return redirect("cabinet-alerts")
    form = AlertForm(request.POST if posted else None, series=usage_series_of(access.account))
    if posted and form.is_valid():
        data = form.cleaned_data
        if data["kind"] == AlertKind.BALANCE_BELOW and not access.can_money:
            form.add_error("kind", _("Your role on this account does not see the balance."))
        else:
            try:
                client_alert_create(
                    access=access,
                    kind=data["kind"],
                    threshold=data["threshold"],
                    series=data["series"],
                    unit=data["unit"],
                )
            except AlertRefused:
                form.add_error(None, _("Twenty alerts per account is the most."))
            else:
                messages.success(request, _("The alert is set."))
                return redirect("cabinet-alerts")
    mine = ClientAlert.objects.filter(account=access.account, user=access.user)
    context = {"form": form, "alerts": mine, "choice": request.account_choice}
    return render(request, "cabinet/alerts.html", context, status=400 if form.errors else 200)
