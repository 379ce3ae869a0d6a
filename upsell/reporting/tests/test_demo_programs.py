"""The demo company's sales programs, loaded and joined as a company would, and the effect the
generator planted in one of them found again by the nightly measure.

The demo comes in through the real import, its programs through ``upsell programs_load``, the
audit gives the clients their statuses, and the memberships file comes in through the real
import too; then the planted program is measured against its control group as of the demo's
today, and the uplift the generator recorded in programs_truth.json must lie in the interval.
"""

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from upsell.demo.company import generate
from upsell.demo.programs import PLANTED_UPLIFT
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path, import_paths
from upsell.programs.models import (
    EffectMethod,
    MembershipGroup,
    MembershipState,
    Program,
    ProgramKind,
    ProgramState,
    StockCommitment,
    StockMonth,
)
from upsell.reporting.models import RunStatus
from upsell.reporting.programs import program_effect_measure, programs_progress_measure
from upsell.reporting.services import audit_run_create, audit_run_execute

TODAY = dt.date(2026, 6, 30)


@pytest.mark.django_db(transaction=True)
def test_the_planted_uplift_of_a_demo_program_is_found_within_its_interval(tmp_path):
    # Given the demo company, its programs and their members, brought in as a company would
    demo = generate(tmp_path, clients=1000, seed=7, today=TODAY)
    outcomes = import_paths(paths=list(demo.files.in_import_order()))
    assert [outcome.run.status for _, outcome in outcomes] == [ImportStatus.SUCCEEDED] * 6
    call_command("programs_load", str(demo.files.programs), stdout=StringIO())
    again = StringIO()
    call_command("programs_load", str(demo.files.programs), stdout=again)
    audit = audit_run_execute(
        run=audit_run_create(as_of=TODAY, engine="duckdb", started_by=None, enqueue=False)
    )
    assert audit.status == RunStatus.SUCCEEDED
    memberships = import_path(path=demo.files.memberships)
    assert (memberships.status, memberships.errors) == (ImportStatus.SUCCEEDED, [])
    truth = json.loads(demo.files.programs_truth.read_text(encoding="utf-8"))

    # When the planted program is measured as of the demo's today
    planted = Program.objects.get(name=truth["program"])
    assert program_effect_measure(program=planted, as_of=TODAY) is True

    # Then the uplift planted lies within the interval, and the interval excludes zero
    effect = planted.effect
    uplift = Decimal(truth["uplift_per_member_month"])
    print(
        f"\nplanted {PLANTED_UPLIFT:.0%}: {uplift} a member a month; measured {effect.uplift} "
        f"in [{effect.low}, {effect.high}]"
    )
    assert (effect.method, effect.members, effect.controls, effect.months) == (
        EffectMethod.RANDOM, truth["members"], truth["controls"], len(truth["months"]),
    )  # fmt: skip
    assert (truth["members"], truth["controls"], len(truth["months"])) == (150, 150, 6)
    assert effect.low < uplift < effect.high
    assert effect.low > 0
    assert effect.too_little_data is False
    # And every kind of program is in force with members, loaded once however often it is loaded
    programs = Program.objects.all()
    assert sorted(programs.values_list("kind", "state")) == sorted(
        (kind, ProgramState.ACTIVE) for kind in ProgramKind.values
    )
    for program in programs:
        assert program.memberships.filter(
            group=MembershipGroup.MEMBER, state=MembershipState.ACTIVE
        ).exists(), program.name
    assert again.getvalue().splitlines() == [
        f"{program['name']}: left as it is"
        for program in json.loads(demo.files.programs.read_text(encoding="utf-8"))
    ]

    # And each guaranteed-stock member keeps two or three products; over the program's months
    # the night finds most members taking about what is kept, and some taking less
    stock = Program.objects.get(kind=ProgramKind.GUARANTEED_STOCK)
    members = stock.memberships.filter(group=MembershipGroup.MEMBER)
    kept = Counter(
        StockCommitment.objects.filter(membership__in=members).values_list(
            "membership_id", flat=True
        )
    )
    assert set(kept.values()) == {2, 3}
    assert set(kept) == set(members.values_list("pk", flat=True))
    programs_progress_measure(as_of=TODAY)
    taken: dict[int, list[Decimal]] = {}
    for membership_id, committed, consumed in StockMonth.objects.filter(
        membership__program=stock
    ).values_list("membership_id", "committed", "consumed"):
        taken.setdefault(membership_id, [Decimal(0), Decimal(0)])
        taken[membership_id][0] += consumed
        taken[membership_id][1] += committed
    shares = [consumed / committed for consumed, committed in taken.values()]
    print(f"taken of kept: {sorted(round(share, 2) for share in shares)}")
    about = sum(Decimal("0.85") <= share <= Decimal("1.1") for share in shares)
    less = sum(share < Decimal("0.8") for share in shares)
    assert len(shares) == len(kept)
    assert about > less > 0
