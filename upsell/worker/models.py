from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A task worker process that has lived: where it runs and the last time it said so.

    The worker writes its row when it starts and refreshes ``beat_at`` every
    ``UPSELL_WORKER_HEARTBEAT_SECONDS`` while it lives; the sweep reads the rows to tell the
    work of a worker that stopped (killed, out of memory, its machine gone) from work in hand.
    """

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-beat_at"]
        indexes = [models.Index(fields=["host", "pid"], name="worker_heartbeat_process")]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
