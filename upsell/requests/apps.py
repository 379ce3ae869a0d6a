from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "upsell.requests"
    label = "order_requests"
    verbose_name = _("Order requests")
