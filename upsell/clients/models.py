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
        db_index=False,  # clients_manager_name_idx leads with it
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assisted_clients",
        verbose_name=_("assistant"),
        db_index=False,  # clients_assistant_name_idx leads with it
    )
    is_partner = models.BooleanField(_("partner"), default=False)
    plans_budget = models.BooleanField(_("plans a purchase budget"), default=False)
    annual_budget = money_field(_("annual budget"), null=True, blank=True)
    budget_year = models.PositiveSmallIntegerField(_("budget year"), null=True, blank=True)
    # The status in force: the head of sales's override while it lasts, else the audit's.
    # Blank until the client has an order and the audit has run.
    status = models.CharField(_("status"), max_length=20, choices=ClientStatus.choices, blank=True)
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
            # Not the field's own index: on PostgreSQL that comes with a second one for LIKE,
            # which no one asks of a status, and a status that changes is written into both.
            models.Index(fields=["status"], name="clients_status_idx"),
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
    every metric behind them, each in a column named as the analytics package names it (their
    names: ``AUDIT_METRICS``; all of them as one mapping: ``metrics``)."""

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
    # The metrics behind the status and the perspective; what each means is in
    # ``upsell.reporting.definitions``. Null where the client's history cannot give one.
    is_partner = models.BooleanField(_("partner"), default=False)
    plans_budget = models.BooleanField(_("plans a purchase budget"), default=False)
    first_order_date = models.DateField(_("first order"), null=True, blank=True)
    days_since_first_order = models.IntegerField(_("days since first order"), null=True)
    days_since_last_order = models.IntegerField(_("days since last order"), null=True)
    orders_total = models.IntegerField(_("orders, all time"), default=0)
    orders_90 = models.IntegerField(_("orders, 90 days"), default=0)
    orders_365 = models.IntegerField(_("orders, 365 days"), default=0)
    regular_window_orders = models.IntegerField(_("orders in the regularity window"), default=0)
    revenue_total = money_field(_("revenue, all time"), default=0)
    revenue_90 = money_field(_("revenue, 90 days"), default=0)
    revenue_prev_365 = money_field(_("revenue, the 365 days before"), default=0)
    average_order_value = money_field(_("average order"), null=True)
    typical_interval_days = models.FloatField(_("typical interval, days"), null=True)
    interval_cv = models.FloatField(_("interval variability"), null=True)
    recent_gap_days = models.IntegerField(_("latest gap between orders, days"), null=True)
    months_active = models.IntegerField(_("months with orders"), default=0)
    trend = models.FloatField(_("trend"), null=True)
    r_score = models.IntegerField(_("recency score"), null=True)
    f_score = models.IntegerField(_("frequency score"), null=True)
    m_score = models.IntegerField(_("monetary score"), null=True)
    rfm_code = models.CharField(_("RFM"), max_length=3, blank=True)
    revenue_share_365 = models.FloatField(_("share of revenue"), null=True)
    monthly_revenue_cv = models.FloatField(_("monthly revenue variability"), null=True)
    payments_count = models.IntegerField(_("payments"), default=0)
    avg_days_late = models.FloatField(_("average delay of payment"), null=True)
    late_payments_share = models.FloatField(_("share of late payments"), null=True)
    debt = money_field(_("debt"), null=True)
    overdue_debt = money_field(_("overdue debt"), null=True)
    annual_budget = money_field(_("annual budget"), null=True)
    budget_year = models.IntegerField(_("budget year"), null=True)
    bought_budget_year = money_field(_("bought from us this budget year"), null=True)
    share_of_wallet = models.FloatField(_("share of wallet"), null=True)
    competitors_amount = money_field(_("still going to competitors"), null=True)
    solvency_score = models.IntegerField(_("solvency"), null=True)
    discipline_score = models.IntegerField(_("payment discipline"), null=True)
    stability_score = models.IntegerField(_("stability"), null=True)
    trend_score = models.IntegerField(_("trend score"), null=True)
    tenure_score = models.IntegerField(_("tenure"), null=True)

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

    @property
    def metrics(self) -> dict[str, object]:
        """Every metric of the audit by its name."""
        return {name: getattr(self, name) for name in AUDIT_METRICS}


# The audit's metrics, each a column of ``ClientAudit`` named as the analytics package names it.
AUDIT_METRICS = (
    "is_partner", "plans_budget", "first_order_date", "days_since_first_order",
    "days_since_last_order", "orders_total", "orders_90", "orders_365", "regular_window_orders",
    "revenue_total", "revenue_90", "revenue_prev_365", "average_order_value",
    "typical_interval_days", "interval_cv", "recent_gap_days", "months_active", "trend",
    "r_score", "f_score", "m_score", "rfm_code", "revenue_share_365", "monthly_revenue_cv",
    "payments_count", "avg_days_late", "late_payments_share", "debt", "overdue_debt",
    "annual_budget", "budget_year", "bought_budget_year", "share_of_wallet", "competitors_amount",
    "solvency_score", "discipline_score", "stability_score", "trend_score", "tenure_score",
)  # fmt: skip


class ClientStatusMonth(models.Model):
    """A client's status at the end of a month of its history, as the audit computed it."""

    # Looked up through clients_status_month_unique, which leads with it: a month end
    # appended for a million clients is not written into a second index of them.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="status_months", db_index=False
    )
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
