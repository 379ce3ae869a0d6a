from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "upsell.requests"
    label = "order_requests"
    verbose_name = _("Order requests")

    def ready(self) -> None:
        from upsell.core.context_processors import menu_count_register
        from upsell.notifications.wordings import notification_kind_register
        from upsell.requests.selectors import waiting_for
        from upsell.requests.services import ASSIGNED, assigned_wording

        menu_count_register("requests:queues", waiting_for)
        notification_kind_register(ASSIGNED, assigned_wording)
