"""Money in the database: an amount column plus a currency column, never a float."""

from decimal import Decimal

from django.db import models

AMOUNT = {"max_digits": 14, "decimal_places": 2}


def amount_field(verbose_name: str, **options) -> models.DecimalField:
    return models.DecimalField(verbose_name, **AMOUNT, **options)


def currency_field() -> models.CharField:
    return models.CharField("currency", max_length=3)


ZERO = Decimal("0.00")
