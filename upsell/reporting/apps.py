from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "upsell.reporting"
    verbose_name = _("Client audit and analytics")
