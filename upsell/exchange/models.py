from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeSession(models.Model):
    """One exchange 1C opened with ``checkauth``: the cookie it sends back on every later call,
    and the folder its files are kept in until the next ``init``."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("exchange user"),
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange session")
        verbose_name_plural = _("exchange sessions")

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"


class ExchangeStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ExchangeImport(models.Model):
    """One file 1C asked to import (``mode=import``), imported by the task worker while 1C
    keeps asking; a failed one says why, as 1C's log shows it."""

    session = models.ForeignKey(
        ExchangeSession, on_delete=models.CASCADE, related_name="imports", verbose_name=_("session")
    )
    file_name = models.CharField(_("file"), max_length=255)
    status = models.CharField(
        _("status"), max_length=20, choices=ExchangeStatus.choices, default=ExchangeStatus.QUEUED
    )
    reason = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("exchange import")
        verbose_name_plural = _("exchange imports")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "file_name"], name="exchange_import_session_file_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ExchangeStatus.values),
                name="exchange_import_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class OrderSent(models.Model):
    """A request taken in Upsell given to 1C as an order: sent by ``mode=query``, confirmed by
    the ``mode=success`` that follows it. A confirmed request is not sent again."""

    request = models.OneToOneField(
        "order_requests.OrderRequest",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("request"),
    )
    sent_at = models.DateTimeField(_("sent"))
    confirmed_at = models.DateTimeField(_("confirmed by 1C"), null=True, blank=True)

    class Meta:
        verbose_name = _("order sent to 1C")
        verbose_name_plural = _("orders sent to 1C")

    def __str__(self) -> str:
        return str(self.request_id)
