"""Products: the catalogue by SKU (Артикул), with name, group and unit.

A product is matched by its SKU; the file updates the fields it has columns for and adds
the products not stored yet.
"""

import polars as pl

from upsell.core.bulk import rows_update, rows_where_in
from upsell.imports.formats.readers import ROW
from upsell.imports.importers.base import Importer, repeats_check
from upsell.imports.importers.references import products_create
from upsell.imports.models import ImportKind
from upsell.products.models import Product

_FIELDS = ("name", "group", "unit")


class ProductsImporter(Importer):
    kind = ImportKind.PRODUCTS
    text_limits = {"sku": 64, "name": 300, "group": 200, "unit": 20}

    def check(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = self.cleaned(frame)
        repeats_check(frame, self.problems, key="sku", field="sku", among=pl.lit(value=True))
        return frame.select(
            ROW,
            "sku",
            *(pl.col(name).fill_null("") for name in _FIELDS if self.columns.has(name)),
        )

    def write(self, frame: pl.DataFrame) -> None:
        present = [name for name in _FIELDS if self.columns.has(name)]
        stored = rows_where_in(
            model=Product,
            lookup="sku",
            values=frame.get_column("sku").to_list(),
            fields=("sku", "id", *present),
            schema={"sku": pl.String, "id": pl.Int64}
            | {f"stored_{name}": pl.String for name in present},
        )
        frame = frame.join(stored, on="sku", how="left", maintain_order="left")
        known = frame.filter(pl.col("id").is_not_null())
        changed = known.filter(
            pl.any_horizontal(pl.col(name) != pl.col(f"stored_{name}") for name in present)
            if present
            else pl.lit(value=False)
        )
        rows_update(model=Product, frame=changed.select("id", *present))
        new = frame.filter(pl.col("id").is_null()).select("sku", *present)
        products_create(new)
        self.context.progress(frame.height, frame.height)
        self.counts.add(
            "products",
            created=new.height,
            updated=changed.height,
            unchanged=known.height - changed.height,
        )
