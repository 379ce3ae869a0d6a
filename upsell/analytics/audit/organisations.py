"""An organisation audited as one buyer: before the audit each branch's documents are put
under its head organisation, and after it the head's results are copied to each branch.

Both engines take the pooled tables, so they give the same answers per organisation as per
client. A branch's own attributes (partner, budget) give way to its head organisation's.
"""

import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.contracts import BRANCHES_SCHEMA, table_conform


def branches_pool(*, table: pa.Table, branches: pa.Table) -> pa.Table:
    """``table`` (orders, payments…) with each branch's ``client_id`` replaced by its head
    organisation's; the rows of any other client as they are."""
    branches = table_conform(table=branches, schema=BRANCHES_SCHEMA, name="branches")
    client_ids = table.column("client_id")
    heads = pc.take(
        branches.column("head_id"),
        pc.index_in(client_ids, value_set=branches.column("client_id")),
    )
    index = table.schema.get_field_index("client_id")
    return table.set_column(index, table.schema.field(index), pc.coalesce(heads, client_ids))


def branches_drop(*, clients: pa.Table, branches: pa.Table) -> pa.Table:
    """The clients that are not branches: the buyers the audit reads per organisation."""
    branches = table_conform(table=branches, schema=BRANCHES_SCHEMA, name="branches")
    return clients.filter(
        pc.invert(pc.is_in(clients.column("client_id"), value_set=branches.column("client_id")))
    )


def branches_spread(*, table: pa.Table, branches: pa.Table, sort_keys: tuple[str, ...]) -> pa.Table:
    """``table`` (one or more result rows per client) with each head organisation's rows
    copied to each of its branches, sorted by ``sort_keys``."""
    branches = table_conform(table=branches, schema=BRANCHES_SCHEMA, name="branches")
    by_head = table.rename_columns(
        ["head_id" if name == "client_id" else name for name in table.column_names]
    )
    copies = branches.join(by_head, keys="head_id", join_type="inner")
    copies = copies.select(table.column_names).cast(table.schema)
    return pa.concat_tables([table, copies]).sort_by([(key, "ascending") for key in sort_keys])
