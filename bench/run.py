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


# -- solve-textbook ---------------------------------------------------------------------------

def _textbook_cases():
    """The textbook problems of tests/test_textbook.py (one list, used by tests and bench)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "tests" / "test_textbook.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location("textbook_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


def _raw_kkt_sympy_solve(problem):
    """sympy.solve on the N + K stationarity equations, with mu_j h_j = 0 for inequalities."""
    L = problem.lagrangian
    eqs = [sp.diff(L, v) for v in problem.variables] + list(problem.equality_functions)
    eqs += [m * h for m, h in zip(problem.inequality_multipliers, problem.inequality_functions)]
    return sp.solve(eqs, [*problem.variables, *problem.multipliers], dict=True)


@bench("solve-textbook")
def solve_textbook(repeats: int = 3, baseline_timeout: float = 10.0, limit: float = 5.0):
    """lagropt.solve on each textbook problem vs raw sympy.solve on the same KKT system."""
    from lagropt.solve.timeout import TimeLimit, call_with_timeout

    for name, case in _textbook_cases().items():
        ours = []
        for _ in range(repeats):
            clear_cache()
            t, sol = timed(case.problem.solve, timeout=limit)
            ours.append(t)
        clear_cache()
        started = time.perf_counter()
        try:
            call_with_timeout(_raw_kkt_sympy_solve, case.problem, timeout=baseline_timeout)
            base, result = time.perf_counter() - started, "ok"
        except TimeLimit:
            base, result = None, f"timeout after {baseline_timeout:g} s"
        except Exception as exc:  # noqa: BLE001 - the baseline's failure is the result
            base, result = None, f"failed: {type(exc).__name__}"
        emit({"bench": "solve-textbook", "case": name, "ours_s": statistics.median(ours),
              "ours_max_s": max(ours), "ours_status": sol.status,
              "expected_status": case.status, "within_limit": max(ours) <= limit + 1.0,
              "baseline": "sympy.solve(raw KKT system)", "baseline_s": base,
              "baseline_result": result})


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
