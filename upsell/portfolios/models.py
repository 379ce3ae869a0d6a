from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from upsell.core.models import ChangeRecord


class WorkloadSettings(ChangeRecord):
    """The head of sales's capacity setting and the pool of spontaneous clients.

    Every change is a new row; the latest is in force and the earlier ones are its history.
    """

    max_motivated_per_manager = models.PositiveIntegerField(
        _("motivated clients per manager, at most"), default=60
    )
    # Serves the spontaneous clients of managers who have no assistant of their own.
    pool_assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pool assistant"),
    )

    class Meta:
        verbose_name = _("workload settings")
        verbose_name_plural = _("workload settings")
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_motivated_per_manager__gte=1),
                name="portfolios_settings_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.max_motivated_per_manager)
