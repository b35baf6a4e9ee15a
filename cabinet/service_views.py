"""A client's own service page (block, resume, switch off), ordering a new service from the
catalog, and the promised payment."""

from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from cabinet.access import ClientRequest, client_page
from cabinet.accounts.models import AccountStatus, Capability
from cabinet.catalog.models import Plan, PlanShowcase
from cabinet.forms import PromisedPaymentForm, ServiceActionForm
from cabinet.services.changes import (
    ChangeRefused,
    kinds_held,
    orderable,
    orders_open_of,
    plan_change_targets,
    promised_payment_limit,
    promised_payment_open,
    promised_payment_request,
    promised_payment_state,
    service_action_request,
    service_actions_for,
    service_actions_open,
    service_change_states,
    service_order_request,
    writable_connection,
)
from cabinet.services.models import Subscription
from cabinet.sync.tasks import outbox_deliver_task
from tenants.models import Provider
from tenants.presets import Module
from tenants.tasks import provider_task_send

# How the outside world names a service, in the client's words (other names are shown as given).
IDENTIFIER_LABELS = {
    "login": gettext_lazy("Login"),
    "ip": gettext_lazy("IP address"),
    "msisdn": gettext_lazy("Phone number"),
    "meter": gettext_lazy("Meter"),
}

ACTION_TITLES = {
    "suspend": gettext_lazy("Block the service for a while"),
    "resume": gettext_lazy("Resume the service"),
    "end": gettext_lazy("Switch the service off"),
}


def _provider(request: HttpRequest) -> Provider:
    return cast(Provider, getattr(request, "provider", None))


def _subscription(request: ClientRequest, subscription_id: int) -> Subscription:
    return get_object_or_404(
        Subscription.objects.select_related("account", "plan", "scheduled_plan"),
        id=subscription_id,
        account=request.account_choice.current.account,
    )


def _self_service(request: HttpRequest) -> bool:
    return Module.SELF_SERVICE in _provider(request).modules


@require_safe
@client_page(Capability.SERVICES)
def service_detail(request: ClientRequest, subscription_id: int) -> HttpResponse:
    subscription = _subscription(request, subscription_id)
    self_service = _self_service(request)
    actions = service_actions_for(subscription, service_actions_open()) if self_service else []
    change = service_change_states([subscription]).get(subscription.external_id)
    context = {
        "subscription": subscription,
        "identifiers": [
            (IDENTIFIER_LABELS.get(name, name), value)
            for name, value in subscription.identifiers.items()
            if value not in (None, "")
        ],
        "actions": [(action, ACTION_TITLES[action]) for action in actions],
        "change": change,
        "waiting": change is not None and change.status == "pending",
        "can_switch": self_service and bool(plan_change_targets(subscription)),
        "choice": request.account_choice,
    }
    return render(request, "cabinet/service.html", context)


@require_http_methods(["GET", "POST"])
@client_page(Capability.SERVICES)
def service_action(request: ClientRequest, subscription_id: int, action: str) -> HttpResponse:
    subscription = _subscription(request, subscription_id)
    actions = service_actions_for(subscription, service_actions_open())
    if not _self_service(request) or action not in actions:
        return render(request, "errors/not_found.html", status=404)
    posted = request.method == "POST"
    zone = ZoneInfo(_provider(request).time_zone)
    data = request.POST if posted else None
    form = ServiceActionForm(data, initial={"action": action}, actions=[action], zone=zone)
    context = {
        "form": form,
        "subscription": subscription,
        "action": action,
        "title": ACTION_TITLES[action],
        "choice": request.account_choice,
    }
    if not posted or not form.is_valid():
        status = 400 if posted and form.errors else 200
        return render(request, "cabinet/service_action.html", context, status=status)
    try:
        service_action_request(
            subscription=subscription, action=action, until=form.cleaned_data["until"]
        )
    except ChangeRefused as refused:
        form.add_error(None, str(refused))
        return render(request, "cabinet/service_action.html", context, status=400)
    provider = _provider(request)
    transaction.on_commit(lambda: provider_task_send(outbox_deliver_task, provider))
    messages.success(request, _("Your request is on its way to the billing system."))
    return redirect("cabinet-service", subscription_id=subscription.id)


@require_http_methods(["GET", "POST"])
@client_page(Capability.MONEY)
def promised_payment(request: ClientRequest) -> HttpResponse:
    account = request.account_choice.current.account
    closed = account.status == AccountStatus.CLOSED
    if not _self_service(request) or not promised_payment_open() or closed:
        return render(request, "errors/not_found.html", status=404)
    limit = promised_payment_limit()
    posted = request.method == "POST"
    suggested = account.recommended_payment
    if suggested is not None and limit is not None:
        suggested = min(suggested, limit)
    form = PromisedPaymentForm(
        request.POST if posted else None, initial={"amount": suggested}, limit=limit
    )
    context = {
        "form": form,
        "account": account,
        "limit": limit,
        "state": promised_payment_state(account),
        "choice": request.account_choice,
    }
    if not posted or not form.is_valid():
        status = 400 if posted and form.errors else 200
        return render(request, "cabinet/promised_payment.html", context, status=status)
    try:
        promised_payment_request(account=account, amount=form.cleaned_data["amount"])
    except ChangeRefused as refused:
        form.add_error(None, str(refused))
        return render(request, "cabinet/promised_payment.html", context, status=400)
    provider = _provider(request)
    transaction.on_commit(lambda: provider_task_send(outbox_deliver_task, provider))
    messages.success(request, _("Your request is on its way to the billing system."))
    return redirect("home")


@require_http_methods(["GET", "POST"])
@client_page(Capability.SERVICES)
def service_order(request: ClientRequest, plan_id: int) -> HttpResponse:
    account = request.account_choice.current.account
    plan = get_object_or_404(Plan.objects.exclude(showcase__hidden=True), pk=plan_id)
    catalog_on = Module.CATALOG in _provider(request).modules
    connection = writable_connection() if _self_service(request) and catalog_on else None
    if not orders_open_of(connection) or not orderable(plan, account, kinds_held(account)):
        return render(request, "errors/not_found.html", status=404)
    context: dict[str, Any] = {
        "plan": plan,
        "showcase": PlanShowcase.objects.filter(plan=plan).first(),
        "account": account,
        "choice": request.account_choice,
    }
    if request.method == "GET":
        return render(request, "cabinet/order.html", context)
    try:
        service_order_request(account=account, plan=plan)
    except ChangeRefused as refused:
        context["error"] = str(refused)
        return render(request, "cabinet/order.html", context, status=400)
    provider = _provider(request)
    transaction.on_commit(lambda: provider_task_send(outbox_deliver_task, provider))
    messages.success(request, _("Your request is on its way to the billing system."))
    return redirect("cabinet-catalog")
