from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from upsell.demo import Behaviour, DemoSummary, generate
from upsell.demo.tests.recount import (
    Document,
    History,
    csv_rows,
    documents_read,
    histories_build,
)

DEMO_TODAY = date(2026, 3, 15)
DEMO_CLIENTS = 300


@dataclass(frozen=True)
class Demo:
    """A small demo company generated once, and its files read back."""

    summary: DemoSummary
    today: date
    documents: list[Document]
    histories: dict[str, History]
    behaviour: dict[str, Behaviour]  # by ИНН, from truth.csv
    clients: dict[str, dict[str, str]]  # clients.csv rows by ИНН
    payments: list[dict[str, str]]
    staff: list[dict[str, str]]

    def of(self, *behaviours: Behaviour) -> list[str]:
        """The ИНН of the clients with any of ``behaviours``."""
        return [tax_id for tax_id, kind in self.behaviour.items() if kind in behaviours]


def demo_read(summary: DemoSummary) -> Demo:
    documents = documents_read(summary.files.shipments)
    return Demo(
        summary=summary,
        today=summary.today,
        documents=documents,
        histories=histories_build(documents),
        behaviour={
            row["tax_id"]: Behaviour(row["behaviour"])
            for row in csv_rows(summary.files.truth, encoding="utf-8", delimiter=",")
        },
        clients={
            row["ИНН"]: row
            for row in csv_rows(summary.files.clients, encoding="utf-8-sig", delimiter=";")
        },
        payments=csv_rows(summary.files.payments, encoding="cp1251", delimiter=";"),
        staff=csv_rows(summary.files.staff, encoding="utf-8", delimiter=","),
    )


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(scope="session")
def demo(demo_dir: Path) -> Demo:
    return demo_read(generate(demo_dir, clients=DEMO_CLIENTS, seed=1, today=DEMO_TODAY))
