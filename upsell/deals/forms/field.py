"""Forms of the field work: planning and holding a call, meeting or visit. They read input;
``upsell.deals.services.activities`` decides and writes."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import Role, User
from upsell.clients.contacts import contacts_of
from upsell.clients.models import Client
from upsell.deals.models import OPEN_STAGES, Activity, ActivityKind, Deal
from upsell.deals.services.activities import ActivityPlan


def _people_going() -> Any:
    return User.objects.filter(
        is_active=True, role__in=(Role.MANAGER, Role.HEAD_OF_SALES)
    ).order_by("full_name", "username")


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ActivityKind.choices)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label=_("Begins at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    goal = forms.CharField(
        label=_("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    joint = forms.BooleanField(
        label=_("I go along: a joint visit"),
        required=False,
        help_text=_("A call, meeting or visit is joint whenever a head of sales goes."),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Who else goes"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Whom they meet"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deal = forms.ModelChoiceField(label=_("Deal"), queryset=Deal.objects.none(), required=False)

    def __init__(self, *args: Any, client: Client, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        owner_id = client.manager_id or user.pk
        self.fields["participants"].queryset = _people_going().exclude(pk__in={owner_id, user.pk})  # type: ignore[attr-defined]
        self.fields["contacts"].queryset = contacts_of(client=client)  # type: ignore[attr-defined]
        self.fields["deal"].queryset = Deal.objects.filter(  # type: ignore[attr-defined]
            client=client, stage__in=OPEN_STAGES
        ).order_by("month", "id")
        if user.role != Role.HEAD_OF_SALES or owner_id == user.pk:
            del self.fields["joint"]

    @classmethod
    def initial_from(cls, activity: Activity, *, user: User) -> dict[str, Any]:
        starts, ends = timezone.localtime(activity.starts_at), timezone.localtime(activity.ends_at)
        participants = [p for p in activity.participants.all() if p.pk != activity.owner_id]
        return {
            "kind": activity.kind,
            "day": starts.date(),
            "starts_at": starts.time().replace(second=0, microsecond=0),
            "ends_at": ends.time().replace(second=0, microsecond=0),
            "place": activity.place,
            "goal": activity.goal,
            "joint": any(p.pk == user.pk for p in participants),
            "participants": [p for p in participants if p.pk != user.pk],
            "contacts": list(activity.contacts.all()),
            "deal": activity.deal,
        }

    def plan(self) -> ActivityPlan:
        data = self.cleaned_data
        day: dt.date = data["day"]
        participants = list(data["participants"])
        if data.get("joint"):
            participants.append(self.user)
        return ActivityPlan(
            kind=data["kind"],
            starts_at=timezone.make_aware(dt.datetime.combine(day, data["starts_at"])),
            ends_at=timezone.make_aware(dt.datetime.combine(day, data["ends_at"])),
            place=data["place"],
            goal=data["goal"],
            participants=participants,
            contacts=list(data["contacts"]),
            deal=data["deal"],
        )


class HoldForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label=_("Next step"), required=False, max_length=500)
    contacts = forms.ModelMultipleChoiceField(
        label=_("Whom they met"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, activity: Activity, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"contacts": list(activity.contacts.all())})
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = contacts_of(client=activity.client)  # type: ignore[attr-defined]


def add_service_errors(form: forms.Form, error: Any) -> None:
    """A service's refusal on the form: each field's words on its field, the rest on top."""
    messages = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, problems in messages.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
