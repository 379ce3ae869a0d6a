"""Forms of the request screens: they read input; the services decide and write."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import Case, QuerySet, When
from django.utils.translation import gettext_lazy as _

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.core.money import MONEY_DIGITS, MONEY_PLACES, QUANTITY_DIGITS, QUANTITY_PLACES
from upsell.requests.access import request_takers
from upsell.requests.lines import RequestLineDetails
from upsell.requests.models import OrderRequest, RequestStatus
from upsell.requests.selectors import ComplexRules
from upsell.requests.services import RequestDetails

# Blank line rows the form offers, and how many more "More lines" adds.
LINE_ROWS = 5
MAX_LINES = 200


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
    number = forms.CharField(
        label=_("Client's order number"),
        required=False,
        max_length=64,
        help_text=_("Taken once: the same order cannot become two requests."),
    )
    ordered_on = forms.DateField(
        label=_("Ordered on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("What the client asks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    amount = _decimal(
        _("Amount"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, initial=Decimal(0),
        help_text=_("With lines, 0 takes their total."),
    )  # fmt: skip
    line_count = forms.IntegerField(
        label=_("Lines"), min_value=0, initial=0, help_text=_("Without lines: how many.")
    )
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

    def details(self, lines: tuple[RequestLineDetails, ...]) -> RequestDetails:
        data = self.cleaned_data
        return RequestDetails(
            number=data["number"],
            ordered_on=data["ordered_on"],
            lines=lines,
            description=data["description"],
            amount=data["amount"],
            line_count=data["line_count"],
            product_groups=_groups(data["product_groups"]),
            discount_percent=data["discount_percent"],
            payment_delay_days=data["payment_delay_days"],
        )


class RequestLineForm(forms.Form):
    """One row of the lines table; a row left blank is no line."""

    product_code = forms.CharField(label=_("Product code"), required=False, max_length=64)
    product_name = forms.CharField(label=_("Product as written"), required=False, max_length=300)
    quantity = _decimal(_("Quantity"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    # Left empty for a catalogue product: the request takes the product's price.
    price = _decimal(
        _("Price"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, required=False
    )
    discount_percent = _decimal(
        _("Discount, %"), max_digits=5, decimal_places=2, max_value=Decimal(100), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("product_code") and not data.get("product_name"):
            self.add_error(None, _("Give the product's code or describe the product."))
        elif not data.get("product_code") and data.get("price") is None and "price" in data:
            self.add_error("price", _("Give the price: only a catalogue product's price is known."))
        if data.get("quantity") is not None and data["quantity"] <= 0:
            self.add_error("quantity", _("The quantity must be more than zero."))
        return data

    def line(self) -> RequestLineDetails:
        data = self.cleaned_data
        return RequestLineDetails(
            product_code=data["product_code"],
            product_name=data["product_name"],
            quantity=data["quantity"],
            price=data["price"],
            discount_percent=data["discount_percent"] or Decimal(0),
        )


class BaseRequestLineFormSet(forms.BaseFormSet[RequestLineForm]):
    def initial_form_count(self) -> int:
        # Rows offered again after "More lines" are new rows, free to be left blank.
        return super().initial_form_count() if self.is_bound else 0

    def lines(self) -> tuple[RequestLineDetails, ...]:
        """The rows filled in, in their order on the form."""
        return tuple(form.line() for form in self.forms if form.has_changed())

    def typed(self) -> list[dict[str, Any]]:
        """What was typed in each row, as it was typed."""
        return [{name: form[name].data for name in form.fields} for form in self.forms]


RequestLineFormSet = cast(
    type[BaseRequestLineFormSet],
    forms.formset_factory(
        RequestLineForm,
        formset=BaseRequestLineFormSet,
        extra=LINE_ROWS,
        max_num=MAX_LINES,
        absolute_max=MAX_LINES,
        validate_max=True,
    ),
)


def line_formset(data: Any = None) -> BaseRequestLineFormSet:
    return RequestLineFormSet(data, prefix="lines")


def line_formset_grown(data: Any) -> BaseRequestLineFormSet:
    """The rows posted so far as they were typed, unchecked (the form was not sent yet), and
    LINE_ROWS blank ones under them: the form works without scripts, so rows are added by a
    round trip."""
    typed = line_formset(data).typed()
    grown = RequestLineFormSet(initial=typed, prefix="lines")
    grown.extra = len(typed) + LINE_ROWS
    return grown


class TakerChoiceField(forms.ModelChoiceField[User]):
    """A person with its role in the reader's language: «Иванова Анна (менеджер)»."""

    def label_from_instance(self, obj: User) -> str:
        return _("%(person)s (%(role)s)") % {
            "person": obj,
            "role": str(obj.get_role_display()).lower(),
        }


class RequestReassignForm(forms.Form):
    """The people who may take the request, as ``request_takers`` names them."""

    assignee = TakerChoiceField(label=_("Hand to"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args: Any, request: OrderRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [person.pk for person in request_takers(request)]
        # In the order request_takers gives them: the manager first.
        order = Case(*(When(pk=pk, then=position) for position, pk in enumerate(people)))
        cast(TakerChoiceField, self.fields["assignee"]).queryset = User.objects.filter(
            pk__in=people
        ).order_by(order)


class RequestStatusForm(forms.Form):
    status = forms.ChoiceField(choices=RequestStatus.choices)
    # Required to cancel: the service refuses a cancellation without it.
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=500, required=False)


class ComplexRulesForm(forms.Form):
    amount_above = _decimal(
        _("Amount above"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, required=False,
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
