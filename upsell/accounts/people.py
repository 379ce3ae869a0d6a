"""The administrator's Users page: the people of the company, their roles and teams.

Only the administrator sees it (anyone else gets 404, as for a page that is not there), and
every change goes through the staff services that the staff file uses too, so a role changes
the same way, and under the same rule, from the screen, the file and the API.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upsell.accounts.forms import UserForm
from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.accounts.services import (
    can_change_users,
    staff_member_save,
    user_active_set,
    user_password_set,
)
from upsell.core.forms import form_errors_add


def _administrator(request: HttpRequest) -> User:
    """The signed-in administrator; anyone else finds no such page."""
    user = authenticated_user(request)
    if not can_change_users(user):
        raise Http404("No such page")
    return user


def _person(user_id: int) -> User:
    try:
        return User.objects.get(pk=user_id)
    except User.DoesNotExist:
        raise Http404("No such person") from None


@require_GET
@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    people = (
        User.objects.select_related("team")
        .prefetch_related("team__assistants", "assisted_teams__manager")
        .order_by("-is_active", "full_name", "username")
    )
    return render(request, "accounts/user_list.html", {"people": people})


def _saved(form: UserForm, *, person: User | None, by: User) -> User | None:
    """The person saved as the form states (with the new password, if one is given), or None
    with the refusal on the form; nothing is written when anything is refused."""
    try:
        with transaction.atomic():
            saved, _outcome = staff_member_save(member=form.member(), user=person, by=by)
            password = form.cleaned_data["password"]
            if password:
                user_password_set(user=saved, password=password, by=by)
    except ValidationError as error:
        form_errors_add(form, error)
        return None
    return saved


@require_http_methods(["GET", "POST"])
@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    administrator = _administrator(request)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = _saved(form, person=None, by=administrator)
        if person is not None:
            messages.success(request, _("%(name)s added.") % {"name": person})
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "person": None})


@require_http_methods(["GET", "POST"])
@login_required
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    administrator = _administrator(request)
    person = _person(user_id)
    form = UserForm(request.POST or None, user=person, initial=UserForm.initial_from(person))
    if request.method == "POST" and form.is_valid():
        saved = _saved(form, person=person, by=administrator)
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "person": person})


@require_POST
@login_required
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    """Deactivate a person who left (they no longer log in; their clients and history stay), or
    take them back."""
    administrator = _administrator(request)
    person = _person(user_id)
    active = request.POST.get("active") == "1"
    try:
        user_active_set(user=person, active=active, by=administrator)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if active:
            messages.success(request, _("%(name)s may log in again.") % {"name": person})
        else:
            messages.success(request, _("%(name)s deactivated.") % {"name": person})
    return redirect("accounts:users")
