from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from upsell.notifications.wordings import notification_wording


class Notification(models.Model):
    """A message to one user inside the application (a copy also goes by e-mail).

    Its app sits below every app that tells people something (requests, forecasts,
    portfolios), so each of them reaches it and none reaches into another to send one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    # What happened, as facts: the sending app's kind and the figures its wording needs. The
    # sentence is written when it is read, in the reader's language (see ``wordings``).
    kind = models.CharField(_("kind"), max_length=60, blank=True)
    params = models.JSONField(_("figures"), default=dict, blank=True)
    # The sentence in the company's language, for the e-mail and for a kind no app words.
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notifications_unread_idx")]

    def __str__(self) -> str:
        return self.text

    @property
    def wording(self) -> str:
        """The sentence in the active language: the reader's."""
        return notification_wording(self.kind, self.params) or self.text
