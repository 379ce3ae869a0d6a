from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfoliosConfig(AppConfig):
    name = "upsell.portfolios"
    verbose_name = _("Portfolios and workload")
