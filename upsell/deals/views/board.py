"""The deal board, a deal's page, a new deal (by hand or from a forecast cell), the client
card's section of deals, the board as a workbook and the reasons a deal is lost.

Every deal is reached through the access funnel (``upsell.deals.access``): 404 for a deal the
user may not see, 403 for one it may see but not work. A move on the board is an htmx POST
answered with the two columns it changed (swapped out of band) and a message when the server
refused it.
"""

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import Role, User
from upsell.clients.access import clients_visible_to, get_client_for_user
from upsell.clients.models import Client
from upsell.core.forms import form_errors_add
from upsell.core.htmx import HtmxHttpRequest
from upsell.core.months import month_parse, month_start
from upsell.deals.access import (
    can_keep_closing_lists,
    can_open_deal,
    can_work_deal,
    deals_visible_to,
    get_deal_for_user,
)
from upsell.deals.exports.board import board_xlsx_response
from upsell.deals.forms.board import (
    BoardFilterForm,
    DealEditForm,
    DealForm,
    LinkForm,
    LostReasonChangeForm,
    LostReasonForm,
    MoveForm,
)
from upsell.deals.forms.objections import ObjectionForm
from upsell.deals.models import Deal, DealStage, LostReason, ObjectionOutcome
from upsell.deals.presenters import BoardPresenter
from upsell.deals.selectors.deals import BoardColumn, board_columns, board_deals
from upsell.deals.selectors.objections import deal_objections
from upsell.deals.services.deals import (
    deal_edit,
    deal_move,
    deal_open,
    deal_open_from_cell,
    lost_reason_add,
    lost_reason_change,
    lost_reasons_order,
    stage_refusal,
)
from upsell.deals.services.matching import deal_request_link, deal_shipment_link
from upsell.deals.stuck import stuck_after_days
from upsell.forecasts.models import ForecastCell
from upsell.requests.models import OrderRequest
from upsell.shipments.models import Shipment

# The client's requests and shipments a deal's page offers to link by hand.
DOCUMENTS_OFFERED = 20


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def sees_board(user: User) -> bool:
    return user.is_active and user.role in (Role.MANAGER, Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT)


def _problems(error: ValidationError) -> str:
    return " ".join(error.messages)


def _board_scope(user: User, data: Any) -> tuple[BoardFilterForm, QuerySet[Deal]]:
    """The board's filters and the deals they show ``user``."""
    filters = BoardFilterForm(data)
    manager, month, closed_since = filters.chosen()
    deals = deals_visible_to(user)
    if manager is not None and user.sees_all_sales:
        deals = deals.filter(manager=manager)
    shown = board_deals(
        deals=deals,
        month=month,
        closed_in=month_start(timezone.localdate()),
        closed_since=closed_since,
    )
    return filters, shown


def _now_context() -> dict[str, Any]:
    return {
        "now": timezone.now(),
        "this_month": month_start(timezone.localdate()),
        "stuck_after": stuck_after_days(),
    }


def _with_cards(columns: list[BoardColumn], *, user: User, works: bool) -> list[BoardColumn]:
    presenter = BoardPresenter(
        now=timezone.now(),
        stuck_after=_now_context()["stuck_after"],
        works=works,
        sees_all=user.sees_all_sales,
    )
    return [
        replace(column, cards=tuple(presenter.card(deal) for deal in column.deals))
        for column in columns
    ]


@require_GET
@login_required
def deal_board(request: HttpRequest) -> HttpResponse:
    """The board: a column per open stage, then the deals won and lost this month (or of the
    month chosen, or since the day chosen)."""
    user = authenticated_user(request)
    _require(sees_board(user))
    filters, shown = _board_scope(user, request.GET)
    works = user.role in (Role.MANAGER, Role.HEAD_OF_SALES)
    context = {
        "filters": filters,
        "columns": _with_cards(board_columns(shown), user=user, works=works),
        "works": works,
        "reasons": LostReason.objects.filter(active=True),
        "can_open": user.role in (Role.MANAGER, Role.HEAD_OF_SALES),
        "keeps_lists": can_keep_closing_lists(user),
        "query": request.GET.urlencode(),
        **_now_context(),
    }
    return render(request, "deals/board/board.html", context)


@require_POST
@login_required
def deal_move_page(request: HtmxHttpRequest, deal_id: int) -> HttpResponse:
    """Move a deal to another stage: from the board (htmx: the changed columns come back) or
    from the deal's page."""
    user = authenticated_user(request)
    deal = get_deal_for_user(user, deal_id, work=True)
    before = deal.stage
    form = MoveForm(request.POST)
    problem = ""
    if not form.is_valid():
        problem = " ".join(str(error) for errors in form.errors.values() for error in errors)
    else:
        try:
            deal = deal_move(
                deal=deal,
                stage=form.cleaned_data["stage"],
                by=user,
                lost_reason=form.cleaned_data["lost_reason"],
                lost_note=form.cleaned_data["lost_note"],
            )
        except ValidationError as error:
            problem = _problems(error)
    if request.htmx and request.POST.get("from") == "board":
        _filters, shown = _board_scope(user, request.POST)
        context = {
            "columns": _with_cards(
                board_columns(shown, stages=(before, deal.stage)), user=user, works=True
            ),
            "works": True,
            "problem": problem,
            "moved": deal.pk,
            "note": ""
            if problem
            else _("%(client)s: %(stage)s.")
            % {"client": deal.client.name, "stage": deal.get_stage_display()},
            **_now_context(),
        }
        return render(request, "deals/board/board.html#moved", context)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(
            request, _("The deal is at %(stage)s.") % {"stage": deal.get_stage_display()}
        )
    return redirect("deals:detail", deal_id=deal.pk)


def _moves(user: User, deal: Deal) -> list[tuple[str, str]]:
    return [
        (stage.value, str(stage.label))
        for stage in DealStage
        if stage.value != deal.stage
        and stage != DealStage.LOST
        and stage_refusal(deal=deal, stage=stage.value, by=user) is None
    ]


def deal_page_render(
    request: HttpRequest,
    user: User,
    deal: Deal,
    *,
    edit_form: DealEditForm | None = None,
    objection_form: ObjectionForm | None = None,
) -> HttpResponse:
    works = can_work_deal(user, deal)
    client_requests = OrderRequest.objects.filter(client=deal.client).order_by("-created_at", "-pk")
    client_shipments = Shipment.objects.filter(client=deal.client).order_by("-date", "-pk")
    context = {
        "deal": deal,
        "works": works,
        "history": deal.stage_changes.select_related("changed_by").order_by("changed_at", "pk"),
        "objections": deal_objections(deal),
        "objection_form": objection_form or (ObjectionForm() if works and deal.is_open else None),
        "edit_form": edit_form
        or (
            DealEditForm(initial={"month": deal.month, "amount": deal.amount, "title": deal.title})
            if works and deal.is_open
            else None
        ),
        "moves": _moves(user, deal) if works else [],
        "may_lose": works and stage_refusal(deal=deal, stage=DealStage.LOST, by=user) is None,
        "reasons": LostReason.objects.filter(active=True),
        "outcomes": ObjectionOutcome.choices,
        "requests_offered": client_requests[:DOCUMENTS_OFFERED] if works else [],
        "shipments_offered": client_shipments[:DOCUMENTS_OFFERED] if works else [],
        **_now_context(),
    }
    return render(request, "deals/board/deal_detail.html", context)


@require_GET
@login_required
def deal_detail(request: HttpRequest, deal_id: int) -> HttpResponse:
    user = authenticated_user(request)
    return deal_page_render(request, user, get_deal_for_user(user, deal_id))


@require_POST
@login_required
def deal_edit_page(request: HttpRequest, deal_id: int) -> HttpResponse:
    user = authenticated_user(request)
    deal = get_deal_for_user(user, deal_id, work=True)
    form = DealEditForm(request.POST)
    if form.is_valid():
        try:
            deal_edit(
                deal=deal,
                by=user,
                amount=form.cleaned_data["amount"],
                month=form.cleaned_data["month"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("The deal is saved."))
            return redirect("deals:detail", deal_id=deal.pk)
    return deal_page_render(request, user, deal, edit_form=form)


@require_POST
@login_required
def deal_link_page(request: HttpRequest, deal_id: int) -> HttpResponse:
    """Link the deal's request or shipment by hand, confirm the one matched, or unlink it."""
    user = authenticated_user(request)
    deal = get_deal_for_user(user, deal_id, work=True)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a request or a shipment."))
        return redirect("deals:detail", deal_id=deal.pk)
    document_id = form.cleaned_data["document"]
    try:
        if form.cleaned_data["kind"] == "request":
            request_ = (
                None
                if document_id is None
                else OrderRequest.objects.filter(pk=document_id, client=deal.client).first()
            )
            if document_id is not None and request_ is None:
                raise ValidationError({"request": _("The client has no such request.")})
            deal_request_link(deal=deal, request=request_, by=user)
        else:
            shipment = (
                None
                if document_id is None
                else Shipment.objects.filter(pk=document_id, client=deal.client).first()
            )
            if document_id is not None and shipment is None:
                raise ValidationError({"shipment": _("The client has no such shipment.")})
            deal_shipment_link(deal=deal, shipment=shipment, by=user)
    except ValidationError as error:
        messages.error(request, _problems(error))
    else:
        messages.success(request, _("The link is saved."))
    return redirect("deals:detail", deal_id=deal.pk)


def _clients_for_deals(user: User) -> QuerySet[Client]:
    clients = clients_visible_to(user)
    return clients if user.role == Role.HEAD_OF_SALES else clients.filter(manager=user)


@require_http_methods(["GET", "POST"])
@login_required
def deal_create(request: HttpRequest) -> HttpResponse:
    """A deal opened by hand; ``?client=`` chooses the client (from its card)."""
    user = authenticated_user(request)
    _require(user.is_active and user.role in (Role.MANAGER, Role.HEAD_OF_SALES))
    clients = _clients_for_deals(user)
    if request.method == "POST":
        form = DealForm(request.POST, clients=clients)
        if form.is_valid():
            try:
                deal = deal_open(
                    client=form.cleaned_data["client"],
                    month=form.cleaned_data["month"],
                    amount=form.cleaned_data["amount"],
                    title=form.cleaned_data["title"],
                    by=user,
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("The deal is open."))
                return redirect("deals:detail", deal_id=deal.pk)
    else:
        initial: dict[str, Any] = {"month": month_start(timezone.localdate())}
        if request.GET.get("client", "").isdigit():
            initial["client"] = int(request.GET["client"])
        form = DealForm(initial=initial, clients=clients)
    return render(request, "deals/board/deal_form.html", {"form": form})


@require_POST
@login_required
def deal_from_cell(request: HttpRequest, client_id: int, month: str) -> HttpResponse:
    """One click in the forecast grid or on the client card: the cell's forecast becomes a deal."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    _require(can_open_deal(user, client))
    try:
        chosen = month_parse(month)
    except ValueError:
        messages.error(request, _("Enter a month as YYYY-MM."))
        return redirect("clients:detail", client_id=client.pk)
    cell = ForecastCell.objects.filter(client=client, month=chosen).first()
    if cell is None:
        messages.error(request, _("The client has no forecast for this month."))
        return redirect("clients:detail", client_id=client.pk)
    try:
        deal = deal_open_from_cell(cell=cell, by=user)
    except ValidationError as error:
        messages.error(request, _problems(error))
        return redirect("clients:detail", client_id=client.pk)
    messages.success(request, _("The deal is open: %(amount)s expected.") % {"amount": deal.amount})
    return redirect("deals:detail", deal_id=deal.pk)


@require_GET
@login_required
def client_section(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client card's section: the client's deals the user sees, and "open a deal"."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    this_month = month_start(timezone.localdate())
    may_open = can_open_deal(user, client)
    cells = (
        ForecastCell.objects.filter(client=client, month__gte=this_month).order_by("month")[:3]
        if may_open
        else []
    )
    context = {
        "client": client,
        "deals": deals_visible_to(user).filter(client=client).order_by("-month", "-pk"),
        "may_open": may_open,
        "cells": cells,
    }
    return render(request, "deals/board/client_deals.html", context)


@require_GET
@login_required
def board_export(request: HttpRequest) -> FileResponse:
    """The board as a workbook, with the same filters."""
    user = authenticated_user(request)
    _require(sees_board(user))
    _filters, shown = _board_scope(user, request.GET)
    return board_xlsx_response(deals=shown, now=timezone.now())


@require_http_methods(["GET", "POST"])
@login_required
def lost_reasons_page(request: HttpRequest) -> HttpResponse:
    """The head of sales' list of reasons a deal is lost."""
    user = authenticated_user(request)
    _require(can_keep_closing_lists(user))
    form = LostReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lost_reason_add(name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error.message_dict.get("name", error.messages))
        else:
            messages.success(request, _("The reason is added."))
            return redirect("deals:lost_reasons")
    context = {"form": form, "reasons": LostReason.objects.all()}
    return render(request, "deals/board/lost_reasons.html", context)


@require_POST
@login_required
def lost_reason_change_page(request: HttpRequest, reason_id: int) -> HttpResponse:
    """Rename, retire, bring back or move a reason up or down the list."""
    user = authenticated_user(request)
    _require(can_keep_closing_lists(user))
    reason = LostReason.objects.filter(pk=reason_id).first()
    if reason is None:
        raise Http404("No such reason")
    form = LostReasonChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing to change."))
        return redirect("deals:lost_reasons")
    try:
        lost_reason_change(
            reason=reason,
            name=form.cleaned_data["name"] or None,
            active=form.cleaned_data["active"],
        )
        if form.cleaned_data["shift"]:
            order = list(LostReason.objects.values_list("pk", flat=True))
            at = order.index(reason.pk)
            to = min(max(at + form.cleaned_data["shift"], 0), len(order) - 1)
            order.insert(to, order.pop(at))
            lost_reasons_order(reason_ids=order)
    except ValidationError as error:
        messages.error(request, _problems(error))
    else:
        messages.success(request, _("The list is saved."))
    return redirect("deals:lost_reasons")
