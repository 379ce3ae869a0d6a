"""One row per field changed: what (the subject, its id and month), the value before and after,
who (nobody for a file imported without a person), through what, and when.

Values are stored as figures, not as text written for one language: an amount as its decimal
text (``"1500000.00"``), a date as ISO text, a flag as a JSON boolean, a list as a JSON list.
The page that shows a change writes them in the reader's language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from upsell.core.models import ChangeRecord


class Subject(models.TextChoices):
    """What changed. A forecast cell is its client and month; a plan its manager and month;
    the status rules have no id (there is one set in force)."""

    CLIENT = "client", _("Client")
    FORECAST_CELL = "forecast_cell", _("Forecast cell")
    SALES_PLAN = "sales_plan", _("Sales plan")
    STATUS_RULES = "status_rules", _("Status rules")
    COMPLEX_ORDER_RULES = "complex_rules", _("Complex-order rules")
    WORKLOAD_SETTINGS = "workload", _("Capacity and pool")
    PROGRAM = "program", _("Sales program")
    MEMBERSHIP = "membership", _("Program membership")


class ChangeSource(models.TextChoices):
    """Through what the change came in."""

    SCREEN = "screen", _("Screen")
    API = "api", _("API")
    IMPORT = "import", _("Import")


class Change(ChangeRecord):
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    # The client (of a client or a forecast cell), the manager (of a plan); none for rules.
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    month = models.DateField(_("month"), null=True, blank=True)
    field = models.CharField(_("field"), max_length=50)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=ChangeSource.choices)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [
            models.Index(
                fields=["subject", "object_id", "month", "-changed_at"],
                name="history_change_subject_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(subject__in=Subject.values), name="history_change_subject_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=ChangeSource.values),
                name="history_change_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(month__isnull=True) | models.Q(month__day=1),
                name="history_change_month_first_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.object_id} {self.field}"
