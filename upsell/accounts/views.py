"""Logging in and out, changing one's password, and where each role starts."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import Role


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: a manager's is its actions for today, an assistant's the request
    queues, an administrator's the imports, the head of sales' the Monday review, top
    management's the company view; everybody else's is clients."""
    user = authenticated_user(request)
    if user.role == Role.HEAD_OF_SALES:
        return redirect("review:monday")
    if user.role == Role.TOP_MANAGEMENT:
        return redirect("review:company")
    if user.is_admin_role:
        return redirect("imports:list")
    if user.is_manager:
        return redirect("today:list")
    if user.is_assistant:
        return redirect("requests:queues")
    return redirect("clients:list")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response
