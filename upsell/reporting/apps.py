from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "upsell.reporting"
    verbose_name = _("Client audit and analytics")

    def ready(self) -> None:
        from upsell.reporting.nightly import nightly_health
        from upsell.reporting.recovery import reporting_runs_abandoned_settle
        from upsell.worker.health import health_check_register
        from upsell.worker.services import run_sweeper_register

        run_sweeper_register(reporting_runs_abandoned_settle)
        health_check_register("nightly", nightly_health)
