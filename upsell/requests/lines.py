"""A request's line and the rules it is held to: one place, whichever way the line comes in.

The form, the API and a file of customer orders all build a ``RequestLineDetails`` and ask
``request_line_problems`` what is wrong with it, so that a line the screen refuses a file
cannot bring in, and a line's amount is the same Decimal to the kopeck on every path.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from upsell.core.money import KOPECK, MONEY_LIMIT, QUANTITY_LIMIT, QUANTITY_QUANTUM, money_round


@dataclass(frozen=True, kw_only=True)
class RequestLineDetails:
    """One line as the client wrote it: a product code of the catalogue, or a product it
    describes in words, with the quantity, the price and the discount it asks for. A catalogue
    product's line may leave the price out: the request takes the product's price then."""

    product_code: str = ""
    product_name: str = ""
    quantity: Decimal
    price: Decimal | None = None
    discount_percent: Decimal = Decimal(0)

    @property
    def amount(self) -> Decimal:
        """Quantity × price less the discount, rounded half up to the kopeck (0 until priced)."""
        price = self.price if self.price is not None else Decimal(0)
        return money_round(self.quantity * price * (100 - self.discount_percent) / 100)


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestLineProblem:
    # The RequestLineDetails field it is about; "amount" for the line's amount.
    field: str
    message: str


def request_line_problems_by_field(line: RequestLineDetails) -> list[RequestLineProblem]:
    """What is wrong with ``line``, each problem with the field it is about (a file names the
    column, a form the input)."""
    problems: list[RequestLineProblem] = []

    def found(field: str, message: str) -> None:
        problems.append(RequestLineProblem(field=field, message=message))

    if not line.product_code.strip() and not line.product_name.strip():
        found("product_code", _("give the product's code or describe the product."))
    if len(line.product_code.strip()) > 64:
        found("product_code", _("a product code has at most 64 characters."))
    if len(line.product_name.strip()) > 300:
        found("product_name", _("a product's name has at most 300 characters."))
    if line.quantity <= 0:
        found("quantity", _("the quantity must be more than zero."))
    elif line.quantity >= QUANTITY_LIMIT or line.quantity != line.quantity.quantize(
        QUANTITY_QUANTUM
    ):
        found("quantity", _("a quantity has at most 12 digits and 3 decimals."))
    if line.price is None:
        if not line.product_code.strip():
            found("price", _("give the price: only a catalogue product's price is known."))
    elif line.price < 0:
        found("price", _("a price cannot be negative."))
    elif line.price >= MONEY_LIMIT or line.price != line.price.quantize(KOPECK):
        found("price", _("a price has at most 14 digits and 2 decimals."))
    if not Decimal(0) <= line.discount_percent <= Decimal(100):
        found("discount_percent", _("a discount is between 0 and 100 %."))
    elif not problems and line.amount >= MONEY_LIMIT:
        found("amount", _("the line's amount is too large."))
    return problems


def request_line_problems(line: RequestLineDetails) -> list[str]:
    """What is wrong with ``line``, in words; a line with none may be taken."""
    return [problem.message for problem in request_line_problems_by_field(line)]
