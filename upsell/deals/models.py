"""Closing: the forecast turned into money.

A deal is one expected order of a motivated client. It is born from a forecast cell or by hand,
moves through its stages to an order and is won or lost; it links to the request and the shipment
that fulfil it. Objections are logged on a deal and answered from a library the head of sales
keeps. Calls, meetings and visits are the field work with a client (the head of sales' joint
visits marked). A coaching period is the head of sales working beside one manager; the nightly
run measures its effect on the manager's figures against the managers not coached.

A deal and a planned activity follow their client: whoever serves the client owns them, and the
one hand-over service moves them.
"""

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from upsell.core.models import ChangeRecord, money_field


def _person(related_name: str, verbose_name: StrOrPromise, **options: Any) -> Any:
    """A person who did or owns something; the record stays when the person leaves."""
    options.setdefault("on_delete", models.SET_NULL)
    options.setdefault("null", True)
    options.setdefault("blank", True)
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name=related_name, verbose_name=verbose_name, **options
    )


class DealStage(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    OFFER = "offer", _("Offer")
    OBJECTIONS = "objections", _("Objections")
    TERMS_AGREED = "terms_agreed", _("Terms agreed")
    ORDER = "order", _("Order")
    WON = "won", pgettext_lazy("deal stage", "Won")
    LOST = "lost", pgettext_lazy("deal stage", "Lost")


# The stages in their order on the board; a deal moves forward and back among the open ones.
OPEN_STAGES = (
    DealStage.PREPARATION,
    DealStage.OFFER,
    DealStage.OBJECTIONS,
    DealStage.TERMS_AGREED,
    DealStage.ORDER,
)
CLOSED_STAGES = (DealStage.WON, DealStage.LOST)


class DealSource(models.TextChoices):
    FORECAST = "forecast", _("Forecast")
    HAND = "hand", _("By hand")


class LinkState(models.TextChoices):
    """How a deal's request or shipment was linked to it."""

    NONE = "", _("Not linked")
    MATCHED = "matched", _("Matched automatically")
    CONFIRMED = "confirmed", _("Confirmed")
    # A person took the document off: no document fulfils the deal until one is linked by hand.
    UNLINKED = "unlinked", _("Unlinked by hand")


class LostReason(models.Model):
    """Why a deal was lost: a list the head of sales keeps. A reason in use is retired, not
    deleted, so that the deals lost for it keep their reason."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("reason a deal is lost")
        verbose_name_plural = _("reasons a deal is lost")
        ordering = ["position", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Deal(models.Model):
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="deals", verbose_name=_("client")
    )
    # The client's manager: a hand-over moves the open deals to the new one.
    manager = _person("deals", _("manager"), on_delete=models.PROTECT)
    title = models.CharField(_("what is sold"), max_length=300, blank=True)
    month = models.DateField(_("month"))  # the first day of the month the order is expected in
    amount = money_field(_("amount"))
    stage = models.CharField(
        _("stage"), max_length=20, choices=DealStage.choices, default=DealStage.PREPARATION
    )
    source = models.CharField(_("source"), max_length=10, choices=DealSource.choices)
    forecast_cell = models.ForeignKey(
        "forecasts.ForecastCell",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("forecast cell"),
    )
    lost_reason = models.ForeignKey(
        LostReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("reason lost"),
    )
    lost_note = models.CharField(_("what happened"), max_length=500, blank=True)
    request = models.ForeignKey(
        "order_requests.OrderRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("request"),
    )
    request_link = models.CharField(
        _("request linked"), max_length=10, choices=LinkState.choices, blank=True
    )
    shipment = models.ForeignKey(
        "shipments.Shipment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("shipment"),
    )
    shipment_link = models.CharField(
        _("shipment linked"), max_length=10, choices=LinkState.choices, blank=True
    )
    created_by = _person("+", _("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    stage_changed_at = models.DateTimeField(_("stage changed"), null=True, blank=True)
    # The last thing done on the deal (a stage move, an objection, an activity): a deal with
    # nothing done for the settings' number of days is stuck.
    last_activity_at = models.DateTimeField(_("last activity"), db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["month", "-amount", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=DealStage.values), name="deals_deal_stage_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=DealSource.values), name="deals_deal_source_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="deals_deal_month_first_day"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="deals_deal_amount_not_negative"
            ),
            # A lost deal names its reason; no other deal has one.
            models.CheckConstraint(
                condition=models.Q(stage=DealStage.LOST, lost_reason__isnull=False)
                | (~models.Q(stage=DealStage.LOST) & models.Q(lost_reason__isnull=True)),
                name="deals_deal_lost_has_reason",
            ),
            # A won or lost deal is closed at a known time, an open one is not.
            models.CheckConstraint(
                condition=models.Q(stage__in=CLOSED_STAGES, closed_at__isnull=False)
                | (~models.Q(stage__in=CLOSED_STAGES) & models.Q(closed_at__isnull=True)),
                name="deals_deal_closed_when_won_or_lost",
            ),
            models.CheckConstraint(
                condition=models.Q(request__isnull=True, request_link__in=["", LinkState.UNLINKED])
                | models.Q(
                    request__isnull=False,
                    request_link__in=[LinkState.MATCHED, LinkState.CONFIRMED],
                ),
                name="deals_deal_request_link_state",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    shipment__isnull=True, shipment_link__in=["", LinkState.UNLINKED]
                )
                | models.Q(
                    shipment__isnull=False,
                    shipment_link__in=[LinkState.MATCHED, LinkState.CONFIRMED],
                ),
                name="deals_deal_shipment_link_state",
            ),
        ]
        indexes = [
            models.Index(fields=["manager", "stage"], name="deals_deal_manager_stage_idx"),
            models.Index(fields=["client", "month"], name="deals_deal_client_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class DealStageChange(ChangeRecord):
    """One move of a deal between stages: the deal's history, and the cycle time's source."""

    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("deal")
    )
    stage_before = models.CharField(
        pgettext_lazy("deal stage", "from"), max_length=20, choices=DealStage.choices, blank=True
    )
    stage_after = models.CharField(
        pgettext_lazy("deal stage", "to"), max_length=20, choices=DealStage.choices
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("deal stage change")
        verbose_name_plural = _("deal stage changes")
        indexes = [models.Index(fields=["deal", "changed_at"], name="deals_stage_change_deal_idx")]


class ObjectionCategory(models.TextChoices):
    PRICE = "price", _("Price")
    COMPETITOR = "competitor", _("A competitor's terms")
    PAYMENT_TERMS = "payment_terms", _("Payment terms")
    DELIVERY = "delivery", _("Delivery")
    QUALITY = "quality", _("Quality")
    NO_BUDGET = "no_budget", _("No budget")
    OTHER = "other", _("Other")


class ObjectionOutcome(models.TextChoices):
    OPEN = "open", _("Open")
    OVERCOME = "overcome", _("Overcome")
    NOT_OVERCOME = "not_overcome", _("Not overcome")


class ObjectionAnswer(models.Model):
    """An answer to an objection in the library the head of sales curates, by category."""

    category = models.CharField(_("category"), max_length=20, choices=ObjectionCategory.choices)
    text = models.TextField(_("answer"))
    active = models.BooleanField(_("in use"), default=True)
    created_by = _person("+", _("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer to an objection")
        verbose_name_plural = _("answers to objections")
        ordering = ["category", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=ObjectionCategory.values),
                name="deals_answer_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Objection(models.Model):
    """What the client objected on a deal, what was answered, and how it ended."""

    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="objections", verbose_name=_("deal")
    )
    category = models.CharField(_("category"), max_length=20, choices=ObjectionCategory.choices)
    client_words = models.TextField(_("the client's words"))
    # The library's answer when one was used, and the words actually said.
    answer = models.ForeignKey(
        ObjectionAnswer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("answer from the library"),
    )
    answer_given = models.TextField(_("answer given"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ObjectionOutcome.choices, default=ObjectionOutcome.OPEN
    )
    created_by = _person("+", _("logged by"))
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["deal", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=ObjectionCategory.values),
                name="deals_objection_category_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=ObjectionOutcome.values),
                name="deals_objection_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.client_words[:60]}"


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")


class ActivityState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    """A call, a meeting or a visit with a client: planned, then held with its outcome."""

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("client"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=ActivityKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=ActivityState.choices, default=ActivityState.PLANNED
    )
    # Whose activity it is: the client's manager for a planned one (a hand-over moves it).
    owner = _person("activities", _("owner"), on_delete=models.PROTECT)
    # Who went, the owner included.
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="activities_joined",
        blank=True,
        verbose_name=_("who went"),
    )
    # The head of sales went along: a joint visit.
    joint = models.BooleanField(_("joint visit"), default=False)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    goal = models.TextField(_("goal"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    contacts = models.ManyToManyField(
        "clients.Contact",
        related_name="activities",
        blank=True,
        verbose_name=_("who was met"),
    )
    deal = models.ForeignKey(
        Deal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("deal"),
    )
    coaching_period = models.ForeignKey(
        "CoachingPeriod",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("coaching period"),
    )
    created_by = _person("+", _("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    held_at = models.DateTimeField(_("marked held"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ActivityKind.values), name="deals_activity_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=ActivityState.values),
                name="deals_activity_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="deals_activity_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "starts_at"], name="deals_activity_owner_idx"),
            models.Index(fields=["client", "starts_at"], name="deals_activity_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.client} {self.starts_at:%Y-%m-%d %H:%M}"


def _feed_secret() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's ICS feed: its secret is the feed's only key, so a calendar program can read it
    without logging in; making a new secret cuts off every copy of the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("person"),
    )
    secret = models.CharField(_("secret"), max_length=64, unique=True, default=_feed_secret)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class CoachingPeriod(models.Model):
    """The head of sales working beside one manager for a while, with goals and notes."""

    manager = _person("coaching_periods", _("manager"), on_delete=models.PROTECT, null=False)
    coach = _person("coaching_given", _("coach"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))  # the period's last day
    goals = models.TextField(_("goals"), blank=True)
    created_by = _person("+", _("opened by"))
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("coaching period")
        verbose_name_plural = _("coaching periods")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="deals_coaching_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.manager} {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


class CoachingNote(models.Model):
    period = models.ForeignKey(
        CoachingPeriod, on_delete=models.CASCADE, related_name="notes", verbose_name=_("period")
    )
    text = models.TextField(_("note"))
    written_by = _person("+", _("written by"))
    written_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("coaching note")
        verbose_name_plural = _("coaching notes")
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class CoachingMetric(models.TextChoices):
    WIN_RATE = "win_rate", _("Deal win rate")
    CYCLE_DAYS = "cycle_days", _("Deal cycle, days")
    ATTAINMENT = "attainment", _("Forecast attainment")
    MOTIVATED_GROWTH = "motivated_growth", _("Motivated revenue growth")


class CoachingEffect(models.Model):
    """What the nightly run measured of one coaching period on one of the manager's figures:
    before and after, the same for the managers not coached in the same months, and the
    difference in differences with its interval; ``None`` where there was too little data."""

    period = models.ForeignKey(
        CoachingPeriod, on_delete=models.CASCADE, related_name="effects", verbose_name=_("period")
    )
    metric = models.CharField(_("figure"), max_length=20, choices=CoachingMetric.choices)
    coached_before = models.FloatField(_("coached, before"), null=True, blank=True)
    coached_after = models.FloatField(_("coached, after"), null=True, blank=True)
    control_before = models.FloatField(_("not coached, before"), null=True, blank=True)
    control_after = models.FloatField(_("not coached, after"), null=True, blank=True)
    effect = models.FloatField(_("effect"), null=True, blank=True)
    effect_low = models.FloatField(_("effect, low"), null=True, blank=True)
    effect_high = models.FloatField(_("effect, high"), null=True, blank=True)
    control_managers = models.PositiveSmallIntegerField(_("managers not coached"), default=0)
    # Why no estimate was made ("too little data": which and how much), empty when one was.
    too_little = models.CharField(_("too little data"), max_length=300, blank=True)
    measured_at = models.DateTimeField(_("measured"))

    class Meta:
        verbose_name = _("coaching effect")
        verbose_name_plural = _("coaching effects")
        ordering = ["period", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "metric"], name="deals_coaching_effect_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(metric__in=CoachingMetric.values),
                name="deals_coaching_effect_metric_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.get_metric_display()}"


class ClosingSettings(ChangeRecord):
    """The head of sales' settings of closing. Every change is a new row; the latest is in force."""

    stuck_after_days = models.PositiveSmallIntegerField(
        _("a deal is stuck after, days without activity"), default=14
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("closing settings")
        verbose_name_plural = _("closing settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stuck_after_days__gte=1),
                name="deals_settings_stuck_after_positive",
            ),
        ]
