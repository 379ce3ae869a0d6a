import datetime as dt

from ninja import Field, Schema

from upsell.accounts.schemas import Money, PageOut, UserRef
from upsell.imports.models import DocumentOutcome, ImportRun, ImportStage, ImportStatus


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
