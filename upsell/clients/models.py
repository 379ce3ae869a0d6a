from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import In
from django.utils.translation import gettext_lazy as _

from upsell.core.models import ChangeRecord, HandOver, money_field


class ClientStatus(models.TextChoices):
    """The method's statuses; the audit computes them, the head of sales may override them."""

    NEW = "new", _("New")
    ONE_TIME = "one_time", _("One-time")
    IRREGULAR = "irregular", _("Irregular")
    REGULAR = "regular", _("Regular")
    VIP = "vip", _("VIP")
    PARTNER = "partner", _("Partner")
    REANIMATED = "reanimated", _("Reanimated")
    LAPSING = "lapsing", _("Lapsing")
    LOST = "lost", _("Lost")


class Client(models.Model):
    name = models.CharField(_("name"), max_length=300, db_index=True)
    # ИНН: 10 digits for an organisation, 12 for an individual entrepreneur; blank when unknown.
    tax_id = models.CharField(_("tax id (INN)"), max_length=12, blank=True)
    # КПП: an organisation's branches share its ИНН and each has its own КПП; a client is known
    # by the two together. Blank when the file never gave one (and for an entrepreneur).
    kpp = models.CharField(_("tax registration reason code (KPP)"), max_length=9, blank=True)
    # The head organisation of a branch: the client of the same ИНН whose КПП has the head's
    # form (``upsell.core.tax_ids.kpp_is_head``), else the first of them stored. Null for a head
    # organisation and for a client without branches.
    head = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("head organisation"),
    )
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
    # The status in force: the head of sales's override while it lasts, else the audit's.
    # Blank until the client has an order and the audit has run.
    status = models.CharField(
        _("status"), max_length=20, choices=ClientStatus.choices, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_id", "kpp"],
                condition=~models.Q(tax_id=""),
                name="clients_client_tax_id_kpp_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(kpp="")
                | models.Q(In(Length("kpp"), [9])) & ~models.Q(tax_id=""),
                name="clients_client_kpp_with_tax_id",
            ),
            models.CheckConstraint(
                condition=~models.Q(head=models.F("id")), name="clients_client_head_not_itself"
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
                condition=models.Q(status="") | models.Q(status__in=ClientStatus.values),
                name="clients_client_status_valid",
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


class ClientBudgetMonth(models.Model):
    """What a budgeting client plans to spend on our kind of goods in one month (its БДР line).

    Where a client's budget year has months, its annual budget is their sum
    (``clients.services.client_budget_months_set`` keeps the two together).
    """

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="budget_months", verbose_name=_("client")
    )
    month = models.DateField(_("month"))  # the first day of the month
    amount = money_field(_("budget"))

    class Meta:
        verbose_name = _("budget month")
        verbose_name_plural = _("budget months")
        ordering = ["client", "month"]
        constraints = [
            models.UniqueConstraint(fields=["client", "month"], name="clients_budget_month_unique"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="clients_budget_month_first_day"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="clients_budget_month_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m}: {self.amount}"


class ContactDecision(models.TextChoices):
    """The part a contact person takes in the client's decision to buy."""

    DECIDES = "decides", _("Decides")
    INFLUENCES = "influences", _("Influences")
    BUYS = "buys", _("Places orders")
    PAYS = "pays", _("Pays")
    USES = "uses", _("Uses the goods")
    OTHER = "other", _("Other")


class Contact(models.Model):
    """A contact person of a client: whom the manager calls and meets."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    phones = models.CharField(_("phones"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    messenger = models.CharField(_("messenger"), max_length=200, blank=True)
    decision = models.CharField(
        _("part in the decision"), max_length=20, choices=ContactDecision.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    # The contact's key in the ERP's contact information file: a re-import updates, not adds.
    external_id = models.CharField(_("ERP code"), max_length=64, blank=True)
    active = models.BooleanField(_("works with us"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["client", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "external_id"],
                condition=~models.Q(external_id=""),
                name="clients_contact_external_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(decision="") | models.Q(decision__in=ContactDecision.values),
                name="clients_contact_decision_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.position}" if self.position else self.name


class AssignmentRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    ASSISTANT = "assistant", _("Assistant")


class HandOverRule(models.TextChoices):
    """Why a client changed hands."""

    CREATED = "created", _("New client")
    MANUAL = "manual", _("By hand")
    IMPORT = "import", _("From a file")
    ROUTING = "routing", _("By status, after the audit")
    REBALANCING = "rebalancing", _("Rebalancing")


class ClientAssignmentChange(HandOver):
    """Who served a client before and after a change, who changed it and why."""

    client = models.ForeignKey(
        Client,
        on_delete=models.CASCADE,
        related_name="assignment_changes",
        verbose_name=_("client"),
    )
    role = models.CharField(_("role"), max_length=20, choices=AssignmentRole.choices)
    # Blank on the changes recorded before the rule was kept.
    rule = models.CharField(_("rule"), max_length=20, choices=HandOverRule.choices, blank=True)

    class Meta:
        verbose_name = _("assignment change")
        verbose_name_plural = _("assignment changes")
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=AssignmentRole.values),
                name="clients_assignmentchange_role_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(rule="") | models.Q(rule__in=HandOverRule.values),
                name="clients_assignmentchange_rule_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.get_role_display()} {self.previous} → {self.new}"


class ClientAudit(models.Model):
    """What the latest audit found about a client as of its date: status, rule, perspective and
    every metric behind them (``metrics``, keyed by the analytics package's column names)."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, primary_key=True, related_name="audit"
    )
    as_of = models.DateField(_("as of"))
    computed_status = models.CharField(
        _("computed status"), max_length=20, choices=ClientStatus.choices, blank=True
    )
    status_rule = models.CharField(_("rule"), max_length=40)
    perspective = models.PositiveSmallIntegerField(_("perspective"), null=True, blank=True)
    abc_class = models.CharField(_("ABC"), max_length=1, blank=True)
    xyz_class = models.CharField(_("XYZ"), max_length=1, blank=True)
    revenue_365 = money_field(_("revenue, 365 days"), default=0)
    last_order_date = models.DateField(_("last order"), null=True, blank=True)
    metrics = models.JSONField(_("metrics"), default=dict)

    class Meta:
        verbose_name = _("client audit")
        verbose_name_plural = _("client audits")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(computed_status="")
                | models.Q(computed_status__in=ClientStatus.values),
                name="clients_audit_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(perspective__isnull=True) | models.Q(perspective__lte=100),
                name="clients_audit_perspective_percent",
            ),
        ]
        indexes = [models.Index(fields=["perspective"], name="clients_audit_perspective_idx")]

    def __str__(self) -> str:
        return f"{self.client}: {self.computed_status} ({self.as_of})"


class ClientStatusMonth(models.Model):
    """A client's status at the end of a month of its history, as the audit computed it."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="status_months")
    month = models.DateField(_("month"))  # the first day of the month
    status = models.CharField(_("status"), max_length=20, choices=ClientStatus.choices, blank=True)
    status_rule = models.CharField(_("rule"), max_length=40)
    revenue_365 = money_field(_("revenue, 365 days"), default=0)

    class Meta:
        verbose_name = _("client status in a month")
        verbose_name_plural = _("client statuses by month")
        ordering = ["client", "month"]
        constraints = [
            models.UniqueConstraint(fields=["client", "month"], name="clients_status_month_unique"),
            models.CheckConstraint(
                condition=models.Q(status="") | models.Q(status__in=ClientStatus.values),
                name="clients_status_month_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="clients_status_month_first_day"
            ),
        ]
        indexes = [models.Index(fields=["month", "status"], name="clients_status_month_idx")]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m}: {self.status}"


class ClientStatusOverride(models.Model):
    """The head of sales sets a client's status by hand, with a reason and maybe an end date."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="status_overrides", verbose_name=_("client")
    )
    status = models.CharField(_("status"), max_length=20, choices=ClientStatus.choices)
    reason = models.CharField(_("reason"), max_length=500)
    expires_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)
    # Lifting an override ends it early; the row stays as history.
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )

    class Meta:
        verbose_name = _("status override")
        verbose_name_plural = _("status overrides")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ClientStatus.values),
                name="clients_override_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="clients_override_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.status}"


class PortfolioRules(ChangeRecord):
    """Which statuses make a client motivated: in its manager's portfolio and forecast.

    Clients that plan a purchase budget are motivated whatever their status. Every change is a
    new row; the latest is in force and the earlier ones are its history.
    """

    managed_statuses = models.JSONField(_("managed statuses"), default=list)

    class Meta:
        verbose_name = _("portfolio rules")
        verbose_name_plural = _("portfolio rules")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return ", ".join(self.managed_statuses)
