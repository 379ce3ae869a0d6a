from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HEAD_OF_SALES = "head_of_sales", _("Head of sales")
    TOP_MANAGEMENT = "top_management", _("Top management")
    MANAGER = "manager", _("Manager")
    ASSISTANT = "assistant", _("Assistant")
    ADMIN = "admin", _("Administrator")


SALES_WIDE_ROLES = frozenset({Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MANAGER)
    # The name as the ERP spells it ("Иванова Анна Сергеевна"): how import files name a manager.
    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def sees_all_sales(self) -> bool:
        return self.role in SALES_WIDE_ROLES

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_assistant(self) -> bool:
        return self.role == Role.ASSISTANT

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class Team(models.Model):
    """A manager and the assistants who serve its spontaneous clients."""

    manager = models.OneToOneField(
        User,
        on_delete=models.PROTECT,
        related_name="team",
        verbose_name=_("manager"),
        limit_choices_to={"role": Role.MANAGER},
    )
    assistants = models.ManyToManyField(
        User,
        related_name="assisted_teams",
        blank=True,
        verbose_name=_("assistants"),
        limit_choices_to={"role": Role.ASSISTANT},
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return str(self.manager)
