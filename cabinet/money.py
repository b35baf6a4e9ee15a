"""Money in the database: an amount column plus a currency column, never a float."""

from typing import Any

from django.db import models


def amount_field(verbose_name: Any, **options: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **options)


def currency_field() -> models.CharField:
    return models.CharField("currency", max_length=3)
