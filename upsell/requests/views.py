"""The request screens: queues with waiting times, the request form and card, the complex
rules. Every request is reached through the access funnel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import Role, User
from upsell.clients.access import get_client_for_user
from upsell.core.forms import form_errors_add
from upsell.history.models import ChangeSource, Subject
from upsell.history.presenters import (
    FieldShape,
    ValueText,
    change_list,
    list_text,
    money_text,
    number_text,
    yes_no_text,
)
from upsell.history.selectors import changes_of
from upsell.requests.access import (
    can_change_complex_rules,
    can_create_requests,
    can_reassign_request,
    can_use_requests,
    can_view_complex_rules,
    can_work_on_request,
    clients_for_requests,
    get_request_for_user,
    require,
)
from upsell.requests.forms import (
    BaseRequestLineFormSet,
    ComplexRulesForm,
    OrderRequestForm,
    RequestReassignForm,
    RequestStatusForm,
    line_formset,
    line_formset_grown,
)
from upsell.requests.models import OrderRequest, RequestSource
from upsell.requests.selectors import (
    complex_rules_current,
    request_history,
    request_lines,
    request_queue,
)
from upsell.requests.services import (
    complex_rules_update,
    order_request_create,
    order_request_reassign,
    order_request_status_set,
)

QUEUE_LIMIT = 500
CLIENT_REQUESTS_SHOWN = 10


@require_GET
@login_required
def request_queues(request: HttpRequest) -> HttpResponse:
    """The user's own queue; the head of sales and top management see every queue."""
    user = authenticated_user(request)
    require(can_use_requests(user))
    waiting = list(request_queue(user=user)[:QUEUE_LIMIT])
    queues: dict[User | None, list[OrderRequest]] = {}
    for item in waiting:
        queues.setdefault(item.assignee, []).append(item)
    if user.role in (Role.MANAGER, Role.ASSISTANT):
        own: dict[User | None, list[OrderRequest]] = {user: queues.get(user, [])}
        queues = own | {person: items for person, items in queues.items() if person != user}
    context = {
        "queues": list(queues.items()),
        "can_create": can_create_requests(user),
        "can_see_rules": can_view_complex_rules(user),
    }
    return render(request, "requests/queues.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    """The request form with a table of lines; "More lines" posts the form back with more
    blank rows and takes nothing yet."""
    user = authenticated_user(request)
    require(can_create_requests(user))
    clients = clients_for_requests(user)
    if "more_lines" in request.POST:
        # Not submitted yet: what was typed comes back, without errors for what is still blank.
        form = OrderRequestForm(initial=request.POST.dict(), clients=clients)
        lines = line_formset_grown(request.POST)
        return _render_form(request, form, lines)
    # The client card's "New request" names its client.
    form = OrderRequestForm(
        request.POST or None, clients=clients, initial={"client": request.GET.get("client")}
    )
    lines = line_formset(request.POST or None)
    if request.method == "POST" and all([form.is_valid(), lines.is_valid()]):
        try:
            created = order_request_create(
                client=form.cleaned_data["client"],
                details=form.details(lines.lines()),
                source=RequestSource.UI,
                created_by=user,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                _("Request № %(number)s taken: %(reason)s")
                % {"number": created.pk, "reason": created.routing_reason},
            )
            return redirect("requests:detail", request_id=created.pk)
    return _render_form(request, form, lines)


def _render_form(
    request: HttpRequest, form: OrderRequestForm, lines: BaseRequestLineFormSet
) -> HttpResponse:
    return render(request, "requests/request_form.html", {"form": form, "lines": lines})


def _render_card(
    request: HttpRequest,
    user: User,
    order_request: OrderRequest,
    *,
    reassign_form: RequestReassignForm | None = None,
) -> HttpResponse:
    can_reassign = can_reassign_request(user, order_request)
    if reassign_form is None and can_reassign:
        reassign_form = RequestReassignForm(
            request=order_request, initial={"assignee": order_request.assignee}
        )
    context = {
        "order_request": order_request,
        "lines": request_lines(request=order_request),
        "history": request_history(request=order_request),
        "reassign_form": reassign_form if can_reassign else None,
        "can_work": can_work_on_request(user, order_request),
    }
    return render(request, "requests/request_detail.html", context)


@require_GET
@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    user = authenticated_user(request)
    return _render_card(request, user, get_request_for_user(user, request_id))


@require_POST
@login_required
def request_reassign(request: HttpRequest, request_id: int) -> HttpResponse:
    user = authenticated_user(request)
    order_request = get_request_for_user(user, request_id)
    require(can_reassign_request(user, order_request))
    form = RequestReassignForm(request.POST, request=order_request)
    if form.is_valid():
        try:
            order_request_reassign(
                request=order_request,
                assignee=form.cleaned_data["assignee"],
                changed_by=user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The request is handed over."))
            return redirect("requests:detail", request_id=order_request.pk)
    return _render_card(request, user, order_request, reassign_form=form)


@require_POST
@login_required
def request_status(request: HttpRequest, request_id: int) -> HttpResponse:
    user = authenticated_user(request)
    order_request = get_request_for_user(user, request_id)
    require(can_work_on_request(user, order_request))
    form = RequestStatusForm(request.POST)
    if form.is_valid():
        try:
            order_request_status_set(request=order_request, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("requests:detail", request_id=order_request.pk)


@require_http_methods(["GET", "POST"])
@login_required
def complex_rules(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    require(can_view_complex_rules(user))
    form = ComplexRulesForm(
        request.POST if request.method == "POST" else None,
        initial=ComplexRulesForm.initial_from(complex_rules_current()),
    )
    if request.method == "POST":
        require(can_change_complex_rules(user))
        if form.is_valid():
            try:
                complex_rules_update(
                    rules=form.rules(), changed_by=user, source=ChangeSource.SCREEN
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The rules are saved. They route the next requests."))
                return redirect("requests:rules")
    context = {
        "form": form,
        "can_change": can_change_complex_rules(user),
        "changes": change_list(
            changes_of(subject=Subject.COMPLEX_ORDER_RULES, object_id=None),
            _complex_rules_shapes(form),
            everything=request.GET.get("changes") == "all",
        ),
    }
    return render(request, "requests/rules.html", context)


def _complex_rules_shapes(form: ComplexRulesForm) -> dict[str, FieldShape]:
    texts: dict[str, ValueText] = {
        "amount_above": money_text,
        "standard_discount_percent": number_text,
        "overdue_debt": yes_no_text,
    }
    return {
        name: FieldShape(field.label or name, texts.get(name, number_text))
        for name, field in form.fields.items()
    } | {"product_groups": FieldShape(form.fields["product_groups"].label or "", list_text)}


@require_GET
@login_required
def client_requests(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client card's section of the client's waiting requests, oldest first. A role that
    works on no requests gets nothing, and the section leaves the card."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    if not can_use_requests(user):
        return HttpResponse("")
    waiting = request_queue(user=user, client=client)
    context = {
        "client": client,
        "waiting": waiting[:CLIENT_REQUESTS_SHOWN],
        "more": max(waiting.count() - CLIENT_REQUESTS_SHOWN, 0),
        "can_create": can_create_requests(user),
    }
    return render(request, "requests/client_requests.html", context)
