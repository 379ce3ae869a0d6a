from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    PRODUCTS = "products", _("Products")
    CLIENTS = "clients", _("Clients")
    SHIPMENTS = "shipments", _("Shipments")
    PAYMENTS = "payments", _("Payments")
    ORDERS = "orders", _("Customer orders")
    CREDIT_LIMITS = "credit_limits", _("Credit limits")
    MEMBERSHIPS = "memberships", _("Program memberships")
    CLIENT_BUDGETS = "client_budgets", _("Client budgets by month")
    CONTACTS = "contacts", _("Contact persons")


# Files of several kinds are imported in this order: each kind names what the earlier ones hold.
IMPORT_ORDER: tuple[str, ...] = tuple(ImportKind.values)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    PARTIAL = "partial", _("Imported with rejected rows")
    FAILED = "failed", _("Failed")


class ImportStage(models.TextChoices):
    READING = "reading", _("Reading the file")
    VALIDATING = "validating", _("Checking the rows")
    WRITING = "writing", _("Writing to the database")
    DONE = "done", _("Done")


class DocumentOutcome(models.TextChoices):
    """What a run did to a document (a shipment document, a customer order) of its file."""

    CREATED = "created", pgettext_lazy("document", "Created")
    REPLACED = "replaced", pgettext_lazy("document", "Replaced")
    HELD_BACK = "held_back", pgettext_lazy("document", "Held back")


MAX_STORED_ERRORS = 1000
# The documents and products a run lists in its summary; the counts have them all.
MAX_STORED_CHANGES = 1000


class ImportRun(models.Model):
    """One file brought in: who, when, what it changed, and every error it had."""

    file_name = models.CharField(_("file"), max_length=500)
    # The uploaded file while the run waits for the worker; blank for files read in place.
    stored_file = models.FileField(_("stored file"), upload_to="imports/%Y/%m/", blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=20, choices=ImportStage.choices, blank=True)
    keep_valid_rows = models.BooleanField(_("import valid rows, reject the rest"), default=False)
    create_products = models.BooleanField(
        _("create the products the catalogue lacks"), default=False
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The task worker that claimed the run (blank: a command in a terminal), and how many times
    # a worker has started it: a run whose worker stopped is queued once again.
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    # {"clients": {"created": 3, "updated": 1, "unchanged": 40}, "shipments": {...}, ...}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{"row": 12, "column": "Дата", "message": "..."}], the first MAX_STORED_ERRORS of them;
    # a problem with the file as a whole has row None and column "".
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # Every document the run created, replaced or held back, with its lines and total before
    # and after: [{"outcome": "replaced", "number": "РТ-1", "date": "2025-03-01",
    # "client": "ИП Сидоров", "lines_before": 3, "total_before": "1500.00", "lines_after": 2,
    # "total_after": "1000.00", "held_by": []}], the first MAX_STORED_CHANGES of them, those
    # held back first, then those replaced, then those created.
    documents = models.JSONField(_("documents"), default=list, blank=True)
    document_count = models.PositiveIntegerField(_("documents listed"), default=0)
    # [{"sku": "A-1", "name": "Болт М8"}]: the products the run created, the first
    # MAX_STORED_CHANGES of them.
    products_created = models.JSONField(_("products created"), default=list, blank=True)
    # Where the rejected rows went: a path beside a file read in place, a storage name
    # (of the default storage) for an uploaded one.
    rejected_file = models.CharField(_("rejected rows file"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values), name="imports_run_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="") | models.Q(kind__in=ImportKind.values),
                name="imports_run_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(stage="") | models.Q(stage__in=ImportStage.values),
                name="imports_run_stage_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class ColumnMapping(models.Model):
    """Which field of a kind each column of a file is, for the files of one shape (the same set
    of headers) whose headers the import does not know: asked once, used for every such file."""

    # The file's headers, normalised and sorted (``formats.columns.headers_shape``).
    shape = models.CharField(_("shape"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    # Normalised header → field of the kind; a header not in it is not read.
    fields = models.JSONField(_("fields"), default=dict)
    # The headers as the file wrote them, to show the mapping to a person.
    headers = models.JSONField(_("headers"), default=list)
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mapped by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ImportKind.values), name="imports_mapping_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {', '.join(self.headers)}"
