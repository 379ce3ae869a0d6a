"""The request screens: queues with waiting times, the request form and card, the complex
rules. Every request is reached through the access funnel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import Role, User
from upsell.clients.access import clients_visible_to, get_client_for_user
from upsell.clients.selectors import ClientFilters, client_list
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
from upsell.requests.exports import queues_xlsx_response
from upsell.requests.forms import (
    BaseRequestLineFormSet,
    ComplexRulesForm,
    OrderRequestForm,
    RequestReassignForm,
    RequestStatusForm,
    line_formset,
    line_formset_grown,
)
from upsell.requests.models import OrderRequest, RequestSource, RequestStatus
from upsell.requests.selectors import (
    complex_rules_current,
    request_history,
    request_lines,
    request_queue,
    request_status_changes,
    requests_done_today,
)
from upsell.requests.services import (
    complex_rules_update,
    order_request_create,
    order_request_reassign,
    order_request_status_set,
)

QUEUE_LIMIT = 500
# Clients the new-request form offers at a time; the search finds the others.
CLIENT_CHOICES = 12
CLIENT_REQUESTS_SHOWN = 10


@require_GET
@login_required
def request_queues(request: HttpRequest) -> HttpResponse:
    """The user's own queue; the head of sales and top management see every queue."""
    user = authenticated_user(request)
    require(can_use_requests(user))
    queues, done_today = _queues_shown(user)
    context = {
        "queues": queues,
        "done_today": done_today,
        "client_cards": _client_cards(
            user, [item for _person, items in queues for item in items] + done_today
        ),
        "can_create": can_create_requests(user),
        "can_see_rules": can_view_complex_rules(user),
    }
    return render(request, "requests/queues.html", context)


def _queues_shown(
    user: User,
) -> tuple[list[tuple[User | None, list[OrderRequest]]], list[OrderRequest]]:
    """The waiting requests ``user`` may see by the person holding them (its own queue first),
    and those done today."""
    waiting = list(request_queue(user=user)[:QUEUE_LIMIT])
    done_today = list(requests_done_today(user=user)[:QUEUE_LIMIT])
    queues: dict[User | None, list[OrderRequest]] = {}
    for item in waiting:
        queues.setdefault(item.assignee, []).append(item)
    if user.role in (Role.MANAGER, Role.ASSISTANT):
        own: dict[User | None, list[OrderRequest]] = {user: queues.get(user, [])}
        queues = own | {person: items for person, items in queues.items() if person != user}
    return list(queues.items()), done_today


@require_GET
@login_required
def request_export(request: HttpRequest) -> FileResponse:
    """The queues as a workbook, as the page shows them."""
    user = authenticated_user(request)
    require(can_use_requests(user))
    queues, done_today = _queues_shown(user)
    return queues_xlsx_response(queues=queues, done_today=done_today, now=timezone.now())


def _client_cards(user: User, requests: list[OrderRequest]) -> set[int]:
    """The clients of ``requests`` whose card ``user`` may open: their names are links."""
    ids = {item.client_id for item in requests}
    if not ids:
        return set()
    return set(clients_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


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
    """The form; the client field offers the client chosen so far and the first few others,
    and its search asks ``client_search`` for more."""
    clients = form.fields["client"].queryset  # type: ignore[attr-defined]
    chosen = form["client"].value()
    chosen_client = clients.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    first = list(clients.exclude(pk=chosen_client.pk if chosen_client else None)[:CLIENT_CHOICES])
    context = {
        "form": form,
        "lines": lines,
        "choices": [chosen_client, *first] if chosen_client else first,
        "chosen": chosen_client.pk if chosen_client else None,
    }
    return render(request, "requests/request_form.html", context)


@require_GET
@login_required
def client_search(request: HttpRequest) -> HttpResponse:
    """The new-request form's client choices for what was typed (name or the start of the tax
    id): only clients the user may take a request for."""
    user = authenticated_user(request)
    require(can_create_requests(user))
    search = request.GET.get("client_search", "")[:200]
    found = client_list(user=user, filters=ClientFilters(search=search)).order_by("name", "id")
    context = {"choices": list(found[:CLIENT_CHOICES]), "chosen": None}
    return render(request, "requests/client_choices.html", context)


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
    statuses = request_status_changes(request=order_request)
    context = {
        "order_request": order_request,
        "lines": request_lines(request=order_request),
        "history": request_history(request=order_request),
        "taken": statuses.get(RequestStatus.IN_WORK),
        "finished": statuses.get(order_request.status) if order_request.is_finished else None,
        "client_link": clients_visible_to(user).filter(pk=order_request.client_id).exists(),
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
            order_request_status_set(
                request=order_request,
                status=form.cleaned_data["status"],
                changed_by=user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(str(error) for error in form.errors.values()))
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
