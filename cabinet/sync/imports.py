"""Exchange files uploaded by provider staff: usage in the providers' own formats, and accounts
with balances. Every import is all or nothing; a refused file says which rows and why."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from cabinet.sync.upserts import accounts_upsert
from cabinet.usage.services import IngestResult, usage_ingest, usage_rematch, values_that_fit
from connectors.billing.files import (
    PARSERS,
    AccountsCsvParser,
    ImportRejected,
    RowError,
    detect_format,
)

ACCOUNTS_FORMAT = AccountsCsvParser.format_name


@dataclass(frozen=True)
class ImportOutcome:
    format_name: str
    usage: IngestResult | None = None
    accounts: int = 0


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
    name = found.pop() if len(found) == 1 else None
    if name is None:
        raise ImportRejected(
            [RowError(0, "the format of these files cannot be recognised; choose it")]
        )
    return name


def exchange_file_import(
    *, files: Sequence[BinaryIO], time_zone: str, requested_format: str = ""
) -> ImportOutcome:
    """Parse and store the files; raises ImportRejected (nothing stored) on any bad row."""
    name = format_of(files, requested_format)
    now = timezone.now()
    if name == ACCOUNTS_FORMAT:
        with transaction.atomic(), values_that_fit():
            accounts = list(AccountsCsvParser(*files, now=now, balance_as_of=now).records())
            accounts_upsert(accounts)
            usage_rematch(time_zone=time_zone)
        return ImportOutcome(name, accounts=len(accounts))
    parser = PARSERS[name](*files, now=now)
    return ImportOutcome(name, usage=usage_ingest(records=parser.records(), time_zone=time_zone))
