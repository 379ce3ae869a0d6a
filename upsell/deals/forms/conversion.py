"""The conversion report's and the stuck deals' filters, and the closing settings form."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upsell.accounts.models import Role, User
from upsell.core.months import EARLIEST, month_add, years_after
from upsell.deals.conversion import MAX_MONTHS, report_months
from upsell.deals.forms.board import MonthField
from upsell.deals.services.settings import STUCK_AFTER_DAYS_MAX


def _managers() -> Any:
    return User.objects.filter(role=Role.MANAGER).order_by("full_name", "username")


class ConversionFilterForm(forms.Form):
    first = MonthField(label=gettext_lazy("First month"), required=False)
    last = MonthField(label=gettext_lazy("Last month"), required=False)
    manager = forms.ModelChoiceField(
        label=gettext_lazy("Manager"),
        queryset=_managers(),
        required=False,
        empty_label=gettext_lazy("The whole team"),
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        """The months chosen, each defaulting to the report's (the last three and the current
        one), in order and at most ``MAX_MONTHS`` apart."""
        data = super().clean() or {}
        default_first, default_last = report_months(today=self.today)
        latest = years_after(self.today, 2)
        for name in ("first", "last"):
            month = data.get(name)
            if month is not None and not EARLIEST <= month <= latest:
                self.add_error(
                    name,
                    _("Give a month from %(earliest)s to %(latest)s.")
                    % {"earliest": f"{EARLIEST:%Y-%m}", "latest": f"{latest:%Y-%m}"},
                )
        if self.errors:
            return data
        first, last = data.get("first") or default_first, data.get("last") or default_last
        if last < first:
            self.add_error("last", _("The last month comes before the first."))
        elif month_add(first, MAX_MONTHS) <= last:
            self.add_error("last", _("Show at most %(count)s months.") % {"count": MAX_MONTHS})
        else:
            data["first"], data["last"] = first, last
        return data

    def chosen(self) -> tuple[dt.date, dt.date, int | None]:
        """The first and last month and the manager's id; the defaults where the form is
        invalid (its errors are shown)."""
        if not self.is_valid():
            first, last = report_months(today=self.today)
            return first, last, None
        manager: User | None = self.cleaned_data["manager"]
        return (
            self.cleaned_data["first"],
            self.cleaned_data["last"],
            None if manager is None else manager.pk,
        )


class StuckFilterForm(forms.Form):
    manager = forms.ModelChoiceField(
        label=gettext_lazy("Manager"),
        queryset=_managers(),
        required=False,
        empty_label=gettext_lazy("The whole team"),
    )


class ClosingSettingsForm(forms.Form):
    stuck_after_days = forms.IntegerField(
        label=gettext_lazy("A deal is stuck after, days without activity"),
        min_value=1,
        max_value=STUCK_AFTER_DAYS_MAX,
    )
