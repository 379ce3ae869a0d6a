"""The demo company's open orders come in as `make demo` brings them: after the history and
the audit, so every client has the status that decides who takes its request."""

import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from upsell.clients.models import Client
from upsell.clients.motivation import motivated_q
from upsell.demo import generate
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path, import_paths
from upsell.reporting.models import RunStatus
from upsell.reporting.services import audit_run_create, audit_run_execute
from upsell.requests.models import OrderRequest, OrderRequestLine, RequestSource

TODAY = dt.date(2026, 6, 30)


@pytest.mark.django_db(transaction=True)
def test_the_demo_orders_become_requests_routed_every_way_and_once_only(tmp_path: Path) -> None:
    # Given a small demo company imported and audited
    demo = generate(tmp_path, clients=300, seed=7, today=TODAY)
    outcomes = import_paths(paths=list(demo.files.in_import_order()))
    assert [outcome.run.status for _, outcome in outcomes] == [ImportStatus.SUCCEEDED] * 6
    audit = audit_run_execute(
        run=audit_run_create(as_of=TODAY, engine="duckdb", started_by=None, enqueue=False)
    )
    assert audit.status == RunStatus.SUCCEEDED
    # and, after it, managers keep the motivated clients, assistants the spontaneous ones
    motivated = Client.objects.filter(motivated_q())
    spontaneous = Client.objects.exclude(pk__in=motivated.values("pk"))
    assert motivated.exists()
    assert spontaneous.exists()
    assert not motivated.filter(assistant__isnull=False).exists()
    assert not spontaneous.filter(assistant__isnull=True).exists()

    # When its open orders are imported, twice
    first = import_path(path=demo.files.orders)
    call_command("import", str(demo.files.orders), stdout=io.StringIO(), stderr=io.StringIO())

    # Then each order is one request from the file, routed by every kind of rule
    assert (first.status, first.counts["requests"]["created"]) == (
        ImportStatus.SUCCEEDED,
        demo.requests,
    )
    assert (OrderRequest.objects.count(), OrderRequestLine.objects.count()) == (
        demo.requests,
        demo.request_lines,
    )
    assert set(OrderRequest.objects.values_list("source", flat=True)) == {RequestSource.FILE}
    rules = Counter(OrderRequest.objects.values_list("routed_by_rule", flat=True))
    # Every manager has an assistant: every simple order of a spontaneous client goes to one.
    assert rules == {
        "motivated": 10, "spontaneous": 11, "lines": 2, "amount": 2,
        "discount": 2, "payment_delay": 2, "overdue_debt": 1,
    }  # fmt: skip
    assert all(request.routing_reason for request in OrderRequest.objects.all())
