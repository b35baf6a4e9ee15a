"""The provider's legal texts: terms of service, privacy policy and consent to the processing of
personal data. Staff publish them as numbered versions, written in Markdown and shown sanitised;
a client accepts the current versions at registration and again whenever one of them changes,
and each acceptance is kept with its moment and version.

Whether a client has something new to accept is asked on every client page, so the current
versions are kept in the (schema-keyed) cache and the answer in the client's session: a page
costs no query unless a text has changed since the client last accepted. Each process may keep
its own cache, so a new version reaches every process within CURRENT_SECONDS; the pages that
show and accept the texts read them from the database, and never act on a stale list.
"""

import markdown
import nh3
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from branding.models import LegalAcceptance, LegalDocument, LegalKind

CURRENT_KEY = "branding:legal:current"
CURRENT_SECONDS = 30
SESSION_KEY = "legal_accepted"


def legal_current(*, fresh: bool = False) -> dict[str, LegalDocument]:
    """The newest version of each kind there is, by kind: as this process last saw it (at most
    CURRENT_SECONDS ago), or `fresh` from the database."""
    current = None if fresh else cache.get(CURRENT_KEY)
    if current is None:
        current = {}
        for document in LegalDocument.objects.order_by("kind", "-version"):
            current.setdefault(document.kind, document)
        cache.set(CURRENT_KEY, current, CURRENT_SECONDS)
    return current


def legal_html(document: LegalDocument) -> str:
    """The text as HTML, with nothing in it that could run or load anything."""
    return nh3.clean(markdown.markdown(document.body), link_rel="noopener noreferrer nofollow")


def legal_publish(*, kind: str, title: str, body: str, user) -> LegalDocument:
    """A new version of `kind`; every client accepts it at their next page."""
    errors: dict[str, list[str]] = {}
    if kind not in LegalKind.values:
        errors["kind"] = [_("Choose a document.")]
    if not title.strip() or len(title) > 200:
        errors["title"] = [_("Give a title of up to 200 characters.")]
    if not body.strip() or len(body) > 100_000:
        errors["body"] = [_("Give the text, up to 100,000 characters.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        newest = LegalDocument.objects.select_for_update().filter(kind=kind).first()
        document = LegalDocument.objects.create(
            kind=kind,
            version=(newest.version if newest else 0) + 1,
            title=title.strip(),
            body=body.strip(),
            published_by=user if getattr(user, "pk", None) else None,
        )
        # Now, and again once committed: a request may read the old versions in between.
        cache.delete(CURRENT_KEY)
        transaction.on_commit(lambda: cache.delete(CURRENT_KEY))
    return document


def legal_to_accept(user, *, fresh: bool = False) -> list[LegalDocument]:
    """The current versions this client has not accepted."""
    current = legal_current(fresh=fresh)
    accepted = set(
        LegalAcceptance.objects.filter(
            user=user, document__in=[document.pk for document in current.values()]
        ).values_list("document_id", flat=True)
    )
    return [document for document in current.values() if document.pk not in accepted]


def legal_accept(*, user, documents: list[LegalDocument]) -> None:
    for document in documents:
        try:
            with transaction.atomic():
                LegalAcceptance.objects.create(user=user, document=document)
        except IntegrityError:
            continue  # accepted already, in another tab


def legal_signature() -> str:
    return ",".join(f"{kind}:{doc.version}" for kind, doc in sorted(legal_current().items()))


def legal_pending(request: HttpRequest) -> bool:
    """Whether the logged-in client must accept something before going on."""
    signature = legal_signature()
    if not signature or request.session.get(SESSION_KEY) == signature:
        return False
    if legal_to_accept(request.user):
        return True
    request.session[SESSION_KEY] = signature
    return False


def legal_remember(request: HttpRequest) -> None:
    """The client has accepted everything current (the list just read from the database)."""
    request.session[SESSION_KEY] = legal_signature()
