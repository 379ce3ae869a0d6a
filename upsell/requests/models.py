from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from upsell.core.models import ChangeRecord, HandOver, money_field, quantity_field
from upsell.requests.reasons import routing_reason, rule_sentence

# The rules are the models' vocabulary; the rest of the code reads them from here too.
from upsell.requests.rules import COMPLEX_RULES as COMPLEX_RULES
from upsell.requests.rules import RoutingRule as RoutingRule


class RequestSource(models.TextChoices):
    UI = "ui", _("Screen")
    API = "api", _("API")
    FILE = "file", _("File")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_WORK = "in_work", _("In work")
    DONE = "done", pgettext_lazy("request status", "Done")
    CANCELLED = "cancelled", _("Cancelled")


# A request in one of these still waits for someone: it sits in a queue and follows its client.
WAITING_STATUSES = (RequestStatus.OPEN, RequestStatus.IN_WORK)


class ComplexOrderRules(ChangeRecord):
    """What makes a spontaneous client's request complex, so that its manager takes it.

    An empty threshold switches its rule off. Every change is a new row; the latest is in force.
    """

    amount_above = money_field(_("amount above"), null=True, blank=True)
    lines_above = models.PositiveIntegerField(_("more lines than"), null=True, blank=True)
    product_groups = models.JSONField(_("product groups"), default=list, blank=True)
    standard_discount_percent = models.DecimalField(
        _("standard discount, %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    standard_payment_delay_days = models.PositiveIntegerField(
        _("standard payment delay, days"), null=True, blank=True
    )
    overdue_debt = models.BooleanField(_("client with overdue debt"), default=True)

    class Meta:
        verbose_name = _("complex order rules")
        verbose_name_plural = _("complex order rules")
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_above__isnull=True) | models.Q(amount_above__gte=0),
                name="order_requests_rules_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(standard_discount_percent__isnull=True)
                | models.Q(standard_discount_percent__gte=0, standard_discount_percent__lte=100),
                name="order_requests_rules_discount_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M}"


class OrderRequest(models.Model):
    """An incoming order request (заявка), routed to the person who serves it."""

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="order_requests",
        verbose_name=_("client"),
    )
    # The client's own number of its order: a file of orders names each request by it, so the
    # same file imported again finds the requests it made.
    number = models.CharField(_("client's order number"), max_length=64, blank=True)
    ordered_on = models.DateField(_("ordered on"), null=True, blank=True)
    description = models.TextField(_("what the client asks"), blank=True)
    amount = money_field(_("amount"), default=0)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    product_groups = models.JSONField(_("product groups"), default=list, blank=True)
    discount_percent = models.DecimalField(
        _("discount, %"), max_digits=5, decimal_places=2, default=0
    )
    payment_delay_days = models.PositiveIntegerField(_("payment delay, days"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=RequestSource.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_order_requests",
        verbose_name=_("assignee"),
    )
    # Where it is now and why: the rule, the figures that decided it (JSON: amounts as
    # decimal text), and the words of the person or move that put it here, if any.
    routed_by_rule = models.CharField(_("routed by"), max_length=20, choices=RoutingRule.choices)
    routing_facts = models.JSONField(_("routing figures"), default=dict, blank=True)
    routing_note = models.CharField(_("why here"), max_length=500, blank=True)
    # Complex or not is decided once, when the request is taken, and kept through every move:
    # a complex request always goes to a manager. Blank for a simple request.
    complex_rule = models.CharField(
        _("complex by"), max_length=20, choices=RoutingRule.choices, blank=True
    )
    complex_facts = models.JSONField(_("complexity figures"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Since when the client waits: the start of its order's day when the order is dated (and
    # not later than it reached us), else the moment it was taken. Until it is finished.
    waiting_since = models.DateTimeField(_("waiting since"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("order request")
        verbose_name_plural = _("order requests")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=RequestSource.values),
                name="order_requests_request_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RequestStatus.values),
                name="order_requests_request_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(routed_by_rule__in=RoutingRule.values),
                name="order_requests_request_rule_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(complex_rule="")
                | models.Q(complex_rule__in=sorted(COMPLEX_RULES)),
                name="order_requests_request_complex_rule_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="order_requests_request_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="order_requests_request_discount_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True)
                | models.Q(status__in=[RequestStatus.DONE, RequestStatus.CANCELLED]),
                name="order_requests_request_finished_when_done",
            ),
            models.UniqueConstraint(
                fields=["client", "number"],
                condition=~models.Q(number=""),
                name="order_requests_request_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "status"], name="order_requests_queue_idx"),
            models.Index(fields=["client", "status"], name="order_requests_client_idx"),
            models.Index(fields=["status", "finished_at"], name="order_requests_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"№ {self.pk} {self.client}"

    @property
    def is_finished(self) -> bool:
        return self.status not in WAITING_STATUSES

    @property
    def is_complex(self) -> bool:
        return bool(self.complex_rule)

    @property
    def routing_reason(self) -> str:
        """Why it is where it is, in the reader's language."""
        return routing_reason(self.routed_by_rule, self.routing_facts, self.routing_note)

    @property
    def complex_reason(self) -> str:
        """Why it is complex, in the reader's language; blank for a simple request."""
        return rule_sentence(self.complex_rule, self.complex_facts) if self.complex_rule else ""


class OrderRequestLine(models.Model):
    """One line of a request: a product of the catalogue, or one the client describes in its own
    words, with the quantity, price and discount it asks for."""

    request = models.ForeignKey(
        OrderRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("request")
    )
    line_number = models.PositiveIntegerField(_("line"))
    # Empty when the client asks for something the catalogue does not hold.
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    # As the client wrote them, kept even when the product is found.
    product_code = models.CharField(_("product code"), max_length=64, blank=True)
    product_name = models.CharField(_("product as written"), max_length=300, blank=True)
    quantity = quantity_field(_("quantity"))
    price = money_field(_("price"))
    discount_percent = models.DecimalField(
        _("discount, %"), max_digits=5, decimal_places=2, default=0
    )
    # Quantity × price less the discount, in kopecks rounded half up.
    amount = money_field(_("amount"))

    class Meta:
        verbose_name = _("request line")
        verbose_name_plural = _("request lines")
        ordering = ["request", "line_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "line_number"], name="order_requests_line_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(line_number__gte=1), name="order_requests_line_number_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="order_requests_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0, amount__gte=0),
                name="order_requests_line_money_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="order_requests_line_discount_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(product__isnull=False)
                | ~models.Q(product_code="")
                | ~models.Q(product_name=""),
                name="order_requests_line_names_a_product",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} #{self.line_number}"


class OrderRequestChange(HandOver):
    """Who held a request before and after a change, who made it and why."""

    request = models.ForeignKey(
        OrderRequest, on_delete=models.CASCADE, related_name="changes", verbose_name=_("request")
    )
    rule = models.CharField(_("rule"), max_length=20, choices=RoutingRule.choices)
    # The figures of an automatic decision; ``reason`` holds a person's or a move's own words.
    facts = models.JSONField(_("figures"), default=dict, blank=True)

    class Meta:
        verbose_name = _("request assignment change")
        verbose_name_plural = _("request assignment changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.request}: {self.previous} → {self.new}"

    @property
    def reason_text(self) -> str:
        return routing_reason(self.rule, self.facts, self.reason)


class OrderRequestStatusChange(ChangeRecord):
    """A request taken into work, put back, finished or cancelled: by whom, when, and why (a
    cancelled request always says why)."""

    request = models.ForeignKey(
        OrderRequest,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("request"),
    )
    previous = models.CharField(
        pgettext_lazy("request status", "from"), max_length=20, choices=RequestStatus.choices
    )
    new = models.CharField(
        pgettext_lazy("request status", "to"), max_length=20, choices=RequestStatus.choices
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("request status change")
        verbose_name_plural = _("request status changes")
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(previous__in=RequestStatus.values, new__in=RequestStatus.values),
                name="order_requests_status_change_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(new=RequestStatus.CANCELLED) | ~models.Q(reason=""),
                name="order_requests_cancel_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.previous} → {self.new}"
