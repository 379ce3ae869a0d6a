from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import In
from django.utils.translation import gettext_lazy as _

from upsell.core.models import money_field


class Client(models.Model):
    name = models.CharField(_("name"), max_length=300, db_index=True)
    # ИНН: 10 digits for an organisation, 12 for an individual entrepreneur; blank when unknown.
    tax_id = models.CharField(_("tax id (INN)"), max_length=12, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True, db_index=True)
    segment = models.CharField(_("segment"), max_length=200, blank=True, db_index=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_clients",
        verbose_name=_("manager"),
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assisted_clients",
        verbose_name=_("assistant"),
    )
    is_partner = models.BooleanField(_("partner"), default=False)
    plans_budget = models.BooleanField(_("plans a purchase budget"), default=False)
    annual_budget = money_field(_("annual budget"), null=True, blank=True)
    budget_year = models.PositiveSmallIntegerField(_("budget year"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_id"],
                condition=~models.Q(tax_id=""),
                name="clients_client_tax_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(tax_id="") | models.Q(In(Length("tax_id"), [10, 12])),
                name="clients_client_tax_id_length",
            ),
            models.CheckConstraint(
                condition=models.Q(annual_budget__isnull=True) | models.Q(annual_budget__gte=0),
                name="clients_client_annual_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(annual_budget__isnull=True, budget_year__isnull=True)
                | models.Q(annual_budget__isnull=False, budget_year__isnull=False),
                name="clients_client_budget_has_year",
            ),
        ]
        indexes = [
            models.Index(fields=["manager", "name"], name="clients_manager_name_idx"),
            models.Index(fields=["assistant", "name"], name="clients_assistant_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class AssignmentRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    ASSISTANT = "assistant", _("Assistant")


class ClientAssignmentChange(models.Model):
    """Who served a client before and after a change, who changed it and why."""

    client = models.ForeignKey(
        Client,
        on_delete=models.CASCADE,
        related_name="assignment_changes",
        verbose_name=_("client"),
    )
    role = models.CharField(_("role"), max_length=20, choices=AssignmentRole.choices)
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
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment change")
        verbose_name_plural = _("assignment changes")
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=AssignmentRole.values),
                name="clients_assignmentchange_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.get_role_display()} {self.previous} → {self.new}"
