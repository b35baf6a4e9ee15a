"""Money and quantities in the reader's language: `amount|money:currency`, `x|quantity`."""

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django import template
from django.utils.translation import get_language, to_locale

from cabinet.units import metric_label

register = template.Library()


def _locale() -> str:
    return to_locale(get_language() or "en")


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return "—"
    return format_currency(amount, currency, locale=_locale())


@register.filter
def quantity(amount: Decimal) -> str:
    return format_decimal(amount, format="#,##0.##", locale=_locale())


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key)


@register.filter
def money_text(amount: str, currency: str) -> str:
    """Money kept as text (a rate in the synced catalog), in the reader's language."""
    try:
        return money(Decimal(amount), currency)
    except (ArithmeticError, TypeError, ValueError):
        return "—"


@register.filter
def series_label(key: str) -> str:
    """ "data:in:B" -> "Internet traffic, received"."""
    metric, direction, _unit = (key + "::").split(":")[:3]
    return metric_label(metric, direction)
