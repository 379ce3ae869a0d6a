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


class ApiToken(models.Model):
    """A key an integration (the website, mail, the ERP) calls the REST API with, as a user.

    Only a digest of the key is kept, so a copy of the database gives no access; the prefix,
    which the key starts with, finds the row without comparing every digest.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    # What the token is for ("website", "mail server"), so its owner knows which one to revoke.
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
