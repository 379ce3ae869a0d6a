"""What the page benchmarks share: each action's median time, their runs interleaved."""

import statistics
import time
from collections.abc import Callable


def median_seconds(actions: list[Callable[[], object]], *, runs: int) -> list[float]:
    """The median time of each action, their runs interleaved so that all see the same load."""
    timings: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, times in zip(actions, timings, strict=True):
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
    return [statistics.median(times) for times in timings]
