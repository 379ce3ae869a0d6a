import datetime as dt

from ninja import Field, Schema

from upsell.accounts.schemas import Money, PageOut, UserRef
from upsell.imports.formats.columns import header_normalise
from upsell.imports.models import (
    ColumnMapping,
    DocumentOutcome,
    ImportKind,
    ImportRun,
    ImportStage,
    ImportStatus,
)


class ImportErrorOut(Schema):
    row: int | None = Field(description="the file's own row number; null for the whole file")
    column: str = Field(description="the column's header as written in the file")
    message: str


class ImportCountsOut(Schema):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportDocumentOut(Schema):
    outcome: DocumentOutcome = Field(
        description="created; replaced (a corrected document); held_back (neither created nor "
        "changed: a rejected row is, or may be, one of its lines)"
    )
    number: str
    date: dt.date | None
    client: str = Field(description="as the file names it (a customer order: the client found)")
    lines_before: int | None = Field(description="null when nothing was stored")
    total_before: Money | None
    lines_after: int | None = Field(description="held back: as before")
    total_after: Money | None
    held_by: list[int] = Field(description="the rejected rows that held the document back")


class ImportProductOut(Schema):
    sku: str
    name: str


class ImportRunOut(Schema):
    id: int
    file_name: str
    kind: str = Field(description="what the file holds; empty until the headers tell")
    status: ImportStatus
    stage: ImportStage | None
    keep_valid_rows: bool
    create_products: bool
    imported_by: UserRef | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    rows_total: int
    rows_done: int
    counts: dict[str, ImportCountsOut] = Field(description="per kind of record")
    error_count: int = Field(description="every error; `errors` holds the first 1000")
    errors: list[ImportErrorOut]
    document_count: int = Field(
        description="every document created, replaced or held back; `documents` holds the "
        "first 1000, those held back first, then those replaced, then those created"
    )
    documents: list[ImportDocumentOut]
    products_created: list[ImportProductOut] = Field(
        description="the products the import added to the catalogue, the first 1000"
    )

    @staticmethod
    def resolve_stage(run: ImportRun) -> ImportStage | None:
        return ImportStage(run.stage) if run.stage else None


class ImportRunPage(PageOut):
    items: list[ImportRunOut]


class ColumnMappingOut(Schema):
    id: int
    kind: ImportKind = Field(description="what the files of this shape hold")
    headers: list[str] = Field(
        description="the headers of the file the mapping was given for, as it wrote them; "
        "every file with the same set of headers (in any order and case) is read by it"
    )
    columns: dict[str, str] = Field(
        description="each header read, to its field of the kind; a header left out is not read"
    )
    mapped_by: UserRef | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_columns(mapping: ColumnMapping) -> dict[str, str]:
        return {
            header: mapping.fields[header_normalise(header)]
            for header in mapping.headers
            if header_normalise(header) in mapping.fields
        }


class ColumnMappingPage(PageOut):
    items: list[ColumnMappingOut]
