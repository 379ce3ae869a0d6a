"""Use-cases of order requests. Pages, the API and the portfolio routing call
these; a request is routed the moment it is created."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.clients.motivation import client_is_motivated, managed_statuses_current
from upsell.core.money import KOPECK, MONEY_LIMIT, money_problem
from upsell.core.months import date_problem, years_after
from upsell.history.models import ChangeSource, Subject
from upsell.history.services import changes_record, fields_changed
from upsell.notifications.services import notification_send
from upsell.notifications.wordings import Params
from upsell.products.models import Product
from upsell.programs.selectors import client_credit_standing
from upsell.requests.access import request_takers
from upsell.requests.lines import RequestLineDetails, request_line_problems
from upsell.requests.models import (
    WAITING_STATUSES,
    ComplexOrderRules,
    OrderRequest,
    OrderRequestChange,
    OrderRequestLine,
    OrderRequestStatusChange,
    RequestSource,
    RequestStatus,
    RoutingRule,
)
from upsell.requests.reasons import routing_reason, rule_sentence
from upsell.requests.selectors import (
    ComplexRules,
    client_overdue_debt,
    complex_rules_current,
    product_prices,
)


@dataclass(frozen=True, kw_only=True)
class RequestDetails:
    """What a request asks for, as the form, the API or a file gives it.

    With ``lines``, the line count, the product groups and (unless given) the amount are theirs,
    and the discount is the deepest one asked, so the complex rules judge what was ordered.
    """

    number: str = ""
    ordered_on: dt.date | None = None
    description: str = ""
    amount: Decimal = Decimal(0)
    line_count: int = 0
    product_groups: tuple[str, ...] = field(default_factory=tuple)
    discount_percent: Decimal = Decimal(0)
    payment_delay_days: int = 0
    lines: tuple[RequestLineDetails, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class Complexity:
    """The complex rule a request meets, with the figures that decided it."""

    rule: RoutingRule
    facts: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class Routing:
    assignee: User | None
    rule: RoutingRule
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return rule_sentence(self.rule, self.facts)


def order_request_complexity(
    *, client: Client, details: RequestDetails, rules: ComplexRules
) -> Complexity | None:
    """The first complex rule the request meets, whoever the client is; None when simple.

    Decided once, when the request is taken: every later move reads it.
    """
    if rules.amount_above is not None and details.amount > rules.amount_above:
        return Complexity(
            rule=RoutingRule.AMOUNT,
            facts={"amount": str(details.amount), "limit": str(rules.amount_above)},
        )
    if rules.lines_above is not None and details.line_count > rules.lines_above:
        return Complexity(
            rule=RoutingRule.LINES,
            facts={"lines": details.line_count, "limit": rules.lines_above},
        )
    chosen = sorted(set(details.product_groups) & set(rules.product_groups))
    if chosen:
        return Complexity(rule=RoutingRule.PRODUCT_GROUPS, facts={"groups": chosen})
    if (
        rules.standard_discount_percent is not None
        and details.discount_percent > rules.standard_discount_percent
    ):
        return Complexity(
            rule=RoutingRule.DISCOUNT,
            facts={
                "discount": str(details.discount_percent),
                "limit": str(rules.standard_discount_percent),
            },
        )
    if (
        rules.standard_payment_delay_days is not None
        and details.payment_delay_days > rules.standard_payment_delay_days
    ):
        return Complexity(
            rule=RoutingRule.PAYMENT_DELAY,
            facts={"days": details.payment_delay_days, "limit": rules.standard_payment_delay_days},
        )
    if rules.overdue_debt:
        debt = client_overdue_debt(client=client)
        if debt > 0:
            return Complexity(rule=RoutingRule.OVERDUE_DEBT, facts={"debt": str(debt)})
    return _credit_complexity(client=client, amount=details.amount, day=timezone.localdate())


def _credit_complexity(*, client: Client, amount: Decimal, day: dt.date) -> Complexity | None:
    """A request beyond the client's credit line: above the credit left, or from a client whose
    oldest unpaid shipment is past the line's delay."""
    standing = client_credit_standing(client=client, day=day)
    if standing is None:
        return None
    available = standing.available
    if available is not None and standing.limit is not None and amount > available:
        return Complexity(
            rule=RoutingRule.CREDIT_LIMIT,
            facts={
                "program": standing.program.name,
                "amount": str(amount),
                "limit": str(standing.limit),
                "exposure": str(standing.exposure),
                "available": str(max(available, Decimal(0))),
            },
        )
    if standing.past_delay(day) and standing.oldest_unpaid is not None:
        return Complexity(
            rule=RoutingRule.CREDIT_DELAY,
            facts={
                "program": standing.program.name,
                "oldest": standing.oldest_unpaid.isoformat(),
                "days": standing.days_unpaid(day),
                "delay": standing.delay_days,
            },
        )
    return None


def order_request_route(
    *, client: Client, complexity: Complexity | None, managed_statuses: Iterable[str]
) -> Routing:
    """Who takes a request of ``client``: the manager of a motivated client; the assistant of a
    spontaneous one unless the request is complex; the manager when there is no assistant."""
    if client.manager is None:
        return Routing(assignee=None, rule=RoutingRule.NO_MANAGER)
    if client_is_motivated(client=client, managed_statuses=managed_statuses):
        return Routing(assignee=client.manager, rule=RoutingRule.MOTIVATED)
    if complexity is not None:
        return Routing(assignee=client.manager, rule=complexity.rule, facts=complexity.facts)
    if client.assistant is None:
        return Routing(assignee=client.manager, rule=RoutingRule.NO_ASSISTANT)
    return Routing(assignee=client.assistant, rule=RoutingRule.SPONTANEOUS)


def _validate_details(details: RequestDetails) -> None:
    errors: dict[str, str | list[str]] = {}
    if len(details.number.strip()) > 64:
        errors["number"] = _("An order number has at most 64 characters.")
    if details.ordered_on is not None and (
        problem := date_problem(details.ordered_on, latest=years_after(timezone.localdate(), 1))
    ):
        errors["ordered_on"] = problem
    amount_problem = money_problem(details.amount)
    if amount_problem is not None:
        errors["amount"] = amount_problem
    if details.line_count < 0:
        errors["line_count"] = _("The number of lines cannot be negative.")
    elif details.lines and details.line_count not in (0, len(details.lines)):
        errors["line_count"] = _(
            "%(given)s lines are given, the line count says %(count)s: leave it out."
        ) % {"given": len(details.lines), "count": details.line_count}
    if not Decimal(0) <= details.discount_percent <= Decimal(100):
        errors["discount_percent"] = _("A discount is between 0 and 100 %.")
    if details.payment_delay_days < 0:
        errors["payment_delay_days"] = _("A payment delay cannot be negative.")
    if (
        not details.description.strip()
        and details.amount == 0
        and details.line_count == 0
        and not details.lines
    ):
        errors["description"] = _("Say what the client asks for, or give its amount or lines.")
    line_errors = [
        _("Line %(number)s: %(problem)s") % {"number": number, "problem": problem}
        for number, line in enumerate(details.lines, start=1)
        for problem in request_line_problems(line)
    ]
    if line_errors:
        errors["lines"] = line_errors
    if errors:
        raise ValidationError(errors)


def _catalogue_products(lines: Iterable[RequestLineDetails]) -> dict[str, Product]:
    """The catalogue's products the lines name by code; a code it does not hold is an error."""
    codes = {line.product_code.strip() for line in lines} - {""}
    found = {product.sku: product for product in Product.objects.filter(sku__in=codes)}
    unknown = [
        _("Line %(number)s: no product has the code «%(code)s».")
        % {"number": number, "code": line.product_code.strip()}
        for number, line in enumerate(lines, start=1)
        if line.product_code.strip() and line.product_code.strip() not in found
    ]
    if unknown:
        raise ValidationError({"lines": unknown})
    return found


def _priced(details: RequestDetails, products: Mapping[str, Product]) -> RequestDetails:
    """The lines with a price each: a line that left it out takes its product's price."""
    unpriced = [line for line in details.lines if line.price is None]
    if not unpriced:
        return details
    prices = product_prices(products=list(products.values()))
    errors = []
    lines = []
    for number, line in enumerate(details.lines, start=1):
        if line.price is None:
            product = products[line.product_code.strip()]
            price = prices.get(product.pk)
            if price is None:
                errors.append(
                    _("Line %(number)s: «%(code)s» has no price yet (it was never sold): give it.")
                    % {"number": number, "code": product.sku}
                )
                continue
            line = replace(line, price=price)
        lines.append(line)
    if errors:
        raise ValidationError({"lines": errors})
    return replace(details, lines=tuple(lines))


def _with_lines(details: RequestDetails, products: Mapping[str, Product]) -> RequestDetails:
    """The details as the lines make them: their count, the groups of their products, their
    total when no amount was given, and the deepest discount of the request and its lines."""
    if not details.lines:
        return details
    codes = (line.product_code.strip() for line in details.lines)
    groups = {products[code].group for code in codes if code}
    total = sum((line.amount for line in details.lines), Decimal(0))
    if details.amount == 0 and total >= MONEY_LIMIT:
        raise ValidationError({"lines": [_("The lines add up to more than an amount can hold.")]})
    return replace(
        details,
        line_count=len(details.lines),
        product_groups=tuple(sorted((groups | set(details.product_groups)) - {""})),
        amount=details.amount or total,
        discount_percent=max(
            details.discount_percent, *(line.discount_percent for line in details.lines)
        ).quantize(KOPECK),
    )


# The notification that a request is someone's now (see ``assigned_wording``).
ASSIGNED = "requests.assigned"


def _notify_assignee(
    request: OrderRequest, assignee: User | None, actor: User | None, *, rule: str,
    facts: dict[str, Any], note: str,
) -> None:  # fmt: skip
    # Whoever hands a request to itself knows already.
    if assignee is None or assignee == actor:
        return
    notification_send(
        user=assignee,
        kind=ASSIGNED,
        params={
            "number": request.pk,
            "client": request.client.name,
            "rule": rule,
            "facts": facts,
            "note": note,
        },
        url=reverse("requests:detail", kwargs={"request_id": request.pk}),
    )


def _waiting_since(ordered_on: dt.date | None) -> dt.datetime:
    """The client waits from the start of its order's day, not from when the order reached us;
    an order dated ahead waits from now."""
    now = timezone.now()
    if ordered_on is None:
        return now
    return min(now, dt.datetime.combine(ordered_on, dt.time(), timezone.get_current_timezone()))


def assigned_wording(params: Params) -> str:
    """How "a request is yours" reads, with why it came, in the active language."""
    return _("Request № %(number)s of %(client)s is yours: %(reason)s") % {
        "number": params["number"],
        "client": params["client"],
        "reason": routing_reason(params["rule"], params["facts"], params["note"]),
    }


def order_request_create(
    *, client: Client, details: RequestDetails, source: RequestSource, created_by: User | None
) -> OrderRequest:
    """Take a request with its lines and route it at once; its assignee is told.

    A client's order number is taken once: the same order again is refused, not doubled.
    """
    _validate_details(details)
    products = _catalogue_products(details.lines)
    details = _with_lines(_priced(details, products), products)
    number = details.number.strip()
    complexity = order_request_complexity(
        client=client, details=details, rules=complex_rules_current()
    )
    routing = order_request_route(
        client=client, complexity=complexity, managed_statuses=managed_statuses_current()
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                request = OrderRequest.objects.create(
                    client=client,
                    number=number,
                    ordered_on=details.ordered_on,
                    description=details.description.strip(),
                    amount=details.amount,
                    line_count=details.line_count,
                    product_groups=sorted(set(details.product_groups)),
                    discount_percent=details.discount_percent,
                    payment_delay_days=details.payment_delay_days,
                    source=source,
                    assignee=routing.assignee,
                    routed_by_rule=routing.rule,
                    routing_facts=routing.facts,
                    complex_rule=complexity.rule if complexity else "",
                    complex_facts=complexity.facts if complexity else {},
                    created_by=created_by,
                    waiting_since=_waiting_since(details.ordered_on),
                )
        except IntegrityError:
            # The unique (client, number) constraint: the one this check could lose a race to.
            taken = OrderRequest.objects.filter(client=client, number=number).first()
            if not number or taken is None:
                raise
            raise ValidationError(
                {
                    "number": _("The client's order %(number)s is request № %(request)s already.")
                    % {"number": number, "request": taken.pk}
                }
            ) from None
        OrderRequestLine.objects.bulk_create(
            OrderRequestLine(
                request=request,
                line_number=line_number,
                product=products.get(line.product_code.strip()),
                product_code=line.product_code.strip(),
                product_name=line.product_name.strip(),
                quantity=line.quantity,
                # Every line is priced by now (``_priced``); the 0 is for the type checker.
                price=line.price or Decimal(0),
                discount_percent=line.discount_percent,
                amount=line.amount,
            )
            for line_number, line in enumerate(details.lines, start=1)
        )
        OrderRequestChange.objects.create(
            request=request,
            previous=None,
            new=routing.assignee,
            rule=routing.rule,
            facts=routing.facts,
            changed_by=created_by,
        )
        _notify_assignee(
            request, routing.assignee, created_by, rule=routing.rule, facts=routing.facts, note=""
        )
    return request


def _move(
    request: OrderRequest, *, assignee: User | None, rule: RoutingRule, reason: str,
    changed_by: User | None,
) -> None:  # fmt: skip
    """Hand ``request`` to ``assignee`` with a history row saying why. Whether it is complex
    stays as it was decided when it was taken."""
    OrderRequestChange.objects.create(
        request=request,
        previous=request.assignee,
        new=assignee,
        rule=rule,
        reason=reason[:500],
        changed_by=changed_by,
    )
    request.assignee = assignee
    request.routed_by_rule = rule
    request.routing_facts = {}
    request.routing_note = reason[:500]
    request.save(
        update_fields=["assignee", "routed_by_rule", "routing_facts", "routing_note", "updated_at"]
    )
    _notify_assignee(request, assignee, changed_by, rule=rule, facts={}, note=reason[:500])


def order_request_reassign(
    *, request: OrderRequest, assignee: User | None, changed_by: User, reason: str
) -> OrderRequest:
    """Hand a waiting request to the client's manager (``assignee`` None) or its assistant.

    Only those ``request_takers`` names may hold it.
    """
    client = request.client
    target = assignee or client.manager
    errors: dict[str, str] = {}
    if request.status not in WAITING_STATUSES:
        errors["status"] = _("A request that is done or cancelled stays where it is.")
    if target is None:
        errors["assignee"] = _("The client has no manager to hand the request to.")
    elif target not in request_takers(request):
        if target.pk not in {client.manager_id, client.assistant_id} or not target.is_active:
            errors["assignee"] = _("Only the client's manager or assistant can take its requests.")
        else:
            errors["assignee"] = _("A motivated client's requests stay with its manager.")
    if errors:
        raise ValidationError(errors)
    if target == request.assignee:
        return request
    with transaction.atomic():
        _move(
            request,
            assignee=target,
            rule=RoutingRule.MANUAL,
            reason=reason.strip() or _("Reassigned by %(user)s") % {"user": changed_by},
            changed_by=changed_by,
        )
    return request


ALLOWED_TRANSITIONS = {
    RequestStatus.OPEN: {RequestStatus.IN_WORK, RequestStatus.DONE, RequestStatus.CANCELLED},
    RequestStatus.IN_WORK: {RequestStatus.DONE, RequestStatus.CANCELLED, RequestStatus.OPEN},
    RequestStatus.DONE: set(),
    RequestStatus.CANCELLED: set(),
}
FINISHED_STATUSES = (RequestStatus.DONE, RequestStatus.CANCELLED)


def order_request_status_set(
    *, request: OrderRequest, status: str, changed_by: User | None, reason: str = ""
) -> OrderRequest:
    """Take a request into work, put it back, finish or cancel it; the history keeps who did it,
    when and why. A cancelled request says why: without a reason nothing changes. A finished
    request stops waiting and never reopens."""
    reason = reason.strip()
    errors: dict[str, str] = {}
    if status not in ALLOWED_TRANSITIONS.get(RequestStatus(request.status), set()):
        errors["status"] = _("A request cannot go from %(old)s to %(new)s.") % {
            "old": request.get_status_display(),
            "new": RequestStatus(status).label if status in RequestStatus.values else status,
        }
    if status == RequestStatus.CANCELLED and not reason:
        errors["reason"] = _("Say why the request is cancelled.")
    if len(reason) > 500:
        errors["reason"] = _("A reason has at most 500 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        OrderRequestStatusChange.objects.create(
            request=request, previous=request.status, new=status, reason=reason,
            changed_by=changed_by,
        )  # fmt: skip
        request.status = status
        request.finished_at = timezone.now() if status in FINISHED_STATUSES else None
        request.save(update_fields=["status", "finished_at", "updated_at"])
    return request


def order_requests_follow_clients(
    *, client_ids: Iterable[int], rule: RoutingRule, reason: str, changed_by: User | None
) -> int:
    """Move the waiting requests of these clients to whoever serves them now; the count moved.

    Complex requests and those of motivated clients go to the manager, the others to the
    assistant if the client has one.
    """
    managed = managed_statuses_current()
    moved = 0
    waiting = (
        OrderRequest.objects.filter(client_id__any_of=list(client_ids), status__in=WAITING_STATUSES)
        .select_related("client", "client__manager", "client__assistant", "assignee")
        .order_by("id")
    )
    for request in waiting:
        client = request.client
        if client.manager is None:
            continue
        simple = not request.is_complex
        spontaneous = not client_is_motivated(client=client, managed_statuses=managed)
        target = client.assistant if simple and spontaneous and client.assistant else client.manager
        if target != request.assignee:
            _move(
                request,
                assignee=target,
                rule=rule,
                reason=reason,
                changed_by=changed_by,
            )
            moved += 1
    return moved


def _rules_figures(rules: ComplexRules) -> dict[str, object]:
    """The rules as their history keeps them: amounts and percents to the hundredth."""
    return {
        name: value.quantize(KOPECK) if isinstance(value, Decimal) else value
        for name, value in asdict(rules).items()
    } | {"product_groups": list(rules.product_groups)}


def complex_rules_update(
    *, rules: ComplexRules, changed_by: User, source: ChangeSource
) -> ComplexOrderRules:
    """Put new complex rules in force; earlier ones stay as history, and each rule that moved
    is kept in the rules' history of changes."""
    errors: dict[str, str] = {}
    if rules.amount_above is not None and rules.amount_above < 0:
        errors["amount_above"] = _("A threshold cannot be negative.")
    elif rules.amount_above is not None and (problem := money_problem(rules.amount_above)):
        errors["amount_above"] = problem
    if rules.standard_discount_percent is not None and not (
        Decimal(0) <= rules.standard_discount_percent <= Decimal(100)
    ):
        errors["standard_discount_percent"] = _("A discount is between 0 and 100 %.")
    if errors:
        raise ValidationError(errors)
    values = asdict(rules) | {
        "product_groups": sorted({group.strip() for group in rules.product_groups if group.strip()})
    }
    with transaction.atomic():
        before = _rules_figures(complex_rules_current())
        stored = ComplexOrderRules.objects.create(**values, changed_by=changed_by)
        changes_record(
            changes=fields_changed(
                subject=Subject.COMPLEX_ORDER_RULES,
                object_id=None,
                before=before,
                after=_rules_figures(complex_rules_current()),
            ),
            by=changed_by,
            source=source,
        )
    return stored
