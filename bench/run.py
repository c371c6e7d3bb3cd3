"""Benchmarks: lagropt side by side with a baseline, in one run.

    python bench/run.py                 # every benchmark
    python bench/run.py solve-lecture   # only the named ones

Each line printed is one JSON object,
``{"bench": NAME, "case": ..., "ours_s": ..., "baseline": "...", "baseline_s": ..., "ratio": ...}``,
with ``ratio = ours_s / baseline_s`` (below 1: lagropt is faster). Times are medians of several
repeats measured in the same process, alternating ours and the baseline, because the machine is
shared and absolute times drift. A baseline that fails or times out reports ``baseline_s: null``
and says why in ``baseline_result``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sympy as sp  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402

BENCHES = {}


def bench(name):
    def register(fn):
        BENCHES[name] = fn
        return fn
    return register


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - started, out


def emit(record: dict) -> None:
    ours, base = record.get("ours_s"), record.get("baseline_s")
    record["ratio"] = (ours / base) if (ours is not None and base) else None
    print(json.dumps(record), flush=True)


# -- solve-lecture ------------------------------------------------------------------------------

def _raw_sympy_solve(problem):
    """The toy approach: hand the N + K equations to sympy.solve as they stand."""
    eqs = [e.lhs - e.rhs for e in problem.equations]
    return sp.solve(eqs, [*problem.variables, *problem.multipliers], dict=True)


@bench("solve-lecture")
def solve_lecture(repeats: int = 5, baseline_timeout: float = 20.0):
    """lagropt's exact solve of each lecture example vs raw sympy.solve on the same system."""
    from lagropt.solve.timeout import TimeLimit, call_with_timeout
    from lagropt.tour import lecture_examples

    for ex in lecture_examples():
        ours, theirs, result = [], [], "ok"
        for _ in range(repeats):
            clear_cache()
            t, sol = timed(ex.problem.solve, timeout=30)
            ours.append(t)
            if result == "ok":
                clear_cache()
                started = time.perf_counter()
                try:
                    call_with_timeout(_raw_sympy_solve, ex.problem, timeout=baseline_timeout)
                    theirs.append(time.perf_counter() - started)
                except TimeLimit:
                    result = f"timeout after {baseline_timeout:g} s"
                except Exception as exc:  # noqa: BLE001 - the baseline's failure is the result
                    result = f"failed: {type(exc).__name__}"
        emit({"bench": "solve-lecture", "case": ex.name, "ours_s": statistics.median(ours),
              "ours_status": sol.status, "baseline": "sympy.solve(raw N+K system)",
              "baseline_s": statistics.median(theirs) if result == "ok" and theirs else None,
              "baseline_result": result})


# -- maxent-1e6 ------------------------------------------------------------------------------

def _brentq_beta(levels, mean, bracket):
    """The baseline: scipy.optimize.brentq on the moment equation sum e w / sum w = mean,
    w = e^{-beta (e - e_ref)} (shifted to the ground or top level so nothing overflows)."""
    import numpy as np
    from scipy.optimize import brentq

    low, high = levels.min(), levels.max()

    def moment_equation(beta):
        w = np.exp(-beta * (levels - (low if beta > 0 else high)))
        return (w * levels).sum() / w.sum() - mean

    return brentq(moment_equation, -bracket, bracket)


def _mean_at(levels, beta):
    """The mean energy at beta, computed independently of both solvers (pairwise sums)."""
    import numpy as np

    w = np.exp(-beta * (levels - (levels.min() if beta > 0 else levels.max())))
    return float((w * levels).sum() / w.sum())


def _peak_bytes(fn, *args, **kwargs):
    import tracemalloc

    tracemalloc.start()
    try:
        fn(*args, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@bench("maxent-1e6")
def maxent_1e6(repeats: int = 7, n: int = 10 ** 6):
    """beta for a given mean over 10^6 random levels: lagropt.statmech.maxent (Newton/Halley on
    the convex dual) vs scipy.optimize.brentq on the same moment equation (vectorized NumPy).
    The baseline's bracket is +-1000 / (max - min), wide enough for every case."""
    import numpy as np

    from lagropt.statmech import maxent

    rng = np.random.default_rng(20240605)
    cases = [("uniform[0,1), mean 0.3", rng.random(n), 0.3),
             ("uniform[0,1), mean 0.5001", rng.random(n), 0.5001),
             ("exponential(1), mean 0.2", rng.exponential(1.0, n), 0.2),
             ("normal(0,1), mean 2.5", rng.normal(0.0, 1.0, n), 2.5),
             ("uniform[0,1000), mean 999", 1000 * rng.random(n), 999.0)]
    for name, levels, mean in cases:
        bracket = 1000 / (levels.max() - levels.min())
        ours, theirs = [], []
        for _ in range(repeats):
            t, res = timed(maxent, levels, mean=mean)
            ours.append(t)
            t, beta_brentq = timed(_brentq_beta, levels, mean, bracket)
            theirs.append(t)
        array = levels.nbytes
        emit({"bench": "maxent-1e6", "case": name, "n": n, "ours_s": statistics.median(ours),
              "ours_nit": res.nit, "ours_beta": res.beta,
              "ours_rel_err_mean": abs(_mean_at(levels, res.beta) - mean) / abs(mean),
              "ours_peak_arrays": _peak_bytes(maxent, levels, mean=mean) / array,
              "baseline": "scipy.optimize.brentq(vectorized moment equation)",
              "baseline_s": statistics.median(theirs), "baseline_beta": beta_brentq,
              "baseline_rel_err_mean": abs(_mean_at(levels, beta_brentq) - mean) / abs(mean),
              "baseline_peak_arrays": _peak_bytes(_brentq_beta, levels, mean, bracket) / array})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all: {', '.join(BENCHES)})")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHES)}")
    for name in args.names or BENCHES:
        BENCHES[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
