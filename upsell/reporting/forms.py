import datetime as dt
from dataclasses import asdict, fields
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from upsell.analytics.settings import AuditSettings
from upsell.clients.models import ClientStatus
from upsell.reporting.models import AuditEngine, AuditUnit

# What the head of sales sees beside each threshold; the analytics package documents the rules.
THRESHOLD_LABELS = {
    "new_days": _("New: first order within, days"),
    "one_time_window_days": _("One-time: the single order within, days"),
    "regular_window_days": _("Regular: window, days"),
    "regular_min_orders": _("Regular: at least this many orders in the window"),
    "lapsing_interval_factor": _("Lapsing: days since last order above this × typical interval"),
    "lapsing_min_days": _("Lapsing: and above, days"),
    "lost_days": _("Lost: no order for, days"),
    "reanimated_gap_days": _("Reanimated: after a gap of at least, days"),
    "reanimated_recent_days": _("Reanimated: ordered again within, days"),
    "abc_a_percent": _("ABC: class A up to this share of revenue, %"),
    "abc_b_percent": _("ABC: class B up to, %"),
    "xyz_x_max_cv": _("XYZ: class X up to this variation of monthly revenue"),
    "xyz_y_max_cv": _("XYZ: class Y up to"),
    "xyz_min_months": _("XYZ: no class before this many complete months since the first order"),
    "rfm_bins": _("RFM: number of score levels"),
    "payment_terms_days": _("Debt is overdue after, days"),
    "discipline_zero_days_late": _("Payment discipline is 0 at this average delay, days"),
    "tenure_full_days": _("Tenure scores full after, days"),
    "stability_zero_cv": _("Stability is 0 at this variation of intervals"),
    "weight_solvency": _("Perspective weight: solvency"),
    "weight_discipline": _("Perspective weight: payment discipline"),
    "weight_stability": _("Perspective weight: stability"),
    "weight_trend": _("Perspective weight: trend"),
    "weight_tenure": _("Perspective weight: tenure"),
}


class AuditRulesForm(forms.Form):
    managed_statuses = forms.MultipleChoiceField(
        label=_("Motivated clients: the statuses a manager manages and forecasts"),
        choices=ClientStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    unit = forms.ChoiceField(
        label=_("What the audit reads as one buyer"),
        choices=AuditUnit.choices,
        help_text=_(
            "Per organisation, its branches' shipments and payments count as the head "
            "organisation's, and every branch carries the head organisation's status."
        ),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        settings: AuditSettings,
        managed: tuple[str, ...],
        unit: AuditUnit,
    ) -> None:
        super().__init__(
            data,
            initial={**asdict(settings), "managed_statuses": list(managed), "unit": unit.value},
        )
        for field in fields(AuditSettings):
            label = THRESHOLD_LABELS[field.name]
            if field.type in (float, "float"):
                self.fields[field.name] = forms.FloatField(label=label, min_value=0)
            else:
                self.fields[field.name] = forms.IntegerField(label=label, min_value=0)

    def thresholds(self) -> dict[str, object]:
        return {field.name: self.cleaned_data[field.name] for field in fields(AuditSettings)}


class AuditStartForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), initial=timezone.localdate)
    engine = forms.ChoiceField(
        label=_("Engine"), choices=AuditEngine.choices, initial=AuditEngine.DUCKDB
    )


class MigrationForm(forms.Form):
    month_from = forms.TypedChoiceField(label=_("From the end of"), coerce=dt.date.fromisoformat)
    month_to = forms.TypedChoiceField(label=_("to the end of"), coerce=dt.date.fromisoformat)

    def __init__(self, data: Any = None, *, months: list[dt.date]) -> None:
        super().__init__(data)
        choices = [(month.isoformat(), f"{month:%m.%Y}") for month in reversed(months)]
        for name in ("month_from", "month_to"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
            field.choices = choices


class StatusOverrideForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ClientStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)
    expires_on = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
