"""The coaching forms: a period's manager, dates and goals, a note, a meeting to join."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from upsell.accounts.models import Role, User
from upsell.deals.models import Activity, CoachingPeriod


def _date(label: Any) -> forms.DateField:
    # A date input takes ISO dates whatever the reader's language.
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ManagerField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class PeriodForm(forms.Form):
    manager = ManagerField(label=_("Manager"), queryset=User.objects.none())
    starts_on = _date(pgettext_lazy("period", "From"))
    ends_on = _date(pgettext_lazy("period", "To"))
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the manager should do better by the period's end."),
    )

    def __init__(self, *args: Any, period: CoachingPeriod | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        managers = User.objects.filter(role=Role.MANAGER, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
        field = cast(forms.ModelChoiceField[User], self.fields["manager"])
        field.queryset = managers
        if period is not None:
            field.queryset = User.objects.filter(pk=period.manager_id)
            field.disabled = True
            self.initial.update(
                {
                    "manager": period.manager_id,
                    "starts_on": period.starts_on,
                    "ends_on": period.ends_on,
                    "goals": period.goals,
                }
            )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class JoinForm(forms.Form):
    activity = forms.ModelChoiceField(label=_("Meeting"), queryset=Activity.objects.none())

    def __init__(self, *args: Any, meetings: list[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField[Activity], self.fields["activity"])
        field.queryset = Activity.objects.filter(pk__in=[meeting.pk for meeting in meetings])
