from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "upsell.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from upsell.core import lookups  # noqa: F401 - registers ``__any_of``
        from upsell.core.sqlite import sqlite_unicode_lower

        connection_created.connect(sqlite_unicode_lower, dispatch_uid="upsell_sqlite_lower")
