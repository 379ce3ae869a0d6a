"""A worker loads the site's URLconf before it registers or claims any task."""

import pytest
from django.urls import clear_url_caches

from upsell.worker.management.commands.db_worker import Command
from upsell.worker.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_a_worker_whose_urlconf_does_not_load_stops_before_it_takes_any_work(settings):
    settings.ROOT_URLCONF = "upsell.worker.tests.no_such_urls"
    clear_url_caches()
    with pytest.raises(ModuleNotFoundError, match=r"upsell\.worker\.tests\.no_such_urls"):
        Command().handle(worker_id="broken")
    assert not WorkerHeartbeat.objects.exists()
