"""The exchange with 1C: its sessions, the files 1C sends, and importing them.

Every file 1C sends goes through the import that files go through: the CommerceML file
becomes the rows of the import's own files (see ``commerceml``), handed to the import as the
rows of a file (``import_rows_outcome``) one table after the other in dependency order inside
one transaction. So every guarantee of the import holds (rows checked column by column, orders
taken and routed as the orders file takes them, the same data twice changes nothing), and one
more: when any of them fails, none is written, and 1C is told why, by element.
"""

import gc
import logging
import secrets
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.core.uploads import file_max_bytes, file_too_large_message
from upsell.exchange.commerceml import (
    CommerceMLError,
    Table,
    catalogue_tables,
    document_read,
    documents_tables,
    offers_codes,
)
from upsell.exchange.models import ExchangeImport, ExchangeSession, ExchangeStatus
from upsell.imports.importers.references import CANDIDATES, clients_find
from upsell.imports.models import ImportKind, ImportStatus
from upsell.imports.problems import Problem
from upsell.imports.services import import_rows_outcome
from upsell.products.models import Product

logger = logging.getLogger(__name__)
# The problems told to 1C for one failed file; the rest are counted.
REPLY_PROBLEMS = 10
# The files of an exchange that are read; 1C's pictures of products are taken and left alone.
READ_SUFFIXES = (".xml", ".zip")


class ExchangeFailed(Exception):  # noqa: N818 - it names the outcome, like Http404
    """Nothing of the file was written; the message is what 1C's log shows."""


@dataclass(frozen=True)
class Reply:
    """What the exchange answers 1C: ``success``, ``progress`` or ``failure`` and its lines."""

    word: str
    lines: tuple[str, ...] = ()

    def text(self) -> str:
        return "\n".join((self.word, *self.lines))


def success(*lines: str) -> Reply:
    return Reply("success", lines)


def failure(reason: str) -> Reply:
    return Reply("failure", (reason,))


# --- sessions and files ---------------------------------------------------------------------


def exchange_session_start(*, user: User) -> ExchangeSession:
    """A new session for 1C's ``checkauth``; its token is the cookie 1C sends back."""
    return ExchangeSession.objects.create(token=secrets.token_urlsafe(32), user=user)


def session_folder(session: ExchangeSession) -> Path:
    return Path(settings.UPSELL_EXCHANGE_DIR) / str(session.pk)


def exchange_files_clear(*, session: ExchangeSession) -> None:
    """``init``: the session starts again with no file."""
    shutil.rmtree(session_folder(session), ignore_errors=True)


def file_name_check(file_name: str) -> str:
    """The name a file is kept under; ExchangeFailed for a name that leaves its folder."""
    path = PurePosixPath(file_name.replace("\\", "/"))
    if not file_name or path.is_absolute() or ".." in path.parts:
        raise ExchangeFailed(
            _("filename={name}: not a file name of an exchange").format(name=file_name)
        )
    return path.name


def exchange_file_add(*, session: ExchangeSession, file_name: str, part: bytes) -> None:
    """``file``: a file, or the next part of one (1C sends a file larger than ``file_limit``
    in parts, each appended)."""
    name = file_name_check(file_name)
    if not name.lower().endswith(READ_SUFFIXES):
        return
    folder = session_folder(session)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    size = (path.stat().st_size if path.exists() else 0) + len(part)
    too_large = file_too_large_message(size=size)
    if too_large is not None:
        path.unlink(missing_ok=True)
        raise ExchangeFailed(f"{name}: {too_large}")
    with path.open("ab") as file:
        file.write(part)


def _file_data(session: ExchangeSession, name: str) -> bytes:
    """The file ``name`` as 1C sent it, or out of an archive 1C sent."""
    folder = session_folder(session)
    path = folder / name
    if path.is_file():
        if zipfile.is_zipfile(path):
            raise ExchangeFailed(_("{name}: an archive is not a CommerceML file").format(name=name))
        return path.read_bytes()
    for archive in sorted(folder.glob("*.zip")) if folder.is_dir() else ():
        found = _archive_member(archive, name)
        if found is not None:
            return found
    raise ExchangeFailed(_("{name}: no such file was sent in this exchange").format(name=name))


def _archive_member(archive: Path, name: str) -> bytes | None:
    try:
        with zipfile.ZipFile(archive) as opened:
            member = next(
                (info for info in opened.infolist() if PurePosixPath(info.filename).name == name),
                None,
            )
            if member is None:
                return None
            too_large = file_too_large_message(size=member.file_size)
            if too_large is not None:
                raise ExchangeFailed(f"{archive.name}/{name}: {too_large}")
            with opened.open(member) as file:
                # Read one byte past the limit: an archive lying about its sizes is caught too.
                data = file.read(file_max_bytes() + 1)
            if len(data) > file_max_bytes():
                raise ExchangeFailed(
                    f"{archive.name}/{name}: {file_too_large_message(size=len(data))}"
                )
            return data
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ExchangeFailed(
            _("{archive}: the archive cannot be read ({error})").format(
                archive=archive.name, error=error
            )
        ) from None


def exchange_archive_names(*, session: ExchangeSession, file_name: str) -> list[str]:
    """The CommerceML files an archive 1C sent holds, or the file itself when it is none."""
    name = file_name_check(file_name)
    path = session_folder(session) / name
    if not zipfile.is_zipfile(path):
        return [name]
    try:
        with zipfile.ZipFile(path) as opened:
            return sorted(
                PurePosixPath(info.filename).name
                for info in opened.infolist()
                if info.filename.lower().endswith(".xml")
            )
    except zipfile.BadZipFile as error:
        raise ExchangeFailed(
            _("{archive}: the archive cannot be read ({error})").format(archive=name, error=error)
        ) from None


# --- importing ------------------------------------------------------------------------------


class _RolledBack(Exception):  # noqa: N818 - raised to roll the transaction back
    pass


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a file's millions of elements and rows are made:
    it would walk them all again and again, and none of them is in a cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def exchange_file_import(*, session: ExchangeSession, file_name: str) -> None:
    """Import one CommerceML file of the session, all of it or nothing; ExchangeFailed says
    why nothing was written."""
    name = file_name_check(file_name)
    try:
        with _collector_paused():
            tables, offers = _file_read(_file_data(session, name))
    except CommerceMLError as error:
        raise ExchangeFailed(f"{name}: {error}") from None
    if offers:
        _offers_check(name, offers)
    if tables:
        _tables_import(name, tables, user=session.user)


def _file_read(data: bytes) -> tuple[list[Table], list[tuple[str, str]]]:
    """The tables and the offers of a CommerceML file; its tree is let go before any import."""
    root = document_read(data)
    return [*catalogue_tables(root), *documents_tables(root)], offers_codes(root)


def _offers_check(name: str, offers: list[tuple[str, str]]) -> None:
    """The products offered are in the catalogue (sent as import.xml before)."""
    codes = {code for _place, code in offers}
    known = set(Product.objects.filter(sku__in=codes).values_list("sku", flat=True))
    unknown = [(place, code) for place, code in offers if code not in known]
    if unknown:
        raise ExchangeFailed(
            _problems_text(
                name,
                [
                    _(
                        "{place}: the product {sku} is not in the catalogue; send import.xml first"
                    ).format(place=place, sku=code)
                    for place, code in unknown
                ],
            )
        )


def _buyers_known_check(name: str, tables: list[Table]) -> None:
    """A document whose buyer has no ИНН names a client Upsell holds already: the exchange
    creates no client from a name alone."""
    unnamed = [
        (table.place(index), client)
        for table in tables
        if table.kind in (ImportKind.ORDERS, ImportKind.SHIPMENTS)
        for index, client in table.frame.with_row_index("index")
        .filter(pl.col("tax_id") == "")
        .select("index", "client")
        .iter_rows()
    ]
    if not unnamed:
        return
    pairs = pl.DataFrame(
        {"client": [client for _place, client in unnamed], "tax_id": [None] * len(unnamed)},
        schema={"client": pl.String, "tax_id": pl.String},
    )
    found = set(clients_find(pairs).filter(pl.col(CANDIDATES) == 1).get_column("client"))
    missing = [(place, client) for place, client in unnamed if client not in found]
    if missing:
        raise ExchangeFailed(
            _problems_text(
                name,
                [
                    _(
                        "{place}: the buyer «{client}» has no ИНН and is not a client Upsell "
                        "knows by that name"
                    ).format(place=place, client=client)
                    for place, client in missing
                ],
            )
        )


def _tables_import(name: str, tables: list[Table], *, user: User) -> None:
    """Each table imported as the rows of a file of its kind (its runs named after the file 1C
    sent), all of them or none."""
    _buyers_known_check(name, tables)
    try:
        with transaction.atomic():
            for table in tables:
                outcome = import_rows_outcome(
                    frame=table.frame,
                    file_name=name,
                    kind=table.kind,
                    imported_by=user,
                )
                if outcome.run.status != ImportStatus.SUCCEEDED:
                    raise _RolledBack(_outcome_text(name, table, outcome.problems))
    except _RolledBack as rolled_back:
        raise ExchangeFailed(str(rolled_back)) from None


def _outcome_text(name: str, table: Table, problems: tuple[Problem, ...]) -> str:
    lines = []
    for problem in problems:
        # The table's rows are numbered as a file's: the header is row 1, the first element 2.
        row = problem.row
        place = table.place(row - 2) if row is not None else ""
        where = ": ".join(part for part in (place, problem.column) if part)
        lines.append(f"{where}: {problem.message}" if where else problem.message)
    return _problems_text(name, lines)


def _problems_text(name: str, lines: list[str]) -> str:
    shown = lines[:REPLY_PROBLEMS]
    more = len(lines) - len(shown)
    if more:
        shown.append(_("and {count} more").format(count=more))
    return f"{name}: " + "\n".join(shown)


def exchange_import_ask(*, session: ExchangeSession, file_name: str) -> Reply:
    """``import``: the first call queues the file for the worker and answers ``progress``; so
    do the calls while it runs; then ``success`` or ``failure`` with why, every time asked."""
    from upsell.exchange.tasks import execute_exchange_import

    name = file_name_check(file_name)
    job, created = ExchangeImport.objects.get_or_create(session=session, file_name=name)
    if created:
        transaction.on_commit(partial(execute_exchange_import.enqueue, job.pk))
    match job.status:
        case ExchangeStatus.SUCCEEDED:
            return success()
        case ExchangeStatus.FAILED:
            return failure(job.reason)
    return Reply("progress", (_("{name}: importing").format(name=name),))


def exchange_import_execute(*, job_id: int) -> None:
    """Import a queued file (safe to run twice: a file not queued is left alone)."""
    claimed = ExchangeImport.objects.filter(pk=job_id, status=ExchangeStatus.QUEUED).update(
        status=ExchangeStatus.RUNNING
    )
    if not claimed:
        return
    job = ExchangeImport.objects.select_related("session__user").get(pk=job_id)
    try:
        exchange_file_import(session=job.session, file_name=job.file_name)
    except ExchangeFailed as failed:
        job.status, job.reason = ExchangeStatus.FAILED, str(failed)
    except Exception as error:
        logger.exception("Exchange import of %s stopped", job.file_name)
        job.status = ExchangeStatus.FAILED
        job.reason = _("{name}: the import stopped on an unexpected error: {error}").format(
            name=job.file_name, error=error
        )
    else:
        job.status = ExchangeStatus.SUCCEEDED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "reason", "finished_at"])


def exchange_documents_import(*, session: ExchangeSession, file_name: str) -> Reply:
    """``sale`` ``file``: 1C's documents, imported as they arrive."""
    try:
        with transaction.atomic():
            for name in exchange_archive_names(session=session, file_name=file_name):
                exchange_file_import(session=session, file_name=name)
    except ExchangeFailed as failed:
        return failure(str(failed))
    return success()
