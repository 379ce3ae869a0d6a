"""Forms of the client screens: they read input; the services decide and write."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import Role, User
from upsell.clients.contacts import ContactDetails
from upsell.clients.models import Client, ClientStatus, Contact, ContactDecision
from upsell.clients.selectors import CLIENT_SORTS, ClientFilters
from upsell.clients.services import ClientDetails
from upsell.core.money import MONEY_DIGITS, MONEY_PLACES
from upsell.core.months import year_months

SORT_CHOICES = [(key, key) for name in CLIENT_SORTS for key in (name, f"-{name}")]


@dataclass(frozen=True, kw_only=True)
class FilterMenu:
    """A select of the client list's filters: its field, its options, the option chosen."""

    name: str
    label: str
    choices: list[tuple[str, str]]
    selected: str


class ClientFilterForm(forms.Form):
    """The client list's filters, read from the query string.

    A value that does not fit (an unknown manager, a mistyped sort) is dropped rather than
    refused, so a shared or bookmarked link still opens, narrowed by what remains valid. The
    menus' choices are offered only when the whole page is drawn: a partial update of the
    table needs the filters, not the menus.
    """

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=300,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name or tax id"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    manager = forms.IntegerField(label=_("Manager"), required=False)
    segment = forms.CharField(label=_("Segment"), required=False)
    region = forms.CharField(label=_("Region"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ClientStatus.choices, required=False)
    within_reach = forms.BooleanField(label=_("Next program tier within reach"), required=False)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, widget=forms.HiddenInput)
    menus: list["FilterMenu"] = []

    def offer_choices(
        self, *, managers: list[User], segments: list[str], regions: list[str]
    ) -> None:
        """The filter menus, drawn by the template itself: a page of the list stays cheap to
        render with a hundred regions (form widgets render each option through a template)."""
        everyone = ("", str(_("All")))
        menus = [
            ("manager", [(str(manager.pk), str(manager)) for manager in managers]),
            ("segment", [(segment, segment) for segment in segments]),
            ("region", [(region, region) for region in regions]),
            ("status", [(code, str(label)) for code, label in ClientStatus.choices]),
        ]
        self.menus = [
            FilterMenu(
                name=name,
                label=str(self.fields[name].label),
                choices=[everyone, *choices],
                selected=str(self.data.get(name, "")),
            )
            for name, choices in menus
            if name != "manager" or len(choices) > 1
        ]

    def filters(self) -> ClientFilters:
        self.is_valid()
        valid = self.cleaned_data
        return ClientFilters(
            search=valid.get("q") or "",
            manager_id=valid.get("manager"),
            segment=valid.get("segment") or "",
            region=valid.get("region") or "",
            status=valid.get("status") or "",
            next_tier_within_reach=bool(valid.get("within_reach")),
            sort=valid.get("sort") or "name",
        )


class ClientForm(forms.Form):
    """A client's own details (who serves it is changed by ClientReassignForm)."""

    name = forms.CharField(label=_("Name"), max_length=300)
    tax_id = forms.CharField(
        label=_("Tax id (INN)"),
        max_length=12,
        required=False,
        help_text=_("10 digits for an organisation, 12 for an individual entrepreneur."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    region = forms.CharField(label=_("Region"), max_length=200, required=False)
    segment = forms.CharField(label=_("Segment"), max_length=200, required=False)
    is_partner = forms.BooleanField(label=_("Partner"), required=False)
    plans_budget = forms.BooleanField(label=_("Plans a purchase budget"), required=False)
    annual_budget = forms.DecimalField(
        label=_("Annual budget"),
        required=False,
        min_value=Decimal(0),
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    budget_year = forms.IntegerField(
        label=_("Budget year"), required=False, min_value=2000, max_value=2100
    )

    @classmethod
    def initial_from(cls, client: Client) -> dict[str, object]:
        return {
            "name": client.name,
            "tax_id": client.tax_id,
            "region": client.region,
            "segment": client.segment,
            "is_partner": client.is_partner,
            "plans_budget": client.plans_budget,
            "annual_budget": client.annual_budget,
            "budget_year": client.budget_year,
        }

    def details(self) -> ClientDetails:
        data = self.cleaned_data
        return ClientDetails(
            name=data["name"].strip(),
            tax_id=data["tax_id"].strip(),
            region=data["region"].strip(),
            segment=data["segment"].strip(),
            is_partner=data["is_partner"],
            plans_budget=data["plans_budget"],
            annual_budget=data["annual_budget"],
            budget_year=data["budget_year"],
        )


class BudgetMonthsForm(forms.Form):
    """A budget year's row of 12 month budgets; a month left blank plans nothing (0)."""

    year = forms.IntegerField(label=_("Budget year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, 13):
            self.fields[self.month_field(number)] = forms.DecimalField(
                label=MONTHS[number],
                required=False,
                min_value=Decimal(0),
                max_digits=MONEY_DIGITS,
                decimal_places=MONEY_PLACES,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )

    @staticmethod
    def month_field(number: int) -> str:
        return f"month_{number:02d}"

    @classmethod
    def initial_from(cls, *, year: int, budgets: dict[dt.date, Decimal]) -> dict[str, object]:
        return {
            "year": year,
            **{
                cls.month_field(month.month): budgets[month]
                for month in year_months(year)
                if month in budgets
            },
        }

    def month_fields(self) -> list[forms.BoundField]:
        return [self[self.month_field(number)] for number in range(1, 13)]

    def months(self) -> dict[dt.date, Decimal]:
        data = self.cleaned_data
        return {
            month: data[self.month_field(month.month)] or Decimal(0)
            for month in year_months(data["year"])
        }


def _active(role: Role) -> QuerySet[User]:
    return User.objects.filter(role=role, is_active=True).order_by("full_name", "username")


class ClientReassignForm(forms.Form):
    manager = forms.ModelChoiceField(
        label=_("Manager"), queryset=User.objects.none(), required=False, empty_label="—"
    )
    assistant = forms.ModelChoiceField(
        label=_("Assistant"), queryset=User.objects.none(), required=False, empty_label="—"
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Why the change (optional)")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The card holds other apps' forms too (a status override has its own reason field):
        # ids of its own keep the labels pointing at the right inputs.
        kwargs.setdefault("auto_id", "reassign_%s")
        super().__init__(*args, **kwargs)
        for name, role in (("manager", Role.MANAGER), ("assistant", Role.ASSISTANT)):
            cast(forms.ModelChoiceField[User], self.fields[name]).queryset = _active(role)


class ContactForm(forms.Form):
    """A contact person's details, as the card's form takes them."""

    name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position"), required=False, max_length=200)
    phones = forms.CharField(label=_("Phones"), required=False, max_length=300)
    email = forms.EmailField(label=_("E-mail"), required=False)
    messenger = forms.CharField(label=_("Messenger"), required=False, max_length=200)
    decision = forms.ChoiceField(
        label=_("Part in the decision"),
        choices=[("", "—"), *ContactDecision.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    @classmethod
    def initial_from(cls, contact: Contact) -> dict[str, Any]:
        return {name: getattr(contact, name) for name in cls.base_fields}

    def details(self, *, external_id: str = "") -> ContactDetails:
        return ContactDetails(**self.cleaned_data, external_id=external_id)
