"""The provider's legal texts as clients read and accept them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from branding.legal import legal_accept, legal_current, legal_html, legal_remember, legal_to_accept
from branding.models import LegalDocument, LegalKind


class AcceptForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and accept these documents"),
        error_messages={"required": _("Accept the documents to go on.")},
    )
    # The versions the client was shown: only those are accepted.
    shown = forms.CharField(widget=forms.HiddenInput, required=False)


@require_safe
def legal_page(request: HttpRequest, kind: str, version: int | None = None) -> HttpResponse:
    """A legal text: the current version, or an earlier one by its number."""
    if kind not in LegalKind.values:
        raise Http404
    current = legal_current(fresh=True).get(kind)
    if version is None:
        document = current
    else:
        document = LegalDocument.objects.filter(kind=kind, version=version).first()
    if document is None:
        raise Http404
    context = {
        "document": document,
        "html": legal_html(document),
        "outdated": current is not None and current.version != document.version,
    }
    return render(request, "branding/legal_page.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def legal_accept_page(request: HttpRequest) -> HttpResponse:
    """What changed since the client last accepted, and the one box to accept it."""
    back = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    documents = legal_to_accept(request.user, fresh=True)
    if not documents:
        legal_remember(request)
        return redirect(back)
    posted = request.method == "POST"
    shown = ",".join(str(document.pk) for document in documents)
    form = AcceptForm(request.POST if posted else None, initial={"shown": shown})
    if posted and form.is_valid() and form.cleaned_data["shown"] not in ("", shown):
        messages.error(request, _("A text changed meanwhile; read the list again."))
        form = AcceptForm(initial={"shown": shown})
    elif posted and form.is_valid():
        legal_accept(user=request.user, documents=documents)
        legal_remember(request)
        return redirect(back)
    context = {"form": form, "documents": documents}
    return render(
        request, "branding/legal_accept.html", context, status=400 if form.errors else 200
    )
