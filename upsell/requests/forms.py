"""Forms of the request screens: they read input; the services decide and write."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.requests.models import OrderRequest, RequestStatus
from upsell.requests.selectors import ComplexRules
from upsell.requests.services import RequestDetails


def _groups(text: str) -> tuple[str, ...]:
    """Product groups typed one per line or separated by commas or semicolons."""
    parts = text.replace(";", "\n").replace(",", "\n").splitlines()
    return tuple(sorted({part.strip() for part in parts if part.strip()}))


def _decimal(label: Any, **options: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(0),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **options,
    )


class OrderRequestForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    description = forms.CharField(
        label=_("What the client asks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    amount = _decimal(_("Amount"), max_digits=16, decimal_places=2, initial=Decimal(0))
    line_count = forms.IntegerField(label=_("Lines"), min_value=0, initial=0)
    product_groups = forms.CharField(
        label=_("Product groups"),
        required=False,
        max_length=2000,
        help_text=_("Separated by commas."),
    )
    discount_percent = _decimal(
        _("Discount, %"), max_digits=5, decimal_places=2, max_value=Decimal(100), initial=0
    )
    payment_delay_days = forms.IntegerField(
        label=_("Payment delay, days"), min_value=0, max_value=3650, initial=0
    )

    def __init__(self, *args: Any, clients: QuerySet[Client], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Client], self.fields["client"]).queryset = clients.order_by(
            "name", "id"
        )

    def details(self) -> RequestDetails:
        data = self.cleaned_data
        return RequestDetails(
            description=data["description"],
            amount=data["amount"],
            line_count=data["line_count"],
            product_groups=_groups(data["product_groups"]),
            discount_percent=data["discount_percent"],
            payment_delay_days=data["payment_delay_days"],
        )


class RequestReassignForm(forms.Form):
    """The client's manager or assistant: nobody else sees the client."""

    assignee = forms.ModelChoiceField(label=_("Hand to"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args: Any, request: OrderRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        client = request.client
        people = [pk for pk in (client.manager_id, client.assistant_id) if pk is not None]
        cast(forms.ModelChoiceField[User], self.fields["assignee"]).queryset = User.objects.filter(
            pk__in=people, is_active=True
        ).order_by("role", "full_name")


class RequestStatusForm(forms.Form):
    status = forms.ChoiceField(choices=RequestStatus.choices)


class ComplexRulesForm(forms.Form):
    amount_above = _decimal(
        _("Amount above"), max_digits=16, decimal_places=2, required=False,
        help_text=_("Empty: no limit."),
    )  # fmt: skip
    lines_above = forms.IntegerField(label=_("More lines than"), min_value=0, required=False)
    product_groups = forms.CharField(
        label=_("Product groups the manager handles"),
        required=False,
        max_length=2000,
        help_text=_("Separated by commas."),
    )
    standard_discount_percent = _decimal(
        _("Standard discount, %"), max_digits=5, decimal_places=2, max_value=Decimal(100),
        required=False,
    )  # fmt: skip
    standard_payment_delay_days = forms.IntegerField(
        label=_("Standard payment delay, days"), min_value=0, max_value=3650, required=False
    )
    overdue_debt = forms.BooleanField(label=_("A client with overdue debt"), required=False)

    @classmethod
    def initial_from(cls, rules: ComplexRules) -> dict[str, object]:
        return {
            "amount_above": rules.amount_above,
            "lines_above": rules.lines_above,
            "product_groups": ", ".join(rules.product_groups),
            "standard_discount_percent": rules.standard_discount_percent,
            "standard_payment_delay_days": rules.standard_payment_delay_days,
            "overdue_debt": rules.overdue_debt,
        }

    def rules(self) -> ComplexRules:
        data = self.cleaned_data
        return ComplexRules(
            amount_above=data["amount_above"],
            lines_above=data["lines_above"],
            product_groups=_groups(data["product_groups"]),
            standard_discount_percent=data["standard_discount_percent"],
            standard_payment_delay_days=data["standard_payment_delay_days"],
            overdue_debt=data["overdue_debt"],
        )
