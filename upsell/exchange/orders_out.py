"""``sale`` ``query``: the requests taken in Upsell (on the screen or over the API), given to
1C as CommerceML orders until a ``success`` confirms 1C took them. Requests that came from 1C
or from a file are 1C's own already and are never sent back."""

import datetime as dt
from decimal import Decimal
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from upsell.exchange.commerceml import ORDER_OPERATION, ROOT
from upsell.exchange.models import OrderSent
from upsell.requests.models import OrderRequest, OrderRequestLine, RequestSource

SCHEMA_VERSION = "2.08"
TAKEN_IN_UPSELL = (RequestSource.UI, RequestSource.API)


def requests_to_send() -> QuerySet[OrderRequest]:
    confirmed = OrderSent.objects.filter(request=OuterRef("pk"), confirmed_at__isnull=False)
    return (
        OrderRequest.objects.filter(source__in=TAKEN_IN_UPSELL)
        .exclude(Exists(confirmed))
        .select_related("client")
        .prefetch_related(
            Prefetch("lines", queryset=OrderRequestLine.objects.select_related("product"))
        )
        .order_by("pk")
    )


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _add(parent: Element, tag: str, text: str) -> Element:
    child = SubElement(parent, tag)
    child.text = text
    return child


def _document(parent: Element, request: OrderRequest) -> None:
    document = SubElement(parent, "Документ")
    _add(document, "Ид", f"upsell-{request.pk}")
    _add(document, "Номер", request.number or str(request.pk))
    ordered_on = request.ordered_on or timezone.localdate(request.created_at)
    _add(document, "Дата", ordered_on.isoformat())
    _add(document, "ХозОперация", ORDER_OPERATION)
    _add(document, "Роль", "Продавец")
    _add(document, "Валюта", settings.UPSELL_CURRENCY)
    _add(document, "Курс", "1")
    _add(document, "Сумма", format(request.amount, "f"))
    counterparty = SubElement(SubElement(document, "Контрагенты"), "Контрагент")
    client = request.client
    _add(counterparty, "Ид", f"upsell-client-{client.pk}")
    _add(counterparty, "Наименование", client.name)
    _add(counterparty, "ПолноеНаименование", client.name)
    _add(counterparty, "Роль", "Покупатель")
    if client.tax_id:
        _add(counterparty, "ИНН", client.tax_id)
    _add(document, "Время", timezone.localtime(request.created_at).strftime("%H:%M:%S"))
    if request.description:
        _add(document, "Комментарий", request.description)
    products = SubElement(document, "Товары")
    for line in request.lines.all():
        product = SubElement(products, "Товар")
        code = line.product.sku if line.product else line.product_code
        _add(product, "Ид", code)
        _add(product, "Артикул", code)
        _add(product, "Наименование", line.product.name if line.product else line.product_name)
        unit = _add(product, "БазоваяЕдиница", (line.product.unit if line.product else "") or "шт")
        unit.set("НаименованиеПолное", unit.text or "")
        _add(product, "ЦенаЗаЕдиницу", format(line.price, "f"))
        _add(product, "Количество", _number(line.quantity))
        if line.discount_percent:
            discount = SubElement(SubElement(product, "Скидки"), "Скидка")
            _add(discount, "Наименование", "Скидка")
            _add(discount, "Процент", _number(line.discount_percent))
            _add(discount, "УчтеноВСумме", "true")
        _add(product, "Сумма", format(line.amount, "f"))


def orders_query(*, now: dt.datetime | None = None) -> bytes:
    """The orders 1C has not confirmed yet, in ``UPSELL_EXCHANGE_ENCODING``; each is marked
    sent."""
    now = now or timezone.now()
    root = Element(ROOT)
    root.set("ВерсияСхемы", SCHEMA_VERSION)
    root.set("ДатаФормирования", timezone.localtime(now).strftime("%Y-%m-%dT%H:%M:%S"))
    with transaction.atomic():
        requests = list(requests_to_send())
        for request in requests:
            _document(root, request)
        sent = [OrderSent(request=request, sent_at=now) for request in requests]
        OrderSent.objects.bulk_create(
            sent, update_conflicts=True, unique_fields=["request"], update_fields=["sent_at"]
        )
    return bytes(tostring(root, encoding=settings.UPSELL_EXCHANGE_ENCODING, xml_declaration=True))


def orders_confirm(*, now: dt.datetime | None = None) -> int:
    """``success``: 1C took the orders sent; they are not sent again. How many."""
    return OrderSent.objects.filter(confirmed_at__isnull=True).update(
        confirmed_at=now or timezone.now()
    )
