"""Exchange files uploaded by provider staff: usage in the providers' own formats, and accounts
with balances. Every import is all or nothing; a refused file says which rows and why.

An upload is checked at once for size and format, kept in the provider's media folder and imported
by a worker (`import_queue`, then `import_run`): a month of RADIUS accounting takes minutes, longer
than a web request may last.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet.sync.models import ExchangeImport, ImportStatus
from cabinet.sync.upserts import accounts_upsert
from cabinet.usage.services import IngestResult, usage_ingest, usage_rematch, values_that_fit
from connectors.billing.files import (
    PARSERS,
    AccountsCsvParser,
    ImportRejected,
    RowError,
    detect_format,
)
from connectors.billing.types import AccountData
from connectors.models import BillingConnection, BillingKind

logger = logging.getLogger(__name__)

ACCOUNTS_FORMAT = AccountsCsvParser.format_name


@dataclass(frozen=True)
class ImportOutcome:
    format_name: str
    usage: IngestResult | None = None
    accounts: int = 0


def check_total_size(files: Sequence[Any]) -> None:
    """Refuse uploads larger than EXCHANGE_FILE_MAX_BYTES together (a form or API field error)."""
    limit = settings.EXCHANGE_FILE_MAX_BYTES
    if sum(upload.size for upload in files) > limit:
        raise ValidationError(
            _("The files are larger than %(size)s together; split the import."),
            params={"size": filesizeformat(limit)},
        )


def format_of(files: Sequence[BinaryIO], requested: str = "") -> str:
    """The format asked for, or the one all the files' heads agree on."""
    if requested:
        if requested not in PARSERS:
            raise ImportRejected([RowError(0, f"unknown format {requested!r}")])
        return requested
    found = set()
    for stream in files:
        head = stream.read(16384)
        stream.seek(0)
        found.add(detect_format(head, getattr(stream, "name", "") or ""))
    if len(found - {None}) > 1:
        raise ImportRejected(
            [RowError(0, "these files are in different formats; upload one format at a time")]
        )
    name = found.pop() if len(found) == 1 else None
    if name is None:
        raise ImportRejected(
            [RowError(0, "the format of these files cannot be recognised; choose it")]
        )
    return name


def exchange_file_import(
    *, files: Sequence[BinaryIO], time_zone: str, currency: str, requested_format: str = ""
) -> ImportOutcome:
    """Parse and store the files; raises ImportRejected (nothing stored) on any bad row."""
    name = format_of(files, requested_format)
    now = timezone.now()
    if name == ACCOUNTS_FORMAT:
        _refuse_accounts_owned_by_billing()
        with transaction.atomic(), values_that_fit():
            accounts = list(AccountsCsvParser(*files, now=now, balance_as_of=now).records())
            _refuse_other_currencies(accounts, currency)
            accounts_upsert(accounts)
            usage_rematch(time_zone=time_zone)
        return ImportOutcome(name, accounts=len(accounts))
    parser = PARSERS[name](*files, now=now)
    # A session still open has only interim counters: it is stored once an import shows it closed.
    closed = (record for record in parser.records() if not record.attributes.get("open"))
    return ImportOutcome(name, usage=usage_ingest(records=closed, time_zone=time_zone))


def _refuse_accounts_owned_by_billing() -> None:
    if BillingConnection.objects.filter(enabled=True).exclude(kind=BillingKind.FILES).exists():
        raise ImportRejected(
            [
                RowError(
                    0,
                    (
                        "accounts of this provider come from its billing system; "
                        "an accounts file would overwrite them until the next sync"
                    ),
                )
            ]
        )


def _refuse_other_currencies(accounts: list[AccountData], currency: str) -> None:
    wrong = [
        RowError(0, f"account {account.id}: {account.balance.currency} is not {currency}")
        for account in accounts
        if account.balance.currency != currency
    ]
    if wrong:
        raise ImportRejected(wrong[:100])


def import_queue(
    *,
    files: Sequence[Any],
    requested_format: str,
    user: Any,
) -> ExchangeImport:
    """Keep the uploaded files and record an import for a worker (the caller queues the task on
    commit). Raises ImportRejected at once when the format is unknown or cannot be told."""
    name = format_of(files, requested_format)
    job = ExchangeImport(format_name=name, created_by=user)
    job.file_names = [upload.name for upload in files]
    job.stored_paths = [
        default_storage.save(f"imports/{job.id}/{index}", upload)
        for index, upload in enumerate(files)
    ]
    job.save()
    return job


def import_run(*, import_id: Any, time_zone: str, currency: str) -> ExchangeImport | None:
    """Import a queued upload and record the outcome; an import already taken by another worker
    (a redelivered task) is left alone. The files are deleted whatever the outcome."""
    with transaction.atomic():
        job = (
            ExchangeImport.objects.select_for_update()
            .filter(id=import_id, status=ImportStatus.QUEUED)
            .first()
        )
        if job is None:
            return None
        job.status, job.started_at = ImportStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    streams: list[Any] = []  # django File objects: binary streams with the original name
    try:
        for path, original in zip(job.stored_paths, job.file_names, strict=True):
            stream = default_storage.open(path, "rb")
            stream.name = original  # row reports name the file as the user knows it
            streams.append(stream)
        outcome = exchange_file_import(
            files=streams,
            requested_format=job.format_name,
            time_zone=time_zone,
            currency=currency,
        )
    except ImportRejected as rejected:
        job.status = ImportStatus.REFUSED
        job.errors = [
            {"file": error.file, "line": error.line, "reason": error.reason}
            for error in rejected.errors
        ]
        job.errors_truncated = rejected.truncated
    except Exception:
        logger.exception("import %s failed", job.id)
        job.status = ImportStatus.FAILED
    else:
        job.status = ImportStatus.DONE
        job.accounts = outcome.accounts
        if outcome.usage is not None:
            job.received = outcome.usage.received
            job.inserted = outcome.usage.inserted
            job.unmatched = outcome.usage.unmatched
    finally:
        for stream in streams:
            stream.close()
        for path in job.stored_paths:
            default_storage.delete(path)
    job.finished_at = timezone.now()
    job.save()
    return job
