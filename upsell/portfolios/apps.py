from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfoliosConfig(AppConfig):
    name = "upsell.portfolios"
    verbose_name = _("Portfolios and workload")

    def ready(self) -> None:
        from upsell.notifications.wordings import notification_kind_register
        from upsell.portfolios.services.handover import BACK, GIVEN, back_wording, given_wording

        notification_kind_register(GIVEN, given_wording)
        notification_kind_register(BACK, back_wording)
