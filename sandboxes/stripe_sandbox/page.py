"""The hosted Checkout page: what is paid for, a card form prefilled with the card that
succeeds, the other test cards and what each does, and a way back. No scripts: a plain form
works in any browser and in tests that post it."""

from html import escape
from typing import Any

from sandboxes.stripe_sandbox.cards import TEST_CARDS

ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx",
                "vnd", "vuv", "xaf", "xof", "xpf"}  # fmt: skip
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:0 auto;padding:1rem}"
    "label{display:block;margin:.6rem 0 .2rem}input{width:100%;padding:.6rem;font-size:1rem;"
    "box-sizing:border-box}button{width:100%;margin-top:1rem;padding:.8rem;font-size:1.1rem;"
    "background:#635bff;color:#fff;border:0;border-radius:.4rem}.error{color:#b00020}"
    "small{color:#555}li{margin:.2rem 0}"
)


def amount_text(amount: int, currency: str) -> str:
    """Minor units as a person reads them: 50000 eur is 500.00 EUR, 500 jpy is 500 JPY."""
    if currency in ZERO_DECIMAL:
        return f"{amount} {currency.upper()}"
    return f"{amount // 100}.{amount % 100:02d} {currency.upper()}"


def checkout(session: dict[str, Any], message: str = "") -> str:
    """The page of an open session, with what went wrong on the last try if anything did."""
    paying = session["mode"] == "payment"
    if paying:
        total = amount_text(session["amount_total"], session["currency"])
        items = "".join(
            f"<li>{escape(line['name'])} × {line['quantity']}</li>" for line in session["_lines"]
        )
        summary = f"<h1>{escape(total)}</h1><ul>{items}</ul>"
        button = f"Pay {escape(total)}"
    else:
        summary = "<h1>Save a card</h1><p>The card is kept for later payments.</p>"
        button = "Save card"
    error = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    cards = "".join(
        f"<li><code>{_grouped(card.number)}</code>: {escape(card.meaning)}</li>"
        for card in TEST_CARDS.values()
    )
    back = (
        f'<p><a href="{escape(session["cancel_url"])}">Back</a></p>'
        if session["cancel_url"]
        else ""
    )
    return _document(
        "Checkout (Stripe sandbox)",
        f"{summary}{error}"
        '<form method="post">'
        '<label for="card">Card number</label>'
        '<input id="card" name="card" inputmode="numeric" autocomplete="cc-number" '
        'value="4242 4242 4242 4242">'
        '<label for="expiry">Expiry (MM / YY)</label>'
        '<input id="expiry" name="expiry" autocomplete="cc-exp" value="12 / 34">'
        '<label for="cvc">CVC</label>'
        '<input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" value="123">'
        f'<button type="submit">{button}</button></form>'
        f"<h2>Test cards</h2><ul>{cards}</ul><small>Any other valid number is a real card, "
        "which test mode declines.</small>"
        f"{back}",
    )


def notice(title: str, text: str, link: str | None = None) -> str:
    """A page for a session that cannot be paid: unknown, complete or expired."""
    onward = f'<p><a href="{escape(link)}">Continue</a></p>' if link else ""
    return _document(title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>{onward}")


def _grouped(number: str) -> str:
    return " ".join(number[start : start + 4] for start in range(0, len(number), 4))


def _document(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style>{body}</html>"
    )
