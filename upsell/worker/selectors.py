import datetime as dt

from upsell.worker.models import WorkerHeartbeat
from upsell.worker.services import workers_read


def worker_last_beat(*, now: dt.datetime | None = None) -> dt.datetime | None:
    """The last heartbeat of a task worker that lives, or None when none does."""
    alive = workers_read(now=now).alive
    if not alive:
        return None
    return (
        WorkerHeartbeat.objects.filter(worker_id__in=alive)
        .order_by("-beat_at")
        .values_list("beat_at", flat=True)
        .first()
    )
