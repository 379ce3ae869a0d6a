"""Building blocks shared by every app."""

from decimal import Decimal
from typing import Any

from django.db import models
from django_stubs_ext import StrOrPromise


def money_field(
    verbose_name: StrOrPromise, **options: Any
) -> "models.DecimalField[Decimal, Decimal]":
    """An amount in the system currency: fourteen digits before the point, kopecks after it."""
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **options)
