"""Checks of Russian taxpayer identifiers and contact fields in the accounts CSV."""

import re

from connectors.billing.files.errors import RowProblem

_INN_WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_KPP = re.compile(r"\d{4}[0-9A-Z]{2}\d{3}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{4,19}")


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return (
        sum(
            int(digit) * weight
            for digit, weight in zip(digits[: len(weights)], weights, strict=True)
        )
        % 11
        % 10
    )


def check_inn(inn: str, *, organization: bool) -> str:
    """INN with valid check digits: 10 digits for an organization, 12 for a person."""
    if not inn.isdigit() or len(inn) not in (10, 12):
        raise RowProblem(f"inn: {inn!r} is not 10 or 12 digits")
    if len(inn) == 10:
        valid = _check_digit(inn, _INN_WEIGHTS_10) == int(inn[9])
    else:
        valid = _check_digit(inn, _INN_WEIGHTS_11) == int(inn[10]) and (
            _check_digit(inn, _INN_WEIGHTS_12) == int(inn[11])
        )
    if not valid:
        raise RowProblem(f"inn: {inn} has wrong check digits")
    # Sole proprietors are organizations with a 12-digit INN; a person never has 10 digits.
    if not organization and len(inn) == 10:
        raise RowProblem("inn: a person's INN has 12 digits")
    return inn


def check_ogrn(ogrn: str, *, organization: bool) -> str:
    """OGRN (13 digits, a company) or OGRNIP (15 digits, a sole proprietor) with its check
    digit: the number without its last digit modulo 11 (13 for OGRNIP), then modulo 10."""
    if not ogrn.isdigit() or len(ogrn) not in (13, 15):
        raise RowProblem(f"ogrn: {ogrn!r} is not 13 or 15 digits")
    divisor = 11 if len(ogrn) == 13 else 13
    if int(ogrn[:-1]) % divisor % 10 != int(ogrn[-1]):
        raise RowProblem(f"ogrn: {ogrn} has a wrong check digit")
    if not organization:
        raise RowProblem("ogrn: a person has no OGRN")
    return ogrn


def check_kpp(kpp: str) -> str:
    """KPP: 9 characters, the 5th and 6th may be Latin capitals."""
    if not _KPP.fullmatch(kpp):
        raise RowProblem(f"kpp: {kpp!r} is not a KPP")
    return kpp


def check_email(email: str) -> str:
    if not _EMAIL.fullmatch(email):
        raise RowProblem(f"email: {email!r} is not an e-mail address")
    return email


def check_phone(phone: str) -> str:
    if not _PHONE.fullmatch(phone):
        raise RowProblem(f"phone: {phone!r} is not a phone number")
    return phone
