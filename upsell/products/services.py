"""Use-cases that change the product catalogue."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from upsell.products.models import Product


def _validate(*, sku: str, name: str, product: Product | None) -> None:
    errors: dict[str, str] = {}
    if not sku.strip():
        errors["sku"] = _("A product needs a SKU.")
    else:
        taken = Product.objects.filter(sku=sku)
        if product is not None:
            taken = taken.exclude(pk=product.pk)
        if taken.exists():
            errors["sku"] = _("Another product has SKU %(sku)s.") % {"sku": sku}
    if not name.strip():
        errors["name"] = _("A product needs a name.")
    if errors:
        raise ValidationError(errors)


def product_create(*, sku: str, name: str, group: str = "", unit: str = "") -> Product:
    _validate(sku=sku, name=name, product=None)
    return Product.objects.create(sku=sku, name=name, group=group, unit=unit)


def product_update(*, product: Product, sku: str, name: str, group: str, unit: str) -> Product:
    _validate(sku=sku, name=name, product=product)
    new_values = {"sku": sku, "name": name, "group": group, "unit": unit}
    changed = [field for field, value in new_values.items() if getattr(product, field) != value]
    for field in changed:
        setattr(product, field, new_values[field])
    if changed:
        product.save(update_fields=changed)
    return product
