from django.core.files.base import ContentFile
from django.db import transaction

from cabinet.documents.models import Document
from connectors.billing.base import BillingConnector
from connectors.errors import BadResponse

PDF_MAGIC = b"%PDF-"


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
