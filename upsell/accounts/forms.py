"""The administrator's form of a person: it reads input; the staff service decides and writes."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import Role, Team, User
from upsell.accounts.services import StaffMember


class UserForm(forms.Form):
    """A person's name, login, e-mail, role and, for an assistant, the managers it serves."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As the ERP spells it: import files name managers by it."),
    )
    username = forms.CharField(
        label=_("Login"),
        max_length=150,
        required=False,
        help_text=_("Left empty, one is made from the full name."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    assists = forms.ModelMultipleChoiceField(
        label=_("Assists the managers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For an assistant: whose spontaneous clients and requests it serves."),
    )
    password = forms.CharField(
        label=_("New password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Left empty, the password stays as it is; tell the person, who changes it."),
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        managers = User.objects.filter(role=Role.MANAGER, is_active=True)
        if user is not None:
            managers = managers.exclude(pk=user.pk)
        assists = self.fields["assists"]
        assert isinstance(assists, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        assists.queryset = managers.order_by("full_name", "username")

    @staticmethod
    def initial_from(user: User) -> dict[str, Any]:
        return {
            "full_name": user.full_name,
            "username": user.username,
            "email": user.email,
            "role": user.role,
            "assists": list(
                Team.objects.filter(assistants=user).values_list("manager_id", flat=True)
            ),
        }

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        others = User.objects.exclude(pk=self.user.pk) if self.user else User.objects.all()
        if username and others.filter(username=username).exists():
            raise forms.ValidationError(_("Another person has this login."))
        if not username and self.user is not None:
            raise forms.ValidationError(_("A person keeps a login."))
        return username

    def clean_full_name(self) -> str:
        full_name: str = " ".join(self.cleaned_data["full_name"].split())
        others = User.objects.exclude(pk=self.user.pk) if self.user else User.objects.all()
        if others.filter(full_name=full_name, is_active=True).exists():
            raise forms.ValidationError(
                _("Another person has this full name: import files could not tell them apart.")
            )
        return full_name

    def member(self) -> StaffMember:
        """The person as the form states it. An assistant serves the managers chosen; anyone
        else serves none (a former assistant leaves its teams)."""
        data = self.cleaned_data
        role = Role(data["role"])
        was_assistant = self.user is not None and self.user.role == Role.ASSISTANT
        assists: tuple[User, ...] | None
        if role == Role.ASSISTANT:
            assists = tuple(data["assists"])
        else:
            assists = () if was_assistant else None
        return StaffMember(
            full_name=data["full_name"],
            role=role,
            username=data["username"],
            email=data["email"],
            assists=assists,
        )
