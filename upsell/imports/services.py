"""Importing a company's files: the one use-case behind the import screen, the API, the task
and the ``upsell import`` command.

A file is read, its kind told from its headers, every row checked column by column, and
then written in one transaction. By default any problem rejects the whole file and nothing
is written; with ``keep_valid_rows`` the good rows are written and the bad ones go to a
``<name>.rejected.csv`` with the reason, and a document (a shipment, a customer order) one of
them may belong to is held back whole. A product code the catalogue lacks is an error unless
``create_products`` asks to add it. Each file leaves an ImportRun: who, when, what it
changed (every document created, replaced or held back, every product created), and its
problems.
"""

import io
import logging
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePath

import polars as pl
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.core.spreadsheets import UTF8_BOM, CsvWriter
from upsell.core.uploads import file_too_large_message
from upsell.deals.services.matching import deals_match
from upsell.imports.changes import Changes, documents_as_json, products_as_json
from upsell.imports.formats.columns import (
    columns_map,
    header_normalise,
    headers_shape,
    mapping_problems,
)
from upsell.imports.formats.readers import (
    ROW,
    RawTable,
    cell_column,
    kind_sniff,
    rows_read,
    table_read,
)
from upsell.imports.importers.base import (
    COLUMN,
    MESSAGE,
    Counts,
    ImportContext,
    Importer,
    Problems,
)
from upsell.imports.importers.client_budgets import ClientBudgetsImporter
from upsell.imports.importers.clients import ClientsImporter
from upsell.imports.importers.contacts import ContactsImporter
from upsell.imports.importers.credit_limits import CreditLimitsImporter
from upsell.imports.importers.memberships import MembershipsImporter
from upsell.imports.importers.orders import OrdersImporter
from upsell.imports.importers.payments import PaymentsImporter
from upsell.imports.importers.products import ProductsImporter
from upsell.imports.importers.shipments import ShipmentsImporter
from upsell.imports.importers.staff import StaffImporter
from upsell.imports.models import (
    IMPORT_ORDER,
    MAX_STORED_CHANGES,
    MAX_STORED_ERRORS,
    ColumnMapping,
    ImportKind,
    ImportRun,
    ImportStage,
    ImportStatus,
)
from upsell.imports.problems import FileRejected, Problem
from upsell.worker.heartbeat import worker_id_current

logger = logging.getLogger(__name__)
# The files after which the open deals are matched to what fulfils them.
DEALS_FULFILLED_BY = (ImportKind.SHIPMENTS, ImportKind.ORDERS)

IMPORTERS: dict[str, type[Importer]] = {
    ImportKind.STAFF: StaffImporter,
    ImportKind.PRODUCTS: ProductsImporter,
    ImportKind.CLIENTS: ClientsImporter,
    ImportKind.SHIPMENTS: ShipmentsImporter,
    ImportKind.PAYMENTS: PaymentsImporter,
    ImportKind.ORDERS: OrdersImporter,
    ImportKind.CREDIT_LIMITS: CreditLimitsImporter,
    ImportKind.MEMBERSHIPS: MembershipsImporter,
    ImportKind.CLIENT_BUDGETS: ClientBudgetsImporter,
    ImportKind.CONTACTS: ContactsImporter,
}

Progress = Callable[[int, int], None]
# Saves the rejected rows file's content; gives where it went.
RejectedSave = Callable[[bytes], str]


@dataclass(frozen=True)
class ImportOutcome:
    run: ImportRun
    # Every problem of the file; the run stores only the first MAX_STORED_ERRORS.
    problems: tuple[Problem, ...]
    # Every document and product the import changed; the run stores only the first ones.
    changes: Changes = field(default_factory=Changes)


class _Rejected(Exception):  # noqa: N818 - raised to roll the transaction back, never seen outside
    pass


def _kind_check(kind: str) -> None:
    if kind and kind not in ImportKind.values:
        raise ValueError(f"unknown import kind {kind!r}; one of {', '.join(ImportKind.values)}")


def import_path(
    *,
    path: Path,
    imported_by: User | None = None,
    kind: str = "",
    keep_valid_rows: bool = False,
    create_products: bool = False,
    rejected_dir: Path | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    """Import one file read in place; its run, succeeded, partial or failed."""
    return import_path_outcome(
        path=path,
        imported_by=imported_by,
        kind=kind,
        keep_valid_rows=keep_valid_rows,
        create_products=create_products,
        rejected_dir=rejected_dir,
        progress=progress,
    ).run


def import_path_outcome(
    *,
    path: Path,
    imported_by: User | None = None,
    kind: str = "",
    keep_valid_rows: bool = False,
    create_products: bool = False,
    rejected_dir: Path | None = None,
    progress: Progress | None = None,
) -> ImportOutcome:
    """As ``import_path``, with every problem of the file and everything it changed (the run
    keeps the first ones)."""
    _kind_check(kind)
    run = _run_started(
        file_name=path.name,
        kind=kind,
        keep_valid_rows=keep_valid_rows,
        create_products=create_products,
        imported_by=imported_by,
    )
    rejected_path = (rejected_dir or path.parent) / f"{path.stem}.rejected.csv"

    def rejected_save(content: bytes) -> str:
        rejected_path.write_bytes(content)
        return str(rejected_path)

    try:
        too_large = file_too_large_message(size=path.stat().st_size)
        data = b"" if too_large else path.read_bytes()
    except OSError as error:
        problems = [
            Problem(
                row=None,
                column="",
                message=_("cannot open the file: {error}").format(error=error.strerror),
            )
        ]
        _finish_failed(run, problems)
        return ImportOutcome(run=run, problems=tuple(problems))
    if too_large is not None:
        problems = [Problem(row=None, column="", message=too_large)]
        _finish_failed(run, problems)
        return ImportOutcome(run=run, problems=tuple(problems))
    problems, changes = _run(
        run,
        read=partial(table_read, data=data, file_name=run.file_name),
        rejected_save=rejected_save,
        progress=progress,
    )
    return ImportOutcome(run=run, problems=tuple(problems), changes=changes)


def import_rows_outcome(
    *, frame: pl.DataFrame, file_name: str, kind: str, imported_by: User | None = None
) -> ImportOutcome:
    """Import rows another reader took out of its own file ``file_name`` (the exchange with 1C
    reads CommerceML) as a file of ``kind`` holding them is imported, without writing one: every
    limit, check, write and run of a file's rows, all of them or none.

    ``frame`` has a text column per header of such a file ("" for an empty cell); a problem
    names its row as the file's would be numbered (the header is row 1, the first row 2)."""
    _kind_check(kind)
    run = _run_started(file_name=file_name, kind=kind, imported_by=imported_by)
    problems, changes = _run(
        run,
        read=partial(rows_read, frame=frame),
        rejected_save=_no_rejected_file,
        progress=None,
    )
    return ImportOutcome(run=run, problems=tuple(problems), changes=changes)


def _run_started(
    *,
    file_name: str,
    kind: str,
    imported_by: User | None,
    keep_valid_rows: bool = False,
    create_products: bool = False,
) -> ImportRun:
    """The run of an import this process starts now, not queued for a worker."""
    return ImportRun.objects.create(
        file_name=file_name,
        kind=kind,
        keep_valid_rows=keep_valid_rows,
        create_products=create_products,
        imported_by=imported_by,
        status=ImportStatus.RUNNING,
        stage=ImportStage.READING,
        started_at=timezone.now(),
        worker_id=worker_id_current(),
        attempts=1,
    )


def _no_rejected_file(content: bytes) -> str:
    # Without keep_valid_rows any rejected row fails the whole import before this is asked.
    del content
    raise AssertionError("rows imported all or none leave no rejected rows file")


def import_paths(
    *,
    paths: list[Path],
    imported_by: User | None = None,
    kind: str = "",
    keep_valid_rows: bool = False,
    create_products: bool = False,
    rejected_dir: Path | None = None,
    progress_for: Callable[[Path], Progress | None] | None = None,
) -> list[tuple[Path, ImportOutcome]]:
    """Import several files in dependency order (staff, products, clients, shipments,
    payments, customer orders, credit limits) whatever order they come in; every file is tried,
    each on its own."""
    _kind_check(kind)
    ordered = sorted(paths, key=lambda path: _order_of(path, kind))
    return [
        (
            path,
            import_path_outcome(
                path=path,
                imported_by=imported_by,
                kind=kind,
                keep_valid_rows=keep_valid_rows,
                create_products=create_products,
                rejected_dir=rejected_dir,
                progress=progress_for(path) if progress_for else None,
            ),
        )
        for path in ordered
    ]


def _order_of(path: Path, kind: str) -> int:
    """The place of the file's kind in IMPORT_ORDER; unreadable files go last and fail there."""
    if not kind:
        try:
            kind = kind_sniff(path=path)
        except (OSError, FileRejected):
            return len(IMPORT_ORDER)
    return IMPORT_ORDER.index(kind)


def column_mapping_for(*, headers: tuple[str, ...]) -> ColumnMapping | None:
    """The mapping a person gave for files of these headers, if any."""
    return ColumnMapping.objects.filter(shape=headers_shape(headers)).first()


def column_mapping_save(
    *, kind: str, headers: tuple[str, ...], fields: dict[str, str], by: User | None
) -> ColumnMapping:
    """Remember which field of ``kind`` each of ``headers`` is (``fields``: a header as the file
    writes it → a field; a header left out is not read), for every file of these headers.

    Raises ValidationError (under ``mapping``) naming each header that cannot be so.
    """
    _kind_check(kind)
    problems = mapping_problems(kind=kind, headers=headers, fields=fields)
    if problems:
        raise ValidationError({"mapping": problems})
    mapping, _created = ColumnMapping.objects.update_or_create(
        shape=headers_shape(headers),
        defaults={
            "kind": kind,
            "fields": {header_normalise(header): field for header, field in fields.items()},
            "headers": [header for header in headers if header.strip()],
            "mapped_by": by,
        },
    )
    return mapping


def column_mapping_forget(*, mapping: ColumnMapping) -> None:
    """Files of the mapping's shape are read by their headers again (or refused) until a
    mapping is given anew; the imports it read are left as they are."""
    mapping.delete()


def file_headers(*, data: bytes, file_name: str) -> tuple[str, ...]:
    """The headers of a file, as the import reads them (FileRejected when it cannot)."""
    return table_read(data=data, file_name=file_name).headers


def import_run_create(
    *,
    upload: File[bytes],
    file_name: str,
    imported_by: User,
    kind: str = "",
    keep_valid_rows: bool = False,
    create_products: bool = False,
) -> ImportRun:
    """Keep an uploaded file on a queued run; the worker imports it once this commits."""
    from upsell.imports.tasks import execute_import_run

    _kind_check(kind)
    # Only the name: a browser on Windows may send the whole path.
    name = PurePath(file_name.replace("\\", "/")).name
    run = ImportRun(
        file_name=name,
        kind=kind,
        keep_valid_rows=keep_valid_rows,
        create_products=create_products,
        imported_by=imported_by,
        status=ImportStatus.QUEUED,
    )
    run.stored_file.save(name, upload, save=False)
    run.save()
    transaction.on_commit(partial(execute_import_run.enqueue, run.pk))
    return run


def import_run_execute(*, run: ImportRun) -> ImportRun:
    """Import a queued run's stored file. A run that is not queued (already taken by another
    worker, or done) is left as it is, so the task is safe to run twice."""
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING,
        stage=ImportStage.READING,
        started_at=timezone.now(),
        worker_id=worker_id_current(),
        attempts=F("attempts") + 1,
    )
    run.refresh_from_db()
    if not claimed:
        return run
    with run.stored_file.open("rb") as stored:
        data = stored.read()
    storage = run.stored_file.storage
    rejected_name = posixpath.join(
        posixpath.dirname(run.stored_file.name or ""),
        f"{PurePath(run.file_name).stem}.rejected.csv",
    )

    def rejected_save(content: bytes) -> str:
        return storage.save(rejected_name, ContentFile(content))

    _run(
        run,
        read=partial(table_read, data=data, file_name=run.file_name),
        rejected_save=rejected_save,
        progress=None,
    )
    return run


def _run(
    run: ImportRun,
    *,
    read: Callable[[], RawTable],
    rejected_save: RejectedSave,
    progress: Progress | None,
) -> tuple[list[Problem], Changes]:
    """Import the table ``read`` gives as the file of ``run``; the problems found (none when it
    succeeded) and what it changed."""
    changes = Changes()
    try:
        problems = _import(
            run, read=read, rejected_save=rejected_save, progress=progress, changes=changes
        )
    except Exception as error:
        # The run must not stay "running" forever: it failed, and the error is kept.
        logger.exception("Import of %s (run %s) stopped", run.file_name, run.pk)
        problems = [
            Problem(
                row=None,
                column="",
                message=_("the import stopped on an unexpected error: {error}").format(error=error),
            )
        ]
        _finish_failed(run, problems)
        if isinstance(error, DatabaseError):
            return problems, Changes()
        raise
    return problems, changes


def _import(
    run: ImportRun,
    *,
    read: Callable[[], RawTable],
    rejected_save: RejectedSave,
    progress: Progress | None,
    changes: Changes,
) -> list[Problem]:
    try:
        table = read()
        mapping = column_mapping_for(headers=table.headers)
        if mapping is not None and run.kind in ("", mapping.kind):
            columns = columns_map(
                headers=table.headers,
                kind=mapping.kind,
                header_row=table.header_row,
                mapping=mapping.fields,
            )
        else:
            columns = columns_map(headers=table.headers, kind=run.kind, header_row=table.header_row)
    except FileRejected as rejected:
        _finish_failed(run, rejected.problems)
        return rejected.problems
    run.kind = columns.kind
    run.rows_total = table.frame.height
    _stage_save(run, ImportStage.VALIDATING)
    problems = Problems(columns)
    counts = Counts()
    context = ImportContext(
        columns=columns,
        problems=problems,
        counts=counts,
        imported_by=run.imported_by,
        file_name=run.file_name,
        today=timezone.localdate(),
        progress=progress or _progress_ignored,
        create_products=run.create_products,
        changes=changes,
    )
    importer = IMPORTERS[columns.kind](context)
    refusal = importer.refusal()
    if refusal:
        refused = [Problem(row=None, column="", message=refusal)]
        _finish_failed(run, refused)
        return refused
    parsed = importer.check(importer.rows_frame(table))
    _stage_save(run, ImportStage.WRITING)
    try:
        with transaction.atomic():
            # Looked up even when the file already failed, so every error is reported at once.
            resolved = importer.resolve(parsed)
            if problems.count() and not run.keep_valid_rows:
                raise _Rejected
            along = importer.rejected_with(resolved, problems.rows())
            reasons = pl.concat([_reasons(problems), along])
            valid = resolved.filter(~pl.col(ROW).is_in(reasons.get_column(ROW).implode()))
            importer.write(valid)
            if columns.kind in DEALS_FULFILLED_BY:
                # The open deals take the requests and shipments that fulfil them.
                deals_match()
            # The run's summary commits with what it summarises: a worker that stops before
            # the commit leaves neither, so the run can be imported again from the start.
            found = problems.as_list()
            if reasons.height:
                run.rejected_file = rejected_save(_rejected_content(table, reasons))
            run.status = (
                ImportStatus.SUCCEEDED
                if not reasons.height
                else ImportStatus.PARTIAL
                if valid.height
                else ImportStatus.FAILED
            )
            run.stage = ImportStage.DONE
            run.rows_done = run.rows_total
            run.counts = counts.by_noun
            run.error_count = len(found)
            run.errors = [problem.as_json() for problem in found[:MAX_STORED_ERRORS]]
            documents = changes.documents()
            run.documents = documents_as_json(documents.head(MAX_STORED_CHANGES))
            run.document_count = documents.height
            run.products_created = products_as_json(changes.products().head(MAX_STORED_CHANGES))
            run.finished_at = timezone.now()
            run.save()
    except _Rejected:
        found = problems.as_list()
        _finish_failed(run, found)
        return found
    return found


def _progress_ignored(done: int, total: int) -> None:
    del done, total


def _reasons(problems: Problems) -> pl.DataFrame:
    """One reason per rejected row: its problems, each after the column it is in."""
    return (
        problems.frame()
        .with_columns(
            pl.when(pl.col(COLUMN) != "")
            .then(pl.concat_str(COLUMN, pl.lit(": "), MESSAGE))
            .otherwise(pl.col(MESSAGE))
            .alias(MESSAGE)
        )
        .group_by(ROW, maintain_order=True)
        .agg(pl.col(MESSAGE).str.join("; "))
    )


def _rejected_content(table: RawTable, reasons: pl.DataFrame) -> bytes:
    """The rejected rows as the file had them, with ``row`` and ``reason`` columns after them:
    UTF-8 with a BOM (which Excel needs to read it), in the file's own delimiter, every cell
    through the one writer that keeps a would-be formula text."""
    rows = (
        table.frame.join(reasons, on=ROW, how="inner")
        .sort(ROW)
        .select(
            *(cell_column(position) for position in range(len(table.headers))),
            ROW,
            MESSAGE,
        )
    )
    content = io.StringIO()
    content.write(UTF8_BOM)
    writer = CsvWriter(content, delimiter=table.delimiter)
    writer.row([*table.headers, "row", "reason"])
    for row in rows.iter_rows():
        writer.row(row)
    return content.getvalue().encode()


def _stage_save(run: ImportRun, stage: str) -> None:
    run.stage = stage
    run.save(update_fields=["kind", "rows_total", "rows_done", "stage"])


def _finish_failed(run: ImportRun, problems: list[Problem]) -> None:
    run.status = ImportStatus.FAILED
    run.stage = ImportStage.DONE
    run.error_count = len(problems)
    run.errors = [problem.as_json() for problem in problems[:MAX_STORED_ERRORS]]
    run.counts = {}
    run.documents = []
    run.document_count = 0
    run.products_created = []
    run.finished_at = timezone.now()
    run.save()
