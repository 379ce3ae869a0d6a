"""Sales programs: their terms (top management's), their memberships (the head of sales'), and
what the nightly run measured of them (each member's progress, each program's effect).

A membership belongs to its client: whoever serves the client sees it, and a hand-over moves
nothing. Money is the system's (``money_field``); a rate is a percent with two decimals.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from upsell.clients.models import Client
from upsell.core.models import money_field, quantity_field
from upsell.products.models import Product


class ProgramKind(models.TextChoices):
    VOLUME_DISCOUNT = "volume_discount", _("Volume discount")
    CUMULATIVE_DISCOUNT = "cumulative_discount", _("Cumulative discount")
    ADVANCE_DISCOUNT = "advance_discount", _("Advance-payment discount")
    RETRO_BONUS = "retro_bonus", _("Retro-bonus")
    CREDIT_LINE = "credit_line", _("Credit line")
    CLIENT_RETURN = "client_return", _("Client return")
    GUARANTEED_STOCK = "guaranteed_stock", _("Guaranteed stock")


# The kinds whose terms are tiers of (threshold, rate). An advance-payment discount has one tier
# from zero: the rate for an order paid before shipment.
TIERED_KINDS = frozenset(
    {
        ProgramKind.VOLUME_DISCOUNT,
        ProgramKind.CUMULATIVE_DISCOUNT,
        ProgramKind.ADVANCE_DISCOUNT,
        ProgramKind.RETRO_BONUS,
    }
)


class ProgramState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


def _by(related_name: str, verbose_name: StrOrPromise) -> Any:
    """Who did something; the record stays when the person leaves."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


class Program(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=ProgramKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=ProgramState.choices, default=ProgramState.DRAFT
    )
    description = models.TextField(_("description"), blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))  # the period's last day
    # Eligibility: an empty list admits every value.
    eligible_statuses = models.JSONField(_("statuses"), default=list, blank=True)
    eligible_segments = models.JSONField(_("segments"), default=list, blank=True)
    eligible_regions = models.JSONField(_("regions"), default=list, blank=True)
    min_perspective = models.PositiveSmallIntegerField(
        _("minimum perspective"), null=True, blank=True
    )
    budgeting_only = models.BooleanField(_("only clients that plan a budget"), default=False)
    # A credit line's terms for a member whose own are not set.
    credit_limit = money_field(_("credit limit"), null=True, blank=True)
    payment_delay_days = models.PositiveSmallIntegerField(
        _("payment delay, days"), null=True, blank=True
    )
    # The random hold-out drawn at enrolment: the share of the eligible clients kept out, and the
    # seed that draws the same clients again from the same list.
    control_percent = models.PositiveSmallIntegerField(_("control group, %"), null=True, blank=True)
    control_seed = models.PositiveBigIntegerField(_("control group seed"), null=True, blank=True)
    created_by = _by("+", _("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    activated_by = _by("+", _("activated by"))
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    closed_by = _by("+", _("closed by"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("sales program")
        verbose_name_plural = _("sales programs")
        ordering = ["-period_start", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ProgramKind.values), name="programs_program_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=ProgramState.values),
                name="programs_program_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="programs_program_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(credit_limit__isnull=True) | models.Q(credit_limit__gte=0),
                name="programs_program_credit_limit_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(min_perspective__isnull=True)
                | models.Q(min_perspective__lte=100),
                name="programs_program_perspective_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(control_percent__isnull=True)
                | models.Q(control_percent__lt=100),
                name="programs_program_control_below_all",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_tiered(self) -> bool:
        return self.kind in TIERED_KINDS


class ProgramTier(models.Model):
    """From ``threshold`` on, ``rate`` percent: of the order (volume), of the next orders
    (cumulative), of the period's purchases (retro-bonus), of an order paid in advance."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tiers")
    threshold = money_field(pgettext_lazy("tier threshold", "from"))
    rate = models.DecimalField(_("rate, %"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["program", "threshold"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "threshold"], name="programs_tier_threshold_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0), name="programs_tier_threshold_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gt=0, rate__lte=100), name="programs_tier_rate_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.threshold} → {self.rate} %"


class MembershipGroup(models.TextChoices):
    MEMBER = "member", _("Member")
    CONTROL = "control", _("Control group")


class MembershipState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class Membership(models.Model):
    """A client in a program, or held out of it as its control group."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="program_memberships")
    group = models.CharField(
        _("group"), max_length=10, choices=MembershipGroup.choices, default=MembershipGroup.MEMBER
    )
    state = models.CharField(_("state"), max_length=10, choices=MembershipState.choices)
    joined_on = models.DateField(_("joined"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # A credit line's terms for this client; the program's when not set.
    credit_limit = money_field(_("credit limit"), null=True, blank=True)
    payment_delay_days = models.PositiveSmallIntegerField(
        _("payment delay, days"), null=True, blank=True
    )
    proposed_by = _by("+", _("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)
    enrolled_by = _by("+", _("enrolled by"))
    enrolled_at = models.DateTimeField(_("enrolled"), null=True, blank=True)
    ended_by = _by("+", _("ended by"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["program", "client__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "client"], name="programs_membership_client_once"
            ),
            models.CheckConstraint(
                condition=models.Q(group__in=MembershipGroup.values),
                name="programs_membership_group_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=MembershipState.values),
                name="programs_membership_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(credit_limit__isnull=True) | models.Q(credit_limit__gte=0),
                name="programs_membership_credit_limit_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=MembershipState.ACTIVE)
                | models.Q(joined_on__isnull=False),
                name="programs_membership_active_has_joined",
            ),
        ]
        indexes = [models.Index(fields=["client", "state"], name="programs_membership_client_idx")]

    def __str__(self) -> str:
        return f"{self.client} in {self.program}"


class StockCommitment(models.Model):
    """A guaranteed-stock member's product: the quantity kept for it each month, which the
    client commits to take."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="stock_commitments"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    monthly_quantity = quantity_field(_("monthly quantity"))

    class Meta:
        verbose_name = _("stock commitment")
        verbose_name_plural = _("stock commitments")
        ordering = ["membership", "product__sku"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "product"], name="programs_stock_product_once"
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_quantity__gt=0), name="programs_stock_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.product} × {self.monthly_quantity}"


class MembershipProgress(models.Model):
    """What the nightly run measured of a member as of its date."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, primary_key=True, related_name="progress"
    )
    as_of = models.DateField(_("as of"))
    purchased = money_field(_("purchased"))
    tier_threshold = money_field(_("tier reached"), null=True, blank=True)
    tier_rate = models.DecimalField(
        _("rate reached, %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    next_threshold = money_field(_("next tier"), null=True, blank=True)
    next_rate = models.DecimalField(
        _("next rate, %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    missing = money_field(_("missing"), null=True, blank=True)
    accrued = money_field(_("accrued"))
    expected_end = money_field(_("expected by the end"))
    within_reach = models.BooleanField(_("next tier within reach"), default=False)
    exposure = money_field(_("exposure"), null=True, blank=True)
    available = models.DecimalField(
        _("available credit"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    oldest_unpaid = models.DateField(_("oldest unpaid shipment"), null=True, blank=True)
    past_delay = models.BooleanField(_("past its delay"), null=True, blank=True)
    returned_on = models.DateField(_("ordered again"), null=True, blank=True)

    class Meta:
        verbose_name = _("member's progress")
        verbose_name_plural = _("members' progress")
        indexes = [models.Index(fields=["within_reach"], name="programs_progress_reach_idx")]

    def __str__(self) -> str:
        return f"{self.membership}: {self.purchased} ({self.as_of})"


class StockMonth(models.Model):
    """A guaranteed-stock member's product in a month: kept and taken."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="stock_months"
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    committed = quantity_field(_("committed"))
    consumed = quantity_field(_("taken"))

    class Meta:
        verbose_name = _("stock month")
        verbose_name_plural = _("stock months")
        ordering = ["membership", "product", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "product", "month"], name="programs_stock_month_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.product} {self.month:%Y-%m}"


class EffectMethod(models.TextChoices):
    RANDOM = "random", _("Against the random control group")
    MATCHED = "matched", _("Against matched non-members")


class ProgramEffect(models.Model):
    """The program's effect as the nightly run last measured it: the revenue uplift per member
    per month by difference in differences, its bootstrap interval, the cost and the net."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, primary_key=True, related_name="effect"
    )
    as_of = models.DateField(_("as of"))
    method = models.CharField(_("method"), max_length=10, choices=EffectMethod.choices)
    members = models.PositiveIntegerField(_("members"))
    controls = models.PositiveIntegerField(_("controls"))
    months = models.PositiveSmallIntegerField(_("months measured"))
    uplift = models.DecimalField(_("uplift per member per month"), max_digits=16, decimal_places=2)
    low = models.DecimalField(_("interval from"), max_digits=16, decimal_places=2)
    high = models.DecimalField(_("interval to"), max_digits=16, decimal_places=2)
    too_little_data = models.BooleanField(_("too little data"))
    cost = money_field(_("cost"))
    net = models.DecimalField(_("net effect"), max_digits=16, decimal_places=2)
    # Mean monthly revenue of members and controls before and during (figures as text).
    means = models.JSONField(_("means"), default=dict)

    class Meta:
        verbose_name = _("program effect")
        verbose_name_plural = _("program effects")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=EffectMethod.values),
                name="programs_effect_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.uplift} ({self.as_of})"

    @property
    def figures(self) -> dict[str, Decimal | None]:
        """The stored means as numbers: members' and controls' mean monthly revenue before and
        during, and the budgeting members' share of wallet before and during (in percent)."""
        figures: dict[str, Decimal | None] = dict.fromkeys(
            ("member_before", "member_during", "control_before", "control_during")
        )
        for key, text in self.means.items():
            value = Decimal(text) if text not in ("", None) else None
            if key.startswith("wallet_") and key != "wallet_clients" and value is not None:
                value *= 100
            figures[key] = value
        return figures


class BonusPayout(models.Model):
    """A retro-bonus settled at its period's end: on what purchases, at what rate, how much, and
    who recorded it when."""

    membership = models.OneToOneField(Membership, on_delete=models.PROTECT, related_name="payout")
    purchased = money_field(_("purchased in the period"))
    rate = models.DecimalField(_("rate, %"), max_digits=5, decimal_places=2)
    amount = money_field(_("bonus"))
    paid_on = models.DateField(_("paid on"))
    recorded_by = _by("+", _("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("bonus payout")
        verbose_name_plural = _("bonus payouts")

    def __str__(self) -> str:
        return f"{self.membership}: {self.amount}"
