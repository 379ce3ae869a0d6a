from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "upsell.deals"
    verbose_name = _("Closing")
