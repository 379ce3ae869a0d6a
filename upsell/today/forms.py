"""The Today list's filter, a decision on one action, and the weights of the kinds."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import Role, User
from upsell.deals.models import ActivityKind
from upsell.today.models import ActionKind, Decision
from upsell.today.services import TEXT_LIMIT


class TodayFilterForm(forms.Form):
    manager = forms.ModelChoiceField(
        label=_("Manager"),
        queryset=User.objects.filter(role=Role.MANAGER, is_active=True).order_by(
            "full_name", "username"
        ),
        required=False,
        empty_label=_("The whole team"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Every kind")), *ActionKind.choices], required=False
    )


class DecisionForm(forms.Form):
    key = forms.CharField(max_length=120, widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=TEXT_LIMIT)
    activity_kind = forms.ChoiceField(
        label=_("Kept as"), choices=ActivityKind.choices, initial=ActivityKind.CALL, required=False
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class WeightsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in ActionKind:
            # A comma or a point before the decimals; the service checks the range.
            self.fields[f"weight_{kind.value}"] = forms.CharField(
                label=kind.label,
                max_length=12,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )

        self.fields["digest"] = forms.BooleanField(
            label=_("Send each manager its list by e-mail every morning"), required=False
        )

    def weights(self) -> dict[str, Any]:
        return {kind.value: self.cleaned_data[f"weight_{kind.value}"] for kind in ActionKind}
