"""The hosted confirmation page (`confirmation_url`), where a tester pays as a customer would.

The form comes filled in with YooKassa's successful test card, so "Оплатить" simply pays. Every
test card is listed with what it does and can be used with one click. A number that fails the
Luhn check, an unknown card, an expiry in the past or a malformed CVC re-render the page with a
message and change nothing. The link back to the shop leaves the payment pending, as a customer
who gives up does. The older form value `outcome=succeed|decline|insufficient` still works.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import escape
from urllib.parse import parse_qs

from sandboxes.yookassa_sandbox import cards
from sandboxes.yookassa_sandbox.payments import pay_with_card
from sandboxes.yookassa_sandbox.protocol import Answer
from sandboxes.yookassa_sandbox.state import Payment, Store

REASONS = {
    "3d_secure_failed": "не пройдена проверка 3-D Secure",
    "call_issuer": "отказ без объяснения, нужно звонить в банк",
    "card_expired": "истёк срок действия карты",
    "fraud_suspected": "подозрение в мошенничестве",
    "general_decline": "отказ по неизвестной причине",
    "insufficient_funds": "недостаточно средств",
    "invalid_card_number": "неверный номер карты",
    "invalid_csc": "неверный CVC",
    "issuer_unavailable": "банк карты недоступен",
    "payment_method_limit_exceeded": "превышен лимит по карте",
    "payment_method_restricted": "операции по карте запрещены",
    "country_forbidden": "карты этой страны не принимаются",
    "canceled_by_merchant": "магазин отменил платёж",
}
PARTIES = {
    "payment_network": "банк или платёжная сеть",
    "yoo_money": "ЮKassa",
    "merchant": "магазин",
}
STATUSES = {
    "succeeded": "Платёж прошёл",
    "waiting_for_capture": "Деньги заблокированы на карте и ждут подтверждения магазина",
    "canceled": "Платёж отменён",
}
STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0 auto;padding:1rem;max-width:40rem}"
    "label{display:block;margin:.5rem 0}input{font-size:1.1rem;width:100%;box-sizing:border-box}"
    "button{font-size:1rem;margin:.2rem 0;white-space:nowrap}.error{color:#b00020;font-weight:bold}"
    ".cards{overflow-x:auto}td{padding:.2rem .4rem;vertical-align:top}"
)


class Mistake(Exception):
    """Something the payer typed that the page asks to correct; the payment is left alone."""


@dataclass
class Form:
    """The card fields as typed, shown again when the page asks for a correction."""

    card_number: str
    expiry: str
    csc: str

    @classmethod
    def prefilled(cls, today: date) -> "Form":
        number = cards.grouped(cards.PREFILLED.number)
        return cls(number, cards.default_expiry(today), "123")


def serve(store: Store, method: str, payment_id: str, body: bytes) -> Answer:
    """`GET` shows the page; `POST` pays with the chosen card and sends the payer back."""
    today = datetime.now(UTC).date()
    with store.lock:
        payment = store.payments.get(payment_id)
        if payment is None:
            return Answer(404, {}, html=_document("<h1>Платёж не найден</h1>"))
        if method != "POST":
            return Answer(200, {}, html=_page(payment, Form.prefilled(today)))
        fields = {
            name: values[0]
            for name, values in parse_qs(
                body.decode("utf-8", errors="replace"), keep_blank_values=True
            ).items()
        }
        typed = Form(
            fields.get("test_card") or fields.get("card_number", ""),
            fields.get("expiry", ""),
            fields.get("csc", ""),
        )
        if payment.status != "pending":
            return Answer(400, {}, html=_page(payment, typed, "Этот платёж уже не ждёт оплаты."))
        try:
            card, month, year = _chosen(fields, typed, today)
        except Mistake as mistake:
            return Answer(400, {}, html=_page(payment, typed, str(mistake)))
        pay_with_card(store, payment, card, month, year)
        return_url = payment.body["confirmation"]["return_url"]
        return Answer(303, {}, location=return_url or f"/pay/{payment_id}")


def _chosen(fields: dict[str, str], typed: Form, today: date) -> tuple[cards.TestCard, int, int]:
    """The card to pay with, its expiry month and year, or the Mistake to show."""
    outcome = fields.get("outcome")
    if outcome is not None:
        card = cards.OUTCOME_CARDS.get(outcome)
        if card is None:
            raise Mistake("Неизвестный исход: succeed, decline или insufficient.")
        return card, 12, today.year + 3
    number = cards.digits(typed.card_number)
    if not cards.luhn_valid(number):
        raise Mistake("Номер карты набран с ошибкой (не сходится контрольная цифра).")
    card = cards.CARDS.get(number)
    if card is None:
        raise Mistake("Это не тестовая карта ЮKassa: в песочнице платят только ими, см. список.")
    month, year = _expiry(typed.expiry, today)
    if not re.fullmatch(r"\d{3,4}", typed.csc.strip()):
        raise Mistake("CVC — три или четыре цифры.")
    return card, month, year


def _expiry(raw: str, today: date) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", raw)
    month, year = (int(match[1]), int(match[2])) if match else (0, 0)
    year += 2000 if year < 100 else 0
    if not 1 <= month <= 12 or not (today.year, today.month) <= (year, month) < (2100, 1):
        raise Mistake("Срок действия — месяц и год (ММ/ГГ), не раньше текущего месяца.")
    return month, year


def _page(payment: Payment, form: Form, message: str = "") -> str:
    body = payment.body
    return_url = body.get("confirmation", {}).get("return_url", "")
    parts = [
        f'<main data-status="{escape(payment.status, quote=True)}">',
        "<h1>Оплата</h1>",
        f"<p>{escape(body['amount']['value'])} {escape(body['amount']['currency'])}</p>",
    ]
    if body.get("description"):
        parts.append(f"<p>{escape(body['description'])}</p>")
    if message:
        parts.append(f'<p class="error" role="alert">{escape(message)}</p>')
    if payment.status == "pending":
        parts.append(_form(form))
        parts.append(_back(return_url, "Вернуться в магазин, не оплачивая"))
    else:
        parts.append(f"<p>{_settled(payment)}</p>")
        parts.append(_back(return_url, "Вернуться в магазин"))
    parts.append("</main>")
    return _document("".join(parts))


def _form(form: Form) -> str:
    def field(label: str, name: str, value: str, autocomplete: str) -> str:
        return (
            f'<label>{label} <input name={name} value="{escape(value, quote=True)}" '
            f"autocomplete={autocomplete} inputmode=numeric required></label>"
        )

    return (
        '<form method="post">'
        + field("Номер карты", "card_number", form.card_number, "cc-number")
        + field("Срок действия (ММ/ГГ)", "expiry", form.expiry, "cc-exp")
        + field("CVC", "csc", form.csc, "cc-csc")
        + '<button type="submit">Оплатить</button>'
        + "<h2>Тестовые карты ЮKassa</h2>"
        + "<p>Нажмите на номер, чтобы заплатить этой картой (срок и CVC — из полей выше).</p>"
        + _cards_table()
        + "</form>"
    )


def _cards_table() -> str:
    rows = [
        f"<tr><td>{_card_button(card)}</td><td>{card.system}</td>"
        f"<td>платёж проходит{' (карта с 3-D Secure)' if card.three_d_secure else ''}</td></tr>"
        for card in cards.SUCCESSFUL
    ]
    rows += [
        f"<tr><td>{_card_button(card)}</td><td>{card.system}</td>"
        f"<td>отказ: {REASONS[card.reason]} — <code>{card.reason}</code>, "
        f"отказывает {PARTIES[card.party]}</td></tr>"
        for card in cards.DECLINED
    ]
    head = "<tr><th>Номер</th><th>Система</th><th>Что будет</th></tr>"
    return f'<div class="cards"><table>{head}{"".join(rows)}</table></div>'


def _card_button(card: cards.TestCard) -> str:
    return f'<button name="test_card" value="{card.number}">{cards.grouped(card.number)}</button>'


def _back(return_url: str, label: str) -> str:
    """A plain link to the shop: following it changes nothing, as with a payer who gives up."""
    return f'<p><a href="{escape(return_url, quote=True)}">{label}</a></p>' if return_url else ""


def _settled(payment: Payment) -> str:
    said = STATUSES.get(payment.status, payment.status)
    details = payment.body.get("cancellation_details")
    if details:
        reason = REASONS.get(details["reason"], details["reason"])
        said += f": {reason} ({PARTIES.get(details['party'], details['party'])})"
    return escape(said) + "."


def _document(main: str) -> str:
    return (
        "<!doctype html><html lang=ru><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width">'
        f"<title>ЮKassa (песочница)</title><style>{STYLE}</style>{main}</html>"
    )
