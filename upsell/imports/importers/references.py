"""Finding the clients, managers and products a file names among those stored; adding new ones.

Clients are matched by ИНН, else by exact name; managers by ФИО (User.full_name); products
by SKU. Each lookup takes the distinct names of a file and gives back a frame to join to the
rows: the id found (null when none) and how many stored records matched (more than one is
ambiguous, and the rows naming it are rejected).
"""

import polars as pl
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.accounts.services import managers_create
from upsell.clients.models import Client
from upsell.core.bulk import LOOKUP_CHUNK, ids_reserve, rows_insert, rows_where_in
from upsell.imports.formats.columns import ColumnMap
from upsell.imports.importers.base import Counts, Problems
from upsell.products.models import Product

CANDIDATES = "_candidates"
SHARED_TAX_ID = "_shared_tax_id"
KPP_ADDED = "_kpp_added"


def managers_find(names: pl.Series) -> pl.DataFrame:
    """``manager`` (a ФИО) → ``manager_id`` and the number of users with that ФИО."""
    names = names.drop_nulls().unique()
    users = rows_where_in(
        model=User,
        lookup="full_name",
        values=names.to_list(),
        fields=("full_name", "id"),
        schema={"manager": pl.String, "manager_id": pl.Int64},
    )
    found = users.group_by("manager").agg(
        pl.col("manager_id").min(), pl.len().cast(pl.Int64).alias(CANDIDATES)
    )
    return (
        names.rename("manager")
        .to_frame()
        .join(found, on="manager", how="left")
        .with_columns(pl.col(CANDIDATES).fill_null(0))
    )


def products_find(skus: pl.Series) -> pl.DataFrame:
    """``sku`` → ``product_id``."""
    skus = skus.drop_nulls().unique()
    products = rows_where_in(
        model=Product,
        lookup="sku",
        values=skus.to_list(),
        fields=("sku", "id"),
        schema={"sku": pl.String, "product_id": pl.Int64},
    )
    return skus.rename("sku").to_frame().join(products, on="sku", how="left")


def clients_find(pairs: pl.DataFrame) -> pl.DataFrame:
    """(``client``, ``tax_id``, maybe ``kpp``) → ``client_id``, the number of stored clients that
    matched (CANDIDATES) and whether they share the ИНН (SHARED_TAX_ID: an organisation and its
    branches, one КПП each).

    A pair with an ИНН and a КПП takes the client with both; else the one client of that ИНН
    whose КПП is not known yet (KPP_ADDED: it is given the КПП); else none (a branch not stored
    yet). A pair with an ИНН and no КПП takes the one client with that ИНН, or among an
    organisation and its branches the one of that exact name. A pair whose ИНН no client has
    takes the one client of that name that has no ИНН yet (a client of the same name with
    another ИНН is another company). A pair without an ИНН takes the one client of that name.
    """
    with_kpp = "kpp" in pairs.columns
    pairs = pairs.select(
        "client", "tax_id", "kpp" if with_kpp else pl.lit(None, pl.String).alias("kpp")
    ).unique()
    stored = rows_where_in(
        model=Client,
        lookup="tax_id",
        values=pairs.get_column("tax_id").drop_nulls().unique().to_list(),
        fields=("tax_id", "kpp", "name", "id"),
        schema={"tax_id": pl.String, "kpp": pl.String, "name": pl.String, "id": pl.Int64},
    )
    by_tax_id = stored.group_by("tax_id").agg(
        pl.col("id").min().alias("by_tax_id"), pl.len().cast(pl.Int64).alias("tax_id_count")
    )
    by_kpp = stored.filter(pl.col("kpp") != "").select(
        "tax_id", "kpp", pl.col("id").alias("by_kpp")
    )
    blank_kpp = (
        stored.filter(pl.col("kpp") == "")
        .group_by("tax_id")
        .agg(pl.col("id").min().alias("blank_kpp_id"), pl.len().alias("blank_kpp_count"))
    )
    by_tax_id_and_name = (
        stored.group_by("tax_id", "name")
        .agg(pl.col("id").min().alias("named_id"), pl.len().alias("named_count"))
        .rename({"name": "client"})
    )
    by_name = rows_where_in(
        model=Client,
        lookup="name",
        values=pairs.get_column("client").drop_nulls().unique().to_list(),
        fields=("name", "id", "tax_id"),
        schema={"client": pl.String, "by_name": pl.Int64, "stored_tax_id": pl.String},
    )
    any_name = by_name.group_by("client").agg(
        pl.col("by_name").min().alias("any_id"), pl.len().cast(pl.Int64).alias("any_count")
    )
    blank_name = (
        by_name.filter(pl.col("stored_tax_id") == "")
        .group_by("client")
        .agg(
            pl.col("by_name").min().alias("blank_id"), pl.len().cast(pl.Int64).alias("blank_count")
        )
    )
    joined = (
        pairs.join(by_tax_id, on="tax_id", how="left")
        .join(by_kpp, on=["tax_id", "kpp"], how="left")
        .join(blank_kpp, on="tax_id", how="left")
        .join(by_tax_id_and_name, on=["tax_id", "client"], how="left")
        .join(any_name, on="client", how="left")
        .join(blank_name, on="client", how="left")
    )
    with_tax_id = pl.col("tax_id").is_not_null()
    given_kpp = pl.col("kpp").is_not_null()
    stored_tax_id = pl.col("tax_id_count").is_not_null()
    takes_blank_kpp = (
        given_kpp & pl.col("by_kpp").is_null() & (pl.col("blank_kpp_count") == 1)
    ).fill_null(value=False)
    shared = (~given_kpp & (pl.col("tax_id_count") > 1)).fill_null(value=False)
    found = joined.with_columns(
        pl.when(given_kpp & stored_tax_id)
        .then(pl.coalesce("by_kpp", pl.when(takes_blank_kpp).then(pl.col("blank_kpp_id"))))
        .when(stored_tax_id & (pl.col("tax_id_count") == 1))
        .then(pl.col("by_tax_id"))
        .when(stored_tax_id & (pl.col("named_count") == 1))
        .then(pl.col("named_id"))
        .when(with_tax_id & ~stored_tax_id & (pl.col("blank_count") == 1))
        .then(pl.col("blank_id"))
        .when(~with_tax_id & (pl.col("any_count") == 1))
        .then(pl.col("any_id"))
        .alias("client_id"),
        pl.when(given_kpp & stored_tax_id)
        .then(pl.when(pl.col("by_kpp").is_not_null() | takes_blank_kpp).then(1).otherwise(0))
        .when(stored_tax_id & (pl.col("named_count") == 1))
        .then(1)
        .when(stored_tax_id)
        .then(pl.col("tax_id_count"))
        .when(with_tax_id)
        .then(pl.col("blank_count").fill_null(0))
        .otherwise(pl.col("any_count").fill_null(0))
        .cast(pl.Int64)
        .alias(CANDIDATES),
        takes_blank_kpp.alias(KPP_ADDED),
    ).with_columns((shared & (pl.col(CANDIDATES) > 1)).alias(SHARED_TAX_ID))
    return found.select(
        "client",
        "tax_id",
        *(["kpp"] if with_kpp else []),
        "client_id",
        CANDIDATES,
        SHARED_TAX_ID,
        KPP_ADDED,
    )


def client_ambiguity_message() -> pl.Expr:
    """Why a row naming several stored clients (CANDIDATES, SHARED_TAX_ID) is refused."""
    return (
        pl.when(pl.col(SHARED_TAX_ID))
        .then(
            pl.format(
                _(
                    "{} clients have this ИНН, an organisation and its branches: give the КПП "
                    "or the branch's exact name to tell which"
                ),
                pl.col(CANDIDATES),
            )
        )
        .otherwise(
            pl.format(
                _("{} clients have this name: give the ИНН to tell which"), pl.col(CANDIDATES)
            )
        )
    )


def clients_create(new: pl.DataFrame) -> pl.DataFrame:
    """Insert the clients of ``new`` (``name`` and any of Client's other fields); ``new`` with ids.

    Fields ``new`` lacks take their defaults: no manager, no ИНН, not a partner, no budget.
    """
    new = new.with_columns(ids_reserve(model=Client, count=new.height))
    rows_insert(model=Client, frame=new)
    return new


def products_create(new: pl.DataFrame) -> pl.DataFrame:
    """Insert the products of ``new`` (``sku``, ``name``, maybe ``group`` and ``unit``)."""
    new = new.with_columns(ids_reserve(model=Product, count=new.height))
    rows_insert(model=Product, frame=new)
    return new


def managers_complete(frame: pl.DataFrame, counts: Counts) -> pl.DataFrame:
    """Give every ``manager`` no user matched an account; ``frame`` with all ``manager_id``."""
    named = frame.filter(pl.col("manager").is_not_null())
    missing = named.filter(pl.col("manager_id").is_null()).get_column("manager")
    created = managers_create(full_names=missing.unique(maintain_order=True).to_list())
    counts.add(
        "managers",
        created=len(created),
        unchanged=named.get_column("manager").n_unique() - len(created),
    )
    new_ids = pl.DataFrame(
        {"manager": list(created), "new_manager_id": [user.pk for user in created.values()]},
        schema={"manager": pl.String, "new_manager_id": pl.Int64},
    )
    return (
        frame.join(new_ids, on="manager", how="left", maintain_order="left")
        .with_columns(pl.coalesce("manager_id", "new_manager_id").alias("manager_id"))
        .drop("new_manager_id")
    )


def active_managers_find(names: pl.Series) -> pl.DataFrame:
    """``manager`` (a ФИО) → ``manager_id`` among the active managers, with how many of them
    have that ФИО. Nobody else of that name is taken (an assistant, a manager who has left): a
    client goes to an active manager or the file is refused."""
    names = names.drop_nulls().unique()
    values = names.to_list()
    found = [
        row
        for start in range(0, len(values), LOOKUP_CHUNK)
        for row in User.objects.filter(
            full_name__in=values[start : start + LOOKUP_CHUNK],
            role=Role.MANAGER,
            is_active=True,
        ).values_list("full_name", "id")
    ]
    managers = (
        pl.DataFrame(found, schema={"manager": pl.String, "manager_id": pl.Int64}, orient="row")
        .group_by("manager")
        .agg(pl.col("manager_id").min(), pl.len().cast(pl.Int64).alias(CANDIDATES))
    )
    return (
        names.rename("manager")
        .to_frame()
        .join(managers, on="manager", how="left")
        .with_columns(pl.col(CANDIDATES).fill_null(0))
    )


def clients_resolve(
    frame: pl.DataFrame, *, problems: Problems, field: str, missing: str
) -> pl.DataFrame:
    """``frame`` with each row's ``client_id`` and ``CANDIDATES`` (the stored clients its
    ``client`` and ``tax_id`` matched, by ``clients_find``'s rule). A row naming several clients
    or none is a problem in ``field``; ``missing`` says what to do about an unknown one. A row
    naming no client is left to the caller."""
    named = pl.col("client").is_not_null() | pl.col("tax_id").is_not_null()
    found = clients_find(frame.filter(named).select("client", "tax_id"))
    frame = frame.join(
        found, on=["client", "tax_id"], how="left", nulls_equal=True, maintain_order="left"
    )
    problems.add(
        frame,
        where=pl.col(CANDIDATES) > 1,
        field=field,
        message=client_ambiguity_message(),
    )
    problems.add(frame, where=named & (pl.col(CANDIDATES) == 0), field=field, message=missing)
    return frame.drop(SHARED_TAX_ID, KPP_ADDED)


def client_named_check(frame: pl.DataFrame, *, problems: Problems, columns: ColumnMap) -> None:
    """Every row names its client, by Контрагент or by ИНН: a file without either column is
    refused whole, a row without either value (and no unreadable ИНН) is a problem."""
    has_client, has_tax_id = columns.has("client"), columns.has("tax_id")
    if not has_client and not has_tax_id:
        problems.add_one(
            row=1,
            position=-1,
            column="",
            message=_("the file names no client: give a Контрагент or an ИНН column"),
        )
        return
    problems.add(
        frame,
        where=pl.col("client").is_null()
        & pl.col("tax_id").is_null()
        & pl.col("tax_id__problem").is_null(),
        field="client" if has_client else "tax_id",
        message=_("a value is required: the client's name or its ИНН"),
    )
