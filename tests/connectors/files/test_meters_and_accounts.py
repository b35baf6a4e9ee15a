import io
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from connectors.billing.files import (
    AccountsCsvParser,
    ImportRejected,
    MeterReadingsParser,
    Reading,
    RowError,
)
from connectors.billing.types import AccountStatus, HolderType, Money
from tests.connectors.files.data import NOW

READINGS = """meter_id,account_ref,reading_at,metric,unit,reading
E-1,LS-100,2026-10-01T00:00:00+03:00,energy,kWh,1200.5
W-7,,2026-10-01T00:00:00Z,water,m3,10.000
E-1,LS-100,2026-11-01T00:00:00+03:00,energy,kWh,1350.25
W-7,,2026-11-01T00:00:00Z,water,m3,13.125
"""
ACCOUNTS = "\n".join(
    [
        "account_id;contract_number;status;holder_type;holder_name;inn;kpp;email;phone;"
        "balance;currency;credit_limit;balance_as_of",
        "A-1;Д-2026/001;active;person;Иванов Иван Иванович;500100732259;;ivanov@example.ru;"
        "+7 900 000-00-01;-150,50;RUB;500;2026-11-30T21:00:00Z",
        "A-2;Д-2026/002;blocked;organization;ООО «Ромашка»;7707083893;773601001;;;"
        "12000;RUB;;2026-11-30T21:00:00Z",
        "",
    ]
)


def _stream(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def test_consumption_between_consecutive_readings() -> None:
    records = list(MeterReadingsParser(_stream(READINGS), now=NOW).records())

    assert [(r.source_key, r.account_ref, r.metric, r.unit, r.quantity) for r in records] == [
        (
            "meter:E-1:energy:2026-10-31T21:00:00+00:00",
            "LS-100",
            "energy",
            "kWh",
            Decimal("149.75"),
        ),
        ("meter:W-7:water:2026-11-01T00:00:00+00:00", "W-7", "water", "m3", Decimal("3.125")),
    ]
    assert records[0].started_at == datetime(2026, 9, 30, 21, tzinfo=UTC)


def test_a_baseline_makes_the_first_reading_count() -> None:
    baseline = {"W-7": Reading(datetime(2026, 9, 1, tzinfo=UTC), Decimal("9"))}

    records = list(MeterReadingsParser(_stream(READINGS), now=NOW, baselines=baseline).records())

    assert [(r.account_ref, r.quantity) for r in records] == [
        ("W-7", Decimal("1.000")),
        ("LS-100", Decimal("149.75")),
        ("W-7", Decimal("3.125")),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_meter_files_in_every_accepted_encoding_read_the_same(encoding: str) -> None:
    text = READINGS.replace(",,", ",Квартира 5,")

    records = list(MeterReadingsParser(_stream(text, encoding), now=NOW).records())

    assert [r.account_ref for r in records] == ["LS-100", "Квартира 5"]


def test_bad_meter_rows() -> None:
    text = READINGS + (
        "E-1,LS-100,2026-11-15T00:00:00+03:00,energy,kWh,1000\n"
        "E-1,LS-100,2026-10-15T00:00:00+03:00,energy,kWh,1400\n"
        "W-7,,2026-11-15T00:00:00Z,water,kWh,14\n"
        "W-7,,2026-11-16T00:00:00Z,water,m3,abc\n"
        "W-7,,2026-11-17,water,m3,15\n"
        "G-1,,2026-11-17T00:00:00Z,gas,m3,15\n"
        "W-7,,2026-11-18T00:00:00Z,water,m3,99999999\n"
        "W-7,,2026-11-19T00:00:00Z,water,m3,-1\n"
    )

    with pytest.raises(ImportRejected) as rejected:
        list(MeterReadingsParser(_stream(text), now=NOW).records())

    assert [(error.line, error.reason) for error in rejected.value.errors] == [
        (6, "reading 1000 is below the previous 1350.25; a replaced meter needs a new meter_id"),
        (7, "reading_at is not after the meter's previous reading (2026-11-14 21:00:00+00:00)"),
        (8, "unit: water is measured in m3, not 'kWh'"),
        (9, "reading: not a number: 'abc'"),
        (10, "reading_at: no time zone offset in '2026-11-17'"),
        (11, "metric: 'gas' is not one of energy, water, heat"),
        (12, "consumption 99999985.875 m3 is implausibly large"),
        (13, "reading: -1 is out of range 0..1000000000000"),
    ]


def test_accounts_from_a_semicolon_windows_1251_export() -> None:
    accounts = list(AccountsCsvParser(_stream(ACCOUNTS, "cp1251"), now=NOW).records())

    person, company = accounts
    assert (person.id, person.number, person.status) == ("A-1", "Д-2026/001", AccountStatus.ACTIVE)
    assert (person.holder.type, person.holder.name, person.holder.inn) == (
        HolderType.PERSON,
        "Иванов Иван Иванович",
        "500100732259",
    )
    assert person.balance == Money(Decimal("-150.50"), "RUB")
    assert person.credit_limit == Money(Decimal("500"), "RUB")
    assert person.balance_as_of == datetime(2026, 11, 30, 21, tzinfo=UTC)
    assert (person.email, person.phone) == ("ivanov@example.ru", "+7 900 000-00-01")
    assert (company.holder.type, company.holder.kpp, company.status) == (
        HolderType.ORGANIZATION,
        "773601001",
        AccountStatus.BLOCKED,
    )
    assert company.credit_limit == Money(Decimal("0"), "RUB")


def test_bad_account_rows() -> None:
    rows = (
        ACCOUNTS.splitlines()[0]
        + "\n"
        + (
            "A-3;N-3;frozen;person;X;;;;;1;RUB;;2026-11-30T21:00:00Z\n"
            "A-4;N-4;active;person;X;500100732250;;;;1;RUB;;2026-11-30T21:00:00Z\n"
            "A-5;N-5;active;person;X;;;not-an-email;;1;RUB;;2026-11-30T21:00:00Z\n"
            "A-6;N-6;active;person;X;;;;;1,005;RUB;;2026-11-30T21:00:00Z\n"
            "A-7;N-7;active;person;X;;;;;1;рубли;;2026-11-30T21:00:00Z\n"
            "A-8;N-8;active;person;X;;;;;1;RUB;;\n"
            "A-9;N-9;active;person;X;;;;;1;RUB;;2026-11-30T21:00:00Z\n"
            "A-9;N-9;active;person;X;;;;;2;RUB;;2026-11-30T21:00:00Z\n"
        )
    )

    with pytest.raises(ImportRejected) as rejected:
        list(AccountsCsvParser(_stream(rows), now=NOW).records())

    assert rejected.value.errors == (
        RowError(2, "status: 'frozen' is not one of active, blocked, suspended, closed", "file 1"),
        RowError(3, "inn: 500100732250 has wrong check digits", "file 1"),
        RowError(4, "email: 'not-an-email' is not an e-mail address", "file 1"),
        RowError(5, "balance: more than two decimal places in '1,005'", "file 1"),
        RowError(6, "currency: 'РУБЛИ' is not an ISO 4217 code", "file 1"),
        RowError(7, "balance_as_of: empty, and no default date was given", "file 1"),
        RowError(9, "account:A-9 appears again with other values (first at line 8)", "file 1"),
    )


def test_a_default_balance_date_fills_empty_cells() -> None:
    as_of = datetime(2026, 12, 1, tzinfo=timezone(timedelta(hours=3)))
    text = ACCOUNTS.replace("2026-11-30T21:00:00Z\nA-2", "\nA-2")

    accounts = list(AccountsCsvParser(_stream(text), now=NOW, balance_as_of=as_of).records())

    assert [account.balance_as_of for account in accounts] == [
        as_of,
        datetime(2026, 11, 30, 21, tzinfo=UTC),
    ]


def test_free_text_too_long_to_store_is_refused_with_its_row() -> None:
    header = "account_id;contract_number;status;holder_type;holder_name;address;balance;currency"
    rows = "\n".join(
        [
            header,
            f"A-1;{'N' * 65};active;person;X;;1;RUB",
            f"A-2;N-2;active;person;{'Я' * 301};;1;RUB",
            f"A-3;N-3;active;person;X;{'ул. ' * 126};1;RUB",
            f"A-4;N-4;active;person;X;{'д. 1' * 125};1;RUB",
        ]
    )

    with pytest.raises(ImportRejected) as rejected:
        list(AccountsCsvParser(_stream(rows), now=NOW, balance_as_of=NOW).records())

    assert rejected.value.errors == (
        RowError(2, "contract_number: longer than 64 characters", "file 1"),
        RowError(3, "holder_name: longer than 300 characters", "file 1"),
        RowError(4, "address: longer than 500 characters", "file 1"),
    )


def test_ogrn_check_digits_and_who_may_have_one() -> None:
    header = (
        "account_id;contract_number;status;holder_type;holder_name;ogrn;balance;currency;"
        "balance_as_of"
    )
    rows = "\n".join(
        [
            header,
            "B-1;N-1;active;organization;ПАО Банк;1027700132195;0;RUB;2026-11-30T21:00:00Z",
            "B-2;N-2;active;organization;ИП Петров;304500116000157;0;RUB;2026-11-30T21:00:00Z",
            "B-3;N-3;active;organization;ООО Опечатка;1027700132196;0;RUB;2026-11-30T21:00:00Z",
            "B-4;N-4;active;person;Сидоров;1027700132195;0;RUB;2026-11-30T21:00:00Z",
            "B-5;N-5;active;organization;ООО Коротко;12345;0;RUB;2026-11-30T21:00:00Z",
        ]
    )

    with pytest.raises(ImportRejected) as rejected:
        list(AccountsCsvParser(_stream(rows), now=NOW).records())

    assert rejected.value.errors == (
        RowError(4, "ogrn: 1027700132196 has a wrong check digit", "file 1"),
        RowError(5, "ogrn: a person has no OGRN", "file 1"),
        RowError(6, "ogrn: '12345' is not 13 or 15 digits", "file 1"),
    )
    good = "\n".join(rows.splitlines()[:3])
    company, sole_trader = AccountsCsvParser(_stream(good), now=NOW).records()
    assert (company.holder.ogrn, sole_trader.holder.ogrn) == ("1027700132195", "304500116000157")
