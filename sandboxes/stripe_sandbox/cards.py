"""Stripe's test cards and what each does, and the checks the payment page makes on what a
tester typed before anything is charged."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class TestCard:
    number: str
    brand: str
    decline: str | None  # the decline code every charge gets; None: charges succeed
    saves: bool  # whether it can be saved for later (setup mode) at all
    meaning: str


TEST_CARDS = {
    card.number: card
    for card in (
        TestCard("4242424242424242", "visa", None, True, "succeeds"),
        TestCard("5555555555554444", "mastercard", None, True, "succeeds (Mastercard)"),
        TestCard("4000000000000002", "visa", "generic_decline", False, "declined"),
        TestCard("4000000000009995", "visa", "insufficient_funds", False, "insufficient funds"),
        TestCard("4000000000000069", "visa", "expired_card", False, "expired card"),
        TestCard("4000000000000127", "visa", "incorrect_cvc", False, "incorrect CVC"),
        TestCard(
            "4000000000000341",
            "visa",
            "generic_decline",
            True,
            "can be saved, but every charge of it is declined",
        ),
    )
}

# decline code → (error code, message), as Stripe words them
DECLINES = {
    "generic_decline": ("card_declined", "Your card was declined."),
    "insufficient_funds": ("card_declined", "Your card has insufficient funds."),
    "expired_card": ("expired_card", "Your card has expired."),
    "incorrect_cvc": ("incorrect_cvc", "Your card's security code is incorrect."),
    "test_mode_live_card": (
        "card_declined",
        "Your card was declined. Your request was in test mode, but used a non test card. "
        "For a list of valid test cards, visit: https://stripe.com/docs/testing.",
    ),
}


class CardProblem(ValueError):
    """What the page says about a card it will not even try to charge."""


def decline_error(decline_code: str) -> tuple[str, str]:
    """The error code and message of a decline; an unknown reason reads as a plain decline."""
    return DECLINES.get(decline_code, ("card_declined", "Your card was declined."))


def read(number: str, expiry: str, cvc: str) -> tuple[TestCard, int, int]:
    """The test card typed in, with its expiry month and year; any other valid number is a
    real card, which test mode declines."""
    digits = re.sub(r"[\s-]", "", number)
    if not (len(digits) == 16 and digits.isdigit() and luhn(digits)):
        raise CardProblem("Your card number is invalid.")
    month, year = _expiry(expiry)
    if not re.fullmatch(r"\d{3,4}", cvc.strip() or "123"):
        raise CardProblem("Your card's security code is incomplete.")
    card = TEST_CARDS.get(digits)
    if card is None:
        brand = "mastercard" if digits[0] == "5" else "visa" if digits[0] == "4" else "unknown"
        card = TestCard(digits, brand, "test_mode_live_card", False, "a real card")
    return card, month, year


def luhn(digits: str) -> bool:
    """The check digit every card number carries."""
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _expiry(expiry: str) -> tuple[int, int]:
    """`MM / YY` (or `MM/YYYY`); the page prefills one, so an empty field means that one."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", expiry or "12 / 34")
    if match is None or not 1 <= int(match[1]) <= 12:
        raise CardProblem("Your card's expiration date is incomplete.")
    month, year = int(match[1]), int(match[2])
    year += 2000 if year < 100 else 0
    today = datetime.now(UTC)
    if (year, month) < (today.year, today.month):
        raise CardProblem("Your card's expiration year is in the past.")
    return month, year
