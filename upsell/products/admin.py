"""The product catalogue in the Django admin, saved through the catalogue's services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from upsell.accounts.admin import RoleAdmin
from upsell.accounts.models import User
from upsell.products.access import can_change_products, can_view_products
from upsell.products.models import Product
from upsell.products.services import product_create, product_update

PRODUCT_FIELDS = ("sku", "name", "group", "unit")


@admin.register(Product)
class ProductAdmin(RoleAdmin):
    deletable = False  # shipment lines keep their products
    list_display = PRODUCT_FIELDS
    list_filter = ("group",)
    search_fields = ("sku", "name")
    fields = PRODUCT_FIELDS

    def may_change(self, user: User) -> bool:
        return can_change_products(user)

    def may_view(self, user: User) -> bool:
        return can_view_products(user)

    def save_model(self, request: HttpRequest, obj: Product, form: Any, change: bool) -> None:
        values = {field: form.cleaned_data[field] for field in PRODUCT_FIELDS}
        if change:
            stored = Product.objects.get(pk=obj.pk)
            product_update(product=stored, **values)
        else:
            obj.pk = product_create(**values).pk
