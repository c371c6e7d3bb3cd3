"""Benchmarks: lagropt side by side with a baseline, in one run.

    python bench/run.py                 # every benchmark
    python bench/run.py solve-lecture   # only the named ones
    python bench/run.py solve-outside   # issue 17's reference set, one line per problem
    python bench/run.py backprop        # lagropt.nn's forward + backward pass vs torch.autograd
    python bench/run.py solve-symmetric # the symmetry strategy on and off

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
import os
import statistics
import subprocess
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


def _lecture_cases():
    """Every worked example of the lecture: the tour's, the flat distribution for I = 2..10
    and the Boltzmann distribution for I = 3..10 (symbolic energies and E)."""
    from lagropt import maximize
    from lagropt.tour import lecture_examples

    cases = {ex.name: ex.problem for ex in lecture_examples()}
    E = sp.Symbol("E", real=True)
    for I in range(2, 11):
        ps = sp.symbols(f"p1:{I + 1}", positive=True)
        entropy = -sp.Add(*[p * sp.log(p) for p in ps])
        cases.setdefault(f"flat-{I}", maximize(entropy, subject_to=[sp.Eq(sp.Add(*ps), 1)]))
        if I >= 3:
            eps = sp.symbols(f"varepsilon1:{I + 1}", real=True)
            mean = sp.Eq(sp.Add(*[p * e for p, e in zip(ps, eps)]), E)
            cases.setdefault(f"boltzmann-{I}", maximize(entropy, subject_to=[
                sp.Eq(sp.Add(*ps), 1), mean], params=[*eps, E]))
    return cases


def _baseline_times(fn, arg, repeats, timeout, budget=6.0):
    """Up to ``repeats`` timings of the baseline (fewer once ``budget`` seconds are spent);
    (median or None, "ok" / why it failed)."""
    from lagropt.runtime import Budget, TimeLimit, run_in_worker

    times = []
    while len(times) < repeats and sum(times) < budget:
        clear_cache()
        started = time.perf_counter()
        try:
            run_in_worker(fn, arg, budget=Budget(timeout))
        except TimeLimit:
            return None, f"timeout after {timeout:g} s CPU"
        except Exception as exc:  # noqa: BLE001 - the baseline's failure is the result
            return None, f"failed: {type(exc).__name__}"
        times.append(time.perf_counter() - started)
    return statistics.median(times), "ok"


@bench("solve-lecture")
def solve_lecture(repeats: int = 5, baseline_timeout: float = 20.0):
    """lagropt's exact solve of each lecture example vs raw sympy.solve on the same system.
    Goal: each under 1 s."""
    for name, problem in _lecture_cases().items():
        ours = []
        for _ in range(repeats):
            clear_cache()
            t, sol = timed(problem.solve, timeout=30)
            ours.append(t)
        base, result = _baseline_times(_raw_sympy_solve, problem, repeats, baseline_timeout)
        emit({"bench": "solve-lecture", "case": name, "ours_s": statistics.median(ours),
              "ours_status": sol.status, "under_1s": statistics.median(ours) < 1.0,
              "baseline": "sympy.solve(raw N+K system)", "baseline_s": base,
              "baseline_result": result})


# -- solve-textbook ---------------------------------------------------------------------------

def _textbook_cases():
    """The textbook problems of tests/test_textbook.py (one list, used by tests and bench), and
    sympy issue's x^2 y + x on the unit circle, where sympy.solve hangs."""
    import importlib.util

    from lagropt import maximize

    path = Path(__file__).resolve().parents[1] / "tests" / "test_textbook.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location("textbook_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    problems = {name: (case.problem, case.status) for name, case in module.CASES.items()}
    x, y = sp.symbols("x y", real=True)
    problems.setdefault("x2y-plus-x-on-circle", (maximize(x ** 2 * y + x, subject_to=[
        sp.Eq(x ** 2 + y ** 2, 1)]), "optimal"))
    return problems


def _raw_kkt_sympy_solve(problem):
    """sympy.solve on the N + K stationarity equations, with mu_j h_j = 0 for inequalities."""
    L = problem.lagrangian
    eqs = [sp.diff(L, v) for v in problem.variables] + list(problem.equality_functions)
    eqs += [m * h for m, h in zip(problem.inequality_multipliers, problem.inequality_functions)]
    return sp.solve(eqs, [*problem.variables, *problem.multipliers], dict=True)


@bench("solve-textbook")
def solve_textbook(repeats: int = 3, baseline_timeout: float = 10.0, limit: float = 5.0):
    """lagropt.solve on each textbook problem vs raw sympy.solve on the same KKT system.
    Goal: every problem solved, none over 2 s, none over its timeout by more than 1 s."""
    for name, (problem, expected) in _textbook_cases().items():
        ours = []
        for _ in range(repeats):
            clear_cache()
            t, sol = timed(problem.solve, timeout=limit)
            ours.append(t)
        base, result = _baseline_times(_raw_kkt_sympy_solve, problem, repeats, baseline_timeout)
        emit({"bench": "solve-textbook", "case": name, "ours_s": statistics.median(ours),
              "ours_max_s": max(ours), "ours_status": sol.status, "expected_status": expected,
              "under_2s": max(ours) <= 2.0, "within_timeout": max(ours) <= limit + 1.0,
              "baseline": "sympy.solve(raw KKT system)", "baseline_s": base,
              "baseline_result": result})


# -- solve-load -------------------------------------------------------------------------------

def _busy(count: int):
    """``count`` processes spinning on the CPU (two per core on this machine: 4)."""
    import subprocess

    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def _solve_clocked(problem):
    """(wall seconds, CPU seconds of the solve and its workers, solution) with the default
    budget."""
    from lagropt.runtime import work_clock

    clear_cache()
    cpu, wall = work_clock(), time.perf_counter()
    sol = problem.solve()
    return time.perf_counter() - wall, work_clock() - cpu, sol


def _answer(sol):
    """What must not change with load: status, optimal value and the optimizers, as text."""
    return (sol.status, sp.srepr(sol.value),
            sorted(sp.srepr(sorted(p.x.items(), key=str)) for p in sol.optimum))


@bench("solve-load")
def solve_load(hogs: int = 4):
    """Each textbook problem with the default budget on a quiet machine (the baseline), then
    beside ``hogs`` busy processes: the answer must be identical (``same_answer``); the wall
    time grows with the load, the CPU time should not. ``ratio`` is loaded / quiet wall time.
    A summary line gives the slowest problem both ways."""
    from lagropt import get_default_timeout

    cases = _textbook_cases()
    quiet = {name: _solve_clocked(problem) for name, (problem, _) in cases.items()}
    procs = _busy(hogs)
    try:
        loaded = {name: _solve_clocked(problem) for name, (problem, _) in cases.items()}
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
    for name, (problem, expected) in cases.items():
        (qw, qc, qs), (lw, lc, ls) = quiet[name], loaded[name]
        emit({"bench": "solve-load", "case": name, "ours_s": lw, "ours_cpu_s": lc,
              "ours_status": ls.status, "expected_status": expected,
              "same_answer": _answer(qs) == _answer(ls),
              "baseline": f"the same solve on a quiet machine (default budget "
                          f"{get_default_timeout():g} s CPU)", "baseline_s": qw,
              "baseline_cpu_s": qc, "baseline_status": qs.status})
    slow_quiet = max(quiet, key=lambda n: quiet[n][0])
    slow_loaded = max(loaded, key=lambda n: loaded[n][0])
    emit({"bench": "solve-load", "case": f"summary of {len(cases)} problems, {hogs} busy processes",
          "ours_s": loaded[slow_loaded][0], "ours_slowest": slow_loaded,
          "ours_cpu_s": loaded[slow_loaded][1],
          "same_answers": sum(_answer(quiet[n][2]) == _answer(loaded[n][2]) for n in cases),
          "baseline": "the slowest problem on a quiet machine", "baseline_s": quiet[slow_quiet][0],
          "baseline_slowest": slow_quiet, "baseline_cpu_s": quiet[slow_quiet][1]})


# -- solve-outside ----------------------------------------------------------------------------------

def _reference_module():
    """tests/reference_problems.py (issue 17's reference set and its judge)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import reference_problems
    return reference_problems


def _scipy_problem(problem, sample):
    """(objective to minimize, its gradient, constraints, bounds) for scipy: the parameters at
    ``sample``, SymPy's gradients lambdified; positive/nonnegative variables get bounds."""
    import numpy as np

    xs = list(problem.variables)
    f = -problem.sense.sign * problem.objective.xreplace(sample)
    fun = sp.lambdify([xs], f, "numpy")
    grad = sp.lambdify([xs], [sp.diff(f, v) for v in xs], "numpy")
    constraints = []
    for c in problem.constraints:
        h = c.function.xreplace(sample) * (-1 if c.relation == "<=" else 1)
        fn = sp.lambdify([xs], h, "numpy")
        jac = sp.lambdify([xs], [sp.diff(h, v) for v in xs], "numpy")
        constraints.append({"type": "eq" if c.relation == "==" else "ineq",
                            "fun": lambda v, fn=fn: float(fn(v)),
                            "jac": lambda v, jac=jac: np.asarray(jac(v), dtype=float)})
    bounds = [(1e-9 if v.is_positive else 0.0 if v.is_nonnegative else None, None) for v in xs]
    return fun, grad, constraints, bounds


def _slsqp_once(ref):
    """scipy SLSQP from the one start x0 = (1, ..., 1) (ftol 1e-10): (CPU s, wall s, value or
    None, whether it reached the reference value to 1e-6 relative). It runs in this process,
    so its CPU time is time.process_time's (finer than the 10 ms of os.times)."""
    import numpy as np
    import scipy.optimize as so

    problem = ref.build()
    fun, grad, constraints, bounds = _scipy_problem(problem, ref.sample)
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        res = so.minimize(lambda v: float(fun(v)), np.ones(len(problem.variables)),
                          jac=lambda v: np.asarray(grad(v), dtype=float), method="SLSQP",
                          bounds=bounds, constraints=constraints,
                          options={"ftol": 1e-10, "maxiter": 500})
        value = -problem.sense.sign * float(res.fun) if res.success else None
    except Exception:  # noqa: BLE001 - the baseline's failure is its result
        value = None
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    target = sp.sympify(ref.value).xreplace(ref.sample)
    reached = (value is not None and target.is_finite
               and abs(value - float(target)) <= 1e-6 * max(1.0, abs(float(target))))
    return cpu, wall, value, bool(reached)


def _solve_reference(ref, timeout):
    """lagropt's solve of one reference problem: (CPU s, wall s, solution)."""
    from lagropt.runtime import work_clock

    problem = ref.build()
    clear_cache()
    cpu, wall = work_clock(), time.perf_counter()
    sol = problem.solve(timeout=timeout)
    return work_clock() - cpu, time.perf_counter() - wall, sol


@bench("solve-outside")
def solve_outside(timeout: float | None = None):
    """Issue 17's reference set (tests/reference_problems.py: Hock-Schittkowski, economics with
    symbolic prices, geometry/physics/statistics classics), each solved once with lagropt's
    default budget (or ``timeout`` CPU seconds): CPU and wall seconds, status, whether the
    answer is correct and exact (``reference_problems.judge``). Baseline: scipy SLSQP from one
    start, x0 = (1, ..., 1), parameters at the record's sample values, and whether it reached
    the reference value. A summary line follows. Goal: every problem under 5 s CPU, median
    under 1 s, every answer correct."""
    refs = _reference_module()
    cpus, base_cpus, rows, reached_all = [], [], [], []
    for ref in refs.REFERENCES:
        cpu, wall, sol = _solve_reference(ref, "default" if timeout is None else timeout)
        verdict = refs.judge(ref, sol)
        base_cpu, base_wall, base_value, reached = _slsqp_once(ref)
        cpus.append(cpu)
        base_cpus.append(base_cpu)
        rows.append(verdict)
        reached_all.append(reached)
        emit({"bench": "solve-outside", "case": ref.name, "group": ref.group, "ours_s": wall,
              "ours_cpu_s": cpu, "ours_status": sol.status, "correct": verdict.correct,
              "exact": verdict.exact, "honest": verdict.honest, "closed_form": ref.closed_form,
              "why": verdict.why if not verdict.correct else "",
              "baseline": "scipy SLSQP, one start x0 = 1", "baseline_s": base_wall,
              "baseline_cpu_s": base_cpu, "baseline_value": base_value,
              "baseline_reached": reached})
    emit({"bench": "solve-outside", "case": f"summary of {len(cpus)} problems",
          "count": len(cpus), "correct": sum(v.correct for v in rows),
          "exact": sum(v.exact for v in rows), "wrong": sum(not v.honest for v in rows),
          "ours_s": statistics.median(cpus), "ours_median_cpu_s": statistics.median(cpus),
          "ours_max_cpu_s": max(cpus), "under_5s": sum(c < 5.0 for c in cpus),
          "goal_met": max(cpus) < 5.0 and statistics.median(cpus) < 1.0,
          "baseline": "scipy SLSQP, one start x0 = 1 (median CPU s)",
          "baseline_s": statistics.median(base_cpus), "baseline_max_cpu_s": max(base_cpus),
          "baseline_reached": sum(reached_all)})


# -- groebner-kkt --------------------------------------------------------------------------------

# (reference problem, active set at its optimum: indices of its inequalities), polynomial KKT
# systems with rational coefficients
_KKT_SYSTEMS = [("HS39", ()), ("HS40", ()), ("HS42", ()), ("HS43", (0, 1, 2)),
                ("HS71", (0, 1)), ("markowitz-3-assets", ()), ("rationing-binding", (0, 1))]


def _kkt_polynomials(name, active):
    """The numerators of the active-set KKT system of a reference problem, and its unknowns."""
    from lagropt.standard import StandardForm

    refs = _reference_module()
    form = StandardForm(refs.by_name(name).build())
    eqs, unknowns, _ = form.kkt_system(active)
    return [sp.numer(sp.together(e)) for e in eqs], unknowns


def _monic(poly):
    """A polynomial as a hashable, comparable value: the terms of its monic form over Q."""
    return tuple(sorted(poly.monic().terms()))


def _sympy_groebner(polys, unknowns, order, method="buchberger"):
    """The reduced basis, as a set of monic polynomials (see _monic)."""
    G = sp.groebner(polys, *unknowns, order=order, method=method)
    return {_monic(g) for g in G.polys}


def _fglm_groebner(polys, unknowns):
    """The solver's call: grevlex basis, then FGLM to lex (polynomial.lex_basis)."""
    from lagropt.solver.polynomial import lex_basis

    return {_monic(sp.Poly(g, *unknowns, domain="QQ")) for g in lex_basis(polys, unknowns)}


def _presolved_fglm(polys, unknowns):
    """Linear pre-solve (an unknown of degree 1 with a constant coefficient is substituted
    away, repeatedly), then grevlex + FGLM on what is left: the lex basis of the smaller system
    (not comparable with the full one)."""
    from lagropt.solver.polynomial import lex_basis

    polys, unknowns = [sp.expand(p) for p in polys], list(unknowns)
    while True:
        pick = next(((p, u) for p in polys for u in unknowns if sp.degree(p, u) == 1
                     and not sp.Poly(p, u).LC().free_symbols), None)
        if pick is None:
            break
        p, u = pick
        value = sp.solve(p, u)[0]
        polys = [q for q in (sp.numer(sp.together(sp.expand(q.subs(u, value))))
                             for q in polys if q is not p) if q != 0]
        unknowns.remove(u)
    if not polys:
        return set()
    return {_monic(sp.Poly(g, *unknowns, domain="QQ")) for g in lex_basis(polys, unknowns)}


def _flint_groebner(polys, unknowns):
    """python-flint's Buchberger (fmpz_mpoly_vec.buchberger_naive, then autoreduction) in lex
    order over Z, the same order of unknowns; as a set of monic polynomials over Q."""
    import math

    import flint

    ctx = flint.fmpz_mpoly_ctx.get(tuple(f"v{i}" for i in range(len(unknowns))), "lex")
    vec = []
    for p in polys:
        poly = sp.Poly(p, *unknowns)
        den = math.lcm(*[int(sp.fraction(c)[1]) for c in poly.coeffs()])
        vec.append(ctx.from_dict({monom: int(c * den) for monom, c in poly.terms()}))
    basis = flint.fmpz_mpoly_vec(vec, ctx).buchberger_naive().autoreduction()
    return {_monic(sp.Poly.from_dict({tuple(k): int(c) for k, c in g.to_dict().items()},
                                     *unknowns, domain="QQ")) for g in basis}


def _msolve_binary():
    """The msolve executable: $LAGROPT_MSOLVE, or msolve on the PATH, or None."""
    import os
    import shutil

    return os.environ.get("LAGROPT_MSOLVE") or shutil.which("msolve")


def _msolve(polys, unknowns, timeout):
    """msolve's real solutions (with their rational parametrization, -P 1) of the system over
    Q: (CPU seconds of the msolve process, "ok" / why not)."""
    import subprocess
    import tempfile

    from lagropt.runtime import work_clock

    lines = [",".join(str(u) for u in unknowns), "0"]
    lines.append(",\n".join(str(sp.expand(p)).replace("**", "^") for p in polys))
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.ms", Path(tmp) / "out.ms"
        src.write_text("\n".join(lines) + "\n")
        started = work_clock()
        try:
            subprocess.run([_msolve_binary(), "-P", "1", "-f", str(src), "-o", str(out)],
                           check=True, timeout=timeout, capture_output=True)
        except subprocess.TimeoutExpired:
            return None, f"timeout after {timeout:g} s wall"
        except subprocess.CalledProcessError as exc:
            return None, f"failed: {exc.stderr.decode()[-200:]}"
        return work_clock() - started, "ok"


def _msolve_exact(polys, unknowns):
    """msolve's parametrization turned into exact points, each checked (None: not accepted)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from msolve_exact import msolve_solutions

    return msolve_solutions(polys, unknowns)


@bench("groebner-kkt")
def groebner_kkt(timeout: float = 60.0):
    """Lex Groebner bases of active-set KKT systems of reference problems (issue 17, item 6):
    SymPy's Buchberger in lex order vs SymPy's grevlex + FGLM (the solver's call), the same
    after a linear pre-solve, SymPy's F5B, python-flint's Buchberger (when
    installed) and msolve's real solutions (when $LAGROPT_MSOLVE or the PATH has msolve), each
    with ``timeout`` CPU seconds; ``same_basis`` says whether the reduced bases agree (monic
    over Q; msolve computes a parametrization, not a lex basis). Times are CPU seconds."""
    from lagropt.runtime import Budget, TimeLimit, run_in_worker, work_clock

    def clocked(fn, *args):
        clear_cache()
        started = work_clock()
        try:        # the result first: a tuple's items are evaluated left to right
            result = run_in_worker(fn, *args, budget=Budget(timeout))
            return work_clock() - started, result, "ok"
        except TimeLimit:
            return None, None, f"timeout after {timeout:g} s CPU"

    import importlib.util

    backends = [("sympy grevlex + fglm (the solver's lex_basis)", _fglm_groebner),
                ("linear pre-solve, then grevlex + fglm", _presolved_fglm),
                ("sympy f5b", _sympy_groebner)]
    if importlib.util.find_spec("flint") is not None:
        backends.append(("python-flint buchberger_naive", _flint_groebner))
    for name, active in _KKT_SYSTEMS:
        polys, unknowns = _kkt_polynomials(name, active)
        base_s, base, base_result = clocked(_sympy_groebner, polys, unknowns, "lex")
        for label, fn in backends:
            args = (polys, unknowns, "lex", "f5b") if fn is _sympy_groebner else (polys, unknowns)
            ours_s, ours, result = clocked(fn, *args)
            comparable = fn is not _presolved_fglm
            same = None if ours is None or base is None or not comparable else ours == base
            emit({"bench": "groebner-kkt", "case": f"{name} active {list(active)}",
                  "unknowns": len(unknowns), "ours": label, "ours_s": ours_s,
                  "ours_result": result, "same_basis": same,
                  "baseline": "sympy.groebner(order='lex') (Buchberger)", "baseline_s": base_s,
                  "baseline_result": base_result})
        if _msolve_binary():
            ours_s, result = _msolve(polys, unknowns, timeout)
            emit({"bench": "groebner-kkt", "case": f"{name} active {list(active)}",
                  "unknowns": len(unknowns), "ours": "msolve -P 1 (real solutions over Q)",
                  "ours_s": ours_s, "ours_result": result, "same_basis": None,
                  "baseline": "sympy.groebner(order='lex') (Buchberger)", "baseline_s": base_s,
                  "baseline_result": base_result})
            ours_s, points, result = clocked(_msolve_exact, polys, unknowns)
            emit({"bench": "groebner-kkt", "case": f"{name} active {list(active)}",
                  "unknowns": len(unknowns),
                  "ours": "msolve -P 1, then exact points checked in SymPy (bench/msolve_exact.py)",
                  "ours_s": ours_s, "ours_result": result if points is not None or ours_s is None
                  else "msolve's output not accepted (e.g. an added variable)",
                  "same_basis": None, "baseline": "sympy.groebner(order='lex') (Buchberger)",
                  "baseline_s": base_s, "baseline_result": base_result})


# -- grad-pls and compile-pls ---------------------------------------------------------------------

_LAM1, _LAM2 = 0.1, 0.01


def _pls_expression(features):
    """Penalized least squares (1/m)||y - X beta||^2 + lam1 ||beta||_1 + lam2 ||beta||^2 in index
    form, with X of shape (m, features)."""
    from lagropt import losses, penalties

    X, y, beta = losses.regression_symbols(features=features)
    expr = (losses.mse(y, losses.linear(X, beta)) + penalties.l1(beta, sp.Float(_LAM1))
            + penalties.l2(beta, sp.Float(_LAM2)))
    return expr, beta, X, y


def _compile_pls(features):
    import lagropt

    expr, beta, X, y = _pls_expression(features)
    return lagropt.compile(expr, wrt=beta, data=(X, y))


def _naive_pls(features):
    """The toy approach: one scalar symbol per coefficient and per feature column, the
    per-sample loss differentiated by each beta_j and lambdified (with cse); the mean over the
    rows taken in NumPy."""
    import numpy as np

    b = sp.symbols(f"b0:{features}", real=True)
    x = sp.symbols(f"x0:{features}", real=True)
    yy = sp.Symbol("y", real=True)
    per_sample = (yy - sp.Add(*[xi * bi for xi, bi in zip(x, b)])) ** 2
    penalty = _LAM1 * sp.Add(*[sp.Abs(bi) for bi in b]) + _LAM2 * sp.Add(*[bi ** 2 for bi in b])
    data_grad = sp.lambdify([b, x, yy], [sp.diff(per_sample, bi) for bi in b], "numpy", cse=True)
    penalty_grad = sp.lambdify([b], [sp.diff(penalty, bi) for bi in b], "numpy", cse=True)

    def grad(beta, X, y):
        rows = data_grad(beta, list(X.T), y)
        return np.array([np.mean(r) for r in rows]) + np.array(penalty_grad(beta), dtype=float)
    return grad


def _pls_data(rows, features, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features))
    beta = rng.normal(size=features)
    return X, X @ beta + rng.normal(size=rows), rng.normal(size=features)


def _numpy_pls_grad(beta, X, y):
    """The hand-written gradient as the lecture writes it: -2/m X^T (y - X beta) + ..."""
    import numpy as np
    return -2.0 / len(y) * X.T @ (y - X @ beta) + _LAM1 * np.sign(beta) + 2 * _LAM2 * beta


def _numpy_pls_grad_rowmajor(beta, X, y):
    """The same with the residual on the left, (X beta - y) @ X, which NumPy runs faster."""
    import numpy as np
    return 2.0 / len(y) * ((X @ beta - y) @ X) + _LAM1 * np.sign(beta) + 2 * _LAM2 * beta


@bench("grad-pls")
def grad_pls(repeats: int = 21, rows: int = 100_000, features: int = 50):
    """Gradient of MSE + L1 + L2 at m = 100000, n = 50: lagropt's compiled gradient vs NumPy."""
    import numpy as np

    f = _compile_pls(features)
    X, y, beta = _pls_data(rows, features)
    for name, baseline in [("numpy: -2/m X.T @ (y - X @ b) + ...", _numpy_pls_grad),
                           ("numpy: 2/m (X @ b - y) @ X + ...", _numpy_pls_grad_rowmajor)]:
        error = float(np.abs(f.grad(beta, X, y) - baseline(beta, X, y)).max())
        ours, theirs = [], []
        for _ in range(repeats):
            ours.append(timed(f.grad, beta, X, y)[0])
            theirs.append(timed(baseline, beta, X, y)[0])
        emit({"bench": "grad-pls", "case": f"m={rows},n={features}",
              "ours_s": statistics.median(ours), "baseline": name,
              "baseline_s": statistics.median(theirs), "max_abs_diff": error})


def _timed_naive(features, rows):
    """In a worker: (build + differentiate + lambdify time, gradient time) of the naive way."""
    seconds, grad = timed(_naive_pls, features)
    X, y, beta = _pls_data(rows, features)
    return seconds, min(timed(grad, beta, X, y)[0] for _ in range(3))


@bench("compile-pls")
def compile_pls(repeats: int = 5, rows: int = 100_000, baseline_timeout: float = 120.0):
    """Expression build + differentiation + code generation of MSE + L1 + L2 for n = 50 and
    500, vs the naive scalar-symbol lambdify; with both gradients' run time at m = 100000."""
    from lagropt.runtime import Budget, TimeLimit, run_in_worker

    for features in (50, 500):
        ours = []
        for _ in range(repeats):
            clear_cache()
            seconds, f = timed(_compile_pls, features)
            ours.append(seconds)
        X, y, beta = _pls_data(rows, features)
        ours_grad = min(timed(f.grad, beta, X, y)[0] for _ in range(5))
        numpy_grad = min(timed(_numpy_pls_grad, beta, X, y)[0] for _ in range(5))
        record = {"bench": "compile-pls", "case": f"n={features}", "ours_s": statistics.median(ours),
                  "baseline": "sympy.lambdify(cse=True) of scalar symbols b_j, x_j",
                  "baseline_s": None, "baseline_result": "ok",
                  "ours_grad_s": ours_grad, "numpy_grad_s": numpy_grad}
        clear_cache()
        try:
            naive_s, naive_grad = run_in_worker(_timed_naive, features, rows,
                                                budget=Budget(baseline_timeout))
            record.update(baseline_s=naive_s, naive_grad_s=naive_grad)
        except TimeLimit:
            record["baseline_result"] = f"timeout after {baseline_timeout:g} s CPU"
        emit(record)


# -- lasso-path -----------------------------------------------------------------------------------

def _lasso_data(rows=10_000, features=100, seed=0):
    """Gaussian features with a shared component (correlated columns), 10 true non-zeros plus
    noise; centered, as scikit-learn's lasso_path (which fits no intercept) expects."""
    import numpy as np

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features)) + 0.5 * rng.normal(size=(rows, 1))
    beta = np.zeros(features)
    beta[:10] = 3 * rng.normal(size=10)
    y = X @ beta + rng.normal(size=rows)
    return X - X.mean(axis=0), y - y.mean()


@bench("lasso-path")
def lasso_path_bench(repeats: int = 5):
    """A 100-point lasso path (scikit-learn's grid, eps = 1e-3) on a 10000 x 100 (tall) and a
    1000 x 1000 (wide) problem: lagropt.regression.lasso_path(solver="cd") vs
    sklearn.linear_model.lasso_path (precompute="auto": its Gram form when tall, naive updates
    with gap-safe screening otherwise) at the same tol, which means the same on both sides:
    stop when the duality gap is at most tol * ||y||^2 in scikit-learn's unscaled objective, i.e.
    tol * ||y||^2 / m in the 1/(2m) scale in which both report it. lagropt's sweeps run compiled by numba when it is installed
    (the ``fast`` extra) and as Python + NumPy otherwise: both are measured. Each line prints
    the largest coefficient difference between the two at any alpha, and each side's from the
    exact path (lagropt's active-set solver). The tall case is
    mostly forming X^T X, a multithreaded BLAS call on both sides whose time swings on a loaded
    machine: the median of ``repeats``; the wide case once (the NumPy sweeps at tol=1e-8 take
    minutes)."""
    for rows, features, count in [(10_000, 100, repeats), (1000, 1000, 1)]:
        _lasso_path_shape(rows, features, count)


def _lasso_path_shape(rows: int, features: int, repeats: int):
    import warnings

    import numpy as np

    try:
        from sklearn.linear_model import lasso_path as sklearn_path
    except ImportError:
        emit({"bench": "lasso-path", "case": f"{rows}x{features}", "ours_s": None,
              "baseline": "sklearn.linear_model.lasso_path", "baseline_s": None,
              "baseline_result": "scikit-learn is not installed"})
        return
    from lagropt.optim.jit import available
    from lagropt.regression import lasso_path

    X, y = _lasso_data(rows, features)
    # the exact path (active set: the optimality conditions met to rounding), to say how far
    # each side's answer at a tolerance is from the optimum
    exact = lasso_path(X, y, n_alphas=100, eps=1e-3, fit_intercept=False).coefs
    engines = ["numba", "numpy"] if available() else ["numpy"]
    for engine in engines:                   # compile both sweeps (tall: covariance, wide: naive)
        with _lasso_engine(engine):
            for Xs, ys in [(X[:200, :20], y[:200]), (X[:20, :40], y[:20])]:
                lasso_path(Xs, ys, n_alphas=5, fit_intercept=False, solver="cd", tol=1e-4)
    for tol in (1e-4, 1e-8):
        for engine in engines:
            ours, theirs = [], []
            for _ in range(repeats):
                with _lasso_engine(engine):
                    t, path = timed(lasso_path, X, y, n_alphas=100, eps=1e-3, fit_intercept=False,
                                    solver="cd", tol=tol)
                ours.append(t)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    t, (alphas, coefs, gaps) = timed(sklearn_path, X, y, n_alphas=100, eps=1e-3,
                                                     tol=tol)
                theirs.append(t)
            emit({"bench": "lasso-path", "case": f"{rows}x{features},tol={tol:g},cd,{engine}",
                  "ours_s": statistics.median(ours), "baseline": "sklearn.linear_model.lasso_path",
                  "baseline_s": statistics.median(theirs),
                  "max_abs_coef_diff": float(np.abs(path.coefs - coefs).max()),
                  "max_abs_coef": float(np.abs(coefs).max()),
                  "ours_max_diff_exact": float(np.abs(path.coefs - exact).max()),
                  "sklearn_max_diff_exact": float(np.abs(coefs - exact).max()),
                  "gap_bound": tol * float(y @ y) / rows,       # both report gaps in this scale
                  "ours_max_gap": float(np.max(path.dual_gaps)),
                  "sklearn_max_gap": float(gaps.max()), "ours_sweeps": int(path.n_iter.sum())})


def _lasso_engine(engine: str):
    """Run lagropt's path sweeps compiled by numba ("numba") or as Python + NumPy ("numpy")."""
    import contextlib

    from lagropt.regression import cdpath, coordinate

    @contextlib.contextmanager
    def chosen():
        saved = cdpath.kernels
        cdpath.kernels = lambda use_numba=None: coordinate.kernels(engine == "numba")
        try:
            yield
        finally:
            cdpath.kernels = saved
    return chosen()


# -- step-adam-1e6 and loop-rosenbrock ---------------------------------------------------------

def _torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def _numpy_adam(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    """The plain NumPy Adam a user would write (whole-array expressions)."""
    import math

    import numpy as np
    state = {"t": 0}

    def step(x, g, m, v):
        state["t"] += 1
        t = state["t"]
        m[:] = b1 * m + (1 - b1) * g
        v[:] = b2 * v + (1 - b2) * g * g
        x -= lr / (1 - b1 ** t) * m / (np.sqrt(v) / math.sqrt(1 - b2 ** t) + eps)
    return step


@bench("step-adam-1e6")
def step_adam(rounds: int = 4, block: int = 12, warmup: int = 4, n: int = 1_000_000):
    """One Adam step on 10^6 float64 parameters: lagropt's in-place chunked rule (split across
    its threads) vs torch.optim.Adam(foreach=True) on CPU (or a plain NumPy Adam without
    torch), with the same number of threads on both sides.

    The two are timed in alternating blocks of ``block`` steps, the first ``warmup`` of each
    block dropped: torch's OpenMP workers spin for a while (here 2-4 steps' time) after its
    steps, and a step of the other side taken then finds a core busy (interleaving single
    steps made lagropt's 2-thread step up to 1.8x slower)."""
    import numpy as np

    from lagropt import optim

    rng = np.random.default_rng(0)
    x0, g = rng.normal(size=n), rng.normal(size=n)
    opt = optim.Adam(1e-3)
    x = x0.copy()
    state = opt.init(x)
    torch = _torch()
    if torch is not None:
        p = torch.tensor(x0.copy(), requires_grad=True)
        p.grad = torch.tensor(g)
        topt = torch.optim.Adam([p], lr=1e-3, foreach=True)
        baseline = topt.step
        name = f"torch.optim.Adam(foreach=True) {torch.__version__} CPU"
    else:
        xb, m, v = x0.copy(), np.zeros(n), np.zeros(n)
        plain = _numpy_adam()
        baseline, name = (lambda: plain(xb, g, m, v)), "plain NumPy Adam (torch not installed)"

    def blocks(fn):
        return [timed(fn)[0] for _ in range(block)][warmup:]

    def side_by_side(threads):
        optim.set_num_threads(threads)
        if torch is not None:
            torch.set_num_threads(threads)
        ours, theirs = [], []
        for _ in range(rounds):
            ours += blocks(lambda: opt.step(x, g, state))
            theirs += blocks(baseline)
        label = f"{threads} thread{'s' if threads > 1 else ''}"
        emit({"bench": "step-adam-1e6", "case": f"n={n}, {label} each",
              "ours_s": statistics.median(ours), "baseline": f"{name}, {label}",
              "baseline_s": statistics.median(theirs)})

    threads = optim.get_num_threads()
    torch_threads = torch.get_num_threads() if torch is not None else None
    try:
        side_by_side(threads)
        if threads > 1:          # the same comparison on one core
            side_by_side(1)
    finally:
        optim.set_num_threads(threads)
        if torch is not None:
            torch.set_num_threads(torch_threads)


@bench("loop-rosenbrock")
def loop_rosenbrock(steps: int = 20_000, torch_steps: int = 2_000, repeats: int = 5):
    """20000 Adam steps on 2-D Rosenbrock with the compiled gradient (lagropt.optim.minimize on
    the compiled loss, path and losses recorded), seconds per step, vs torch autograd + Adam.
    The rate is chosen so that all 20000 steps run (no early stop at the minimum)."""
    import numpy as np

    import lagropt
    from lagropt import optim

    x, y = sp.symbols("x y")
    rosenbrock = lagropt.compile((1 - x) ** 2 + 100 * (y - x ** 2) ** 2, [x, y])
    ours, result = [], None
    for _ in range(repeats):
        seconds, result = timed(optim.minimize, rosenbrock, [-1.2, 1.0], optim.Adam(5e-4),
                                steps=steps)
        ours.append(seconds / result.nit)
    torch = _torch()
    record = {"bench": "loop-rosenbrock", "case": f"{steps} Adam steps, lr=5e-4, from (-1.2, 1)",
              "ours_s": statistics.median(ours), "ours_nit": result.nit,
              "ours_x": result.x.tolist()}
    if torch is None:
        grad = rosenbrock.grad
        xs, m, v = np.array([-1.2, 1.0]), np.zeros(2), np.zeros(2)
        plain = _numpy_adam(lr=5e-4)
        started = time.perf_counter()
        for _ in range(torch_steps):
            plain(xs, grad(xs), m, v)
        record.update(baseline="plain NumPy Adam + compiled (checked) gradient (torch not "
                      "installed)", baseline_s=(time.perf_counter() - started) / torch_steps)
    else:
        theirs = []
        for _ in range(repeats):
            p = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)
            topt = torch.optim.Adam([p], lr=5e-4)
            started = time.perf_counter()
            for _ in range(torch_steps):
                topt.zero_grad()
                loss = (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
                loss.backward()
                topt.step()
            theirs.append((time.perf_counter() - started) / torch_steps)
        record.update(baseline=f"torch {torch.__version__} autograd + Adam, per step "
                      f"({torch_steps} steps)", baseline_s=statistics.median(theirs))
    emit(record)


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
              "ours_solve": res.message, "ours_beta": res.beta,
              "ours_rel_err_mean": abs(_mean_at(levels, res.beta) - mean) / abs(mean),
              "ours_peak_arrays": _peak_bytes(maxent, levels, mean=mean) / array,
              "baseline": "scipy.optimize.brentq(vectorized moment equation)",
              "baseline_s": statistics.median(theirs), "baseline_beta": beta_brentq,
              "baseline_rel_err_mean": abs(_mean_at(levels, beta_brentq) - mean) / abs(mean),
              "baseline_peak_arrays": _peak_bytes(_brentq_beta, levels, mean, bracket) / array})


# -- backprop -----------------------------------------------------------------------------------

def _torch_pass(torch, net, theta, X, labels):
    """The same network in torch (float64, CPU): parameters as leaves, one forward + backward."""
    F = torch.nn.functional
    (W0, b0), _, (W1, b1) = net.unpack(theta)
    leaves = [torch.tensor(a.copy(), dtype=torch.float64, requires_grad=True)
              for a in (W0, b0, W1, b1)]
    Xt, yt = torch.tensor(X), torch.tensor(labels)

    def run():
        for p in leaves:
            p.grad = None
        loss = F.cross_entropy(torch.relu(Xt @ leaves[0] + leaves[1]) @ leaves[2] + leaves[3], yt)
        loss.backward()
        return float(loss.detach()), leaves
    return run


@bench("backprop")
def backprop(repeats: int = 51, batch: int = 256):
    """One forward + backward pass of a 64-128-10 ReLU network (softmax cross-entropy), batch
    256, float64: lagropt.nn's derived-and-compiled messages vs torch.autograd on the CPU.
    Both on one thread (NumPy's BLAS through threadpoolctl, torch.set_num_threads): on a shared
    machine, threads fighting for cores measure the load, not the code."""
    import numpy  # noqa: F401 - loaded first: threadpoolctl limits the libraries already loaded
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        _backprop(repeats, batch)


def _backprop(repeats, batch):
    import numpy as np

    from lagropt import nn

    net = nn.Network([nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)], nn.SoftmaxCrossEntropy())
    rng = np.random.default_rng(0)
    X, labels = rng.normal(size=(batch, 64)), rng.integers(0, 10, batch)
    Y, theta = nn.one_hot(labels, 10), net.init(seed=0)
    ours = lambda: net.value_and_grad(theta, X, Y)  # noqa: E731
    ours()
    record = {"bench": "backprop", "case": f"64-128-10 relu, batch {batch}, float64"}
    try:
        import torch
    except ImportError:
        times = [timed(ours)[0] for _ in range(repeats)]
        emit({**record, "ours_s": statistics.median(times), "baseline": "torch.autograd",
              "baseline_s": None, "baseline_result": "torch is not installed"})
        return
    torch.set_num_threads(1)
    theirs = _torch_pass(torch, net, theta, X, labels)
    loss, leaves = theirs()
    grad = np.concatenate([p.grad.numpy().ravel() for p in leaves])
    value, g = ours()
    a, b = [], []
    for _ in range(repeats):
        a.append(timed(ours)[0])
        b.append(timed(theirs)[0])
    emit({**record, "ours_s": statistics.median(a),
          "baseline": f"torch {torch.__version__} autograd ({torch.get_num_threads()} threads)",
          "baseline_s": statistics.median(b),
          "rel_grad_diff": float(np.abs(g - grad).max() / np.abs(grad).max()),
          "loss_diff": abs(value - loss)})


# -- big-lstsq -----------------------------------------------------------------------------------

def _rss_gb() -> float:
    """This process's resident memory now, GB."""
    import os

    with open(f"/proc/{os.getpid()}/statm") as stat:
        return int(stat.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e9


def _measured(fn, args):
    """fn(*args) (a dict), with this process's RSS before the call and its peak (bytes / 1e9)."""
    import resource

    before = _rss_gb() * 1e9
    out = fn(*args)
    out["rss_before_gb"] = round(before / 1e9, 3)
    out["peak_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9, 3)
    return out


def _numba() -> bool:
    from lagropt.compiler.linear_rows import available

    return available()


def _in_child(fn, *args, env=None) -> dict:
    """fn(*args) in a fresh (spawned) process, so that its peak RSS is its own; ``env``: extra
    environment variables of that process (read at its start, as glibc's malloc settings)."""
    import multiprocessing

    saved = {k: os.environ.get(k) for k in env or {}}
    os.environ.update(env or {})
    try:
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            return pool.apply(_measured, (fn, args))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# glibc returns a freed buffer of 1 MB or more to the system at once (by default it raises
# this threshold to the largest buffer freed, up to 32 MB, and keeps later buffers of that
# size in its heaps, which the RSS counts after they are freed): the environment's remedy,
# beside the stream's own (lagropt.arrays.release_freed_memory, malloc_trim)
_MMAP_1MB = {"MALLOC_MMAP_THRESHOLD_": str(2 ** 20)}


def _lazy_regression(rows: int, features: int, chunk_rows: int, seed: int = 0):
    """X (rows x features, standard normal) and y = X (0, 1, ...) + noise as dask arrays
    generated chunk by chunk on demand (nothing held in memory)."""
    import dask.array as da
    import numpy as np

    rng = da.random.default_rng(seed)
    X = rng.standard_normal((rows, features), chunks=(chunk_rows, features))
    y = X @ np.arange(float(features)) + rng.standard_normal(rows, chunks=chunk_rows)
    return X, y


def _least_squares(reduction: str = "sum"):
    import lagropt
    from lagropt import losses

    X_, y_, b_ = losses.regression_symbols()
    return lagropt.compile(losses.least_squares(X_, y_, b_, reduction), wrt=[b_], data=[X_, y_],
                           hessian=False)


def _warm_up(f, X, y) -> None:
    """f's value and gradient on the first 1000 rows of the dask data: the one-time work of a
    first call (the row pass built, numba's compilation, about 1 s and 0.1 GB of code) done
    before what is measured."""
    import numpy as np

    f.value_and_grad(np.zeros(X.shape[1]), X[:1000], y[:1000])


def _dask_gradient(rows, features, chunk_rows, which):
    import numpy as np

    X, y = _lazy_regression(rows, features, chunk_rows)
    b = np.linspace(-1, 1, features)
    f = _least_squares() if which == "lagropt" else None
    if f is not None:          # compiled on first use (numba's pass: ~1 s, ~0.1 GB), not timed
        _warm_up(f, X, y)
    cpu = time.process_time()      # CPU seconds of all threads: less sensitive to the load
    if which == "lagropt":
        seconds, g = timed(f.grad, b, X, y)
    elif which == "read":      # one read of X: each chunk generated and summed
        seconds, _ = timed(lambda: X.sum().compute())
        g = np.zeros(features)
    elif which == "read_xy":   # one read of the data the gradient needs: X and y (y from X),
        from lagropt.arrays import compute     # with BLAS on one thread, as lagropt's pass

        seconds, _ = timed(lambda: compute(X.sum(), y.sum()))
        g = np.zeros(features)
    else:
        seconds, g = timed(lambda: (-2 * X.T @ (y - X @ b)).compute())
    return {"seconds": seconds, "cpu_s": time.process_time() - cpu,
            "gradient": np.asarray(g).tolist()}


def _dask_sgd_epoch(rows, features, chunk_rows, batch, in_memory=False, trim=True):
    """One SGD epoch streamed over lazily generated data; ``trim=False``: the stream's
    release of freed memory does nothing, as on a C library without ``malloc_trim``."""
    import numpy as np

    from lagropt import arrays, optim

    if not trim:
        arrays._malloc_trim = lambda: None
    X, y = _lazy_regression(rows, features, chunk_rows)
    if in_memory:              # the same numbers held in memory: chunks cost a slice, not a draw
        import dask
        import dask.array as da

        X, y = (da.from_array(a, chunks=(chunk_rows,) + a.shape[1:]) for a in dask.compute(X, y))
    stamps, cpu, last = [], [], -(-rows // batch)
    f = _least_squares("mean")
    _warm_up(f, X, y)
    start_rss = _rss_gb()      # modules imported and compiled, nothing loaded

    def clock(r):              # CPU time (all threads) read at the first and last update only
        stamps.append(time.perf_counter())
        if r.nit in (1, last):
            cpu.append(time.process_time())

    seconds, run = timed(optim.minimize, f, np.zeros(features), optim.SGD(1e-3), data=(X, y),
                         batch_size=batch, epochs=1, seed=0, keep_path=False, callback=clock)
    return {"seconds": seconds, "nit": run.nit, "epoch_s": stamps[-1] - stamps[0],
            "rss_at_start_gb": round(start_rss, 3),
            "updates_per_s": (len(stamps) - 1) / (stamps[-1] - stamps[0]),
            "updates_per_cpu_s": (len(stamps) - 1) / (cpu[-1] - cpu[0]),
            "x_err": float(np.abs(run.x - np.arange(features)).max())}


def _dask_plain_stream(rows, features, chunk_rows, batch, lr=1e-3):
    """The baseline: SGD written by hand over the same data, streamed chunk by chunk in order
    (each chunk computed, its rows permuted, batches of consecutive permuted rows, the update
    b <- b - lr 2/B X_b^T (X_b b - y_b)); no checks, no loading ahead."""
    import dask
    import numpy as np

    X, y = _lazy_regression(rows, features, chunk_rows)
    rng, b, updates = np.random.default_rng(0), np.zeros(features), 0
    start_rss = _rss_gb()
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, rows, chunk_rows):
        Xc, yc = dask.compute(X[start:start + chunk_rows], y[start:start + chunk_rows])
        order = rng.permutation(len(yc))
        for k in range(0, len(yc), batch):
            rows_k = order[k:k + batch]
            Xb, yb = Xc.take(rows_k, axis=0), yc.take(rows_k)
            b -= lr * 2 / len(yb) * Xb.T @ (Xb @ b - yb)
            updates += 1
    return {"updates_per_s": updates / (time.perf_counter() - started),
            "updates_per_cpu_s": updates / (time.process_time() - cpu),
            "rss_at_start_gb": round(start_rss, 3),
            "x_err": float(np.abs(b - np.arange(features)).max())}


def _dask_naive_batches(rows, features, chunk_rows, batch, updates):
    """The baseline: mini-batches of rows drawn at random over the whole chunked array."""
    import numpy as np

    X, y = _lazy_regression(rows, features, chunk_rows)
    rng, b = np.random.default_rng(0), np.zeros(features)
    started = time.perf_counter()
    for _ in range(updates):
        rows_k = np.sort(rng.choice(rows, batch, replace=False))
        Xb, yb = (X[rows_k], y[rows_k])
        Xb, yb = Xb.compute(), yb.compute()
        b -= 1e-3 * 2 / batch * Xb.T @ (Xb @ b - yb)
    return {"updates_per_s": updates / (time.perf_counter() - started)}


def _in_memory_gradient(rows, features, repeats):
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.standard_normal((rows, features))
    y = X @ np.arange(float(features)) + rng.standard_normal(rows)
    b = np.linspace(-1, 1, features)
    f = _least_squares()
    f.grad(b, X, y)

    def clocked(fn, *args):    # (wall, CPU of all threads) seconds
        cpu = time.process_time()
        wall = timed(fn, *args)[0]
        return wall, time.process_time() - cpu
    ours, read, plain = [], [], []
    for _ in range(repeats):
        ours.append(clocked(f.grad, b, X, y))
        read.append(clocked(X.sum))
        plain.append(clocked(lambda: -2 * X.T @ (y - X @ b)))
    reference = -2 * X.T @ (y - X @ b)
    error = float(np.abs(f.grad(b, X, y) - reference).max() / np.abs(reference).max())
    wall = {name: statistics.median(t[0] for t in times)
            for name, times in (("ours", ours), ("read", read), ("plain", plain))}
    cpu = {name: statistics.median(t[1] for t in times)
           for name, times in (("ours", ours), ("read", read))}
    return {"ours_s": wall["ours"], "read_s": wall["read"], "plain_s": wall["plain"],
            "ours_cpu_s": cpu["ours"], "read_cpu_s": cpu["read"], "relative_error": error}


@bench("big-lstsq")
def big_lstsq(rows: int = 40_000_000, sgd_rows: int = 20_000_000, memory_rows: int = 20_000_000,
              features: int = 10, chunk_rows: int = 1_000_000, batch: int = 1000):
    """Least squares beyond memory (issue 19), each case in its own process for its peak RSS
    (lagropt's first call, which compiles, made before anything is measured: _warm_up): the
    gradient on a lazily generated dask X (rows x 10 float64: 3.2 GB) by lagropt.compile
    vs the hand-written -2 X^T (y - X b) on the same dask arrays, and beside one read of X
    (X.sum().compute(): X generated chunk by chunk and summed) and one read of X and y (the
    data the gradient needs; y = X w + noise costs a product with X and more draws); one streaming SGD epoch over
    sgd_rows rows (updates/s of the epoch, by the wall clock and per CPU second of all the
    process's threads, and the run's wall time with its full-data passes: the loss at x0, at
    the epoch's end and at the end; its peak RSS against the RSS at the start of minimize plus
    two chunks of X and y, and the same epoch without the stream's malloc_trim, and without it
    but with MALLOC_MMAP_THRESHOLD_=1 MB) beside SGD written by hand streaming the same chunks in
    order (no checks, no loading ahead), and vs mini-batches drawn at random over the whole
    array; and the gradient on an in-memory X (memory_rows x 10: 1.6 GB) beside one read
    of X (X.sum(), one thread) and the hand-written expression, by the wall clock and in CPU
    seconds of all threads (lagropt's pass runs on every core: on a loaded machine the CPU
    ratio is the one that does not depend on the load)."""
    try:
        import dask  # noqa: F401
    except ImportError:
        emit({"bench": "big-lstsq", "case": "dask", "ours_s": None, "baseline_s": None,
              "baseline_result": "dask is not installed (pip install 'lagropt[dask]')"})
        dask = None
    chunk_gb = chunk_rows * (features + 1) * 8 / 1e9
    if dask is not None:
        ours = _in_child(_dask_gradient, rows, features, chunk_rows, "lagropt")
        theirs = _in_child(_dask_gradient, rows, features, chunk_rows, "handwritten")
        read = _in_child(_dask_gradient, rows, features, chunk_rows, "read")
        read_xy = _in_child(_dask_gradient, rows, features, chunk_rows, "read_xy")
        import numpy as np
        g, h = np.array(ours["gradient"]), np.array(theirs["gradient"])
        emit({"bench": "big-lstsq", "case": f"dask gradient, {rows}x{features} float64 "
              f"({rows * features * 8 / 1e9:.1f} GB), chunks of {chunk_rows} rows",
              "ours_s": ours["seconds"], "ours_peak_rss_gb": ours["peak_rss_gb"],
              "ours_rss_before_gb": ours["rss_before_gb"],
              "baseline": "-2*X.T@(y - X@b) on the dask arrays, .compute()",
              "baseline_s": theirs["seconds"], "baseline_peak_rss_gb": theirs["peak_rss_gb"],
              "read_X_s": read["seconds"], "ours_over_read_X": ours["seconds"] / read["seconds"],
              "read_X_and_y_s": read_xy["seconds"],
              "ours_over_read_X_and_y": ours["seconds"] / read_xy["seconds"],
              "ours_over_read_X_cpu": ours["cpu_s"] / read["cpu_s"],
              "read_X_and_y_over_read_X_cpu": read_xy["cpu_s"] / read["cpu_s"],
              "relative_difference": float(np.abs(g - h).max() / np.abs(h).max())})
        sgd = _in_child(_dask_sgd_epoch, sgd_rows, features, chunk_rows, batch)
        untrimmed = _in_child(_dask_sgd_epoch, sgd_rows, features, chunk_rows, batch, False,
                              False)
        sgd_mmap = _in_child(_dask_sgd_epoch, sgd_rows, features, chunk_rows, batch, False,
                             False, env=_MMAP_1MB)
        bound = round(sgd["rss_at_start_gb"] + 2 * chunk_gb, 3)
        plain = _in_child(_dask_plain_stream, sgd_rows, features, chunk_rows, batch)
        held = _in_child(_dask_sgd_epoch, sgd_rows, features, chunk_rows, batch, True)
        naive = _in_child(_dask_naive_batches, sgd_rows, features, chunk_rows, batch, 3)
        emit({"bench": "big-lstsq", "case": f"SGD epoch, {sgd_rows}x{features} dask, batch "
              f"{batch}, chunks of {chunk_rows} rows ({chunk_gb:.3f} GB of X and y each)",
              "ours_updates_per_s": sgd["updates_per_s"], "ours_epoch_s": sgd["epoch_s"],
              "ours_updates_per_cpu_s": sgd["updates_per_cpu_s"],
              "ours_run_s": sgd["seconds"], "ours_nit": sgd["nit"],
              "ours_peak_rss_gb": sgd["peak_rss_gb"],
              "ours_rss_at_start_plus_two_chunks_gb": bound,
              "ours_within_two_chunks_plus_state": sgd["peak_rss_gb"] <= bound,
              "ours_peak_rss_gb_without_trim": untrimmed["peak_rss_gb"],
              "ours_updates_per_s_without_trim": untrimmed["updates_per_s"],
              "ours_updates_per_cpu_s_without_trim": untrimmed["updates_per_cpu_s"],
              "ours_peak_rss_gb_malloc_mmap_1mb": sgd_mmap["peak_rss_gb"],
              "ours_rss_before_gb": sgd["rss_before_gb"],
              "ours_rss_at_start_gb": sgd["rss_at_start_gb"],
              "ours_max_coef_error": sgd["x_err"],
              "plain_stream_updates_per_s": plain["updates_per_s"],
              "plain_stream_updates_per_cpu_s": plain["updates_per_cpu_s"],
              "plain_stream_peak_rss_gb": plain["peak_rss_gb"],
              "plain_stream_rss_at_start_gb": plain["rss_at_start_gb"],
              "held_in_memory_updates_per_s": held["updates_per_s"],
              "held_in_memory_updates_per_cpu_s": held["updates_per_cpu_s"],
              "held_in_memory_epoch_s": held["epoch_s"],
              "baseline": "random mini-batches over the whole dask array (3 updates)",
              "baseline_updates_per_s": naive["updates_per_s"],
              "ours_s": 1 / sgd["updates_per_s"], "baseline_s": 1 / naive["updates_per_s"]})
    mem = _in_child(_in_memory_gradient, memory_rows, features, 5)
    emit({"bench": "big-lstsq", "case": f"in-memory gradient, {memory_rows}x{features} float64 "
          f"({memory_rows * features * 8 / 1e9:.1f} GB)", "ours_s": mem["ours_s"],
          "baseline": "one read of X (X.sum())", "baseline_s": mem["read_s"],
          "ours_cpu_s": mem["ours_cpu_s"], "baseline_cpu_s": mem["read_cpu_s"],
          "cpu_ratio": mem["ours_cpu_s"] / mem["read_cpu_s"],
          "ours_engine": "numba pass over the rows (the fast extra)" if _numba() else
          "NumPy row blocks (numba not installed)",
          "handwritten_s": mem["plain_s"], "relative_error": mem["relative_error"],
          "peak_rss_gb": mem["peak_rss_gb"]})


# -- step-adam-1e7 -------------------------------------------------------------------------------

@bench("step-adam-1e7")
def step_adam_1e7(rounds: int = 3, block: int = 10, warmup: int = 3, n: int = 10_000_000):
    """One Adam step on 10^7 float64 parameters, ns per parameter, all in one run on the same
    threads: lagropt's in-place chunked rule, torch.optim.Adam(fused=True) and (foreach=True),
    and the memory floor: an Adam step moves 56 bytes per parameter (reads x, g, m, v; writes
    x, m, v), so the floor is 56/16 times the time of a NumPy copy (16 bytes per entry) on the
    same threads.
    Alternating blocks, warm-up steps of each block dropped (see step-adam-1e6)."""
    import numpy as np

    from lagropt import optim

    rng = np.random.default_rng(0)
    x0, g = rng.normal(size=n), rng.normal(size=n)
    opt = optim.Adam(1e-3)
    x = x0.copy()
    state = opt.init(x)
    src, dst = rng.normal(size=n), np.empty(n)
    from lagropt.optim.jit import available
    from lagropt.optim.threads import for_parts

    numpy_opt, x_np = optim.Adam(1e-3), x0.copy()
    numpy_opt.__dict__["_jit"] = None           # the NumPy update the compiled loop replaces
    numpy_state = numpy_opt.init(x_np)
    sides = {"lagropt": lambda: opt.step(x, g, state),       # the copy on the same threads:
             "numpy": lambda: numpy_opt.step(x_np, g, numpy_state),
             "copy": lambda: for_parts(n, lambda s: np.copyto(dst[s], src[s]))}
    torch = _torch()
    threads = optim.get_num_threads()
    if torch is not None:
        torch.set_num_threads(threads)
        for kind in ("fused", "foreach"):
            p = torch.tensor(x0.copy(), requires_grad=True)
            p.grad = torch.tensor(g)
            sides[kind] = torch.optim.Adam([p], lr=1e-3, **{kind: True}).step
    times = {name: [] for name in sides}
    for _ in range(rounds):
        for name, fn in sides.items():
            times[name] += [timed(fn)[0] for _ in range(block)][warmup:]
    ns = {name: statistics.median(t) / n * 1e9 for name, t in times.items()}
    floor = ns["copy"] * 56 / 16
    record = {"bench": "step-adam-1e7", "case": f"n={n}, {threads} threads",
              "ours_ns_per_param": ns["lagropt"], "floor_ns_per_param": floor,
              "copy_ns_per_entry": ns["copy"], "ours_s": ns["lagropt"] * n / 1e9,
              "ours_engine": "numba loop (the fast extra)" if available() else
              "in-place NumPy chunks (numba not installed)",
              "ours_numpy_update_ns_per_param": ns["numpy"]}
    if torch is None:
        record.update(baseline="memory floor (torch not installed)", baseline_s=floor * n / 1e9)
    else:
        record.update(baseline=f"torch.optim.Adam(fused=True) {torch.__version__} CPU",
                      baseline_s=ns["fused"] * n / 1e9, fused_ns_per_param=ns["fused"],
                      foreach_ns_per_param=ns["foreach"],
                      ours_over_foreach=ns["lagropt"] / ns["foreach"],
                      ours_over_floor=ns["lagropt"] / floor)
    emit(record)


# -- solve-symmetric ----------------------------------------------------------------------------

def _symmetric_cases() -> dict:
    """Problems invariant under permuting variables: with equalities only (one active set, so
    the symmetry has nothing to map), with inequalities (it acts on the active sets), and two
    controls."""
    import lagropt

    x, y, z = sp.symbols("x y z", real=True)
    w = sp.symbols("w1:5", real=True)
    q = sp.symbols("q1:5", positive=True)
    third = sp.Rational(1, 3)
    a, b, c = sp.symbols("a b c", positive=True)
    p = sp.symbols("p1:7", positive=True)
    return {
        "max abc, a + b + c = 3 (equalities only: one active set)": lambda: lagropt.maximize(
            a * b * c, [sp.Eq(a + b + c, 3)], [a, b, c]),
        "box 8xyz in the unit sphere (equalities only)": lambda: lagropt.maximize(
            8 * x * y * z, [sp.Eq(x ** 2 + y ** 2 + z ** 2, 1)], [x, y, z]),
        "entropy of 6 states (equalities only)": lambda: lagropt.maximize(
            -sum(v * sp.log(v) for v in p), [sp.Eq(sum(p), 1)], list(p)),
        "max xyz, x + y + z <= 3, x, y, z >= 0": lambda: lagropt.maximize(
            x * y * z, [x + y + z <= 3, x >= 0, y >= 0, z >= 0], [x, y, z]),
        "max sum log(1 + w_i), sum w_i <= 1, w >= 0 (4)": lambda: lagropt.maximize(
            sum(sp.log(1 + v) for v in w), [sum(w) <= 1] + [v >= 0 for v in w], list(w)),
        "max entropy of 4 states, p_i <= 1/3": lambda: lagropt.maximize(
            -sum(v * sp.log(v) for v in q), [sp.Eq(sum(q), 1)] + [v <= third for v in q], list(q)),
        "min x^2+y^2+z^2-xy-yz-zx, x+y+z >= 1, x, y, z <= 2": lambda: lagropt.minimize(
            x ** 2 + y ** 2 + z ** 2 - x * y - y * z - x * z, [x + y + z >= 1, x <= 2, y <= 2,
                                                                z <= 2], [x, y, z]),
        "max x^4+y^4+z^4 in the unit ball (control: one inequality)": lambda: lagropt.maximize(
            x ** 4 + y ** 4 + z ** 4, [x ** 2 + y ** 2 + z ** 2 <= 1], [x, y, z]),
        "min x^2 + 2y^2, x + y >= 1, x, y >= 0 (control: no symmetry)": lambda: lagropt.minimize(
            x ** 2 + 2 * y ** 2, [x + y >= 1, x >= 0, y >= 0], [x, y]),
    }


def _symmetric_child(name: str, mode: str) -> None:
    """One exact solve in this (fresh) process, the symmetry on or off: prints CPU seconds and
    a digest of the points (the two modes must agree)."""
    import hashlib
    import lagropt.solver.candidates as candidates
    from lagropt.runtime import Budget
    from lagropt.solver.pipeline import solve_exact
    from lagropt.standard import StandardForm

    if mode == "off":
        candidates.variable_symmetry = lambda internal: None
    internal = StandardForm(_symmetric_cases()[name]())
    started = time.process_time()
    sol = solve_exact(internal, Budget(60))
    cpu = time.process_time() - started
    points = sorted(sp.sstr((sorted(p.x.items(), key=str), sorted(p.multipliers.items(), key=str),
                             p.active, p.free, p.kind)) for p in sol.points)
    digest = hashlib.sha256(repr((sol.status, points)).encode()).hexdigest()[:12]
    print(json.dumps({"cpu": cpu, "digest": digest, "status": sol.status}))


def _symmetric_run(name: str, mode: str) -> dict:
    import subprocess
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import run; "
            f"run._symmetric_child({name!r}, {mode!r})")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@bench("solve-symmetric")
def solve_symmetric(repeats: int = 3):
    """The symmetry strategy (lagropt/solver/symmetry.py: one active set per orbit, the others
    mapped) against the same solver with it switched off. Each solve runs in a fresh process
    (lagropt's memo caches would otherwise favour whichever runs second), alternating the two;
    times are medians of the exact solve's CPU seconds. ``same`` says both found the same
    points (the strategy must be lossless)."""
    for name in _symmetric_cases():
        on, off = [], []
        for _ in range(repeats):
            off.append(_symmetric_run(name, "off"))
            on.append(_symmetric_run(name, "on"))
        emit({"bench": "solve-symmetric", "case": name,
              "ours_s": statistics.median(r["cpu"] for r in on),
              "baseline": "the same exact solve without the symmetry strategy",
              "baseline_s": statistics.median(r["cpu"] for r in off),
              "status": on[0]["status"],
              "same": len({r["digest"] for r in on + off}) == 1})


# -- softmax ----------------------------------------------------------------------------------

@bench("softmax")
def softmax_bench(repeats: int = 7):
    """lagropt.softmax's logsumexp and softmax beside scipy.special's, on the shapes lagropt
    uses them for: a partition function over 10^6 levels, a classifier's 10^4 x 100 logits
    (per row), a batch of 100 x 10 and one 10-vector (the per-call overhead)."""
    import numpy as np
    import scipy.special

    from lagropt import softmax as ours

    rng = np.random.default_rng(0)
    cases = [("1e6 levels", (10 ** 6,), None, 5), ("1e4 x 100 rows", (10_000, 100), 1, 10),
             ("100 x 10 rows", (100, 10), 1, 2000), ("10 levels", (10,), None, 20_000)]
    for name, shape, axis, number in cases:
        z = 30 * rng.normal(size=shape)
        along = -1 if axis is None else axis
        pairs = {"logsumexp": (lambda: ours.logsumexp(z, axis=axis),
                               lambda: scipy.special.logsumexp(z, axis=axis)),
                 "softmax": (lambda: ours.softmax(z, axis=along),
                             lambda: scipy.special.softmax(z, axis=along))}
        for fn, (mine, theirs) in pairs.items():
            t_ours, t_base = [], []
            for _ in range(repeats):           # in turn, so that load hits both sides
                t_ours.append(timed(lambda: [mine() for _ in range(number)])[0] / number)
                t_base.append(timed(lambda: [theirs() for _ in range(number)])[0] / number)
            emit({"bench": "softmax", "case": f"{fn}, {name}", "ours_s": statistics.median(t_ours),
                  "baseline": f"scipy.special.{fn} {scipy.__version__}",
                  "baseline_s": statistics.median(t_base)})


# -- import-time ----------------------------------------------------------------------------

_ROOT = str(Path(__file__).resolve().parents[1])


def _child_import_s(statement: str) -> float:
    """Seconds a fresh interpreter spends in ``statement`` (timed inside it)."""
    code = ("import sys, time; sys.path.insert(0, %r); t = time.perf_counter(); %s; "
            "print(time.perf_counter() - t)" % (_ROOT, statement))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return float(done.stdout.strip().splitlines()[-1])


def _process_s(args: list) -> float:
    """Wall seconds of a whole fresh interpreter running ``args`` (start-up included)."""
    env = dict(os.environ, PYTHONPATH=_ROOT)
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], capture_output=True, check=True, env=env)
    return time.perf_counter() - started


@bench("import-time")
def import_time(repeats: int = 7):
    """``import lagropt`` and ``lagropt --help`` beside ``import sympy``, each in fresh
    interpreters, medians of ``repeats`` runs taken in turn (so that load hits both sides)."""
    sides = {"import sympy": lambda: _child_import_s("import sympy"),
             "import lagropt": lambda: _child_import_s("import lagropt"),
             "import lagropt + first use": lambda: _child_import_s("import lagropt; lagropt.maximize"),
             "process: python -c 'import sympy'": lambda: _process_s(["-c", "import sympy"]),
             "process: lagropt --help": lambda: _process_s(["-m", "lagropt", "--help"])}
    times = {name: [] for name in sides}
    for _ in range(repeats):
        for name, fn in sides.items():
            times[name].append(fn())
    median = {name: statistics.median(t) for name, t in times.items()}
    base = median["import sympy"]
    for name in ("import lagropt", "import lagropt + first use"):
        emit({"bench": "import-time", "case": name, "ours_s": median[name],
              "baseline": "import sympy (in a fresh interpreter)", "baseline_s": base})
    emit({"bench": "import-time", "case": "lagropt --help (whole process)",
          "ours_s": median["process: lagropt --help"],
          "baseline": "python -c 'import sympy' (whole process)",
          "baseline_s": median["process: python -c 'import sympy'"]})
    print(f"{'':34s}{'median s':>10s}")
    for name, value in median.items():
        print(f"{name:34s}{value:10.3f}")


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
