"""Saved cards and the automatic top-up rule, on the client's side."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from cabinet.access import ClientRequest, client_page
from cabinet.accounts.models import Capability
from cabinet.payment_views import payments_on
from cabinet.payments.auto_top_up import auto_top_up_save, auto_top_up_stop, saved_card_remove
from cabinet.payments.models import AutoTopUp, AutoTopUpPeriod, SavedCard
from cabinet.payments.services import top_ups_open
from connectors.models import PaymentGateway


class AutoTopUpForm(forms.Form):
    card = forms.TypedChoiceField(label=_("Card"), coerce=int)
    threshold = forms.DecimalField(
        label=_("When the balance falls below"), max_digits=12, decimal_places=2
    )
    amount = forms.DecimalField(label=_("Top up by"), max_digits=12, decimal_places=2)
    period = forms.ChoiceField(label=_("How often"), choices=AutoTopUpPeriod.choices)
    consent = forms.BooleanField(
        label=_(
            "I agree that the provider charges this card by the amount above, without asking "
            "me each time, until I switch automatic top-up off here."
        ),
        error_messages={"required": _("Automatic top-up needs your consent.")},
    )

    def __init__(self, *args, cards, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        card_field = cast(forms.TypedChoiceField, self.fields["card"])
        card_field.choices = [(card.pk, card.title) for card in cards]


@require_http_methods(["GET", "POST"])
@client_page(Capability.MONEY)
def auto_top_up(request: ClientRequest) -> HttpResponse:
    if not payments_on(request):
        return render(request, "errors/not_found.html", status=404)
    account = request.account_choice.current.account
    gateway = cast(PaymentGateway, top_ups_open())  # payments_on says there is one
    cards = list(
        SavedCard.objects.filter(account=account, gateway=gateway.kind, removed_at__isnull=True)
    )
    rule = AutoTopUp.objects.filter(account=account).select_related("card").first()
    initial = (
        {
            "card": rule.card_id,
            "threshold": rule.threshold,
            "amount": rule.amount,
            "period": rule.period,
        }
        if rule
        else {"threshold": 0, "amount": account.recommended_payment or gateway.min_amount}
    )
    form = AutoTopUpForm(request.POST or None, cards=cards, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            auto_top_up_save(
                account=account,
                user=request.user,
                card_id=data["card"],
                threshold=data["threshold"],
                amount=data["amount"],
                period=data["period"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("cabinet-auto-top-up")
    context = {
        "form": form,
        "cards": cards,
        "rule": rule,
        "gateway": gateway,
        "account": account,
        "choice": request.account_choice,
    }
    return render(request, "cabinet/auto_top_up.html", context, status=400 if form.errors else 200)


@require_POST
@client_page(Capability.MONEY)
def auto_top_up_off(request: ClientRequest) -> HttpResponse:
    auto_top_up_stop(account=request.account_choice.current.account)
    return redirect("cabinet-auto-top-up")


@require_POST
@client_page(Capability.MONEY)
def saved_card_delete(request: ClientRequest, card_id: int) -> HttpResponse:
    if not saved_card_remove(account=request.account_choice.current.account, card_id=card_id):
        return render(request, "errors/not_found.html", status=404)
    return redirect("cabinet-auto-top-up")


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
