"""``make bench``: every benchmark at the size its goal names, one process each.

Each benchmark prints its own figures as a ratio against a named peer measured in the same
run. ``python -m benchmarks NAME...`` runs only the named ones (import, audit, btyd,
recommend, …).
"""

import os
import subprocess
import sys
import time
from importlib.util import find_spec

BENCHMARKS: dict[str, tuple[str, ...]] = {
    "import": ("--lines", "1000000"),
    "exchange": (),
    "client_list": (),
    "audit_overview": (),
    "audit": (),
    "programs": (),
    "board": (),
    "btyd": (),
    "cdnow": (),
    "forecast": (),
    "effect": (),
    "recommend": (),
    "offers": (),
    "today": (),
    "workload": (),
    "review": (),
    "load": (),
}

# Both peers of the BTYD fit use the same BLAS; one thread each keeps L-BFGS-B from waking a
# thread pool on every small step, which on a busy two-core machine costs more than the work.
ENVIRONMENT = {
    "btyd": {"OPENBLAS_NUM_THREADS": "1"},
    "cdnow": {"OPENBLAS_NUM_THREADS": "1"},
}


def main() -> int:
    chosen = sys.argv[1:] or list(BENCHMARKS)
    failed = []
    for name in chosen:
        module = f"benchmarks.bench_{name}"
        if find_spec(module) is None:
            print(f"== {name}: no such benchmark", flush=True)
            failed.append(name)
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603 - our own modules, fixed arguments
            [sys.executable, "-m", module, *BENCHMARKS.get(name, ())],
            env={**os.environ, **ENVIRONMENT.get(name, {})},
            check=False,
        )
        print(f"== {name}: {time.perf_counter() - started:.0f} s", flush=True)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
