"""Forms of the workload board: they read input; the services decide and write."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import Role, User


class WorkloadSettingsForm(forms.Form):
    max_motivated_per_manager = forms.IntegerField(
        label=_("Motivated clients per manager, at most"), min_value=1, max_value=100_000
    )
    pool_assistant = forms.ModelChoiceField(
        label=_("Pool assistant"),
        queryset=User.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("Serves the spontaneous clients of managers who have no assistant."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField[User], self.fields["pool_assistant"]
        ).queryset = User.objects.filter(role=Role.ASSISTANT, is_active=True).order_by(
            "full_name", "username"
        )
