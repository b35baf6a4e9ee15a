"""Value checks shared by the parsers. Each raises RowProblem with a reason a person can act on."""

import re
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation

from connectors.billing.files.errors import RowProblem

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# Clocks of NASes and PBXes drift and files arrive from other time zones: allow a day ahead.
FUTURE_SLACK = timedelta(days=1)
# A 400 Gbit/s port saturated for a year moves about 1.6e18 bytes; RADIUS counters are 64-bit.
MAX_OCTETS = 2**64 - 1
# Longer than any session or call a real NAS or PBX keeps open (a year and a month).
MAX_SESSION_SECONDS = 400 * 86400
MAX_CALL_SECONDS = 7 * 86400
_INTEGER = re.compile(r"[0-9]+")


def parse_count(text: str, field: str, *, maximum: int) -> int:
    """A non-negative integer no larger than `maximum`."""
    value = text.strip()
    if not _INTEGER.fullmatch(value):
        raise RowProblem(f"{field}: not a non-negative integer: {text!r}")
    number = int(value)
    if number > maximum:
        raise RowProblem(f"{field}: {number} is larger than the limit {maximum}")
    return number


def parse_decimal(text: str, field: str, *, decimal_comma: bool = False) -> Decimal:
    """A finite decimal number written with a dot (or a comma when the file uses `;`)."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if decimal_comma:
        value = value.replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RowProblem(f"{field}: not a number: {text!r}") from None
    if not number.is_finite() or not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
        raise RowProblem(f"{field}: not a plain decimal number: {text!r}")
    return number


def parse_timestamp(text: str, field: str, *, assume: tzinfo | None = None) -> datetime:
    """An ISO 8601 date-time in UTC. Without an offset it is read in `assume`, or refused."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise RowProblem(f"{field}: not a date-time: {text!r}") from None
    if moment.tzinfo is None:
        if assume is None:
            raise RowProblem(f"{field}: no time zone offset in {text!r}")
        moment = moment.replace(tzinfo=assume)
    return moment.astimezone(UTC)


def check_moment(moment: datetime, field: str, now: datetime) -> datetime:
    """Refuse times before 2000 or more than a day after `now`: a wrong clock or a wrong column."""
    if moment < EARLIEST:
        raise RowProblem(f"{field}: {moment.isoformat()} is before 2000")
    if moment > now + FUTURE_SLACK:
        raise RowProblem(f"{field}: {moment.isoformat()} is in the future")
    return moment


# Identifiers (logins, session and account ids) are stored in columns of this width.
MAX_IDENTIFIER_LENGTH = 128


def require_text(text: str, field: str, max_length: int = MAX_IDENTIFIER_LENGTH) -> str:
    """A non-empty value without replacement characters left by a failed decode or NUL bytes,
    short enough to be stored."""
    value = text.strip()
    if not value:
        raise RowProblem(f"{field}: empty")
    if "\ufffd" in value or "\x00" in value:
        raise RowProblem(f"{field}: contains bytes that are not text: {value[:40]!r}")
    if len(value) > max_length:
        raise RowProblem(f"{field}: longer than {max_length} characters")
    return value
