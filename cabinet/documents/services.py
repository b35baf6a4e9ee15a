from django.core.files.base import ContentFile
from django.db import transaction

from cabinet.documents.models import Document
from cabinet.sync.connection import billing_connector
from connectors.billing.base import BillingConnector
from connectors.errors import BadResponse, ConnectorError

PDF_MAGIC = b"%PDF-"


class NotAvailable(ConnectorError):
    """Billing has no file of this document in the format asked for."""


@transaction.atomic
def document_file_fetch(*, connector: BillingConnector, document: Document) -> Document:
    """Fetch the document's PDF from the billing system once and keep it in the provider's own
    media folder; later reads are served from there."""
    if document.file:
        return document
    content = connector.document_file(document.external_id, "pdf")
    if not content.startswith(PDF_MAGIC):
        raise BadResponse(f"document {document.external_id}: the file is not a PDF")
    name = f"{document.kind}-{document.number}.pdf".replace("/", "-")
    document.file.save(name, ContentFile(content), save=False)
    document.save(update_fields=["file"])
    return document


def document_file_get(document: Document) -> Document:
    """The document with its PDF, fetched from the provider's billing system on first use.
    Raises ConnectorError when billing has no file for it or does not answer."""
    if document.file:
        return document
    if "pdf" not in document.file_formats:
        raise NotAvailable(f"document {document.external_id}: billing offers no PDF")
    return document_file_fetch(
        connector=billing_connector(timeout=10.0, retries=1), document=document
    )
