"""The ``upsell demodata`` command, run as a user runs it: in its own process."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import upsell
from upsell.demo import generate

PROJECT = Path(upsell.__file__).resolve().parent.parent


def _upsell(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT),
        "SECRET_KEY": "demodata-test",
        "UPSELL_DATA_DIR": str(cwd / "var"),
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "upsell", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        check=False,
    )


def test_demodata_writes_the_company_and_says_what_it_wrote(tmp_path):
    out = tmp_path / "company"

    result = _upsell(
        "demodata",
        "--out",
        str(out),
        "--clients",
        "40",
        "--seed",
        "5",
        "--today",
        "2026-03-31",
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    same = generate(tmp_path / "api", clients=40, seed=5, today=date(2026, 3, 31))
    assert result.stdout == (
        f"Demo company (seed 5, 31.03.2023–31.03.2026) written to {out}:\n"
        f"  staff.csv            15 staff\n"
        f"  products.xlsx        386 products\n"
        f"  clients.csv          40 clients\n"
        f"  shipments.csv        {same.documents} shipments, {same.returns} returns, "
        f"{same.lines} lines\n"
        f"  payments.csv         {same.payments} payments\n"
        f"  contacts.csv         {same.contacts} contact persons\n"
        f"  orders.csv           {same.requests} open customer orders, {same.request_lines} lines\n"
        f"  truth.csv            40 client behaviours (not for import)\n"
        f"  programs.json        7 sales programs (upsell programs_load)\n"
        f"  memberships.csv      {same.memberships} members and controls\n"
        f"  programs_truth.json  the planted effect of one program (not for import)\n"
    )
    for path in (
        *same.files.in_import_order(),
        same.files.orders,
        same.files.truth,
        same.files.programs,
        same.files.memberships,
        same.files.programs_truth,
    ):
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name


def test_demodata_refuses_a_history_shorter_than_two_years_and_writes_nothing(tmp_path):
    out = tmp_path / "company"

    result = _upsell("demodata", "--out", str(out), "--years", "1", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr == "CommandError: the demo company needs at least 2 years of history\n"
    assert not out.exists()
