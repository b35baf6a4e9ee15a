"""One online payment in /manage/: what happened to it, and refunds by provider staff."""

import uuid

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cabinet.payments.models import OnlinePayment, RefundStatus
from cabinet.payments.refunds import RefundRefused, payment_refund
from tenants.users.access import role_required
from tenants.users.audit import audit_record
from tenants.users.models import PROVIDER_STAFF_ROLES


class RefundForm(forms.Form):
    # Made with the page: sending the same form twice refunds once.
    refund_id = forms.UUIDField(widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount to refund"), max_digits=12, decimal_places=2
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


@require_http_methods(["GET", "POST"])
@role_required(*PROVIDER_STAFF_ROLES)
def manage_payment(request: HttpRequest, payment_id) -> HttpResponse:
    payment = get_object_or_404(
        OnlinePayment.objects.select_related("account", "document", "card"), pk=payment_id
    )
    form = RefundForm(
        request.POST if request.method == "POST" else None,
        initial={"refund_id": uuid.uuid4(), "amount": payment.refundable},
    )
    if request.method == "POST" and form.is_valid():
        try:
            refund = payment_refund(
                payment_id=payment.pk,
                refund_id=form.cleaned_data["refund_id"],
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except RefundRefused as refused:
            form.add_error(None, str(refused))
        else:
            audit_record(
                request,
                "payments.refund",
                str(payment.pk),
                after={"amount": str(refund.amount), "status": refund.status},
            )
            if refund.status == RefundStatus.SUCCEEDED:
                messages.success(request, _("Refunded; billing takes it off the balance."))
            else:
                messages.error(request, _("The payment service refused the refund."))
            return redirect("console-manage-payment", payment_id=payment.pk)
    context = {
        "payment": payment,
        "refunds": payment.refunds.select_related("created_by"),
        "form": form if payment.refundable > 0 else None,
    }
    return render(
        request, "console/manage_payment.html", context, status=400 if form.errors else 200
    )
