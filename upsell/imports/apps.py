from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "upsell.imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        from upsell.imports.recovery import import_runs_abandoned_settle
        from upsell.worker.services import run_sweeper_register

        run_sweeper_register(import_runs_abandoned_settle)
