from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from upsell.core.models import money_field, quantity_field


class Shipment(models.Model):
    """One shipment document (реализация): an order as the method counts orders."""

    number = models.CharField(_("document number"), max_length=64)
    date = models.DateField(_("date"))
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="shipments",
        verbose_name=_("client"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("manager"),
    )
    # Net of returns: a return document has a negative total.
    total = money_field(_("total"), default=0)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    # Digest of the document's lines as last imported: a re-import compares it to tell
    # an unchanged document from a corrected one without reading the lines back.
    content_hash = models.CharField(max_length=32, editable=False)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "date"], name="shipments_shipment_document_unique"
            ),
        ]
        indexes = [models.Index(fields=["client", "date"], name="shipments_client_date_idx")]

    def __str__(self) -> str:
        return f"№ {self.number} {self.date:%d.%m.%Y}"


class ShipmentLine(models.Model):
    # The unique (shipment, line_no) index serves every lookup by shipment; a second index
    # on the key alone would only slow the import of large files.
    shipment = models.ForeignKey(
        Shipment,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("shipment"),
        db_index=False,
    )
    line_no = models.PositiveIntegerField(_("line"))
    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = quantity_field(_("quantity"))
    price = money_field(_("price"))
    amount = money_field(_("amount"))

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "line_no"], name="shipments_line_unique"),
            # A return is a line whose quantity and amount are both negative.
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0, amount__gte=0)
                | models.Q(quantity__lte=0, amount__lte=0),
                name="shipments_line_quantity_amount_same_sign",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="shipments_line_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment} #{self.line_no}"
