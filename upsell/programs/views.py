"""The sales programs' screens: the list, the terms form, a program's page with its members and
effect, and the client card's section. Every program and membership is reached through the
access funnel (``upsell.programs.access``): 404 for what the user may not see, 403 for what it
may see but not change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.clients.access import clients_visible_to, get_client_for_user
from upsell.clients.models import Client, ClientStatus
from upsell.core.forms import form_errors_add
from upsell.core.htmx import HtmxHttpRequest
from upsell.programs.access import (
    can_decide_memberships,
    can_design_programs,
    can_propose_membership,
    can_propose_programs,
    can_set_member_terms,
    get_membership_for_user,
    get_program_for_user,
    programs_visible_to,
)
from upsell.programs.exports import program_report_xlsx_response
from upsell.programs.forms import (
    BaseStockFormSet,
    BaseTierFormSet,
    EnrolForm,
    MembershipEndForm,
    ProgramForm,
    ProposeForm,
    SettlementForm,
    stock_formset,
    tier_formset,
    tier_formset_grown,
)
from upsell.programs.models import (
    Membership,
    MembershipGroup,
    MembershipState,
    Program,
    ProgramEffect,
    ProgramKind,
    ProgramState,
)
from upsell.programs.selectors import (
    client_memberships,
    client_programs_open,
    program_eligible_clients,
    program_list,
    program_memberships,
    program_proposable_clients,
    program_stock,
)
from upsell.programs.services.memberships import (
    membership_end,
    membership_propose,
    membership_stock_set,
    memberships_enrol,
)
from upsell.programs.services.settlement import program_bonuses_settle
from upsell.programs.services.terms import (
    program_activate,
    program_close,
    program_create,
    program_update,
)

# The eligible clients a program's page lists, best perspective first: enough for a company's
# base, few enough for one page.
ELIGIBLE_SHOWN = 500


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@require_GET
@login_required
def program_list_page(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    context = {
        "programs": program_list(user=user),
        "can_create": can_propose_programs(user),
        "proposes_only": can_propose_programs(user) and not can_design_programs(user),
    }
    return render(request, "programs/program_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def program_create_page(request: HttpRequest) -> HttpResponse:
    """A new draft: top management's program, or the head of sales' proposal of one."""
    user = authenticated_user(request)
    _require(can_propose_programs(user))
    return _terms_form(request, user, program=None)


@require_http_methods(["GET", "POST"])
@login_required
def program_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    user = authenticated_user(request)
    program = get_program_for_user(user, program_id, design=True)
    return _terms_form(request, user, program=program)


def _terms_form(request: HttpRequest, user: User, *, program: Program | None) -> HttpResponse:
    """The terms form. "A quarter", "A year" and "More tiers" post the form back with the
    period filled or a blank tier row more, and save nothing yet."""
    if "period_quick" in request.POST or "more_tiers" in request.POST:
        typed = ProgramForm(request.POST)
        initial = (
            typed.period_filled(request.POST["period_quick"], today=timezone.localdate())
            if "period_quick" in request.POST
            else {name: typed[name].data for name in typed.fields}
        )
        grown = tier_formset_grown(request.POST)
        return _render_terms(request, program, ProgramForm(initial=initial), grown, [])
    if request.method == "POST":
        form = ProgramForm(request.POST)
        tiers = tier_formset(request.POST)
    elif program is None:
        form = ProgramForm()
        tiers = tier_formset()
    else:
        form = ProgramForm(initial=ProgramForm.initial_from(program))
        tiers = tier_formset(
            tiers=[{"threshold": t.threshold, "rate": t.rate} for t in program.tiers.all()]
        )
    tier_errors: list[str] = []
    if request.method == "POST" and all([form.is_valid(), tiers.is_valid()]):
        try:
            saved = (
                program_create(terms=form.terms(tiers.tiers()), by=user)
                if program is None
                else program_update(program=program, terms=form.terms(tiers.tiers()), by=user)
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                if field == "tiers":
                    tier_errors = problems
                else:
                    form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The program is saved."))
            return redirect("programs:detail", program_id=saved.pk)
    return _render_terms(request, program, form, tiers, tier_errors)


def _render_terms(
    request: HttpRequest,
    program: Program | None,
    form: ProgramForm,
    tiers: BaseTierFormSet,
    tier_errors: list[str],
) -> HttpResponse:
    context = {
        "program": program,
        "form": form,
        "tiers": tiers,
        "tier_errors": tier_errors,
        "proposal": program is None and not can_design_programs(authenticated_user(request)),
    }
    return render(request, "programs/program_form.html", context)


def _program_step(request: HtmxHttpRequest, program: Program) -> HttpResponse:
    """Back to the program's page; a step confirmed through htmx reloads the whole page."""
    target = reverse("programs:detail", kwargs={"program_id": program.pk})
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


@require_POST
@login_required
def program_activate_page(request: HtmxHttpRequest, program_id: int) -> HttpResponse:
    user = authenticated_user(request)
    program = get_program_for_user(user, program_id, design=True)
    try:
        program_activate(program=program, by=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The program is in force."))
    return _program_step(request, program)


@require_POST
@login_required
def program_settle_page(request: HtmxHttpRequest, program_id: int) -> HttpResponse:
    """Top management records the retro-bonus payouts of the program's members."""
    user = authenticated_user(request)
    program = get_program_for_user(user, program_id, design=True)
    form = SettlementForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors.get("paid_on", [])))
        return _program_step(request, program)
    try:
        payouts = program_bonuses_settle(
            program=program, paid_on=form.cleaned_data["paid_on"], by=user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Payouts recorded: %(count)s.") % {"count": payouts})
    return _program_step(request, program)


@require_POST
@login_required
def program_close_page(request: HtmxHttpRequest, program_id: int) -> HttpResponse:
    user = authenticated_user(request)
    program = get_program_for_user(user, program_id, design=True)
    program_close(program=program, by=user)
    messages.success(request, _("The program is closed."))
    return _program_step(request, program)


def _render_detail(
    request: HttpRequest, user: User, program: Program, *, enrol_form: EnrolForm | None = None
) -> HttpResponse:
    memberships = list(program_memberships(program=program, user=user))
    open_for_members = program.state != ProgramState.CLOSED
    decides = can_decide_memberships(user) and open_for_members
    if decides and enrol_form is None:
        enrol_form = EnrolForm(clients=clients_visible_to(user))
    members = [
        m
        for m in memberships
        if m.group == MembershipGroup.MEMBER and m.state != MembershipState.PROPOSED
    ]
    context = {
        "program": program,
        "tiers": program.tiers.all(),
        "statuses": [ClientStatus(status).label for status in program.eligible_statuses],
        "members": members,
        "stock": (
            program_stock(memberships=members)
            if program.kind == ProgramKind.GUARANTEED_STOCK
            else None
        ),
        "can_set_stock": can_set_member_terms(user) and open_for_members,
        "proposals": [m for m in memberships if m.state == MembershipState.PROPOSED],
        "controls": [m for m in memberships if m.group == MembershipGroup.CONTROL],
        "effect": ProgramEffect.objects.filter(program=program).first(),
        "can_design": can_design_programs(user),
        # A retro-bonus is settled once its period is over.
        "can_settle": can_design_programs(user)
        and program.kind == ProgramKind.RETRO_BONUS
        and program.period_end < timezone.localdate(),
        "can_decide": decides,
        "enrol_form": enrol_form if decides else None,
        "eligible": (
            program_eligible_clients(program=program, clients=clients_visible_to(user))[
                :ELIGIBLE_SHOWN
            ]
            if decides
            else []
        ),
        "proposable": (
            program_proposable_clients(program=program, user=user)
            if user.is_manager and open_for_members
            else []
        ),
    }
    return render(request, "programs/program_detail.html", context)


@require_GET
@login_required
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    user = authenticated_user(request)
    return _render_detail(request, user, get_program_for_user(user, program_id))


@require_POST
@login_required
def program_enrol(request: HttpRequest, program_id: int) -> HttpResponse:
    """The head of sales enrols the ticked clients, holding out a control group if asked."""
    user = authenticated_user(request)
    program = get_program_for_user(user, program_id)
    _require(can_decide_memberships(user))
    form = EnrolForm(request.POST, clients=clients_visible_to(user))
    if form.is_valid():
        try:
            enrolment = memberships_enrol(
                program=program,
                client_ids=[client.pk for client in form.cleaned_data["clients"]],
                by=user,
                today=timezone.localdate(),
                control_percent=form.cleaned_data["control_percent"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                _(
                    "Enrolled: %(members)s members, %(controls)s held out as the control group,"
                    " %(already)s in already."
                )
                % {
                    "members": enrolment.members,
                    "controls": enrolment.controls,
                    "already": enrolment.already,
                },
            )
            return redirect("programs:detail", program_id=program.pk)
    return _render_detail(request, user, program, enrol_form=form)


@require_POST
@login_required
def membership_end_page(request: HttpRequest, membership_id: int) -> HttpResponse:
    """The head of sales ends a membership, or declines a proposal, with a reason."""
    user = authenticated_user(request)
    membership = get_membership_for_user(user, membership_id)
    _require(can_decide_memberships(user))
    form = MembershipEndForm(request.POST)
    form.is_valid()
    try:
        membership_end(
            membership=membership,
            by=user,
            reason=form.cleaned_data.get("reason", ""),
            today=timezone.localdate(),
        )
    except ValidationError as error:
        messages.error(
            request,
            _("%(client)s: %(problem)s")
            % {"client": membership.client.name, "problem": " ".join(error.messages)},
        )
    else:
        messages.success(
            request, _("%(client)s is out of the program.") % {"client": membership.client.name}
        )
    return redirect("programs:detail", program_id=membership.program_id)


@require_http_methods(["GET", "POST"])
@login_required
def membership_stock_page(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Top management or the head of sales sets the products kept for a guaranteed-stock
    member and the quantity of each kept every month, in place of the ones it had."""
    user = authenticated_user(request)
    membership = get_membership_for_user(user, membership_id)
    _require(can_set_member_terms(user))
    if (
        membership.program.kind != ProgramKind.GUARANTEED_STOCK
        or membership.group != MembershipGroup.MEMBER
    ):
        raise Http404("No stock is kept for this membership")
    kept = [
        {"sku": commitment.product.sku, "monthly_quantity": commitment.monthly_quantity}
        for commitment in membership.stock_commitments.select_related("product")
    ]
    lines = stock_formset(request.POST if request.method == "POST" else None, lines=kept)
    problems: list[str] = []
    if request.method == "POST" and lines.is_valid():
        try:
            membership_stock_set(membership=membership, lines=lines.lines())
        except ValidationError as error:
            problems = [problem for errors in error.message_dict.values() for problem in errors]
        else:
            messages.success(
                request,
                _("The stock kept for %(client)s is saved.") % {"client": membership.client.name},
            )
            return redirect("programs:detail", program_id=membership.program_id)
    return _render_stock(request, membership, lines, problems)


def _render_stock(
    request: HttpRequest, membership: Membership, lines: BaseStockFormSet, problems: list[str]
) -> HttpResponse:
    context = {"membership": membership, "lines": lines, "problems": problems}
    return render(request, "programs/membership_stock.html", context)


@require_POST
@login_required
def membership_propose_page(request: HtmxHttpRequest, client_id: int) -> HttpResponse:
    """A manager proposes its client for a program (the head of sales may too), from the
    program's page or from the client card's section, which htmx then shows anew."""
    user = authenticated_user(request)
    client = get_client_for_user(user, client_id)
    _require(can_propose_membership(user, client))
    form = ProposeForm(request.POST, programs=programs_visible_to(user))
    if form.is_valid():
        program = form.cleaned_data["program"]
        try:
            membership_propose(program=program, client=client, by=user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            note = _("%(client)s is proposed for %(program)s.") % {
                "client": client.name,
                "program": program.name,
            }
            if request.htmx:
                return _render_section(request, user, client, note=note)
            messages.success(request, note)
            return redirect("programs:detail", program_id=program.pk)
    problems = [str(problem) for errors in form.errors.values() for problem in errors]
    if request.htmx:
        return _render_section(request, user, client, problems=problems)
    messages.error(request, " ".join(problems))
    return redirect("clients:detail", client_id=client.pk)


def _render_section(
    request: HttpRequest,
    user: User,
    client: Client,
    *,
    problems: list[str] | None = None,
    note: str = "",
) -> HttpResponse:
    open_programs = (
        client_programs_open(client=client, user=user, today=timezone.localdate())
        if can_propose_membership(user, client)
        else []
    )
    propose_form = (
        ProposeForm(programs=Program.objects.filter(pk__in=[p.pk for p in open_programs]))
        if open_programs
        else None
    )
    context = {
        "client": client,
        "memberships": client_memberships(client=client, user=user),
        "propose_form": propose_form,
        "problems": problems or [],
        "note": note,
    }
    return render(request, "programs/client_programs.html", context)


@require_GET
@login_required
def client_section(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client card's section: the programs the client is in or proposed for, with each
    one's progress, and the running programs it may be proposed for."""
    user = authenticated_user(request)
    return _render_section(request, user, get_client_for_user(user, client_id))


@require_GET
@login_required
def program_export(request: HttpRequest, program_id: int) -> FileResponse:
    """The program's report as a workbook: its terms and the members the user may see."""
    user = authenticated_user(request)
    program = get_program_for_user(user, program_id)
    return program_report_xlsx_response(
        program=program, memberships=program_memberships(program=program, user=user)
    )
