# ruff: noqa: N999 - the command is `upsell import`, so the module is import.py
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Never

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from upsell.accounts.models import User
from upsell.core.money import EMPTY, AmountFormatter
from upsell.core.templatetags.formatting import short_date
from upsell.imports.changes import DocumentChange, document_changes
from upsell.imports.models import DocumentOutcome, ImportKind, ImportStatus
from upsell.imports.services import ImportOutcome, Progress, import_paths

# Files shorter than this import in a blink: a progress bar would only flicker.
PROGRESS_BAR_ROWS = 10_000


class Command(BaseCommand):
    help = (
        "Import a company's files (staff, products, clients, shipments, payments, customer "
        "orders: CSV or XLSX) in dependency order; exits with 1 if any file failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--kind", choices=ImportKind.values, default="", help="the kind of every file"
        )
        parser.add_argument(
            "--keep-valid",
            action="store_true",
            help="import the valid rows and write the others to <file>.rejected.csv",
        )
        parser.add_argument(
            "--create-products",
            action="store_true",
            help="add the product codes of shipments and orders files that the catalogue lacks "
            "(without it they are errors)",
        )
        parser.add_argument(
            "--rejected-dir", type=Path, help="where rejected rows files go (beside each file)"
        )
        parser.add_argument(
            "--as", dest="username", metavar="USERNAME", help="the user the imports are by"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        imported_by = None
        if options["username"]:
            imported_by = User.objects.filter(username=options["username"]).first()
            if imported_by is None:
                raise CommandError(_("no user has the login {username}").format(**options))
        outcomes = import_paths(
            paths=options["paths"],
            imported_by=imported_by,
            kind=options["kind"],
            keep_valid_rows=options["keep_valid"],
            create_products=options["create_products"],
            rejected_dir=options["rejected_dir"],
            progress_for=_progress_bar,
        )
        for path, outcome in outcomes:
            self._report(path, outcome, listed=options["verbosity"] >= 1)
        failed = sum(outcome.run.status == ImportStatus.FAILED for _path, outcome in outcomes)
        if failed:
            raise CommandError(
                _("{failed} of {total} files failed").format(failed=failed, total=len(outcomes))
            )

    def _report(self, path: Path, outcome: ImportOutcome, *, listed: bool) -> None:
        """The run's summary: its counts, and unless told to be quiet (``-v 0``) every document
        it created, replaced or held back and every product it created; its errors."""
        run = outcome.run
        self.stdout.write(
            f"{path}: {run.kind or '?'}, {run.get_status_display()}, "
            + _("{rows} rows").format(rows=run.rows_total)
        )
        if run.counts:
            # Outside the f-string, where makemessages finds them.
            created, updated, unchanged = _("created"), _("updated"), _("unchanged")
            self.stdout.write(f"  {'':<16}{created:>10}{updated:>10}{unchanged:>10}")
            for noun, counts in run.counts.items():
                self.stdout.write(
                    f"  {noun:<16}{counts['created']:>10}{counts['updated']:>10}"
                    f"{counts['unchanged']:>10}"
                )
        if listed:
            self._documents_report(document_changes(outcome.changes.documents()))
            products = outcome.changes.products()
            if products.height:
                self.stdout.write("  " + _("products created"))
                for sku, name in products.iter_rows():
                    self.stdout.write(f"    {sku}  {name}")
        for problem in outcome.problems:
            self.stderr.write(problem.format(str(path)))
        if run.rejected_file:
            self.stdout.write(_("  rejected rows: {file}").format(file=run.rejected_file))

    def _documents_report(self, documents: list[DocumentChange]) -> None:
        """``replaced  РТ-1 01.03.2025, ИП Сидоров: 3 lines, 1 500,00 → 2 lines, 1 000,00``."""
        if not documents:
            return
        amount = AmountFormatter()

        def figures(lines: int | None, total: Decimal | None) -> str:
            if lines is None:
                return EMPTY
            written = ngettext("%(count)s line", "%(count)s lines", lines) % {"count": lines}
            return f"{written}, {amount(total)}"

        labels = {outcome: str(outcome.label).lower() for outcome in DocumentOutcome}
        width = max(len(label) for label in labels.values())
        self.stdout.write("  " + _("documents"))
        for document in documents:
            change = figures(document.lines_before, document.total_before)
            if document.outcome == DocumentOutcome.CREATED:
                change = figures(document.lines_after, document.total_after)
            elif document.outcome == DocumentOutcome.REPLACED:
                change += " → " + figures(document.lines_after, document.total_after)
            else:
                if document.lines_before is None:
                    change = _("nothing stored")
                change += " — " + _("held by rows {rows}").format(
                    rows=", ".join(str(row) for row in document.held_by)
                )
            self.stdout.write(
                f"    {labels[document.outcome]:<{width}}  {document.number} "
                f"{short_date(document.date)}, {document.client}: {change}"
            )


def _progress_bar(path: Path) -> Progress:
    """A tqdm bar on stderr for the file, shown once it proves long enough to need one."""
    bar: tqdm[Never] | None = None

    def advance(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and total >= PROGRESS_BAR_ROWS:
            bar = tqdm(total=total, desc=path.name, unit=" rows", file=sys.stderr, leave=False)
        if bar is not None:
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

    return advance
