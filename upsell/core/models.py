"""Building blocks shared by every app."""

from decimal import Decimal
from typing import Any, Literal, overload

from django.db import models
from django_stubs_ext import StrOrPromise


@overload
def money_field(
    verbose_name: StrOrPromise, *, null: Literal[True], **options: Any
) -> "models.DecimalField[Decimal | None, Decimal | None]": ...
@overload
def money_field(
    verbose_name: StrOrPromise, *, null: Literal[False] = False, **options: Any
) -> "models.DecimalField[Decimal, Decimal]": ...
def money_field(verbose_name: StrOrPromise, *, null: bool = False, **options: Any) -> Any:
    """An amount in the system currency: fourteen digits before the point, kopecks after it."""
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, null=null, **options)
