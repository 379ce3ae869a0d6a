from django.db import models
from django.utils.translation import gettext_lazy as _

from upsell.core.models import money_field


class Payment(models.Model):
    date = models.DateField(_("date"))
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("client"),
    )
    amount = money_field(_("amount"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    number = models.CharField(_("document number"), max_length=64, blank=True)
    # Identity of the payment across imports (the files carry no stable id of their own).
    natural_key = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=0), name="payments_payment_amount_not_zero"
            ),
        ]
        indexes = [models.Index(fields=["client", "date"], name="payments_client_date_idx")]

    def __str__(self) -> str:
        return f"{self.client} {self.date:%d.%m.%Y} {self.amount}"
