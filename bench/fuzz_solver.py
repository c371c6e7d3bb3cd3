"""Randomized trust audit of the exact solver: small random problems, lagropt's answer checked
independently (scipy.optimize, feasible sampling along an exact parametrization of the equality
constraints, high-precision re-evaluation of every counterexample).

    python bench/fuzz_solver.py --seed 1 --count 30
    python bench/fuzz_solver.py --seed 1 --count 5 --only 3   # re-run problem 3 of seed 1

One JSON line per problem: {"seed", "i", "cli" (a `python -m lagropt solve` command), "status",
"value", "verdict" ("ok", "not checked", "MISMATCH", "suspicious"), "why", "solve_s"}; then a
summary line. A MISMATCH is a claim of the checker, not yet a confirmed bug: look at it by hand
(bench/fuzz_findings.md lists the confirmed ones).

The checks:
- every reported point (points, optimum) has real finite coordinates, is feasible (1e-8, domain of
  log/sqrt/1/x included) and its value is f there; sol.value is the optimum's value;
- optimal: no feasible point (SLSQP from 30 seeded starts; thousands of samples along the
  parametrization, log-uniform magnitudes 1e-9..1e6 and close to poles) better than the value by
  more than 1e-6 relative; a candidate is re-checked at 50 digits with exact rational inputs;
- unbounded: a feasible point beyond -1e6 (min) / 1e6 (max) is found;
- infeasible: no feasible point is found;
- not_attained: no feasible point is better than the infimum/supremum;
- no_critical_point: suspicious when SLSQP converges to a finite interior point that looks like a
  KKT point (reported, not called a mismatch).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402
from scipy import optimize  # noqa: E402

import lagropt  # noqa: E402

X, Y, Z = sp.symbols("x y z", real=True)
CHECKED = {"optimal", "unbounded", "infeasible", "not_attained", "no_critical_point"}
DIGITS = 50


# ---------------------------------------------------------------- generation

def random_problem(rng: np.random.Generator, bounded: float = 0.5):
    """(sense, objective, constraints) with small integer coefficients; ``bounded``: the
    probability of a leading even term in the sense's favour (x^2 + y^2 or x^4 + y^4)."""
    vs = [X, Y, Z] if rng.random() < 0.2 else [X, Y]
    monomials = [m for m in itertools.product(range(5), repeat=len(vs)) if 0 < sum(m) <= 4]
    nterms = int(rng.integers(2, 6))
    f = sp.Integer(int(rng.integers(-3, 4)))
    for k in rng.choice(len(monomials), size=nterms, replace=False):
        c = int(rng.choice([-3, -2, -1, 1, 2, 3]))
        f += c * sp.Mul(*[v**e for v, e in zip(vs, monomials[k])])
    if rng.random() < 0.45:
        v = vs[int(rng.integers(len(vs)))]
        c = int(rng.choice([-2, -1, 1, 2]))
        special = [1 / v, sp.log(v), sp.exp(v), sp.sqrt(v), X * Y][int(rng.integers(5))]
        f += c * special
    sense = "min" if rng.random() < 0.5 else "max"
    if rng.random() < bounded:    # a leading even term in the sense's favour: often bounded
        c = int(rng.integers(1, 3)) * (1 if sense == "min" else -1)
        f += c * sp.Add(*[v**int(rng.choice([2, 4])) for v in vs])
    cons = []
    for _ in range(int(rng.choice([0, 1, 1, 2, 2]))):
        a, b = (vs[i] for i in rng.choice(len(vs), size=2, replace=False))
        c = int(rng.integers(-3, 4))
        r = int(rng.choice([1, 2, 4]))
        kind = int(rng.integers(9))
        con = [sp.Eq(a + b, c), sp.Eq(a**2 + b**2, r), sp.Eq(a * b, c or 1), sp.Ge(a, 0),
               sp.Le(a + b, c), sp.Ge(b, c), sp.Eq(a - b, c), sp.Le(a**2 + b**2, r),
               sp.Eq(a + 2 * b, c)][kind]
        if con not in cons and con not in (sp.true, sp.false):
            cons.append(con)
    return sense, sp.expand(f), cons


def cli_of(sense, f, cons) -> str:
    def q(s):
        return '"' + s + '"'
    rel = {sp.Eq: "=", sp.Ge: ">=", sp.Le: "<="}
    parts = ["python -m lagropt solve", q(f"{sense} {sp.sstr(f)}")]
    for c in cons:
        parts += ["-s", q(f"{sp.sstr(c.lhs)} {rel[type(c)]} {sp.sstr(c.rhs)}")]
    return " ".join(parts)


# ---------------------------------------------------------------- the feasible set

class Feasible:
    """The feasible set of one problem: residuals, the domain of f, a parametrization of the
    equalities (branches: dependent variable -> expression in the free ones)."""

    def __init__(self, f, cons):
        self.f = f
        self.vars = sorted(set(f.free_symbols).union(*[c.free_symbols for c in cons]), key=str)
        self.eqs = [c.lhs - c.rhs for c in cons if isinstance(c, sp.Eq)]
        self.ineqs = [(c.lhs - c.rhs) if isinstance(c, sp.Ge) else (c.rhs - c.lhs)
                      for c in cons if not isinstance(c, sp.Eq)]           # each >= 0
        self.logs = sorted({a.args[0] for a in f.atoms(sp.log)}, key=str)   # > 0
        self.sqrts = sorted({p.base for p in f.atoms(sp.Pow) if p.exp == sp.Rational(1, 2)},
                            key=str)                                         # >= 0
        self.poles = sorted({p.base for p in f.atoms(sp.Pow) if p.exp.is_negative}, key=str)
        self.fn = sp.lambdify(self.vars, f, "numpy")
        self.eq_fns = [sp.lambdify(self.vars, g, "numpy") for g in self.eqs]
        self.in_fns = [sp.lambdify(self.vars, g, "numpy") for g in self.ineqs]
        self.grad = [sp.lambdify(self.vars, sp.diff(f, v), "numpy") for v in self.vars]
        self.free, self.branches = self._parametrize()

    def _parametrize(self):
        if not self.eqs:
            return list(self.vars), [{}]
        for deps in itertools.permutations(self.vars, len(self.eqs)):
            try:
                sols = sp.solve(self.eqs, list(deps), dict=True)
            except Exception:
                continue
            if sols and all(set(s) == set(deps) for s in sols):
                free = [v for v in self.vars if v not in deps]
                if all(e.free_symbols <= set(free) for s in sols for e in s.values()):
                    return free, sols
        return None, None

    # exact check at DIGITS digits: (feasible, value) with value None when f is undefined
    def exact_check(self, point: dict, tol=1e-8):
        pt = {v: sp.Float(point[v], DIGITS) if not isinstance(point[v], sp.Basic)
              else point[v] for v in self.vars}
        for v in self.vars:      # maxn: points 10^-3000 from a pole need thousands of digits
            z = sp.N(pt[v], DIGITS, maxn=20000)
            if not z.is_number or abs(sp.im(z)) > 1e-30 or not sp.re(z).is_finite:
                return False, None, f"{v} = {z} not real"
        num = {v: sp.re(sp.N(pt[v], DIGITS, maxn=20000)) for v in self.vars}
        # the constraints and f at the exact point when it is rational (10^40 - 10^40 cancels
        # exactly); else at floats with digits enough for the cancellation of degree-4 terms
        # (evalf of an exact sum does not refine log(1e-1500) inside it)
        mag = max([0] + [int(abs(sp.log(abs(num[v]), 10))) for v in self.vars if num[v] != 0
                         and abs(num[v]) > 1])
        if not all(pt[v].is_Rational for v in self.vars):
            prec = DIGITS + 4 * mag + 10
            num = {v: sp.re(sp.N(pt[v], prec, maxn=20000)) for v in self.vars}
        at = pt if all(pt[v].is_Rational for v in self.vars) else num

        def ev(e, maxn=110):
            r = e.xreplace(at)
            return r if r.is_Rational else sp.N(r, DIGITS, maxn=maxn)

        for g in self.eqs:
            r = ev(g)
            if abs(r) > tol:
                return False, None, f"equality {g} = 0 violated by {float(r):.3g}"
        for g in self.ineqs:
            r = ev(g)
            if r < -tol:
                return False, None, f"inequality {g} >= 0 violated by {float(r):.3g}"
        for a in self.logs:
            if ev(a, 20000) <= 0:
                return False, None, f"outside the domain of log({a})"
        for a in self.sqrts:
            if ev(a, 20000) < 0:
                return False, None, f"outside the domain of sqrt({a})"
        for a in self.poles:
            if ev(a, 20000) == 0:
                return False, None, f"pole of f at {a} = 0"
        val = ev(self.f, 5000)
        if not val.is_number or abs(sp.im(val)) > 1e-30 or not sp.re(val).is_finite:
            return False, None, f"f = {val} not real"
        return True, sp.re(val), ""

    def numeric_ok(self, pts: np.ndarray, tol=1e-7):
        """mask of rows (n x nvars) feasible in floating point, and their f values"""
        cols = [pts[:, i] for i in range(len(self.vars))]
        with np.errstate(all="ignore"):
            ok = np.ones(len(pts), bool)
            for g in self.eq_fns:
                ok &= np.abs(np.broadcast_to(g(*cols), ok.shape)) <= tol * (1 + np.abs(pts).max(1))
            for g in self.in_fns:
                ok &= np.broadcast_to(g(*cols), ok.shape) >= -tol
            vals = np.broadcast_to(np.asarray(self.fn(*cols), dtype=complex), ok.shape)
            ok &= np.isfinite(vals) & (np.abs(vals.imag) < 1e-12)
        return ok, vals.real

    def samples(self, rng, n=3000):
        """(points as n x nvars float array, the free values used, branch index) on the equality
        set; inequalities not yet imposed"""
        if self.free is None:
            return None
        special = [sp.Integer(k) for k in range(-4, 5)]
        for g in self.eqs + self.ineqs:
            special += [s for s in sp.Add.make_args(g) if s.is_number]
        special += [t for ts in self.pole_targets().values() for t in ts if t.is_finite]
        special = np.array(sorted({float(s) for s in special}))
        out_free = []
        k = len(self.free)
        for _ in range(n):
            row = []
            for _ in range(k):
                u = rng.random()
                s = 1.0 if rng.random() < 0.5 else -1.0
                if u < 0.35:
                    row.append(rng.uniform(-6, 6))
                elif u < 0.65:
                    row.append(s * 10 ** rng.uniform(-9, 6))
                elif u < 0.9:
                    row.append(rng.choice(special) + s * 10 ** rng.uniform(-10, 0))
                else:
                    row.append(float(rng.choice(special)))
            out_free.append(row)
        free = np.array(out_free).reshape(n, k)
        rows, used, which = [], [], []
        fns = [{d: sp.lambdify(self.free, e, "numpy") for d, e in br.items()}
               for br in self.branches]
        for bi, br in enumerate(fns):
            cols = {v: free[:, i] for i, v in enumerate(self.free)}
            with np.errstate(all="ignore"):
                for d, fn in br.items():
                    cols[d] = np.broadcast_to(np.asarray(fn(*[free[:, i] for i in range(k)]),
                                                         dtype=complex), (n,))
            pts = np.stack([np.asarray(cols[v], dtype=complex) for v in self.vars], 1)
            real = np.all(np.abs(pts.imag) < 1e-12, 1) & np.all(np.isfinite(pts), 1)
            rows.append(pts.real[real])
            used.append(free[real])
            which += [bi] * int(real.sum())
        return np.concatenate(rows), np.concatenate(used), which

    def pole_targets(self):
        """free variable -> exact values where the argument of a pole/log/sqrt vanishes
        (when it depends on that free variable alone), and +-oo"""
        out = {v: {sp.oo, -sp.oo} for v in self.free}
        for br in self.branches:
            for a in self.poles + self.logs + self.sqrts:
                e = a.xreplace(br)
                if len(e.free_symbols) == 1 and e.free_symbols <= set(self.free):
                    v = next(iter(e.free_symbols))
                    try:
                        out[v] |= {r for r in sp.solve(e, v) if r.is_real}
                    except Exception:
                        pass
        return out

    def exact_probe(self, rows, sign):
        """approach each pole target / infinity of one free variable exactly (t +- 10^-k, or
        +-10^k), the others held at the values in ``rows``: (best sign*f, point, diverging) or
        None; diverging when along one such path sign*f keeps falling and falls by more than
        1000 between k = 300 and k = 3000 (a logarithmic pole: log(10^-3000) = -6908)"""
        if self.free is None:
            return None
        best, diverging = None, False
        targets = self.pole_targets()
        for row in rows:
            base = {v: sp.Rational(float(t)) for v, t in zip(self.free, row)}
            for v in self.free:
                for t in targets[v]:
                    for side in (1, -1):
                        if not t.is_finite and side != (1 if t > 0 else -1):
                            continue
                        for br in self.branches:
                            path = []
                            for k in (12, 40, 300, 3000):
                                q = dict(base)
                                q[v] = side * sp.Integer(10)**k if not t.is_finite else \
                                    t + side * sp.Integer(10)**-k
                                pt = dict(q)
                                for d, e in br.items():
                                    pt[d] = e.xreplace(q)
                                try:
                                    ok, fv, _ = self.exact_check(pt, tol=1e-20)
                                except Exception:
                                    ok = False
                                if not ok:
                                    break
                                path.append(sign * fv)
                                if best is None or sign * fv < best[0]:
                                    best = (sign * fv, pt)
                            if len(path) == 4 and all(a > b for a, b in zip(path, path[1:])) \
                                    and path[2] - path[3] > 1000:
                                diverging = True
        return None if best is None else (best[0], best[1], diverging)

    def exact_from_free(self, free_row, bi):
        """an exactly feasible point (equalities) from rational free values"""
        pt = {v: sp.Rational(float(t)) for v, t in zip(self.free, free_row)}
        for d, e in self.branches[bi].items():
            pt[d] = e.xreplace(pt)
        return pt

    def neighbours(self, point: dict, rng, n=40):
        """exactly feasible points (equalities and domain; inequalities checked) within about
        1e-2 of ``point``, as dicts of exact numbers"""
        if self.free is None:
            return []
        base = {v: sp.nsimplify(point[v]) if not isinstance(point[v], sp.Basic) else point[v]
                for v in self.vars}
        fnum = {v: sp.N(base[v], DIGITS) for v in self.vars}
        out = []
        for _ in range(n):
            q = {}
            for v in self.free:
                step = sp.Rational(int(rng.integers(-1000, 1001)), 10**int(rng.integers(4, 7)))
                q[v] = base[v] + step
            for br in self.branches:
                pt = dict(q)
                for d, e in br.items():
                    pt[d] = e.xreplace(q)
                num = {v: sp.N(pt[v], DIGITS) for v in self.vars}
                if any(not num[v].is_real for v in self.vars):
                    continue
                if max(abs(num[v] - fnum[v]) for v in self.vars) > 0.05:
                    continue
                out.append(num)
        return out

    def slsqp(self, sign, rng, starts=30, box=10.0):
        """feasible local optima of sign*f (list of points as dicts of floats)"""
        n = len(self.vars)
        bounds = []
        for v in self.vars:
            lo = None
            if v in self.logs or v in self.sqrts:
                lo = 1e-12
            bounds.append((lo, None))

        def obj(p):
            with np.errstate(all="ignore"):
                val = complex(self.fn(*p))
            if not np.isfinite(val) or abs(val.imag) > 1e-12:
                return 1e30
            return sign * val.real

        def jac(p):
            with np.errstate(all="ignore"):
                return np.array([sign * float(np.real(g(*p))) for g in self.grad])

        cons = [{"type": "eq", "fun": (lambda p, g=g: float(g(*p)))} for g in self.eq_fns]
        cons += [{"type": "ineq", "fun": (lambda p, g=g: float(g(*p)))} for g in self.in_fns]
        found = []
        for _ in range(starts):
            x0 = rng.uniform(-box, box, n)
            for i, (lo, _) in enumerate(bounds):
                if lo is not None:
                    x0[i] = abs(x0[i])
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                try:
                    r = optimize.minimize(obj, x0, jac=jac, method="SLSQP", bounds=bounds,
                                          constraints=cons,
                                          options={"maxiter": 300, "ftol": 1e-12})
                except Exception:
                    continue
            if np.all(np.isfinite(r.x)):
                found.append((dict(zip(self.vars, r.x)), bool(r.success)))
        return found


# ---------------------------------------------------------------- checking one answer

def check(sense, f, cons, sol, rng):
    sign = 1 if sense == "min" else -1
    F = Feasible(f, cons)
    problems = []
    # 1. the reported points
    val = sol.value
    opt_vals = []
    for tag, pts in (("optimum", sol.optimum), ("point", sol.points)):
        for p in pts:
            if p.free or any(not sp.sympify(c).free_symbols <= set() for c in p.x.values()):
                continue
            ok, fv, why = F.exact_check(p.x)
            if not ok:
                problems.append(f"{tag} {p.x}: {why}")
                continue
            if p.value is not None:
                pv = sp.N(p.value, DIGITS)
                if abs(pv - fv) > 1e-8 * (1 + abs(fv)):
                    problems.append(f"{tag} {p.x}: value {pv} but f = {fv}")
            if tag == "optimum":
                opt_vals.append(fv)
            if tag == "point" and p.kind in ("minimum", "maximum") and p.regular:
                ks = 1 if p.kind == "minimum" else -1
                for q in F.neighbours(p.x, rng):
                    okq, fq, _ = F.exact_check(q, tol=1e-30)
                    if okq and ks * (fq - fv) < -sp.Float(10, DIGITS)**-25 * (1 + abs(fv)):
                        problems.append(f"point {p.x} labelled a local {p.kind}, but f = {fq} "
                                        f"(vs {fv}) at the feasible {q}")
                        break
    if val is not None and sol.status in ("optimal", "not_attained") and val.is_finite is not False:
        vn = sp.N(val, DIGITS)
        if abs(sp.im(vn)) > 1e-20 * (1 + abs(vn)):
            problems.append(f"sol.value {vn} is not real")
        val = sp.re(vn)
    if sol.status == "optimal" and val is not None and opt_vals:
        v = sp.N(val, DIGITS)
        if any(abs(ov - v) > 1e-8 * (1 + abs(v)) for ov in opt_vals):
            problems.append(f"sol.value {v} but the optimum's values are {opt_vals}")
    if sol.status == "optimal" and not sol.optimum:
        problems.append("optimal without an optimum")

    # 2. search the feasible set
    best = None                      # (sign*value, point, how)
    candidates = []                  # (sign*value float, point dict exact-ish, how)
    smp = F.samples(rng)
    if smp is not None:
        pts, used, which = smp
        if len(pts):
            ok, vals = F.numeric_ok(pts)
            idx = np.flatnonzero(ok)
            order = idx[np.argsort(sign * vals[idx])][:8]
            for j in order:
                candidates.append((sign * vals[j], ("free", used[j], which[j]), "sample"))
    slsqp_pts = F.slsqp(sign, rng)
    if slsqp_pts:
        arr = np.array([[p[v] for v in F.vars] for p, _ in slsqp_pts])
        ok, vals = F.numeric_ok(arr, tol=1e-8)
        for j in np.flatnonzero(ok):
            candidates.append((sign * vals[j], ("point", slsqp_pts[j][0]), "slsqp"))
    candidates.sort(key=lambda c: c[0])
    verified = []
    for sv, ref, how in candidates[:12]:
        pt = F.exact_from_free(ref[1], ref[2]) if ref[0] == "free" else ref[1]
        # samples meet the equalities exactly: no tolerance (a violation of 1e-8 buys a better
        # value on a degenerate feasible set); SLSQP's points are judged with a looser margin
        ok, fv, _ = F.exact_check(pt, tol=1e-30 if ref[0] == "free" else 1e-8)
        if ok:
            verified.append((sign * float(fv), {str(k): float(sp.N(w)) for k, w in pt.items()}, how))
    verified.sort(key=lambda c: c[0])
    best = verified[0] if verified else None
    if smp is not None and len(smp[0]) and (best is None or best[0] > -1e6) \
            and sol.status in ("optimal", "unbounded", "not_attained", "no_critical_point"):
        ok, vals = F.numeric_ok(smp[0])
        idx = np.flatnonzero(ok)
        rows = smp[1][idx[np.argsort(sign * vals[idx])][:3]] if len(idx) else []
        pb = F.exact_probe(rows, sign)
        if pb is not None and (best is None or pb[0] < best[0] or pb[2]):
            fv = float(pb[0]) if abs(pb[0]) < 1e300 else (1e300 if pb[0] > 0 else -1e300)
            if pb[2]:
                fv = -math.inf
            best = (fv, {str(k): sp.sstr(sp.N(w, 5)) for k, w in pb[1].items()},
                    "exact probe" + (" (diverging path)" if pb[2] else ""))
    info = {"best_found": None if best is None else [sign * best[0], best[1], best[2]]}

    st = sol.status
    suspicious = []
    def beats(b, v):          # SLSQP's points may violate a constraint by 1e-8
        rel = 1e-4 if b[2] == "slsqp" else 1e-6
        return b[0] < v - rel * max(1.0, abs(v))

    if st == "optimal" and val is not None:
        v = float(sign * sp.N(val, DIGITS))
        if best is not None and beats(best, v):
            problems.append(f"a feasible point is better: f = {sign * best[0]:.10g} at {best[1]} "
                            f"({best[2]}) vs the value {sign * v:.10g}")
    elif st == "unbounded":
        if best is None or best[0] > -1e6:
            problems.append(f"not confirmed unbounded: best found {info['best_found']}")
    elif st == "infeasible":
        if best is not None:
            problems.append(f"a feasible point exists: {best[1]}")
    elif st == "not_attained" and val is not None:
        v = float(sign * sp.N(val, DIGITS))
        if best is not None and beats(best, v):
            problems.append(f"a feasible point beats the inf/sup {sign * v}: {best[1]}")
        elif best is not None and best[0] > v + 1e-3 * max(1.0, abs(v)):
            suspicious.append(f"the inf/sup {sign * v} is not approached: best {best[1]}")
    if st in ("not_attained", "no_critical_point") and best is not None and best[0] < -1e6:
        suspicious.append(f"{st} (value {sol.value}), but f looks unbounded: "
                          f"{info['best_found']}")
    if st == "no_critical_point":
        if best is not None and best[0] < -1e6:
            pass                                   # consistent: unbounded
        else:
            conv = [p for p, s in slsqp_pts if s and max(abs(t) for t in p.values()) < 50]
            if conv:
                suspicious.append(f"SLSQP converged at a finite point {conv[0]}; "
                                  f"best {info['best_found']}")
    if st in CHECKED and st != "unbounded" and best is None and st != "infeasible":
        suspicious.append("no feasible point found by the checker")
    return problems, suspicious, info


def run_one(seed, i, rng_problem, bounded=0.5):
    sense, f, cons = random_problem(rng_problem, bounded)
    rec = {"seed": seed, "i": i, "cli": cli_of(sense, f, cons)}
    t0 = time.time()
    try:
        prob = (lagropt.minimize if sense == "min" else lagropt.maximize)(f, cons)
        sol = prob.solve()
    except Exception as e:                          # a refusal is an answer too
        rec.update(status="error", verdict="not checked", why=f"{type(e).__name__}: {e}"[:300],
                   solve_s=round(time.time() - t0, 2))
        return rec
    rec["solve_s"] = round(time.time() - t0, 2)
    rec["status"] = sol.status
    rec["value"] = sp.sstr(sol.value) if sol.value is not None else None
    if sol.status not in CHECKED:
        rec["verdict"] = "not checked"
        return rec
    try:
        problems, suspicious, info = check(sense, f, cons, sol, np.random.default_rng([seed, i, 7]))
    except Exception as e:
        rec.update(verdict="checker error", why=f"{type(e).__name__}: {e}"[:300])
        return rec
    rec.update(info)
    rec["verdict"] = "MISMATCH" if problems else ("suspicious" if suspicious else "ok")
    if problems or suspicious:
        rec["why"] = problems + suspicious
    return rec


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--count", type=int, default=30)
    ap.add_argument("--bounded", type=float, default=0.5,
                    help="probability of a leading even term in the sense's favour (0.5)")
    ap.add_argument("--only", type=int, nargs="*", help="only these problem indices")
    args = ap.parse_args(argv)
    counts, verdicts = {}, {}
    for i in range(args.count):
        rng = np.random.default_rng([args.seed, i])
        if args.only and i not in args.only:
            continue
        rec = run_one(args.seed, i, rng, args.bounded)
        counts[rec["status"]] = counts.get(rec["status"], 0) + 1
        verdicts[rec["verdict"]] = verdicts.get(rec["verdict"], 0) + 1
        print(json.dumps(rec, default=str), flush=True)
    print(json.dumps({"summary": True, "seed": args.seed, "count": sum(counts.values()),
                      "status": counts, "verdict": verdicts}), flush=True)


if __name__ == "__main__":
    main()
