"""Topping up the balance through the provider's gateway, and the page the client comes back to."""

import contextlib
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from cabinet.access import SESSION_ACCOUNT_KEY, ClientRequest, client_page
from cabinet.accounts.models import Capability
from cabinet.accounts.selectors import AccountChoice
from cabinet.documents.models import Document
from cabinet.payments.models import OnlinePayment, PaymentStatus
from cabinet.payments.services import (
    PaymentRefused,
    online_payment_abandon,
    online_payment_settle,
    online_payment_start,
    payable_invoice,
    payments_open,
    top_ups_open,
)
from cabinet.sync.tasks import outbox_deliver_task
from connectors.errors import ConnectorError
from connectors.models import PaymentPurpose
from tenants.models import Provider
from tenants.presets import Module
from tenants.tasks import provider_task_send


class TopUpForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    save_card = forms.BooleanField(
        label=_("Keep the card for automatic top-ups"),
        required=False,
        help_text=_("The card number stays with the payment service; you can remove it any time."),
    )


def _provider(request: HttpRequest) -> Provider:
    return cast(Provider, getattr(request, "provider", None))


def payments_on(request: HttpRequest) -> bool:
    return Module.PAYMENTS in _provider(request).modules and top_ups_open() is not None


@require_http_methods(["GET", "POST"])
@client_page(Capability.MONEY)
def top_up(request: ClientRequest) -> HttpResponse:
    if not payments_on(request):
        return render(request, "errors/not_found.html", status=404)
    account = request.account_choice.current.account
    gateway = top_ups_open()
    posted = request.method == "POST"
    form = TopUpForm(
        request.POST if posted else None, initial={"amount": account.recommended_payment}
    )
    context = {
        "form": form,
        "account": account,
        "gateway": gateway,
        "choice": request.account_choice,
    }
    if posted and form.is_valid():
        try:
            payment = online_payment_start(
                account=account,
                user=request.user,
                amount=form.cleaned_data["amount"],
                save_card=form.cleaned_data["save_card"],
                return_url_for=lambda made: request.build_absolute_uri(
                    reverse("cabinet-online-payment", args=[made.id])
                ),
            )
        except PaymentRefused as refused:
            form.add_error("amount", str(refused))
        else:
            return redirect(payment.confirmation_url)
    status = 400 if form.errors else 200
    return render(request, "cabinet/top_up.html", context, status=status)


@require_http_methods(["GET", "POST"])
@client_page(Capability.MONEY)
def pay_invoice(request: ClientRequest, document_id: int) -> HttpResponse:
    """Pay an invoice of the current account for its total."""
    account = request.account_choice.current.account
    invoice = Document.objects.filter(pk=document_id, account=account).first()
    invoice_payments = payments_open(PaymentPurpose.INVOICE)
    on = Module.PAYMENTS in _provider(request).modules and invoice_payments is not None
    if not on or invoice is None or not payable_invoice(invoice, account):
        return render(request, "errors/not_found.html", status=404)
    context: dict[str, Any] = {
        "invoice": invoice,
        "account": account,
        "choice": request.account_choice,
    }
    if request.method == "GET":
        return render(request, "cabinet/pay_invoice.html", context)
    try:
        payment = online_payment_start(
            account=account,
            user=request.user,
            amount=invoice.total,
            invoice=invoice,
            return_url_for=lambda made: request.build_absolute_uri(
                reverse("cabinet-online-payment", args=[made.id])
            ),
        )
    except PaymentRefused as refused:
        context["error"] = str(refused)
        return render(request, "cabinet/pay_invoice.html", context, status=400)
    return redirect(payment.confirmation_url)


@require_safe
@client_page(Capability.MONEY)
def online_payment(request: ClientRequest, payment_id) -> HttpResponse:
    """Where the gateway sends the client back: the payment's live state until it settles."""
    payment = _own_payment(request, payment_id)
    if payment.status == PaymentStatus.PENDING:
        # A gateway that is not answering leaves it pending; the page asks again shortly.
        with contextlib.suppress(ConnectorError):
            payment = online_payment_settle(payment_id=payment.pk)
        if payment.status == PaymentStatus.SUCCEEDED:
            provider = _provider(request)
            transaction.on_commit(lambda: provider_task_send(outbox_deliver_task, provider))
    context = {"payment": payment, "choice": request.account_choice}
    return render(request, "cabinet/online_payment.html", context)


@require_safe
@client_page(Capability.MONEY)
def online_payment_cancel(request: ClientRequest, payment_id) -> HttpResponse:
    """Where the gateway sends a client who went back without paying: the payment is closed at
    the gateway, so that it cannot be paid later, and its page says so."""
    payment = _own_payment(request, payment_id)
    with contextlib.suppress(ConnectorError):
        online_payment_abandon(payment_id=payment.pk)
    return redirect("cabinet-online-payment", payment_id=payment.pk)


def _own_payment(request: ClientRequest, payment_id) -> OnlinePayment:
    """A payment of any account this user may pay for. The client may have switched accounts in
    another tab while paying; coming back, the page shows the payment's own account."""
    choice = request.account_choice
    money = {access.account_id: access for access in choice.all if access.can(Capability.MONEY)}
    payment = get_object_or_404(OnlinePayment, pk=payment_id, account_id__in=list(money))
    if payment.account_id != choice.current.account_id:
        request.session[SESSION_ACCOUNT_KEY] = payment.account_id
        request.account_choice = AccountChoice(current=money[payment.account_id], all=choice.all)
    return payment
