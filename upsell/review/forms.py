import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import Role, User
from upsell.clients.models import ClientStatus
from upsell.core.months import date_problem
from upsell.review.selectors import StatusChangeFilters

# A week back: what changed since last Monday's review.
DEFAULT_SINCE_DAYS = 7


def change_key(from_status: str, to_status: str) -> str:
    """A change as the address writes it: ``regular-lapsing`` (``-new``: from no status)."""
    return f"{from_status}-{to_status}"


class StatusChangeForm(forms.Form):
    """The status changes the review lists, read from the query string: since when (a week ago
    unless chosen), which change and whose clients."""

    # A date field's value is ISO whatever the reader's language: the browser shows it localised.
    since = forms.DateField(
        label=_("Changed since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    change = forms.CharField(label=_("Status change"), required=False, max_length=50)
    manager = forms.ModelChoiceField(
        label=_("Manager"),
        queryset=User.objects.filter(role=Role.MANAGER).order_by("full_name", "username"),
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, data: Any = None, *, today: dt.date, **kwargs: object) -> None:
        # The field shows the day the list starts from, also when the address names none.
        if data is not None and not data.get("since"):
            data = data.copy()
            data["since"] = (today - dt.timedelta(days=DEFAULT_SINCE_DAYS)).isoformat()
        super().__init__(data, **kwargs)  # type: ignore[arg-type]
        self.today = today

    def clean_since(self) -> dt.date | None:
        since: dt.date | None = self.cleaned_data.get("since")
        if since is not None and (problem := date_problem(since, latest=self.today)):
            raise forms.ValidationError(problem)
        return since

    def clean_change(self) -> tuple[str, str] | None:
        text: str = self.cleaned_data.get("change") or ""
        if not text:
            return None
        from_status, _dash, to_status = text.partition("-")
        statuses = {"", *ClientStatus.values}
        if not _dash or from_status not in statuses or to_status not in statuses:
            raise forms.ValidationError(_("Choose a change from the list."))
        return from_status, to_status

    def default_since(self) -> dt.date:
        return self.today - dt.timedelta(days=DEFAULT_SINCE_DAYS)

    def filters(self) -> StatusChangeFilters:
        """What the address asks for; a field that does not fit is left out (the form says
        why beside it)."""
        self.is_valid()
        valid = getattr(self, "cleaned_data", {})
        manager = valid.get("manager")
        return StatusChangeFilters(
            since=valid.get("since") or self.default_since(),
            change=valid.get("change"),
            manager_id=manager.pk if manager is not None else None,
        )
