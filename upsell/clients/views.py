"""The client screens: the list (with its export), the card, and the forms that change a client.

Every view reaches clients through the access funnel (``upsell.clients.access``): a client the
user may not see answers 404, one it may see but not change answers 403. A view that serves a
page also serves its htmx partial (``template.html#partial``) when htmx asks for that part.
Handing a client to other people moves what is attached to it, so that form posts to portfolios.
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.clients import exports
from upsell.clients.access import (
    can_change_client,
    can_create_clients,
    can_reassign_clients,
    clients_visible_to,
    get_client_for_user,
)
from upsell.clients.contacts import (
    contact_active_set,
    contact_create,
    contact_update,
    contacts_of,
    get_contact_of_client,
)
from upsell.clients.forms import (
    BudgetMonthsForm,
    ClientFilterForm,
    ClientForm,
    ClientReassignForm,
    ContactForm,
)
from upsell.clients.models import Client
from upsell.clients.selectors import (
    client_assignment_history,
    client_budget_months,
    client_detail_shapes,
    client_filter_choices,
    days_since,
)
from upsell.clients.selectors import client_list as select_clients
from upsell.clients.services import client_budget_months_set
from upsell.clients.services import client_update as update_client
from upsell.clients.wallet import client_wallet
from upsell.core.htmx import HtmxHttpRequest, wants_part
from upsell.core.money import format_money
from upsell.core.spreadsheets import Cell
from upsell.history.models import ChangeSource, Subject
from upsell.history.presenters import ChangeList, change_list
from upsell.history.selectors import changes_of
from upsell.payments.models import Payment
from upsell.payments.selectors import PaymentFilters, payment_list
from upsell.portfolios.services import client_create as create_client
from upsell.shipments.access import get_shipment_for_user
from upsell.shipments.models import Shipment
from upsell.shipments.selectors import ShipmentFilters, client_monthly_shipments, shipment_list

CLIENTS_PER_PAGE = 50
DOCUMENTS_PER_PAGE = 20
CHART_MONTHS = 36


def _managers_with_clients_visible_to(user: User) -> list[User]:
    visible = clients_visible_to(user).filter(manager=OuterRef("pk"))
    return list(User.objects.filter(Exists(visible)).order_by("full_name", "username"))


@require_GET
@login_required
def client_list(request: HtmxHttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    form = ClientFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(select_clients(user=user, filters=filters), CLIENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "sort": filters.sort,
        "shows_manager_column": not user.is_manager,
        "query": _canonical_query(request),
    }
    if wants_part(request, "rows"):
        context["rows"] = _rows_with_days(page)
        response = render(request, "clients/client_list.html#rows", context)
        push_url(response, f"{request.path}{context['query']}")
    else:
        choices = client_filter_choices(user=user)
        form.offer_choices(
            managers=_managers_with_clients_visible_to(user),
            segments=choices["segments"],
            regions=choices["regions"],
        )
        context["can_create"] = can_create_clients(user)
        # The page's clients are read last, after the menus, as the template draws them.
        context["rows"] = _rows_with_days(page)
        response = render(request, "clients/client_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _rows_with_days(page: Page[Client]) -> list[tuple[Client, int | None]]:
    """Each client of the page with the days since its last order, as of today."""
    today = timezone.localdate()
    return [
        (client, days_since(getattr(client, "last_order_date", None), today=today))
        for client in page
    ]


def _canonical_query(request: HttpRequest) -> str:
    """The list's query string without empty parameters, as the address bar should show it."""
    params = [(key, value) for key, value in request.GET.items() if value]
    return f"?{urlencode(params)}" if params else ""


@require_GET
@login_required
def client_export(request: HttpRequest, file_format: str) -> HttpResponseBase:
    """The current filtered list as a spreadsheet: the same selector, so the same access."""
    user = authenticated_user(request)
    clients = select_clients(user=user, filters=ClientFilterForm(request.GET).filters())
    today = timezone.localdate()
    file_stem = f"clients-{today:%Y-%m-%d}"
    if file_format == "xlsx":
        return exports.clients_xlsx_response(clients=clients, today=today, file_stem=file_stem)
    if file_format == "csv":
        return exports.clients_csv_response(clients=clients, today=today, file_stem=file_stem)
    raise Http404("No such export format")


@require_GET
@login_required
def client_detail(request: HtmxHttpRequest, client_id: int) -> HttpResponse:
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    if wants_part(request, "shipments"):
        context = {"client": client, "shipments": _shipments_page(request, user, client)}
        return render(request, "clients/client_detail.html#shipments", context)
    if wants_part(request, "payments"):
        context = {"client": client, "payments": _payments_page(request, user, client)}
        return render(request, "clients/client_detail.html#payments", context)
    if wants_part(request, "status_badge"):
        return render(request, "clients/client_detail.html#status_badge", {"client": client})
    if wants_part(request, "changes"):
        context = {"client": client, "changes": _changes(request, client)}
        return render(request, "clients/client_detail.html#changes", context)
    reassign_form = (
        ClientReassignForm(initial={"manager": client.manager, "assistant": client.assistant})
        if can_reassign_clients(user)
        else None
    )
    if wants_part(request, "responsible"):
        context = {"client": client, "reassign_form": reassign_form}
        return render(request, "clients/client_detail.html#responsible", context)
    return client_card_render(request, user=user, client=client, reassign_form=reassign_form)


def client_card_render(
    request: HttpRequest,
    *,
    user: User,
    client: Client,
    reassign_form: ClientReassignForm | None,
) -> HttpResponse:
    """The whole card; the reassign view of portfolios shows it with its refused form."""
    today = timezone.localdate()
    months = client_monthly_shipments(
        client=client, first_month=_months_before(today, CHART_MONTHS - 1), last_month=today
    )
    shipments = _shipments_page(request, user, client)
    last_year_start = _months_before(today, 11)
    paid_last_year = payment_list(
        user=user, filters=PaymentFilters(client_id=client.pk, date_from=last_year_start)
    ).aggregate(total=Sum("amount"))["total"]
    context = {
        "client": client,
        "can_change": can_change_client(user, client),
        "reassign_form": reassign_form,
        "history": client_assignment_history(client=client),
        "changes": _changes(request, client),
        "months": months,
        "chart": _chart_data(months),
        "shipped_in_chart": any(total for _, total in months),
        "shipped_last_year": sum((total for _, total in months[-12:]), Decimal(0)),
        "shipped_year_before": sum((total for _, total in months[-24:-12]), Decimal(0)),
        "paid_last_year": paid_last_year or Decimal(0),
        "last_shipment_date": shipment_list(user=user, filters=ShipmentFilters(client_id=client.pk))
        .values_list("date", flat=True)
        .first(),
        # A client since its first order, not since its row was made (an import of old history).
        "first_shipment_date": shipment_list(
            user=user, filters=ShipmentFilters(client_id=client.pk)
        )
        .order_by("date", "id")
        .values_list("date", flat=True)
        .first(),
        "shipments": shipments,
        "payments": _payments_page(request, user, client),
        "wallet": client_wallet(client=client, year=client.budget_year)
        if client.budget_year
        else None,
    }
    return render(request, "clients/client_detail.html", context)


def _changes(request: HttpRequest, client: Client) -> ChangeList:
    """The client's details as they changed, newest first: the latest few, or all of them."""
    return change_list(
        changes_of(subject=Subject.CLIENT, object_id=client.pk),
        client_detail_shapes(),
        everything=request.GET.get("changes") == "all",
    )


def _months_before(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` calendar months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _chart_data(months: list[tuple[dt.date, Decimal]]) -> dict[str, object]:
    """What the chart script draws, labels and hover texts already in the reader's language."""
    return {
        "labels": [format_date(month, "M Y") for month, _ in months],
        "values": [float(total) for _, total in months],
        "hover": [format_money(total) for _, total in months],
        "separators": f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}",
    }


def _shipments_page(request: HttpRequest, user: User, client: Client) -> Page[Shipment]:
    shipments = shipment_list(user=user, filters=ShipmentFilters(client_id=client.pk))
    return Paginator(shipments, DOCUMENTS_PER_PAGE).get_page(request.GET.get("shipments_page"))


def _payments_page(request: HttpRequest, user: User, client: Client) -> Page[Payment]:
    payments = payment_list(user=user, filters=PaymentFilters(client_id=client.pk))
    return Paginator(payments, DOCUMENTS_PER_PAGE).get_page(request.GET.get("payments_page"))


@require_GET
@login_required
def client_shipments_export(request: HttpRequest, client_id: int) -> HttpResponseBase:
    """The card's shipment documents as an Excel sheet, every one of them, newest first."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    shipments = shipment_list(user=user, filters=ShipmentFilters(client_id=client.pk))
    rows: Iterator[list[Cell]] = (
        [
            shipment.date,
            shipment.number,
            str(shipment.manager) if shipment.manager else "",
            shipment.line_count,
            shipment.total,
        ]
        for shipment in shipments.iterator(chunk_size=exports.CHUNK_SIZE)
    )
    return exports.table_xlsx_response(
        title=_("Shipment documents"),
        header=[_("Date"), _("Document"), _("Manager"), _("Lines"), _("Total")],
        rows=rows,
        widths=(12, 18, 28, 8, 16),
        file_stem=f"shipments-{client.pk}-{timezone.localdate():%Y-%m-%d}",
    )


@require_GET
@login_required
def client_payments_export(request: HttpRequest, client_id: int) -> HttpResponseBase:
    """The card's payments as an Excel sheet, every one of them, newest first."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    payments = payment_list(user=user, filters=PaymentFilters(client_id=client.pk))
    rows: Iterator[list[Cell]] = (
        [payment.date, payment.number, payment.due_date, payment.amount]
        for payment in payments.iterator(chunk_size=exports.CHUNK_SIZE)
    )
    return exports.table_xlsx_response(
        title=_("Payments"),
        header=[_("Date"), _("Document"), _("Due date"), _("Amount")],
        rows=rows,
        widths=(12, 18, 12, 16),
        file_stem=f"payments-{client.pk}-{timezone.localdate():%Y-%m-%d}",
    )


@require_GET
@login_required
def client_shipment(request: HtmxHttpRequest, client_id: int, shipment_id: int) -> HttpResponse:
    """One shipment document with its lines: a row of the card's table, or a page of its own."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    shipment = get_shipment_for_user(user, shipment_id)
    if shipment.client_id != client.pk:
        raise Http404("No such shipment of this client")
    expanded = request.GET.get("collapse") is None
    context = {
        "client": client,
        "shipment": shipment,
        "expanded": expanded,
        "lines": shipment.lines.select_related("product").order_by("line_no") if expanded else [],
    }
    if wants_part(request, f"shipment-{shipment.pk}"):
        return render(request, "clients/client_detail.html#document", context)
    return render(request, "clients/client_shipment.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def client_create(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    if not can_create_clients(user):
        raise PermissionDenied(_("Your role does not create clients"))
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = create_client(details=form.details(), created_by=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Client %(name)s created.") % {"name": client.name})
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@require_http_methods(["GET", "POST"])
@login_required
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id, write=True)
    form = ClientForm(request.POST or None, initial=ClientForm.initial_from(client))
    if request.method == "POST" and form.is_valid():
        try:
            update_client(
                client=client, details=form.details(), changed_by=user, source=ChangeSource.SCREEN
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@require_http_methods(["GET", "POST"])
@login_required
def client_budget_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    """The month budgets of one budget year: the client's own, or the year asked for."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id, write=True)
    year = _year_asked(request) or client.budget_year or timezone.localdate().year
    budgets = client_budget_months(client=client, year=year)
    form = BudgetMonthsForm(
        request.POST or None, initial=BudgetMonthsForm.initial_from(year=year, budgets=budgets)
    )
    if request.method == "POST" and form.is_valid():
        try:
            client_budget_months_set(
                client=client, months=form.months(), changed_by=user, source=ChangeSource.SCREEN
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Budget saved."))
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/client_budget_form.html", {"form": form, "client": client})


def _year_asked(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


def _contacts_section(
    request: HttpRequest, *, user: User, client: Client, form: ContactForm | None = None
) -> HttpResponse:
    can_change = can_change_client(user, client)
    context = {
        "client": client,
        "contacts": list(contacts_of(client=client, inactive=can_change)),
        "can_change": can_change,
        "form": form or (ContactForm() if can_change else None),
    }
    return render(request, "clients/client_contacts.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def client_contacts(request: HttpRequest, client_id: int) -> HttpResponse:
    """The card's contact persons; a POST adds one (the client's manager, the head of sales)."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id, write=request.method == "POST")
    if request.method != "POST":
        return _contacts_section(request, user=user, client=client)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            contact_create(client=client, details=form.details(), by=user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return _contacts_section(request, user=user, client=client)
    return _contacts_section(request, user=user, client=client, form=form)


def _form_errors(form: ContactForm, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


@require_http_methods(["GET", "POST"])
@login_required
def client_contact_edit(request: HttpRequest, client_id: int, contact_id: int) -> HttpResponse:
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id, write=True)
    contact = get_contact_of_client(client=client, contact_id=contact_id)
    form = ContactForm(request.POST or None, initial=ContactForm.initial_from(contact))
    if request.method == "POST" and form.is_valid():
        try:
            contact_update(
                contact=contact, details=form.details(external_id=contact.external_id), by=user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(reverse("clients:detail", args=[client.pk]) + "#client-contacts")
    context = {"form": form, "client": client, "contact": contact}
    return render(request, "clients/contact_form.html", context)


@require_POST
@login_required
def client_contact_active(request: HttpRequest, client_id: int, contact_id: int) -> HttpResponse:
    """Deactivate a contact who no longer works with us, or take one back."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id, write=True)
    contact = get_contact_of_client(client=client, contact_id=contact_id)
    contact_active_set(contact=contact, active=request.POST.get("active") == "1", by=user)
    return _contacts_section(request, user=user, client=client)
