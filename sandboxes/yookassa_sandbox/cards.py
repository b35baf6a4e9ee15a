"""YooKassa's test bank cards and what each one does to a payment.

The numbers and outcomes follow the table YooKassa publishes for its test shops ("Тестовые
банковские карты", https://yookassa.ru/developers/payment-acceptance/testing-and-going-live/testing):
cards that pay, and cards whose payment is canceled with a given `cancellation_details.reason`, by
the payment network or by YooKassa itself. The table was taken from public copies of that page
that agree with each other, not from the page itself; every number passes the Luhn check. Should
YooKassa change its table, change this one to match. Any expiry in the future and any CVC will do.
Cards that ask for 3-D Secure there pay here without that step: the sandbox has no 3-D Secure page.
"""

from dataclasses import dataclass
from datetime import date

NETWORK = "payment_network"
YOOKASSA = "yoo_money"


@dataclass(frozen=True)
class TestCard:
    __test__ = False  # not a pytest test class, despite the name

    number: str
    system: str  # as a person names it
    card_type: str  # as YooKassa writes `card.card_type`
    reason: str = ""  # empty: the payment goes through
    party: str = NETWORK
    three_d_secure: bool = False

    @property
    def pays(self) -> bool:
        return not self.reason


SUCCESSFUL = (
    TestCard("5555555555554477", "Mastercard", "MasterCard", three_d_secure=True),
    TestCard("5555555555554444", "Mastercard", "MasterCard"),
    TestCard("4793128161644804", "Visa", "Visa", three_d_secure=True),
    TestCard("4111111111111111", "Visa", "Visa"),
    TestCard("2200000000000004", "Мир", "MIR", three_d_secure=True),
    TestCard("2202474301322987", "Мир", "MIR"),
    TestCard("6759649826438453", "Maestro", "MasterCard"),
    TestCard("4175001000000017", "Visa Electron", "Visa"),
    TestCard("370000000000002", "American Express", "AmericanExpress"),
    TestCard("3528000700000000", "JCB", "JCB"),
    TestCard("36700102000000", "Diners Club", "DinersClub"),
)

# (reason, party, Mastercard, Visa, Mir)
_DECLINES = (
    ("3d_secure_failed", NETWORK, "5555555555554592", "4839665499603842", "2200000000000012"),
    ("call_issuer", NETWORK, "5555555555554535", "4926946416239025", "2200000000000020"),
    ("card_expired", NETWORK, "5555555555554543", "4141435412630840", "2200000000000038"),
    ("fraud_suspected", NETWORK, "5555555555554568", "4483274282299972", "2200000000000046"),
    ("general_decline", NETWORK, "5555555555554527", "4889971706588753", "2202202212312379"),
    ("insufficient_funds", NETWORK, "5555555555554600", "4562265587712390", "2200000000000053"),
    ("invalid_card_number", NETWORK, "5555555555554618", "4951017853630544", "2201382000000013"),
    ("invalid_csc", NETWORK, "5555555555554626", "4194180666146368", "2200770212727079"),
    ("issuer_unavailable", NETWORK, "5555555555554501", "4654130848359150", "2201382000000021"),
    (
        "payment_method_limit_exceeded",
        NETWORK,
        "5555555555554576",
        "4565231022577548",
        "2201382000000039",
    ),
    (
        "payment_method_restricted",
        NETWORK,
        "5555555555554550",
        "4233961169071671",
        "2201382000000047",
    ),
    ("country_forbidden", YOOKASSA, "5555555555554584", "4969751510013864", "2201382000000054"),
    ("fraud_suspected", YOOKASSA, "5555555555554634", "4119098878796485", "2201696981989955"),
)

DECLINED = tuple(
    TestCard(number, system, card_type, reason, party)
    for reason, party, *numbers in _DECLINES
    for number, (system, card_type) in zip(
        numbers, (("Mastercard", "MasterCard"), ("Visa", "Visa"), ("Мир", "MIR")), strict=True
    )
)

CARDS = {card.number: card for card in SUCCESSFUL + DECLINED}
PREFILLED = CARDS["5555555555554477"]

# Reasons a saved method can be told to fail with (`PUT /_admin/payment_methods/{id}`).
NETWORK_REASONS = tuple(sorted({card.reason for card in DECLINED if card.party == NETWORK}))

# The hosted page's older one-click outcomes, kept for the tests that post them.
OUTCOME_CARDS = {
    "succeed": PREFILLED,
    "decline": CARDS["5555555555554543"],  # card_expired
    "insufficient": CARDS["5555555555554600"],  # insufficient_funds
}


def digits(number: str) -> str:
    """A card number as typed, with the spaces and dashes people put in it left out."""
    return "".join(number.split()).replace("-", "")


def luhn_valid(number: str) -> bool:
    """The check digit every card number carries; a typo almost always breaks it."""
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def grouped(number: str) -> str:
    """`5555 5555 5555 4477`, easier to read and to type."""
    return " ".join(number[start : start + 4] for start in range(0, len(number), 4))


def default_expiry(today: date) -> str:
    """An expiry safely in the future, as the page prefills it (MM/YY)."""
    return f"12/{(today.year + 3) % 100:02d}"


def card_object(card: TestCard, month: int, year: int) -> dict[str, str]:
    """`payment_method.card` as YooKassa shows it: never the full number."""
    return {
        "first6": card.number[:6],
        "last4": card.number[-4:],
        "expiry_month": f"{month:02d}",
        "expiry_year": f"{year:04d}",
        "card_type": card.card_type,
    }
