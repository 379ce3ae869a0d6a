"""Synthetic sales lines with the structure recommendations feed on, for tests and benchmarks.

Items have a skewed popularity (Zipf weights over a shuffled catalogue) and each belongs to one
of ``clusters`` groups; each client belongs to a group too and draws its assortment mostly
from its group's items, the rest from the whole catalogue, both by popularity. Assortments
vary in size (log-normal around ``mean_basket``). A client starts buying each item of its
assortment on a day drawn evenly over the period and buys it again a geometric number of
times after that; a few lines are returned in full later.
"""

import datetime as dt

import numpy as np
import pyarrow as pa

from upsell.analytics.recommend.lines import EPOCH, IntArray, date_to_day


def lines_simulate(
    *,
    clients: int,
    items: int,
    clusters: int,
    start: dt.date,
    end: dt.date,
    seed: int,
    mean_basket: float = 12.0,
    share_in_cluster: float = 0.8,
    zipf: float = 1.0,
    mean_repeats: float = 1.0,
    returns: float = 0.02,
) -> pa.Table:
    """Columns customer, item (integers), date, quantity, amount; one row per line."""
    rng = np.random.default_rng(seed)
    weight = 1.0 / np.arange(1, items + 1) ** zipf
    weight = weight[rng.permutation(items)]
    cluster_of_item = rng.integers(clusters, size=items)
    cluster_of_client = rng.integers(clusters, size=clients)
    price = np.round(rng.lognormal(np.log(500.0), 1.0, size=items), 2)

    size = np.clip(
        np.round(rng.lognormal(np.log(mean_basket), 0.7, size=clients)), 1, max(1, items // 4)
    ).astype(np.int64)
    in_cluster = rng.binomial(size, share_in_cluster)
    draws_client: list[IntArray] = []
    draws_item: list[IntArray] = []
    for cluster in range(clusters):
        own = np.flatnonzero(cluster_of_item == cluster)
        members = np.flatnonzero(cluster_of_client == cluster)
        if own.size == 0 or members.size == 0:
            continue
        counts = in_cluster[members]
        draws_client.append(np.repeat(members, counts))
        draws_item.append(
            rng.choice(own, size=int(counts.sum()), p=weight[own] / weight[own].sum())
        )
    outside = size - in_cluster
    draws_client.append(np.repeat(np.arange(clients), outside))
    draws_item.append(rng.choice(items, size=int(outside.sum()), p=weight / weight.sum()))
    pairs = np.unique(np.concatenate(draws_client) * items + np.concatenate(draws_item))
    client, item = pairs // items, pairs % items

    first_day, last_day = date_to_day(start), date_to_day(end)
    first = rng.integers(first_day, last_day + 1, size=pairs.size)
    repeats = rng.geometric(1.0 / (1.0 + mean_repeats), size=pairs.size) - 1
    line_client = np.repeat(client, repeats + 1)
    line_item = np.repeat(item, repeats + 1)
    line_first = np.repeat(first, repeats + 1)
    day = line_first + (rng.random(line_first.size) * (last_day + 1 - line_first)).astype(np.int64)
    day = np.where(
        np.r_[True, np.diff(np.repeat(np.arange(pairs.size), repeats + 1)) != 0], line_first, day
    )
    quantity = rng.integers(1, 11, size=day.size)
    returned = np.flatnonzero(rng.random(day.size) < returns)
    return_day = np.minimum(day[returned] + 7, last_day)
    line_client = np.r_[line_client, line_client[returned]]
    line_item = np.r_[line_item, line_item[returned]]
    day = np.r_[day, return_day]
    quantity = np.r_[quantity, -quantity[returned]]
    dates = (np.datetime64(EPOCH, "D") + day).astype("datetime64[D]")
    return pa.table(
        {
            "customer": pa.array(line_client, pa.int64()),
            "item": pa.array(line_item, pa.int64()),
            "date": pa.array(dates, pa.date32()),
            "quantity": pa.array(quantity, pa.int64()),
            "amount": pa.array(np.round(quantity * price[line_item], 2), pa.float64()),
        }
    )


def lines_as_text(table: pa.Table) -> pa.Table:
    """The table with every column as text, as a CSV file is read."""
    return pa.table({name: table.column(name).cast(pa.string()) for name in table.column_names})
