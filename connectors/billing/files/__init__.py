"""Parsers of providers' exchange files: usage (FreeRADIUS radacct and detail, Asterisk CDR,
meter readings) and accounts with balances. Formats and mappings: docs/usage-formats.md.

    parser_class = PARSERS[detect_format(head, filename)]
    with transaction.atomic():
        for record in parser_class(stream, now=now).records():  # may raise ImportRejected
            ...
"""

from typing import Any

from connectors.billing.files.accounts import AccountsCsvParser
from connectors.billing.files.asterisk import AsteriskCdrParser
from connectors.billing.files.base import FileParser, UsageParser
from connectors.billing.files.detect import detect_format
from connectors.billing.files.errors import MAX_ERRORS, ImportRejected, RowError
from connectors.billing.files.meters import MeterReadingsParser, Reading
from connectors.billing.files.radacct import RadacctCsvParser
from connectors.billing.files.radius_detail import RadiusDetailParser

PARSERS: dict[str, type[FileParser[Any]]] = {
    parser.format_name: parser
    for parser in (
        RadacctCsvParser,
        RadiusDetailParser,
        AsteriskCdrParser,
        MeterReadingsParser,
        AccountsCsvParser,
    )
}

__all__ = [
    "MAX_ERRORS",
    "PARSERS",
    "AccountsCsvParser",
    "AsteriskCdrParser",
    "FileParser",
    "ImportRejected",
    "MeterReadingsParser",
    "RadacctCsvParser",
    "RadiusDetailParser",
    "Reading",
    "RowError",
    "UsageParser",
    "detect_format",
]
