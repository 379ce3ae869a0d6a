"""The forms of the board and a deal's page; the services check the rules, the forms the
shape of what was typed."""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import Role, User
from upsell.clients.models import Client
from upsell.core.money import MONEY_DIGITS, MONEY_PLACES
from upsell.core.months import month_parse
from upsell.deals.models import DealStage, LostReason
from upsell.deals.services.deals import LOST_NOTE_MAX, REASON_NAME_MAX, TITLE_MAX


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month picker), as the month's first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        if isinstance(value, dt.date):
            return value.replace(day=1)
        text = super().to_python(value)
        if not text:
            return None
        try:
            return month_parse(text)
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else value


def _amount(required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Amount"),
        required=required,
        min_value=0,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        localize=True,
    )


class DealForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    month = MonthField(label=_("Month of the order"))
    amount = _amount()
    title = forms.CharField(label=_("What is sold"), max_length=TITLE_MAX, required=False)

    def __init__(self, *args: Any, clients: QuerySet[Client], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients.order_by("name", "pk")  # type: ignore[attr-defined]


class DealEditForm(forms.Form):
    month = MonthField(label=_("Month of the order"))
    amount = _amount()
    title = forms.CharField(label=_("What is sold"), max_length=TITLE_MAX, required=False)


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=DealStage.choices)
    lost_reason = forms.ModelChoiceField(
        label=_("Why lost"), queryset=LostReason.objects.filter(active=True), required=False
    )
    lost_note = forms.CharField(label=_("What happened"), max_length=LOST_NOTE_MAX, required=False)


class BoardFilterForm(forms.Form):
    manager = forms.ModelChoiceField(
        label=_("Manager"),
        queryset=User.objects.filter(role=Role.MANAGER).order_by("full_name", "username"),
        required=False,
        empty_label=_("The whole team"),
    )
    month = MonthField(label=_("Month"), required=False)
    closed_since = forms.DateField(
        label=_("Won and lost since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def chosen(self) -> tuple[User | None, dt.date | None, dt.date | None]:
        """The manager, the month and the first day of the closed deals chosen (None: any)."""
        if not self.is_valid():
            return None, None, None
        data = self.cleaned_data
        return data["manager"], data["month"], data["closed_since"]


class LinkForm(forms.Form):
    """A request or shipment linked by hand (its id), or the link removed (empty)."""

    kind = forms.ChoiceField(choices=[("request", "request"), ("shipment", "shipment")])
    document = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class LostReasonForm(forms.Form):
    name = forms.CharField(label=_("Reason"), max_length=REASON_NAME_MAX)


class LostReasonChangeForm(forms.Form):
    name = forms.CharField(label=_("Reason"), max_length=REASON_NAME_MAX, required=False)
    active = forms.NullBooleanField(required=False)
    # Up or down the list by one place.
    shift = forms.TypedChoiceField(
        choices=[("", ""), ("-1", "up"), ("1", "down")], coerce=int, required=False
    )
