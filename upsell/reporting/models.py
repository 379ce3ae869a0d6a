from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from upsell.core.models import ChangeRecord


class AuditUnit(models.TextChoices):
    """What the audit reads as one buyer: each client on its own (a branch apart from its head
    organisation), or an organisation with its branches together."""

    BRANCH = "branch", _("Each branch on its own")
    ORGANISATION = "organisation", _("An organisation with its branches")


class HistoryMode(models.TextChoices):
    """How an audit brought the month-end status history up to date: the months that ended
    since the last audit added to the stored ones, or every month computed again."""

    APPENDED = "appended", _("New month ends added")
    REBUILT = "rebuilt", _("Recomputed from the first document")


class AuditRules(ChangeRecord):
    """The thresholds of the status rules as the head of sales set them.

    Every change is a new row, so the rules in force are the latest row and the earlier rows
    are the history of the rules. ``thresholds`` holds the fields of
    ``upsell.analytics.settings.AuditSettings`` that differ from the method's defaults.
    """

    thresholds = models.JSONField(_("thresholds"), default=dict, blank=True)
    unit = models.CharField(
        _("audit read per"), max_length=20, choices=AuditUnit.choices, default=AuditUnit.BRANCH
    )

    class Meta:
        verbose_name = _("status rules")
        verbose_name_plural = _("status rules")
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__in=AuditUnit.values), name="audit_rules_unit_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.changed_at:%Y-%m-%d %H:%M}"


class AuditEngine(models.TextChoices):
    DUCKDB = "duckdb", "DuckDB"
    SPARK = "spark", "Spark"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Run(models.Model):
    """A piece of background work as it goes: queued, running, then succeeded or failed, by
    whom (nobody: a command or the schedule) and when."""

    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The task worker that claimed the run (blank: a command in a terminal), so that the run
    # of a worker that stopped is noticed (``upsell.worker.services``).
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class AuditRun(Run):
    """One recomputation of every client's status, metrics and history as of a date."""

    as_of = models.DateField(_("as of"))
    engine = models.CharField(
        _("engine"), max_length=10, choices=AuditEngine.choices, default=AuditEngine.DUCKDB
    )
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    clients = models.PositiveIntegerField(_("clients"), default=0)
    history_rows = models.PositiveIntegerField(_("history rows"), default=0)
    # The thresholds the run used, so its results can be explained later.
    thresholds = models.JSONField(_("thresholds"), default=dict, blank=True)
    unit = models.CharField(
        _("audit read per"), max_length=20, choices=AuditUnit.choices, default=AuditUnit.BRANCH
    )
    history_mode = models.CharField(
        _("month-end history"), max_length=20, choices=HistoryMode.choices, blank=True
    )
    history_months = models.PositiveIntegerField(_("months computed"), default=0)
    # The last month the stored history covers after the run (its first day), and a digest of
    # the documents dated up to that month's end: the next audit appends to the history only
    # while those documents are as they were.
    history_through = models.DateField(_("history through"), null=True, blank=True)
    documents_fingerprint = models.CharField(max_length=100, blank=True, editable=False)

    class Meta(Run.Meta):
        verbose_name = _("audit run")
        verbose_name_plural = _("audit runs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values),
                name="audit_run_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(engine__in=AuditEngine.values), name="audit_run_engine_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="audit_run_progress_percent"
            ),
            models.CheckConstraint(
                condition=models.Q(unit__in=AuditUnit.values), name="audit_run_unit_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(history_mode="") | models.Q(history_mode__in=HistoryMode.values),
                name="audit_run_history_mode_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.get_status_display()})"


class ForecastModel(models.TextChoices):
    """The models a forecast run can ask for (``auto``: the backtest's choice) or use."""

    AUTO = "auto", _("Chosen by backtest")
    BGNBD = "bgnbd", _("BG/NBD")
    PNBD = "pnbd", _("Pareto/NBD")
    HISTORIC_RATE = "historic_rate", _("The client's historic rate")
    LAST_YEAR = "last_year", _("Last year's same period")


class ForecastRun(Run):
    """One refit of the forecast model and refresh of the baselines as of a date, with the
    model it used and why, so the grid's grey figures can always be explained."""

    as_of = models.DateField(_("as of"))
    requested_model = models.CharField(
        _("model asked for"),
        max_length=20,
        choices=ForecastModel.choices,
        default=ForecastModel.AUTO,
    )
    model = models.CharField(
        _("model used"), max_length=20, choices=ForecastModel.choices, blank=True
    )
    fallback_reason = models.CharField(_("why the model fell back"), max_length=500, blank=True)
    # Each candidate's backtest errors (mean absolute error per client of orders and amount
    # over a year), when the model was chosen by backtest.
    backtest = models.JSONField(_("backtest"), default=dict, blank=True)
    clients = models.PositiveIntegerField(_("clients"), default=0)
    cells = models.PositiveIntegerField(_("cells"), default=0)
    seasonal = models.BooleanField(_("seasonal profile"), default=False)
    # The segments with a season of their own; the other clients follow the company's.
    seasonal_segments = models.JSONField(_("segments with their own season"), default=list)

    class Meta(Run.Meta):
        verbose_name = _("forecast run")
        verbose_name_plural = _("forecast runs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values),
                name="forecast_run_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.get_status_display()})"

    def backtest_scores(self) -> list[tuple[str, dict[str, Any]]]:
        """Each candidate's backtest, in the models' order (a JSON column on PostgreSQL does
        not keep the order its keys were written in)."""
        return [(model, self.backtest[model]) for model in ForecastModel if model in self.backtest]


class ScheduledTask(models.Model):
    """The next queued run of a recurring background task (the nightly work), so scheduling
    it again finds the one already waiting instead of queuing a second."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    result_id = models.CharField(_("task result"), max_length=64)
    run_after = models.DateTimeField(_("runs after"))

    class Meta:
        verbose_name = _("scheduled task")
        verbose_name_plural = _("scheduled tasks")

    def __str__(self) -> str:
        return f"{self.name} @ {self.run_after:%Y-%m-%d %H:%M}"
