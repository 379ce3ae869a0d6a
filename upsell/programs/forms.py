"""Forms of the program screens: they read input; the services decide and write."""

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from upsell.clients.models import Client, ClientStatus
from upsell.core.money import (
    MONEY_DIGITS,
    MONEY_PLACES,
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    QUANTITY_QUANTUM,
)
from upsell.core.months import month_add, month_end
from upsell.programs.models import TIERED_KINDS, Program, ProgramKind
from upsell.programs.services.memberships import StockLine
from upsell.programs.services.terms import ProgramTerms, Tier

# Blank tier rows the form offers, and how many tiers a program may have.
TIER_ROWS = 3
MAX_TIERS = 20
# Blank product rows the stock form offers under a member's products, and how many it takes.
STOCK_ROWS = 2
MAX_STOCK_LINES = 50
QUARTER, YEAR = "quarter", "year"


def _comma_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _decimal(label: Any, **options: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **options,
    )


def _date(label: Any) -> forms.DateField:
    # A date input takes ISO dates whatever the reader's language.
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class KindSelect(forms.Select):
    """Marks each type's option with what its terms need: the page shows the tiers, or the
    credit terms, of the chosen type alone (by CSS, so without scripts)."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if value in TIERED_KINDS:
            option["attrs"]["data-tiered"] = True
        if value == ProgramKind.CREDIT_LINE:
            option["attrs"]["data-credit"] = True
        return option


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=ProgramKind.choices, widget=KindSelect)
    period_start = _date(_("Starts on"))
    period_end = _date(_("Ends on"))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    eligible_statuses = forms.MultipleChoiceField(
        label=_("Statuses"),
        choices=ClientStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every status."),
    )
    eligible_segments = forms.CharField(
        label=_("Segments"), required=False, max_length=2000, help_text=_("Separated by commas.")
    )
    eligible_regions = forms.CharField(
        label=_("Regions"), required=False, max_length=2000, help_text=_("Separated by commas.")
    )
    min_perspective = forms.IntegerField(label=_("Minimum perspective"), required=False)
    budgeting_only = forms.BooleanField(label=_("Only clients that plan a budget"), required=False)
    credit_limit = _decimal(
        _("Credit limit"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, required=False
    )
    payment_delay_days = forms.IntegerField(label=_("Payment delay, days"), required=False)

    @classmethod
    def initial_from(cls, program: Program) -> dict[str, object]:
        return {
            "name": program.name,
            "kind": program.kind,
            "period_start": program.period_start,
            "period_end": program.period_end,
            "description": program.description,
            "eligible_statuses": program.eligible_statuses,
            "eligible_segments": ", ".join(program.eligible_segments),
            "eligible_regions": ", ".join(program.eligible_regions),
            "min_perspective": program.min_perspective,
            "budgeting_only": program.budgeting_only,
            "credit_limit": program.credit_limit,
            "payment_delay_days": program.payment_delay_days,
        }

    def period_filled(self, choice: str, *, today: dt.date) -> dict[str, Any]:
        """What was typed, with the period set to the calendar quarter or year of the typed
        start (of ``today`` when none is typed)."""
        typed = {name: self[name].data for name in self.fields}
        try:
            start = self.fields["period_start"].clean(typed["period_start"]) or today
        except ValidationError:
            start = today
        if choice == YEAR:
            typed["period_start"] = dt.date(start.year, 1, 1)
            typed["period_end"] = dt.date(start.year, 12, 31)
        else:
            first = dt.date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
            typed["period_start"] = first
            typed["period_end"] = month_end(month_add(first, 2))
        return typed

    def terms(self, tiers: tuple[Tier, ...]) -> ProgramTerms:
        """The terms as typed; the tiers and the credit terms count only for the types that
        have them (the page hides them for the others)."""
        data = self.cleaned_data
        kind = data["kind"]
        credit = kind == ProgramKind.CREDIT_LINE
        return ProgramTerms(
            name=data["name"],
            kind=kind,
            period_start=data["period_start"],
            period_end=data["period_end"],
            description=data["description"],
            tiers=tiers if kind in TIERED_KINDS else (),
            eligible_statuses=tuple(data["eligible_statuses"]),
            eligible_segments=_comma_list(data["eligible_segments"]),
            eligible_regions=_comma_list(data["eligible_regions"]),
            min_perspective=data["min_perspective"],
            budgeting_only=data["budgeting_only"],
            credit_limit=data["credit_limit"] if credit else None,
            payment_delay_days=data["payment_delay_days"] if credit else None,
        )


class TierForm(forms.Form):
    """One row of the tiers table; a row left blank, or marked to remove, is no tier."""

    threshold = _decimal(
        _("Threshold"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, min_value=Decimal(0)
    )
    rate = _decimal(_("Rate, %"), max_digits=5, decimal_places=2)

    def tier(self) -> Tier:
        return Tier(threshold=self.cleaned_data["threshold"], rate=self.cleaned_data["rate"])


class BaseTierFormSet(forms.BaseFormSet[TierForm]):
    def initial_form_count(self) -> int:
        # Rows offered with the program's tiers are rows like any other, free to be cleared.
        return super().initial_form_count() if self.is_bound else 0

    def tiers(self) -> tuple[Tier, ...]:
        return tuple(
            form.tier()
            for form in self.forms
            if form.has_changed() and not form.cleaned_data.get("DELETE")
        )

    def typed(self) -> list[dict[str, Any]]:
        """The rows kept, as they were typed."""
        return [
            {name: form[name].data for name in ("threshold", "rate")}
            for form in self.forms
            if not form["DELETE"].data
        ]


TierFormSet = cast(
    type[BaseTierFormSet],
    forms.formset_factory(
        TierForm,
        formset=BaseTierFormSet,
        extra=TIER_ROWS,
        can_delete=True,
        max_num=MAX_TIERS,
        absolute_max=MAX_TIERS,
        validate_max=True,
    ),
)


def tier_formset(data: Any = None, *, tiers: list[dict[str, Any]] | None = None) -> BaseTierFormSet:
    """The tiers posted, or rows showing ``tiers`` with a blank one under them."""
    if data is not None or tiers is None:
        return TierFormSet(data, prefix="tiers")
    offered = TierFormSet(initial=tiers, prefix="tiers")
    offered.extra = len(tiers) + 1
    return offered


def tier_formset_grown(data: Any) -> BaseTierFormSet:
    """The rows posted so far as they were typed, unchecked, less those marked to remove, and
    a blank one under them: the form works without scripts, so rows come by a round trip."""
    typed = tier_formset(data).typed()
    grown = TierFormSet(initial=typed, prefix="tiers")
    grown.extra = len(typed) + 1
    return grown


class EnrolForm(forms.Form):
    clients = forms.ModelMultipleChoiceField(
        label=_("Clients"),
        queryset=Client.objects.none(),
        error_messages={"required": _("Tick the clients to enrol.")},
    )
    control_percent = forms.IntegerField(
        label=_("Hold out as a control group, %"),
        required=False,
        help_text=_("Drawn at random: the effect is measured against them."),
    )

    def __init__(self, *args: Any, clients: QuerySet[Client], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField[Client], self.fields["clients"]).queryset = clients


class ProposeForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Propose for a program"), queryset=Program.objects.none()
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Program], self.fields["program"]).queryset = programs


class MembershipEndForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False)


class StockLineForm(forms.Form):
    """One product kept for a member; a row left blank is no product."""

    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    monthly_quantity = _decimal(
        _("Monthly quantity"),
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_PLACES,
        min_value=QUANTITY_QUANTUM,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        sku, quantity = cleaned.get("sku"), cleaned.get("monthly_quantity")
        if sku and quantity is None and "monthly_quantity" not in self.errors:
            self.add_error("monthly_quantity", _("Give the quantity kept each month."))
        if not sku and quantity is not None:
            self.add_error("sku", _("Give the product's SKU."))
        return cleaned


class BaseStockFormSet(forms.BaseFormSet[StockLineForm]):
    def lines(self) -> list[StockLine]:
        """The rows filled in, in their order: the service names a problem by its line."""
        return [
            StockLine(sku=form.cleaned_data["sku"], monthly_quantity=quantity)
            for form in self.forms
            if form.cleaned_data.get("sku")
            and (quantity := form.cleaned_data.get("monthly_quantity")) is not None
        ]


StockFormSet = cast(
    type[BaseStockFormSet],
    forms.formset_factory(
        StockLineForm,
        formset=BaseStockFormSet,
        extra=STOCK_ROWS,
        max_num=MAX_STOCK_LINES,
        absolute_max=MAX_STOCK_LINES,
        validate_max=True,
    ),
)


def stock_formset(
    data: Any = None, *, lines: list[dict[str, Any]] | None = None
) -> BaseStockFormSet:
    """The rows posted, or rows showing the member's ``lines`` with blank ones under them."""
    return StockFormSet(data, initial=lines, prefix="stock")


class SettlementForm(forms.Form):
    """The day a retro-bonus was paid to its members."""

    paid_on = _date(_("Paid on"))
