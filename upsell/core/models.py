"""Building blocks shared by every app."""

from decimal import Decimal
from typing import Any, Literal, overload

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from upsell.core.money import MONEY_DIGITS, MONEY_PLACES, QUANTITY_DIGITS, QUANTITY_PLACES


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
    return models.DecimalField(
        verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=null, **options
    )


def quantity_field(verbose_name: StrOrPromise) -> "models.DecimalField[Decimal, Decimal]":
    """A quantity of goods: twelve digits before the point, thousandths after it."""
    return models.DecimalField(
        verbose_name, max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES
    )


class ChangeRecord(models.Model):
    """Who made a change and when: for settings kept as a new row per change, and for history
    rows. The person may leave the company; the record of the change stays."""

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-id"]


class HandOver(ChangeRecord):
    """A change of who holds something (a client, a request): who before and after, who made
    the change, when and why."""

    previous = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous"),
    )
    new = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta(ChangeRecord.Meta):
        abstract = True
