"""The provider's legal texts in /manage/legal/ (administrators): each published as a new
version, which every client accepts again at their next page."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from branding.legal import legal_current, legal_publish
from branding.models import LegalDocument, LegalKind
from tenants.users.access import role_required
from tenants.users.audit import audit_record
from tenants.users.models import Role


class LegalForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=LegalKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy(
            "Markdown: # headings, **bold**, lists, [links](https://…). Publishing makes a new "
            "version; clients accept it at their next visit."
        ),
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.PROVIDER_ADMIN)
def manage_legal(request: HttpRequest) -> HttpResponse:
    current = legal_current(fresh=True)
    wanted = request.GET.get("kind") or LegalKind.TERMS
    base = current.get(wanted)
    initial = {
        "kind": wanted,
        "title": getattr(base, "title", ""),
        "body": getattr(base, "body", ""),
    }
    posted = request.method == "POST"
    form = LegalForm(request.POST if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            document = legal_publish(**form.cleaned_data, user=request.user)
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            audit_record(
                request, "legal.published", document.kind, after={"version": document.version}
            )
            messages.success(
                request,
                _("Version %(version)s of “%(title)s” is published.")
                % {"version": document.version, "title": document.title},
            )
            return redirect(f"{request.path}?kind={document.kind}")
    versions = LegalDocument.objects.annotate(accepted=Count("acceptances")).order_by(
        "kind", "-version"
    )
    context = {"form": form, "versions": versions, "kinds": LegalKind.choices}
    return render(request, "console/manage_legal.html", context, status=400 if form.errors else 200)
