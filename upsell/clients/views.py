from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from upsell.accounts.http import authenticated_user
from upsell.clients.selectors import client_list as select_client_list


@require_GET
@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    clients = select_client_list(user=authenticated_user(request))
    page = Paginator(clients, 50).get_page(request.GET.get("page"))
    return render(request, "clients/client_list.html", {"page": page})
