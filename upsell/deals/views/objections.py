"""Objections on a deal's page, and the library of answers with each answer's record.

Whoever works a deal logs its objections and sets their outcomes; everyone who sees deals reads
the library; the head of sales alone curates it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from upsell.accounts.http import authenticated_user
from upsell.core.forms import form_errors_add
from upsell.deals.access import (
    can_keep_closing_lists,
    can_work_deal,
    deals_visible_to,
    get_deal_for_user,
)
from upsell.deals.forms.objections import (
    AnswerChangeForm,
    AnswerForm,
    ObjectionForm,
    OutcomeForm,
)
from upsell.deals.models import Objection, ObjectionAnswer
from upsell.deals.selectors.objections import answer_library
from upsell.deals.services.objections import (
    answer_add,
    answer_change,
    objection_log,
    objection_outcome_set,
)
from upsell.deals.views.board import deal_page_render, sees_board


@require_POST
@login_required
def objection_log_page(request: HttpRequest, deal_id: int) -> HttpResponse:
    user = authenticated_user(request)
    deal = get_deal_for_user(user, deal_id, work=True)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            objection_log(
                deal=deal,
                category=form.cleaned_data["category"],
                client_words=form.cleaned_data["client_words"],
                answer=form.cleaned_data["answer"],
                answer_given=form.cleaned_data["answer_given"],
                outcome=form.cleaned_data["outcome"],
                by=user,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("The objection is logged."))
            return redirect("deals:detail", deal_id=deal.pk)
    return deal_page_render(request, user, deal, objection_form=form)


@require_POST
@login_required
def objection_outcome_page(request: HttpRequest, objection_id: int) -> HttpResponse:
    user = authenticated_user(request)
    try:
        objection = (
            Objection.objects.filter(deal__in=deals_visible_to(user))
            .select_related("deal")
            .get(pk=objection_id)
        )
    except Objection.DoesNotExist:
        raise Http404("No such objection") from None
    if not can_work_deal(user, objection.deal):
        raise PermissionDenied
    form = OutcomeForm(request.POST)
    if form.is_valid():
        objection_outcome_set(objection=objection, outcome=form.cleaned_data["outcome"])
        messages.success(request, _("The outcome is saved."))
    else:
        messages.error(request, _("Choose an outcome."))
    return redirect("deals:detail", deal_id=objection.deal_id)


@require_http_methods(["GET", "POST"])
@login_required
def answer_library_page(request: HttpRequest) -> HttpResponse:
    """The library by category: every answer with how often it was used, overcame the
    objection and was used on a deal won; the head of sales adds answers here."""
    user = authenticated_user(request)
    if not sees_board(user):
        raise PermissionDenied
    curates = can_keep_closing_lists(user)
    if request.method == "POST" and not curates:
        raise PermissionDenied
    form = AnswerForm(request.POST or None) if curates else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            answer_add(
                category=form.cleaned_data["category"], text=form.cleaned_data["text"], by=user
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("The answer is in the library."))
            return redirect("deals:answers")
    context = {
        "library": answer_library(deals=deals_visible_to(user)),
        "form": form,
        "curates": curates,
    }
    return render(request, "deals/objections/library.html", context)


@require_POST
@login_required
def answer_change_page(request: HttpRequest, answer_id: int) -> HttpResponse:
    """Reword an answer, retire it or bring it back (the head of sales)."""
    user = authenticated_user(request)
    if not can_keep_closing_lists(user):
        raise PermissionDenied
    answer = ObjectionAnswer.objects.filter(pk=answer_id).first()
    if answer is None:
        raise Http404("No such answer")
    form = AnswerChangeForm(request.POST)
    if form.is_valid():
        try:
            answer_change(
                answer=answer,
                text=form.cleaned_data["text"] or None,
                active=form.cleaned_data["active"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The library is saved."))
    return redirect("deals:answers")
