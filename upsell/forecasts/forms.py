import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import Role, User
from upsell.core.money import MONEY_DIGITS, MONEY_PLACES
from upsell.core.months import month_parse
from upsell.core.uploads import upload_size_validate
from upsell.forecasts.models import Confidence
from upsell.forecasts.selectors import plan_managers


def _amount_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        localize=True,
    )


class ForecastCellForm(forms.Form):
    amount = _amount_field(_("Amount"))
    confidence = forms.ChoiceField(
        label=_("Confidence"), choices=[("", "—"), *Confidence.choices], required=False
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The editor sits inside a grid cell with no room for labels: each field is named
        # for screen readers and shows its name as a placeholder.
        for name in ("amount", "confidence", "comment"):
            field = self.fields[name]
            field.widget.attrs["aria-label"] = field.label
            if name != "confidence":
                field.widget.attrs["placeholder"] = field.label


class GridFilterForm(forms.Form):
    manager = forms.ModelChoiceField(
        label=_("Manager"),
        queryset=User.objects.filter(role=Role.MANAGER).order_by("full_name", "username"),
        required=False,
        empty_label=_("The whole team"),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    def chosen(self, *, default_year: int) -> tuple[int | None, int]:
        """The chosen manager's id (or None) and year; anything invalid counts as not chosen."""
        if not self.is_valid():
            return None, default_year
        manager: User | None = self.cleaned_data["manager"]
        return (None if manager is None else manager.pk), self.cleaned_data["year"] or default_year


class SalesPlanForm(forms.Form):
    manager = forms.ModelChoiceField(queryset=plan_managers())
    month = forms.CharField(max_length=10)
    amount = _amount_field(_("Plan"))

    def clean_month(self) -> dt.date:
        try:
            return month_parse(self.cleaned_data["month"])
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None

    def plan_amount(self) -> Decimal | None:
        amount: Decimal | None = self.cleaned_data["amount"]
        return amount


class ForecastImportForm(forms.Form):
    file = forms.FileField(label=_("Forecast workbook (XLSX)"), validators=[upload_size_validate])
