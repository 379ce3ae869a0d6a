"""The import screen: upload a file, watch its run, read what it changed or why it failed.

Only the roles that import (the administrator and the head of sales) reach these pages; for
anybody else they do not exist (404). The import itself runs as a background task; the run page
polls its progress until the run is finished.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.core.htmx import HtmxHttpRequest, wants_part
from upsell.imports.access import can_import, import_runs_visible_to
from upsell.imports.changes import DocumentChange
from upsell.imports.exports import import_history_xlsx_response
from upsell.imports.forms import ColumnMappingForm, ImportUploadForm
from upsell.imports.models import ImportKind, ImportRun, ImportStatus
from upsell.imports.problems import FileRejected
from upsell.imports.services import column_mapping_save, file_headers, import_run_create

RUNS_PER_PAGE = 25
FINISHED = frozenset({ImportStatus.SUCCEEDED, ImportStatus.PARTIAL, ImportStatus.FAILED})


def _importer(request: HttpRequest) -> User:
    user = authenticated_user(request)
    if not can_import(user):
        raise Http404("No such page")
    return user


def _run_for(user: User, run_id: int) -> ImportRun:
    try:
        return import_runs_visible_to(user).select_related("imported_by").get(pk=run_id)
    except ImportRun.DoesNotExist:
        raise Http404("No such import") from None


@require_http_methods(["GET", "POST"])
@login_required
def import_list(request: HtmxHttpRequest) -> HttpResponse:
    """The upload form and the history of imports."""
    user = _importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = import_run_create(
            upload=upload,
            file_name=upload.name,
            imported_by=user,
            kind=form.cleaned_data["kind"],
            keep_valid_rows=form.cleaned_data["keep_valid_rows"],
            create_products=form.cleaned_data["create_products"],
        )
        return redirect("imports:detail", run_id=run.pk)
    runs = import_runs_visible_to(user).select_related("imported_by")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "runs": page}
    if wants_part(request, "history"):
        return render(request, "imports/import_list.html#history", context)
    return render(request, "imports/import_list.html", context)


@require_GET
@login_required
def import_history_export(request: HttpRequest) -> FileResponse:
    """The history of imports as a workbook, every run and not only the page shown."""
    user = _importer(request)
    return import_history_xlsx_response(
        runs=import_runs_visible_to(user),
        filename=f"imports-{timezone.localdate():%Y-%m-%d}.xlsx",
    )


@require_GET
@login_required
def import_detail(request: HtmxHttpRequest, run_id: int) -> HttpResponse:
    """One run: its live progress while it runs, then its summary or its errors."""
    run = _run_for(_importer(request), run_id)
    context = {
        "run": run,
        "finished": run.status in FINISHED,
        "counts": _counts_table(run),
        "documents": [DocumentChange.from_json(stored) for stored in run.documents],
        "percent": round(100 * run.rows_done / run.rows_total) if run.rows_total else 0,
    }
    if wants_part(request, "run"):
        return render(request, "imports/import_detail.html#run", context)
    return render(request, "imports/import_detail.html", context)


@require_GET
@login_required
def import_rejected_rows(request: HttpRequest, run_id: int) -> FileResponse:
    """The rows a run set aside, with the reason for each, to correct and import again."""
    run = _run_for(_importer(request), run_id)
    if not run.rejected_file or not default_storage.exists(run.rejected_file):
        raise Http404("This import rejected no rows")
    return FileResponse(
        default_storage.open(run.rejected_file, "rb"),
        as_attachment=True,
        filename=f"{run.file_name.rsplit('.', 1)[0]}.rejected.csv",
        content_type="text/csv; charset=utf-8",
    )


def _counts_table(run: ImportRun) -> list[tuple[str, int, int, int]]:
    """(what, created, updated, unchanged) per kind of record the run touched, in a fixed order."""
    labels = {
        "users": _("Staff"),
        "managers": _("Managers"),
        "products": _("Products"),
        "clients": _("Clients"),
        "shipments": _("Shipment documents"),
        "shipment_lines": _("Shipment lines"),
        "payments": _("Payments"),
        "requests": _("Order requests"),
        "request_lines": _("Request lines"),
        "memberships": _("Credit-line members"),
        "budget_months": _("Budget months"),
        "member_stock": _("Members' guaranteed stock"),
    }
    order = {noun: position for position, noun in enumerate(labels)}
    rows = []
    for noun in sorted(run.counts, key=lambda noun: (order.get(noun, len(order)), noun)):
        numbers = run.counts[noun]
        rows.append(
            (
                labels.get(noun, noun.replace("_", " ").capitalize()),
                numbers.get("created", 0),
                numbers.get("updated", 0),
                numbers.get("unchanged", 0),
            )
        )
    return rows


@require_http_methods(["GET", "POST"])
@login_required
def import_columns(request: HttpRequest, run_id: int) -> HttpResponse:
    """Map the columns of a run's file to the fields of a kind once, and import it with them;
    every later file of the same columns imports directly."""
    user = _importer(request)
    run = _run_for(user, run_id)
    if not run.stored_file:
        raise Http404("This import kept no file")
    with run.stored_file.open("rb") as stored:
        data = stored.read()
    try:
        headers = file_headers(data=data, file_name=run.file_name)
    except FileRejected:
        raise Http404("The file cannot be read") from None
    kind = request.POST.get("kind") or request.GET.get("kind") or run.kind
    kind = kind if kind in ImportKind.values else ""
    form = ColumnMappingForm(request.POST or None, headers=headers, kind=kind) if kind else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            column_mapping_save(kind=kind, headers=headers, fields=form.mapping(), by=user)
        except ValidationError as invalid:
            for message in invalid.message_dict["mapping"]:
                form.add_error(None, message)
        else:
            again = import_run_create(
                upload=ContentFile(data),
                file_name=run.file_name,
                imported_by=user,
                kind=kind,
                keep_valid_rows=run.keep_valid_rows,
                create_products=run.create_products,
            )
            return redirect("imports:detail", run_id=again.pk)
    context = {"run": run, "kind": kind, "kinds": ImportKind.choices, "form": form}
    return render(request, "imports/import_columns.html", context)
