"""Exact, vectorised simulation of customer summaries from the BG/NBD process.

Used to test that fits recover known parameters and to benchmark fitting at scale.
"""

import numpy as np

from upsell.analytics.btyd.types import BgNbdParams, FloatArray


def bgnbd_simulate(
    *, params: BgNbdParams, age: FloatArray, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Draw (frequency, recency) for customers observed for ``age`` since their first purchase.

    Each customer's latent purchase process is Poisson(λ) with λ ~ Gamma(r, 1/α); after the
    j-th repeat purchase it dies with probability p ~ Beta(a, b), so it survives to make J
    repeat purchases at most, J ~ Geometric(p). Given n latent arrivals in (0, T], the k-th
    arrival time is T times the k-th order statistic of n uniforms, a Beta(k, n - k + 1)
    draw, so x = min(n, J) and t_x follow without simulating the purchases one by one.
    """
    age = np.asarray(age, dtype=np.float64)
    size = age.size
    rate = rng.gamma(shape=params.r, scale=1.0 / params.alpha, size=size)
    dropout = np.maximum(rng.beta(params.a, params.b, size=size), np.finfo(np.float64).tiny)
    arrivals = rng.poisson(rate * age)
    survivable = rng.geometric(dropout)
    frequency = np.minimum(arrivals, survivable)
    repeat = frequency > 0
    recency = np.zeros(size)
    recency[repeat] = age[repeat] * rng.beta(
        frequency[repeat], arrivals[repeat] - frequency[repeat] + 1
    )
    return frequency.astype(np.float64), recency
