"""The address 1C's «Обмен с сайтом» calls: ``?type=catalog|sale&mode=…``. Every answer is
plain text as 1C reads it (``success``, ``progress`` or ``failure`` and its lines), except the
orders ``query`` gives, which are CommerceML."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from upsell.core.uploads import file_max_bytes
from upsell.exchange.access import COOKIE, exchange_session_of, exchange_user_authenticate
from upsell.exchange.orders_out import orders_confirm, orders_query
from upsell.exchange.services import (
    ExchangeFailed,
    Reply,
    exchange_documents_import,
    exchange_file_add,
    exchange_files_clear,
    exchange_import_ask,
    exchange_session_start,
    failure,
    success,
)

TYPES = ("catalog", "sale")
TEXT = "text/plain; charset=utf-8"


def _reply(reply: Reply, status: int = 200) -> HttpResponse:
    return HttpResponse(reply.text(), content_type=TEXT, status=status)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def exchange_1c(request: HttpRequest) -> HttpResponse:
    kind, mode = request.GET.get("type", ""), request.GET.get("mode", "")
    if mode == "checkauth":
        user = exchange_user_authenticate(request)
        if user is None:
            return _reply(failure(_("wrong exchange user name or password")), status=403)
        started = exchange_session_start(user=user)
        return _reply(success(COOKIE, started.token))
    session = exchange_session_of(request)
    if session is None:
        return _reply(failure(_("no exchange session: start with mode=checkauth")), status=403)
    if kind not in TYPES:
        return _reply(
            failure(_("type={type}: the exchange speaks catalog and sale").format(type=kind)),
            status=400,
        )
    filename = request.GET.get("filename", "")
    try:
        match mode:
            case "init":
                exchange_files_clear(session=session)
                limit = min(file_max_bytes(), settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
                return _reply(Reply("zip=yes", (f"file_limit={limit}",)))
            case "file":
                if request.method != "POST":
                    return _reply(failure(_("mode=file sends the file as a POST body")), 405)
                exchange_file_add(session=session, file_name=filename, part=request.body)
                if kind == "sale":
                    return _reply(exchange_documents_import(session=session, file_name=filename))
                return _reply(success())
            case "import" if kind == "catalog":
                return _reply(exchange_import_ask(session=session, file_name=filename))
            case "query" if kind == "sale":
                return HttpResponse(
                    orders_query(),
                    content_type=f"application/xml; charset={settings.UPSELL_EXCHANGE_ENCODING}",
                )
            case "success" if kind == "sale":
                orders_confirm()
                return _reply(success())
    except ExchangeFailed as failed:
        return _reply(failure(str(failed)))
    return _reply(
        failure(_("mode={mode}: not a mode of the {type} exchange").format(mode=mode, type=kind)),
        status=400,
    )
