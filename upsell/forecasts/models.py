"""The manager's forecast by motivated clients: a cell per client and month, the monthly sales
plan per manager, and the locked snapshots that measure the forecast's accuracy."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from upsell.core.models import money_field


class Confidence(models.TextChoices):
    """How sure the manager is of a cell's amount."""

    COMMIT = "commit", _("Commit")
    PROBABLE = "probable", _("Probable")
    POSSIBLE = "possible", _("Possible")


class ForecastCell(models.Model):
    """What one motivated client is expected to buy in one month.

    The baseline (expected orders and amount with an 80 % range) comes from the statistical job;
    the manager's amount, with its confidence, overrides it. ``version`` grows with every save by
    a person, so two people editing the same cell cannot overwrite each other unseen.
    """

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="forecast_cells",
        verbose_name=_("client"),
    )
    month = models.DateField(_("month"))  # the first day of the month
    # The client's manager when the cell was written: whose forecast the cell counts in.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forecast_cells",
        verbose_name=_("manager"),
    )
    expected_orders = models.DecimalField(
        _("expected orders"), max_digits=10, decimal_places=3, default=0
    )
    baseline = money_field(_("baseline"), default=0)
    baseline_low = money_field(_("baseline, low"), default=0)
    baseline_high = money_field(_("baseline, high"), default=0)
    baseline_model = models.CharField(_("baseline model"), max_length=20, blank=True)
    baseline_at = models.DateTimeField(_("baseline computed"), null=True, blank=True)
    amount = money_field(_("manager's amount"), null=True, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, blank=True
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)

    class Meta:
        verbose_name = _("forecast cell")
        verbose_name_plural = _("forecast cells")
        ordering = ["client", "month"]
        constraints = [
            models.UniqueConstraint(fields=["client", "month"], name="forecasts_cell_unique"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="forecasts_cell_month_first_day"
            ),
            # A manager's amount always carries a confidence, and a confidence an amount.
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True, confidence="")
                | models.Q(amount__gte=0, confidence__in=Confidence.values),
                name="forecasts_cell_amount_confidence",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    baseline_low__gte=0,
                    baseline__gte=models.F("baseline_low"),
                    baseline_high__gte=models.F("baseline"),
                    expected_orders__gte=0,
                ),
                name="forecasts_cell_baseline_range",
            ),
        ]
        indexes = [
            models.Index(fields=["manager", "month"], name="forecasts_cell_manager_idx"),
            models.Index(fields=["month", "baseline_at"], name="forecasts_cell_month_run_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m}"

    @property
    def forecast(self) -> Decimal:
        """The amount the cell counts with: the manager's when set, else the baseline."""
        return self.baseline if self.amount is None else self.amount


def cell_forecast() -> Coalesce:
    """``ForecastCell.forecast`` in SQL, to annotate cells with: the manager's amount when set,
    else the baseline."""
    return Coalesce("amount", "baseline")


class SalesPlan(models.Model):
    """The head of sales's target for a manager in a month."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sales_plans",
        verbose_name=_("manager"),
    )
    month = models.DateField(_("month"))
    amount = money_field(_("plan"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("sales plan")
        verbose_name_plural = _("sales plans")
        ordering = ["manager", "month"]
        constraints = [
            models.UniqueConstraint(fields=["manager", "month"], name="forecasts_plan_unique"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="forecasts_plan_month_first_day"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="forecasts_plan_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.manager} {self.month:%Y-%m}: {self.amount}"


class ForecastLock(models.Model):
    """A month whose forecast was locked: its cells were copied to snapshots and stay as they
    are; accuracy compares those snapshots with what was shipped."""

    month = models.DateField(_("month"), unique=True)
    locked_at = models.DateTimeField(_("locked at"), auto_now_add=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("locked by"),
    )
    cells = models.PositiveIntegerField(_("cells"), default=0)

    class Meta:
        verbose_name = _("forecast lock")
        verbose_name_plural = _("forecast locks")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="forecasts_lock_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ForecastSnapshot(models.Model):
    """A cell as it stood when its month was locked."""

    lock = models.ForeignKey(
        ForecastLock, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("lock")
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="forecast_snapshots",
        verbose_name=_("client"),
    )
    month = models.DateField(_("month"))
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("manager"),
    )
    baseline = money_field(_("baseline"), default=0)
    amount = money_field(_("manager's amount"), null=True, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, blank=True
    )
    # What the forecast counted with: the manager's amount, or the baseline without one.
    forecast = money_field(_("forecast"))

    class Meta:
        verbose_name = _("forecast snapshot")
        verbose_name_plural = _("forecast snapshots")
        ordering = ["month", "client"]
        constraints = [
            models.UniqueConstraint(fields=["client", "month"], name="forecasts_snapshot_unique"),
            models.CheckConstraint(
                condition=models.Q(confidence="") | models.Q(confidence__in=Confidence.values),
                name="forecasts_snapshot_confidence_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["manager", "month"], name="forecasts_snapshot_manager_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m}: {self.forecast}"
