"""Kabinet's accounts and balances CSV -> AccountData (one row per account)."""

from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO

from connectors.billing.files.base import FileParser
from connectors.billing.files.csvrows import header_rows
from connectors.billing.files.errors import RowProblem
from connectors.billing.files.holders import (
    check_email,
    check_inn,
    check_kpp,
    check_ogrn,
    check_phone,
)
from connectors.billing.files.values import (
    check_moment,
    parse_decimal,
    parse_timestamp,
    require_text,
)
from connectors.billing.types import AccountData, AccountStatus, Holder, HolderType, Money

REQUIRED = frozenset(
    {"account_id", "contract_number", "status", "holder_type", "holder_name", "balance", "currency"}
)
OPTIONAL = frozenset(
    {
        "inn", "kpp", "ogrn", "legal_address", "email", "phone", "address", "credit_limit",
        "balance_as_of", "recommended_payment", "updated_at",
    }
)  # fmt: skip
MAX_MONEY = Decimal(10**12)
# The widths of the columns these values are stored in (cabinet.accounts.ClientAccount): a longer
# value is refused with its row instead of failing the whole file at the database.
MAX_LENGTHS = {
    "contract_number": 64,
    "holder_name": 300,
    "ogrn": 15,
    "legal_address": 500,
    "address": 500,
}


class AccountsCsvParser(FileParser[AccountData]):
    """Accounts with their balances. `balance_as_of` fills rows whose column is empty (or
    absent); without either such rows are refused, since a balance without a date misleads."""

    format_name = "accounts_csv"

    def __init__(
        self, *streams: BinaryIO, now: datetime | None = None, balance_as_of: datetime | None = None
    ) -> None:
        super().__init__(*streams, now=now)
        self.balance_as_of = balance_as_of

    def parse_file(self, stream: BinaryIO) -> Iterator[AccountData]:
        delimiter, rows = header_rows(stream, self.reject, REQUIRED, OPTIONAL, sniff=True)
        for line, row in rows:
            try:
                account = self._account(row, decimal_comma=delimiter == ";")
            except RowProblem as problem:
                self.reject(line, problem.reason)
                continue
            if self.is_new(f"account:{account.id}", (account,), line):
                yield account

    def _account(self, row: dict[str, str], *, decimal_comma: bool) -> AccountData:
        currency = require_text(row["currency"], "currency").upper()
        if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
            raise RowProblem(f"currency: {currency!r} is not an ISO 4217 code")

        def money(field: str, default: str = "") -> Money:
            text = row.get(field, "").strip() or default
            return Money(_amount(text, field, decimal_comma), currency)

        return AccountData(
            id=require_text(row["account_id"], "account_id"),
            number=require_text(row["contract_number"], "contract_number", _max("contract_number")),
            status=_status(row["status"]),
            holder=_holder(row),
            balance=money("balance"),
            balance_as_of=self._moment(row, "balance_as_of", self.balance_as_of),
            credit_limit=money("credit_limit", "0"),
            email=_optional(row, "email", check_email),
            phone=_optional(row, "phone", check_phone),
            address=_optional_text(row, "address"),
            recommended_payment=(
                money("recommended_payment") if row.get("recommended_payment", "").strip() else None
            ),
            updated_at=self._moment(row, "updated_at", None) if row.get("updated_at") else None,
        )

    def _moment(self, row: dict[str, str], field: str, default: datetime | None) -> datetime:
        text = row.get(field, "").strip()
        if not text:
            if default is None:
                raise RowProblem(f"{field}: empty, and no default date was given")
            return default
        return check_moment(parse_timestamp(text, field), field, self.now)


def _amount(text: str, field: str, decimal_comma: bool) -> Decimal:
    amount = parse_decimal(text, field, decimal_comma=decimal_comma)
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise RowProblem(f"{field}: more than two decimal places in {text!r}")
    if abs(amount) > MAX_MONEY:
        raise RowProblem(f"{field}: {amount} is implausibly large")
    return amount


def _status(text: str) -> AccountStatus:
    try:
        return AccountStatus(text.strip().lower())
    except ValueError:
        allowed = ", ".join(status.value for status in AccountStatus)
        raise RowProblem(f"status: {text!r} is not one of {allowed}") from None


def _holder(row: dict[str, str]) -> Holder:
    try:
        holder_type = HolderType(row["holder_type"].strip().lower())
    except ValueError:
        message = f"holder_type: {row['holder_type']!r} is not person or organization"
        raise RowProblem(message) from None
    organization = holder_type is HolderType.ORGANIZATION
    inn = row.get("inn", "").strip()
    kpp = row.get("kpp", "").strip()
    ogrn = row.get("ogrn", "").strip()
    if kpp and not organization:
        raise RowProblem("kpp: a person has no KPP")
    return Holder(
        type=holder_type,
        name=require_text(row["holder_name"], "holder_name", _max("holder_name")),
        inn=check_inn(inn, organization=organization) if inn else None,
        kpp=check_kpp(kpp) if kpp else None,
        ogrn=check_ogrn(ogrn, organization=organization) if ogrn else None,
        legal_address=_optional_text(row, "legal_address"),
    )


def _optional(row: dict[str, str], field: str, check: Callable[[str], str]) -> str | None:
    text = row.get(field, "").strip()
    return check(text) if text else None


def _max(field: str) -> int:
    return MAX_LENGTHS[field]


def _optional_text(row: dict[str, str], field: str) -> str | None:
    text = row.get(field, "").strip()
    return require_text(text, field, _max(field)) if text else None
