"""Imports over the REST API: the ERP or a script sends a file, then polls its run."""

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Status
from ninja.files import UploadedFile

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.accounts.schemas import ObjectId, PageParams, error_responses
from upsell.core.uploads import upload_size_validate
from upsell.imports.access import can_import, column_mappings_visible_to, import_runs_visible_to
from upsell.imports.models import ColumnMapping, ImportKind, ImportRun
from upsell.imports.problems import FileRejected
from upsell.imports.schemas import ColumnMappingPage, ImportRunOut, ImportRunPage
from upsell.imports.services import (
    column_mapping_forget,
    column_mapping_save,
    file_headers,
    import_run_create,
)

router = Router(tags=["imports"])

FILE_NAME_MAX_LENGTH = 255


@router.post("", response={202: ImportRunOut, **error_responses(400, 401, 403, 422)})
def create_import_run(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[ImportKind | None] = None,
    keep_valid_rows: Form[bool] = False,
    create_products: Form[bool] = False,
    columns: Form[str | None] = None,
) -> Status[ImportRun]:
    """Upload a file (CSV or XLSX) to import in the background; poll the run it answers with.

    Without ``kind`` the file's headers tell what it holds. With ``keep_valid_rows`` the valid
    rows are imported and the rest rejected (a document one of them may belong to is held back
    whole); otherwise any error imports nothing. With ``create_products`` a product code of a
    shipments or orders file that the catalogue lacks is added to it; otherwise it is an error.

    With ``columns`` — a JSON object of the file's headers, each to a field of ``kind`` (as
    docs/import.md names them in English: ``{"Покупатель": "client", "Сумма с НДС": "amount"}``)
    — files whose headers the import does not know are read: the mapping is remembered for every
    file with the same set of headers, which then import without it.
    """
    user = authenticated_user(request)
    if not can_import(user):
        raise PermissionDenied(_("Your role does not import files."))
    file_name = file.name or ""
    if not file_name or len(file_name) > FILE_NAME_MAX_LENGTH:
        raise ValidationError(
            {
                "file": _("A file needs a name of 1 to %(max)s characters.")
                % {"max": FILE_NAME_MAX_LENGTH}
            }
        )
    try:
        upload_size_validate(file)
    except ValidationError as too_large:
        raise ValidationError({"file": too_large.messages}) from None
    if columns is not None:
        _columns_remember(columns, kind=kind or "", file=file, file_name=file_name, user=user)
    run = import_run_create(
        upload=file,
        file_name=file_name,
        imported_by=user,
        kind=kind or "",
        keep_valid_rows=keep_valid_rows,
        create_products=create_products,
    )
    # Where tasks run at once (tests, a single-process install) the run may be done already.
    run.refresh_from_db()
    return Status(202, run)


@router.get("", response={200: ImportRunPage, **error_responses(401, 422)})
def list_import_runs(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The runs the caller may see (the administrator and the head of sales see all), newest
    first."""
    return page.page_of(import_runs_visible_to(authenticated_user(request)))


@router.get("/mappings", response={200: ColumnMappingPage, **error_responses(401, 403, 422)})
def list_column_mappings(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The column mappings remembered for files whose headers the import does not know (given
    with ``columns`` on upload, or on the import's columns page), the latest first."""
    user = authenticated_user(request)
    if not can_import(user):
        raise PermissionDenied(_("Your role does not import files."))
    return page.page_of(column_mappings_visible_to(user).order_by("-updated_at", "-pk"))


@router.delete(
    "/mappings/{mapping_id}", response={204: None, **error_responses(401, 403, 404, 422)}
)
def forget_column_mapping(request: HttpRequest, mapping_id: Path[ObjectId]) -> Status[None]:
    """Forget a column mapping: files of its headers are no longer read by it, until their
    columns are mapped again. What it imported stays."""
    user = authenticated_user(request)
    if not can_import(user):
        raise PermissionDenied(_("Your role does not import files."))
    try:
        mapping = column_mappings_visible_to(user).get(pk=mapping_id)
    except ColumnMapping.DoesNotExist:
        raise Http404("No such column mapping") from None
    column_mapping_forget(mapping=mapping)
    return Status(204, None)


@router.get("/{run_id}", response={200: ImportRunOut, **error_responses(401, 404, 422)})
def get_import_run(request: HttpRequest, run_id: Path[ObjectId]) -> ImportRun:
    """A run's progress (rows done of rows total), then what it changed or why it failed."""
    try:
        return import_runs_visible_to(authenticated_user(request)).get(pk=run_id)
    except ImportRun.DoesNotExist:
        raise Http404("No such import") from None


def _columns_remember(
    columns: str, *, kind: str, file: UploadedFile, file_name: str, user: User
) -> None:
    """Store the mapping ``columns`` gives for the file's headers; 400 naming what is wrong."""
    if not kind:
        raise ValidationError({"kind": _("A mapping of the columns needs the kind of the file.")})
    try:
        fields = json.loads(columns)
    except ValueError:
        fields = None
    if not isinstance(fields, dict) or not all(
        isinstance(header, str) and isinstance(field, str) for header, field in fields.items()
    ):
        raise ValidationError(
            {"columns": _("Give a JSON object of the file's headers, each to a field.")}
        )
    try:
        headers = file_headers(data=file.read(), file_name=file_name)
    except FileRejected as rejected:
        raise ValidationError(
            {"file": [problem.message for problem in rejected.problems]}
        ) from None
    finally:
        file.seek(0)
    try:
        column_mapping_save(kind=kind, headers=headers, fields=fields, by=user)
    except ValidationError as invalid:
        raise ValidationError({"columns": invalid.message_dict["mapping"]}) from None
