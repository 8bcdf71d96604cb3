"""How the benches time things side by side."""

import statistics
import time


def side_by_side(runs=5, **fns):
    """Median seconds of each function, runs interleaved (a, b, c, a, b, c …) after a warm-up, so that the
    shared machine's changing load weighs on all of them alike."""
    for fn in fns.values():
        fn()  # warm-up
    times = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}
