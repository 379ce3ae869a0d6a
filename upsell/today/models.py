"""The manager's day: what was decided about each action of the Today list, and the weights by
which the head of sales ranks the kinds of action.

An action is not stored: the sources compute it from the owning apps' stored data each time the
list is read. A decision names the action by its key (kind, object, period), so a done or
dismissed action stays away until the situation is new (a new key), and a postponed one comes
back on its day.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from upsell.core.models import ChangeRecord


class ActionKind(models.TextChoices):
    PAST_INTERVAL = "past_interval", _("Past its usual interval")
    FORECAST_EMPTY = "forecast_empty", _("Forecast not filled")
    FORECAST_UNSHIPPED = "forecast_unshipped", _("Forecast not shipped")
    WALLET = "wallet", _("Budget going to competitors")
    PROGRAM_TIER = "program_tier", _("Program tier within reach")
    STUCK_DEAL = "stuck_deal", _("Stuck deal")
    MEETING = "meeting", _("Meeting today")
    REQUEST = "request", _("Complex request waiting")
    CROSS_SELL = "cross_sell", _("Something to offer")


class Decision(models.TextChoices):
    DONE = "done", pgettext_lazy("action decision", "Done")
    POSTPONED = "postponed", _("Postponed")
    DISMISSED = "dismissed", _("Dismissed")


class ActionDecision(models.Model):
    """What a person decided about one action: done with its outcome, postponed to a day, or
    dismissed with a reason."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    key = models.CharField(_("action"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("client"),
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    # The outcome of what was done, or why the action was dismissed.
    text = models.TextField(_("outcome or reason"), blank=True)
    until = models.DateField(_("postponed until"), null=True, blank=True)
    # What was done, kept as the client's activity.
    activity = models.ForeignKey(
        "deals.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision on an action")
        verbose_name_plural = _("decisions on actions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ActionKind.values), name="today_decision_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(decision__in=Decision.values),
                name="today_decision_valid",
            ),
            # A postponed action has its day; nothing else has one.
            models.CheckConstraint(
                condition=models.Q(decision=Decision.POSTPONED, until__isnull=False)
                | (~models.Q(decision=Decision.POSTPONED) & models.Q(until__isnull=True)),
                name="today_decision_until_when_postponed",
            ),
        ]
        indexes = [models.Index(fields=["key"], name="today_decision_key_idx")]

    def __str__(self) -> str:
        return f"{self.key}: {self.decision}"


class TodaySettings(ChangeRecord):
    """The head of sales' weights of each kind of action (kind → weight as a decimal string) and
    whether managers get their list by e-mail each morning. Every change is a new row; the
    latest is in force. A kind left out weighs 1."""

    weights = models.JSONField(_("weights"), default=dict)
    # Each morning's list by e-mail to every manager (``upsell today_digest``).
    digest = models.BooleanField(_("daily e-mail"), default=False)

    class Meta(ChangeRecord.Meta):
        verbose_name = _("Today settings")
        verbose_name_plural = _("Today settings")
