"""Issue 17's reference set: problems that courses and test collections pose, from sources that
were not written for lagropt, each with an answer derived independently of lagropt.

Four groups (``Reference.group``):

* ``hs``: every Hock-Schittkowski problem of ``tests/hs_problems.py`` (2 to 5 variables,
  elementary functions, the published optima; the source is cited there), and HS34 twice: the
  book's form and the polynomial form quoted in issue 17;
* ``economics``: the mathematics-for-economists canon with *symbolic* prices and income
  (positive parameters): Cobb-Douglas, CES, quasi-linear utility, cost and expenditure
  minimisation, Kuhn-Tucker corners;
* ``classics``: geometry, physics and statistics (box in an ellipsoid, Markowitz with a target
  return, Fermat's principle / Snell's law, maximum entropy with two moments, ...);
* ``issue``: the failures quoted in issue 17 that are not in the groups above.

Every expected answer is either the published one (``source``) or derived by hand in the
comment beside the record - never taken from lagropt's output. Exact answers are SymPy
expressions; published digits are ``sp.Float``s, compared to their precision (``judge``).

:func:`judge` is the one rule that says whether a :class:`lagropt.Solution` agrees with a
record; ``tests/test_reference.py`` and ``bench/run.py solve-outside`` both use it.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass, field
from typing import Callable

import mpmath
import sympy as sp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hs_problems  # noqa: E402

__all__ = ["Reference", "Judgement", "REFERENCES", "by_name", "judge", "HONEST_FAILURES",
           "VALUE_RTOL", "POINT_RTOL", "NUMERIC_RTOL"]

S, sqrt, log = sp.Rational, sp.sqrt, sp.log

# Published digits: f* of the Hock-Schittkowski records has at least 9 significant digits, x*
# about 5-6 (so x* is compared to 1e-4 relative, as tests/test_numeric_fallback.py does).
VALUE_RTOL = 1e-7
POINT_RTOL = 1e-4
# A numeric answer (status "numeric") against an exact reference: relative to max(1, |ref|).
NUMERIC_RTOL = 1e-6
# Statuses that admit there is no answer; honest, but allowed only for listed gaps.
HONEST_FAILURES = ("unsolved", "timeout", "too_large")


@dataclass(frozen=True)
class Reference:
    """One reference problem and its expected answer.

    ``build()`` returns a fresh :class:`lagropt.Problem`. ``value`` is the optimal value (exact,
    or a Float with the published digits; ``oo``/``-oo`` for ``unbounded``). ``optimizers`` are
    optimal points (dicts variable -> value) that the answer must contain; ``complete`` says they
    are all of them. ``closed_form`` is False when only published digits exist. ``sample`` gives
    the parameters numbers (for checking inequalities of a parametric answer and for numeric
    baselines). ``timeout`` is the CPU budget the test gives the solve.
    """

    name: str
    group: str
    build: Callable
    status: str
    value: sp.Expr | None
    source: str
    optimizers: tuple = ()
    complete: bool = False
    closed_form: bool = True
    sample: dict = field(default_factory=dict)
    multiplier: sp.Expr | None = None     # lambda of a single equality, L = f - lambda (lhs - rhs)
    timeout: float = 5.0


# -- Hock-Schittkowski ----------------------------------------------------------------------------

def _is_float(v) -> bool:
    return any(isinstance(a, sp.Float) for a in sp.preorder_traversal(sp.sympify(v)))


# CPU seconds for the problems whose exact solve takes more than half of the default 5 s
# (bench/run.py solve-outside: HS39 2.2 s), so that load jitter cannot flip them (HS65 took
# 3.7 s; 0.6 s since its convexity stops the active-set enumeration early)
SLOW = {"HS39": 10.0,
        # numeric answers after the exact part gives up early (HS60 3.4 s, HS79 2.3 s, HS80
        # 2.6 s, HS81 4.1 s CPU, December 2026): a margin for the fallback
        "HS60": 10.0, "HS79": 10.0, "HS80": 10.0, "HS81": 10.0}


def _from_hs(p) -> Reference:
    """A record of tests/hs_problems.py as a reference (HS9's minimizers form a lattice, so no
    point is required there; HS40's second minimizer has x3, x4 negated)."""
    points = () if p.name == "HS9" else (dict(zip(p.variables, p.x_star)),)
    return Reference(p.name, "hs", p.problem, "optimal", p.f_star, p.source, points,
                     closed_form=not _is_float(p.f_star), timeout=SLOW.get(p.name, 5.0))


def _hs34_book() -> Reference:
    # HS34: min -x1 s.t. x2 >= exp(x1), x3 >= exp(x2), 0 <= x1 <= 100, 0 <= x2 <= 100,
    # 0 <= x3 <= 10. -x1 falls as x1 grows; x1 <= log x2 <= log log x3 <= log log 10, all tight:
    # x* = (log log 10, log 10, 10), f* = -log log 10 (= -0.834032445, the book's value).
    x1, x2, x3 = xs = sp.symbols("x1:4", real=True)

    def build():
        import lagropt
        return lagropt.minimize(-x1, [x2 >= sp.exp(x1), x3 >= sp.exp(x2), x1 >= 0, x1 <= 100,
                                      x2 >= 0, x2 <= 100, x3 >= 0, x3 <= 10], xs)
    return Reference("HS34", "hs", build, "optimal", -log(log(10)),
                     hs_problems.BOOK + "hs034.py", ({x1: log(log(10)), x2: log(10), x3: 10},),
                     complete=True)


def _hs34_issue() -> Reference:
    # Issue 17's polynomial form of HS34: min -x1 s.t. x2 >= x1^2, x3 >= x2^2, x1 <= 100,
    # x3 <= 10. x1 <= |x1| <= sqrt(x2) <= x3^(1/4) <= 10^(1/4), equality all along:
    # x* = (10^(1/4), sqrt(10), 10), f* = -10^(1/4).
    x1, x2, x3 = xs = sp.symbols("x1:4", real=True)

    def build():
        import lagropt
        return lagropt.minimize(-x1, [x2 >= x1 ** 2, x3 >= x2 ** 2, x1 <= 100, x3 <= 10], xs)
    return Reference("HS34-issue17", "hs", build, "optimal", -10 ** S(1, 4),
                     "issue 17 (HS34 with the exponentials replaced by squares)",
                     ({x1: 10 ** S(1, 4), x2: sqrt(10), x3: 10},), complete=True)


# -- economics: symbolic prices and income ------------------------------------------------------

p, q, m, w, r, Q, u = sp.symbols("p q m w r Q u", positive=True)
x, y, z = sp.symbols("x y z", positive=True)
L_, K_ = sp.symbols("L K", positive=True)
xr, yr = sp.symbols("x y", real=True)
alpha, beta, a = sp.symbols("alpha beta a", positive=True)
PRICES = {p: 2, q: 3, m: 12}

VARIAN_IM = "H. R. Varian, Intermediate Microeconomics, 8th ed. (2010)"
VARIAN_MA = "H. R. Varian, Microeconomic Analysis, 3rd ed. (1992)"
SIMON_BLUME = "C. P. Simon and L. Blume, Mathematics for Economists (1994)"
CHIANG = ("A. C. Chiang and K. Wainwright, Fundamental Methods of Mathematical Economics, "
          "4th ed. (2005)")
SYDSAETER = ("K. Sydsaeter and P. Hammond, Essential Mathematics for Economic Analysis, "
             "4th ed. (2012)")


def _maximize(objective, constraints, variables, params=(), assume=None):
    def build():
        import lagropt
        return lagropt.maximize(objective, constraints, list(variables), list(params), assume)
    return build


def _minimize(objective, constraints, variables, params=()):
    def build():
        import lagropt
        return lagropt.minimize(objective, constraints, list(variables), list(params))
    return build


def _economics() -> list:
    budget = sp.Eq(p * x + q * y, m)
    out = []
    # sqrt(xy): MRS y/x = p/q, so p x = q y = m/2; V = sqrt(m^2/(4pq)); lambda = dV/dm.
    out.append(Reference(
        "cobb-douglas-sqrt", "economics", _maximize(sqrt(x * y), [budget], (x, y), (p, q, m)),
        "optimal", m / (2 * sqrt(p * q)),
        f"{VARIAN_IM}, ch. 5 appendix (Cobb-Douglas demands); issue 17",
        ({x: m / (2 * p), y: m / (2 * q)},), True, sample=PRICES,
        multiplier=1 / (2 * sqrt(p * q))))
    # x^(1/3) y^(2/3): spend 1/3 and 2/3 of m; V = (m/(3p))^(1/3) (2m/(3q))^(2/3), homogeneous of
    # degree 1 in m so lambda = V/m.
    v = 2 ** S(2, 3) * m / (3 * p ** S(1, 3) * q ** S(2, 3))
    out.append(Reference(
        "cobb-douglas-1/3", "economics",
        _maximize(x ** S(1, 3) * y ** S(2, 3), [budget], (x, y), (p, q, m)), "optimal", v,
        f"{VARIAN_IM}, ch. 5 appendix; issue 17",
        ({x: m / (3 * p), y: 2 * m / (3 * q)},), True, sample=PRICES, multiplier=v / m))
    # x^a y^(1-a), the textbook's 0 < a < 1 (assume=, issue 17 item 2; a > 0 is a's own
    # assumption): x = a m/p, y = (1 - a) m/q.
    out.append(Reference(
        "cobb-douglas-a", "economics",
        _maximize(x ** a * y ** (1 - a), [budget], (x, y), (a, p, q, m), [a < 1]), "optimal",
        (a * m / p) ** a * ((1 - a) * m / q) ** (1 - a),
        f"{SIMON_BLUME}, ch. 22 (economic applications: utility maximisation); issue 17",
        ({x: a * m / p, y: (1 - a) * m / q},), True, sample={**PRICES, a: S(1, 4)}))
    # alpha log x + beta log y: alpha/x = lambda p, beta/y = lambda q, so p x = alpha/lambda,
    # q y = beta/lambda, lambda = (alpha + beta)/m; valid for every alpha, beta > 0.
    xs_, ys_ = alpha * m / ((alpha + beta) * p), beta * m / ((alpha + beta) * q)
    out.append(Reference(
        "cobb-douglas-log", "economics",
        _maximize(alpha * log(x) + beta * log(y), [budget], (x, y), (alpha, beta, p, q, m)),
        "optimal", alpha * log(xs_) + beta * log(ys_),
        f"{CHIANG}, sec. 12.5 (utility maximisation, log form)",
        ({x: xs_, y: ys_},), True, sample={**PRICES, alpha: 1, beta: 2},
        multiplier=(alpha + beta) / m))
    # CES rho = 1/2 (monotone transform sqrt x + sqrt y): 1/(2 sqrt x) = lambda p, so
    # sqrt(y/x) = p/q, y = x p^2/q^2, x = m q/(p (p + q)); Varian's x1 = p1^(r-1) m/(p1^r + p2^r)
    # with r = rho/(rho - 1) = -1 gives the same. V = sqrt(m (p + q)/(p q)).
    out.append(Reference(
        "ces-rho-1/2", "economics", _maximize(sqrt(x) + sqrt(y), [budget], (x, y), (p, q, m)),
        "optimal", sqrt(m * (p + q) / (p * q)),
        f"{VARIAN_MA}, ch. 7 (utility maximization, the CES example: "
        "x1 = p1^(r-1) m/(p1^r + p2^r))",
        ({x: m * q / (p * (p + q)), y: m * p / (q * (p + q))},), True, sample=PRICES))
    # CES rho = -1 (monotone transform -(1/x + 1/y)): 1/x^2 = lambda p, so y/x = sqrt(p/q),
    # x = m/(sqrt p (sqrt p + sqrt q)); V = -(sqrt p + sqrt q)^2/m (r = 1/2 in Varian's formula).
    sp_, sq_ = sqrt(p), sqrt(q)
    out.append(Reference(
        "ces-rho-minus-1", "economics", _maximize(-1 / x - 1 / y, [budget], (x, y), (p, q, m)),
        "optimal", -(sp_ + sq_) ** 2 / m, f"{VARIAN_MA}, CES demand with r = 1/2",
        ({x: m / (sp_ * (sp_ + sq_)), y: m / (sq_ * (sp_ + sq_))},), True, sample=PRICES))
    # quasi-linear log x + y (y may be negative: the interior solution): 1/x = lambda p,
    # 1 = lambda q, x = q/p independent of income, y = m/q - 1; lambda = 1/q.
    out.append(Reference(
        "quasilinear-interior", "economics",
        _maximize(log(x) + yr, [sp.Eq(p * x + q * yr, m)], (x, yr), (p, q, m)), "optimal",
        log(q / p) + m / q - 1, f"{VARIAN_IM}, ch. 6 (quasilinear preferences)",
        ({x: q / p, yr: m / q - 1},), True, sample=PRICES, multiplier=1 / q))
    # quasi-linear with y >= 0 and income below the kink (p = q = 1, m = 1/2): the interior
    # x = q/p = 1 would need y = -1/2, so the corner y = 0, x = 1/2: f = -log 2; KKT: 1/x = 2 =
    # mu_budget, 1 = mu_budget - mu_y so mu_y = 1 >= 0; concave f, convex set: global.
    out.append(Reference(
        "quasilinear-corner", "economics",
        _maximize(log(xr) + yr, [xr + yr <= S(1, 2), yr >= 0, xr >= 0], (xr, yr)), "optimal",
        -log(2), f"{VARIAN_IM}, ch. 6 (boundary optimum); {SYDSAETER}, ch. 14 (Kuhn-Tucker)",
        ({xr: S(1, 2), yr: 0},), True))
    # the same with y >= 0 and income symbolic: L = log x + y - lambda (p x + q y - m) + mu y,
    # 1/x = lambda p, 1 + mu = lambda q. mu = 0: x = q/p, y = m/q - 1 >= 0 iff m >= q;
    # y = 0: x = m/p, lambda = 1/m, mu = q/m - 1 >= 0 iff m <= q. Concave f, convex set: each
    # KKT point is global in its region; at m = q both give log(q/p). A piecewise answer.
    out.append(Reference(
        "quasilinear-piecewise", "economics",
        _maximize(log(x) + yr, [sp.Eq(p * x + q * yr, m), yr >= 0], (x, yr), (p, q, m)),
        "piecewise", sp.Piecewise((log(q / p) + m / q - 1, m >= q), (log(m / p), True)),
        f"{VARIAN_IM}, ch. 6 (quasilinear preferences: interior or boundary by income)",
        sample=PRICES))
    # a capacity that binds or not: max -(x - c)^2 s.t. x <= k (c, k real): -2 (x - c) = mu;
    # x = c (mu = 0) when c <= k, x = k with mu = 2 (c - k) >= 0 when c >= k; value 0 or
    # -(c - k)^2 (concave f, convex set).
    cx, ck, xc = sp.symbols("c k x", real=True)
    out.append(Reference(
        "capacity-piecewise", "economics",
        _maximize(-(xc - cx) ** 2, [xc <= ck], (xc,), (cx, ck)),
        "piecewise", sp.Piecewise((0, cx <= ck), (-(cx - ck) ** 2, True)),
        f"{SYDSAETER}, ch. 14 (Kuhn-Tucker: a constraint binding or slack; the problem ours)",
        sample={cx: 1, ck: 2}))
    # perfect substitutes 2x + y, prices 1 and 1, income 10: the better bang per euro is x,
    # corner (10, 0), U = 20 (linear program: the optimum is a vertex).
    out.append(Reference(
        "perfect-substitutes", "economics",
        _maximize(2 * xr + yr, [xr + yr <= 10, xr >= 0, yr >= 0], (xr, yr)), "optimal", 20,
        f"{VARIAN_IM}, ch. 5 (perfect substitutes: boundary optimum)",
        ({xr: 10, yr: 0},), True))
    # rationing: max xy, x + y <= 10, ration x <= 4: unrationed x = y = 5 breaks the ration,
    # so x = 4, y = 6, U = 24; (6, 4) = mu1 (1, 1) + mu2 (1, 0): mu1 = 4, mu2 = 2 >= 0.
    out.append(Reference(
        "rationing-binding", "economics",
        _maximize(xr * yr, [xr + yr <= 10, xr <= 4, xr >= 0, yr >= 0], (xr, yr)), "optimal", 24,
        f"{CHIANG}, sec. 13.3 (rationing, the model; numbers ours)", ({xr: 4, yr: 6},), True))
    # the same with a ration x <= 6 that does not bind: x = y = 5, U = 25.
    out.append(Reference(
        "rationing-slack", "economics",
        _maximize(xr * yr, [xr + yr <= 10, xr <= 6, xr >= 0, yr >= 0], (xr, yr)), "optimal", 25,
        f"{CHIANG}, sec. 13.3 (rationing, the model; numbers ours)", ({xr: 5, yr: 5},), True))
    # cost minimisation, Cobb-Douglas sqrt(L K) = Q: w/r = K/L, L = Q sqrt(r/w),
    # K = Q sqrt(w/r), C = 2 Q sqrt(w r); lambda = dC/dQ = 2 sqrt(w r) (marginal cost).
    out.append(Reference(
        "cost-minimisation", "economics",
        _minimize(w * L_ + r * K_, [sp.Eq(sqrt(L_ * K_), Q)], (L_, K_), (w, r, Q)), "optimal",
        2 * Q * sqrt(w * r), f"{VARIAN_MA}, ch. 4 (the Cobb-Douglas cost function)",
        ({L_: Q * sqrt(r / w), K_: Q * sqrt(w / r)},), True, sample={w: 2, r: 3, Q: 5},
        multiplier=2 * sqrt(w * r)))
    # expenditure minimisation, x^(1/3) y^(2/3) = u: MRS y/(2x) = p/q, y = 2 p x/q,
    # u = x (2p/q)^(2/3): x = u (q/(2p))^(2/3), y = u (2p/q)^(1/3),
    # e = p x + q y = p^(1/3) q^(2/3) u (2^(-2/3) + 2^(1/3)) = 3 2^(-2/3) p^(1/3) q^(2/3) u.
    out.append(Reference(
        "expenditure-minimisation", "economics",
        _minimize(p * x + q * y, [sp.Eq(x ** S(1, 3) * y ** S(2, 3), u)], (x, y), (p, q, u)),
        "optimal", 3 * 2 ** -S(2, 3) * p ** S(1, 3) * q ** S(2, 3) * u,
        f"{VARIAN_MA}, ch. 7 (the expenditure function)",
        ({x: u * (q / (2 * p)) ** S(2, 3), y: u * (2 * p / q) ** S(1, 3)},), True,
        sample={p: 2, q: 3, u: 5}))
    # three goods, xyz with p x + q y + r z = m: each good gets m/3; V = m^3/(27 p q r).
    out.append(Reference(
        "cobb-douglas-3-goods", "economics",
        _maximize(x * y * z, [sp.Eq(p * x + q * y + r * z, m)], (x, y, z), (p, q, r, m)),
        "optimal", m ** 3 / (27 * p * q * r), f"{SIMON_BLUME}, ch. 18-19 (utility xyz)",
        ({x: m / (3 * p), y: m / (3 * q), z: m / (3 * r)},), True,
        sample={p: 2, q: 3, r: 5, m: 12}))
    # three goods with weights 1/2, 1/3, 1/6: f_x = f/(2x) = lambda p, f_y = f/(3y) = lambda q,
    # f_z = f/(6z) = lambda r, so p x = f/(2 lambda), q y = f/(3 lambda), r z = f/(6 lambda);
    # summed, m = f/lambda: p x = m/2, q y = m/3, r z = m/6 (the shares are the exponents);
    # lambda = f/m. Concave (exponents summing to 1), affine budget: global.
    v3 = sqrt(m / (2 * p)) * (m / (3 * q)) ** S(1, 3) * (m / (6 * r)) ** S(1, 6)
    out.append(Reference(
        "cobb-douglas-3-weights", "economics",
        _maximize(sqrt(x) * y ** S(1, 3) * z ** S(1, 6), [sp.Eq(p * x + q * y + r * z, m)],
                  (x, y, z), (p, q, r, m)),
        "optimal", v3, f"{SIMON_BLUME}, ch. 22 (Cobb-Douglas demands x_i = a_i m/p_i)",
        ({x: m / (2 * p), y: m / (3 * q), z: m / (6 * r)},), True,
        sample={p: 2, q: 3, r: 5, m: 12}, multiplier=v3 / m))
    # CES rho = 1/3, u = x^(1/3) + y^(1/3): x^(-2/3)/3 = lambda p, y^(-2/3)/3 = lambda q, so
    # (y/x)^(2/3) = p/q, y = x (p/q)^(3/2); the budget gives x (p + p^(3/2)/sqrt q) = m,
    # x = m sqrt(q)/(p (sqrt p + sqrt q)), y = m sqrt(p)/(q (sqrt p + sqrt q)); Varian's
    # x1 = p1^(r-1) m/(p1^r + p2^r) with r = rho/(rho - 1) = -1/2 is the same. The value
    # m^rho (p^r + q^r)^(-rho/r) = m^(1/3) (1/sqrt p + 1/sqrt q)^(2/3) (Varian's indirect
    # utility m (p^r + q^r)^(-1/r) raised to rho).
    out.append(Reference(
        "ces-rho-1/3", "economics",
        _maximize(x ** S(1, 3) + y ** S(1, 3), [budget], (x, y), (p, q, m)), "optimal",
        m ** S(1, 3) * (1 / sqrt(p) + 1 / sqrt(q)) ** S(2, 3),
        f"{VARIAN_MA}, ch. 7 (CES demand x1 = p1^(r-1) m/(p1^r + p2^r))",
        ({x: m * sqrt(q) / (p * (sqrt(p) + sqrt(q))), y: m * sqrt(p) / (q * (sqrt(p) + sqrt(q)))},),
        True, sample=PRICES))
    # cost minimisation with the technology K^(1/3) L^(2/3) = Q: the ratio of the stationarity
    # equations w/r = ((2/3) K^(1/3) L^(-1/3))/((1/3) K^(-2/3) L^(2/3)) = 2K/L gives
    # K = w L/(2r); Q = L (w/(2r))^(1/3), so L = Q (2r/w)^(1/3), K = Q (w/(2r))^(2/3);
    # C = w L + r K = Q w^(2/3) r^(1/3) (2^(1/3) + 2^(-2/3)) = 3 Q w^(2/3) r^(1/3)/2^(2/3),
    # Varian's Q (r/a)^a (w/(1-a))^(1-a) at a = 1/3; lambda = dC/dQ = C/Q.
    c13 = 3 * w ** S(2, 3) * r ** S(1, 3) / 2 ** S(2, 3)
    out.append(Reference(
        "cost-minimisation-1/3", "economics",
        _minimize(w * L_ + r * K_, [sp.Eq(K_ ** S(1, 3) * L_ ** S(2, 3), Q)], (L_, K_), (w, r, Q)),
        "optimal", Q * c13, f"{VARIAN_MA}, ch. 4 (the Cobb-Douglas cost function)",
        ({L_: Q * (2 * r / w) ** S(1, 3), K_: Q * (w / (2 * r)) ** S(2, 3)},), True,
        sample={w: 2, r: 3, Q: 5}, multiplier=c13))
    return out


# -- geometry, physics, statistics ----------------------------------------------------------------

STEWART = "J. Stewart, Calculus: Early Transcendentals, 8th ed. (2015)"


def _classics() -> list:
    out = []
    A, B, C, V = sp.symbols("a b c V", positive=True)
    # box in the ellipsoid: yz = lambda 2x/a^2 etc. give x^2/a^2 = y^2/b^2 = z^2/c^2 = 1/3;
    # V = 8 abc/(3 sqrt 3).
    out.append(Reference(
        "box-in-ellipsoid", "classics",
        _maximize(8 * x * y * z, [sp.Eq(x ** 2 / A ** 2 + y ** 2 / B ** 2 + z ** 2 / C ** 2, 1)],
                  (x, y, z), (A, B, C)),
        "optimal", 8 * A * B * C / (3 * sqrt(3)),
        f"{STEWART}, sec. 14.8 exercises (largest box in an ellipsoid)",
        ({x: A / sqrt(3), y: B / sqrt(3), z: C / sqrt(3)},), True, sample={A: 1, B: 2, C: 3}))
    # rectangle in the ellipse: x^2/a^2 = y^2/b^2 = 1/2, area 4xy = 2ab.
    out.append(Reference(
        "rectangle-in-ellipse", "classics",
        _maximize(4 * x * y, [sp.Eq(x ** 2 / A ** 2 + y ** 2 / B ** 2, 1)], (x, y), (A, B)),
        "optimal", 2 * A * B, f"{STEWART}, sec. 14.8 exercises",
        ({x: A / sqrt(2), y: B / sqrt(2)},), True, sample={A: 1, B: 2}))
    # the can of volume V with least surface: h = 2 r, r = (V/(2 pi))^(1/3),
    # A = 6 pi r^2 = 3 (2 pi)^(1/3) V^(2/3).
    rr, hh = sp.symbols("r h", positive=True)
    out.append(Reference(
        "can-least-surface", "classics",
        _minimize(2 * sp.pi * rr ** 2 + 2 * sp.pi * rr * hh, [sp.Eq(sp.pi * rr ** 2 * hh, V)],
                  (rr, hh), (V,)),
        "optimal", 3 * (2 * sp.pi) ** S(1, 3) * V ** S(2, 3),
        f"{STEWART}, sec. 4.7 (the cylindrical can), as a Lagrange problem",
        ({rr: (V / (2 * sp.pi)) ** S(1, 3), hh: 2 * (V / (2 * sp.pi)) ** S(1, 3)},), True,
        sample={V: 1}))
    # Snell's law: light from height 1 in medium 1 (speed 3) to depth 1 in medium 2 (speed 4),
    # horizontal run x1 + x2 = 25/12. sin t1/3 = sin t2/4 with sin t1 = x1/sqrt(1 + x1^2):
    # x1 = 3/4 (sin 3/5), x2 = 4/3 (sin 4/5): 3/5/3 = 4/5/4 = 1/5 = lambda. T = (5/4)/3 +
    # (5/3)/4 = 5/6; the objective is strictly convex, so this is the minimum.
    x1, x2 = sp.symbols("x1 x2", real=True)
    out.append(Reference(
        "snell-law", "classics",
        _minimize(sqrt(1 + x1 ** 2) / 3 + sqrt(1 + x2 ** 2) / 4, [sp.Eq(x1 + x2, S(25, 12))],
                  (x1, x2)),
        "optimal", S(5, 6),
        "Fermat's principle of least time, Snell's law (Feynman Lectures on Physics I, ch. 26); "
        "numbers ours", ({x1: S(3, 4), x2: S(4, 3)},), True, multiplier=S(1, 5)))
    # Heron's reflection: from (0, 1) to (3, 2) via the mirror y = 0: equal angles x1/1 = x2/2
    # with x1 + x2 = 3: (1, 2); the length is that of the straight line to the image (3, -2):
    # sqrt(9 + 9) = 3 sqrt 2.
    out.append(Reference(
        "heron-reflection", "classics",
        _minimize(sqrt(1 + x1 ** 2) + sqrt(4 + x2 ** 2), [sp.Eq(x1 + x2, 3)], (x1, x2)),
        "optimal", 3 * sqrt(2), "Heron of Alexandria, Catoptrica (the law of reflection)",
        ({x1: 1, x2: 2},), True))
    # Markowitz, 3 uncorrelated assets with variances 1, 2, 4, returns 1, 2, 3, target 2:
    # 2 Sigma w = a 1 + b mu gives w = ((a+b)/2, (a+2b)/4, (a+3b)/8); the constraints
    # 7a + 11b = 8, 11a + 21b = 16 give a = -4/13, b = 12/13, w = (4, 5, 4)/13,
    # variance (16 + 50 + 64)/169 = 10/13.
    w1, w2, w3 = ws = sp.symbols("w1:4", real=True)
    out.append(Reference(
        "markowitz-3-assets", "classics",
        _minimize(w1 ** 2 + 2 * w2 ** 2 + 4 * w3 ** 2,
                  [sp.Eq(w1 + w2 + w3, 1), sp.Eq(w1 + 2 * w2 + 3 * w3, 2)], ws),
        "optimal", S(10, 13),
        "H. Markowitz, Portfolio Selection, J. Finance 7 (1952); D. G. Luenberger, Investment "
        "Science (1998), ch. 6 (mean-variance with a target return); numbers ours",
        ({w1: S(4, 13), w2: S(5, 13), w3: S(4, 13)},), True))
    # minimum variance of two uncorrelated assets, variances 1 and 4: w1/w2 = 4, (4/5, 1/5),
    # variance 16/25 + 4/25 = 4/5.
    out.append(Reference(
        "markowitz-2-assets", "classics",
        _minimize(w1 ** 2 + 4 * w2 ** 2, [sp.Eq(w1 + w2, 1)], (w1, w2)), "optimal", S(4, 5),
        "H. Markowitz (1952); the minimum-variance portfolio w_i proportional to 1/sigma_i^2",
        ({w1: S(4, 5), w2: S(1, 5)},), True, multiplier=S(8, 5)))
    out += _maxent()
    # multinomial maximum likelihood: n_i/p_i = lambda, so p_i = n_i/N, lambda = N.
    n1, n2, n3 = ns = sp.symbols("n1:4", positive=True)
    p1, p2, p3 = ps = sp.symbols("p1:4", positive=True)
    N = n1 + n2 + n3
    out.append(Reference(
        "multinomial-mle", "classics",
        _maximize(n1 * log(p1) + n2 * log(p2) + n3 * log(p3), [sp.Eq(p1 + p2 + p3, 1)], ps, ns),
        "optimal", sum(n * log(n / N) for n in ns),
        "G. Casella and R. L. Berger, Statistical Inference, 2nd ed. (2002), the multinomial MLE",
        ({p1: n1 / N, p2: n2 / N, p3: n3 / N},), True, sample={n1: 2, n2: 3, n3: 5},
        multiplier=N))
    # Neyman allocation: minimize sum a_h^2/n_h with sum n_h = n: n_h proportional to a_h;
    # a = (1, 2, 3), n = 12: (2, 4, 6), variance (sum a_h)^2/n = 36/12 = 3.
    h1, h2, h3 = hs = sp.symbols("n1:4", positive=True)
    out.append(Reference(
        "neyman-allocation", "classics",
        _minimize(1 / h1 + 4 / h2 + 9 / h3, [sp.Eq(h1 + h2 + h3, 12)], hs), "optimal", 3,
        "W. G. Cochran, Sampling Techniques, 3rd ed. (1977), sec. 5.5 (Neyman allocation)",
        ({h1: 2, h2: 4, h3: 6},), True, multiplier=-S(1, 4)))
    return out


def _entropy(ps):
    return -sp.Add(*[pk * log(pk) for pk in ps])


def _maxent() -> list:
    out = []
    # {-2, ..., 2}, mean 0, variance 12/17: p_k proportional to exp(-b k^2) with e^(-b) = 1/2
    # gives 16:8:1, i.e. p = (1, 8, 16, 8, 1)/34; sum k^2 p_k = 2 (8 + 4)/34 = 12/17.
    # H = log 34 - (2*8 log 8 + 16 log 16)/34 = log 34 - 56 log(2)/17.
    ps = sp.symbols("p1:6", positive=True)
    ks = range(-2, 3)
    want = (S(1, 34), S(4, 17), S(8, 17), S(4, 17), S(1, 34))
    out.append(Reference(
        "maxent-mean-variance", "classics",
        _maximize(_entropy(ps), [sp.Eq(sp.Add(*ps), 1),
                                 sp.Eq(sp.Add(*[k * pk for k, pk in zip(ks, ps)]), 0),
                                 sp.Eq(sp.Add(*[k ** 2 * pk for k, pk in zip(ks, ps)]), S(12, 17))],
                  ps),
        "optimal", log(34) - 56 * log(2) / 17,
        "E. T. Jaynes, Information theory and statistical mechanics, Phys. Rev. 106 (1957); "
        "the numbers from issue 17", (dict(zip(ps, want)),), True))
    # Jaynes' Brandeis dice: faces 1..6 with mean 4.5: p_k proportional to t^k with
    # sum (k - 4.5) t^k = 0; t and p computed here with mpmath (30 digits), not by lagropt.
    ds = sp.symbols("p1:7", positive=True)
    t = mpmath.findroot(lambda t: sum((k - mpmath.mpf(9) / 2) * t ** k for k in range(1, 7)), 1.4)
    weights = [t ** k for k in range(1, 7)]
    probs = [wk / sum(weights) for wk in weights]
    entropy = -sum(pk * mpmath.log(pk) for pk in probs)
    out.append(Reference(
        "maxent-brandeis-dice", "classics",
        _maximize(_entropy(ds), [sp.Eq(sp.Add(*ds), 1),
                                 sp.Eq(sp.Add(*[k * d for k, d in zip(range(1, 7), ds)]), S(9, 2))],
                  ds),
        "optimal", sp.Float(mpmath.nstr(entropy, 20), 20),
        "E. T. Jaynes, Brandeis lectures (1962) / Where do we stand on maximum entropy? (1978): "
        "p = (0.05435, 0.07877, 0.11416, 0.16545, 0.23977, 0.34749)",
        ({d: sp.Float(mpmath.nstr(pk, 20), 20) for d, pk in zip(ds, probs)},), True))
    # (a closed form exists: t is a root of a quintic, p_k = t^k / sum_j t^j with t a CRootOf;
    # the reference keeps the published digits, compared to their precision)
    return out


# -- the failures quoted in issue 17 --------------------------------------------------------------

def _issue() -> list:
    out = []
    t = sp.Symbol("x", real=True)
    W = sp.LambertW(1)
    # x^2/2 + e^x: f' = x + e^x = 0, x = -W(1); e^(-W(1)) = W(1), so f = W^2/2 + W. Convex.
    out.append(Reference(
        "x2-half-plus-exp", "issue", _minimize(t ** 2 / 2 + sp.exp(t), [], (t,)), "optimal",
        W ** 2 / 2 + W, "issue 17 (the ilcm() error); the Lambert W function", ({t: -W},), True))
    # max x1 x2 x3 with x1 + x2 + x3 = S, positive: AM-GM, all S/3, value S^3/27.
    Ssum = sp.Symbol("S", positive=True)
    v1, v2, v3 = vs = sp.symbols("x1:4", positive=True)
    out.append(Reference(
        "product-fixed-sum-3", "issue",
        _maximize(v1 * v2 * v3, [sp.Eq(v1 + v2 + v3, Ssum)], vs, (Ssum,)), "optimal",
        Ssum ** 3 / 27, "issue 17 (TypeError: Cannot convert expression to float); AM-GM",
        ({v1: Ssum / 3, v2: Ssum / 3, v3: Ssum / 3},), True, sample={Ssum: 6},
        multiplier=Ssum ** 2 / 9))
    # x^2 - y^2 on x + y = 1: equals x - y = 2x - 1 there, unbounded above.
    out.append(Reference(
        "x2-minus-y2-on-line", "issue",
        _maximize(xr ** 2 - yr ** 2, [sp.Eq(xr + yr, 1)], (xr, yr)), "unbounded", sp.oo,
        "issue 17 (decided: unbounded with the evidence)"))
    # a nonnegative variable: y = xn + 5, f = (xn + 1)^2 + (xn + 5)^2 grows for xn >= 0, so
    # xn = 0, y = 5, f = 26.
    xn = sp.Symbol("xn", nonnegative=True)
    out.append(Reference(
        "nonnegative-assumption", "issue",
        _minimize((xn + 1) ** 2 + yr ** 2, [sp.Eq(xn - yr, -5)], (xn, yr)), "optimal", 26,
        "issue 17 (assumptions are constraints)", ({xn: 0, yr: 5},), True))
    return out


REFERENCES = ([_from_hs(p) for p in hs_problems.PROBLEMS] + [_hs34_book(), _hs34_issue()]
              + _economics() + _classics() + _issue())


def by_name(name: str) -> Reference:
    """The record called ``name``."""
    return next(ref for ref in REFERENCES if ref.name == name)


# -- judging an answer ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Judgement:
    """``correct``: the answer agrees with the reference; ``exact``: and it is exact;
    ``honest``: correct, or an admitted failure (``HONEST_FAILURES``, or ``parametric`` with
    equations left unsolved where the reference is a concrete answer); ``why``: the
    disagreements, or what was checked."""

    correct: bool
    exact: bool
    honest: bool
    why: str


def judge(ref: Reference, sol) -> Judgement:
    """Whether ``sol`` (a :class:`lagropt.Solution` of ``ref.build()``) agrees with ``ref``."""
    if sol.status in HONEST_FAILURES:
        return Judgement(False, False, True, f"no answer: {sol.status} ({sol.message})")
    if sol.status == "parametric" and sol.remaining and ref.status != "parametric":
        return Judgement(False, False, True, f"no answer: parametric, {len(sol.remaining)} "
                                             "equations left unsolved")
    if sol.status == "parametric" and not sol.optimum and ref.status != "parametric":
        return Judgement(False, False, True, f"no answer: parametric, which candidate is "
                                             f"optimal was not decided ({sol.message})")
    numeric = sol.status == "numeric" or not all(pt.exact for pt in sol.optimum)
    want = "numeric" if numeric and ref.status == "optimal" else ref.status
    errors = [] if sol.status == want else [f"status {sol.status!r}, expected {ref.status!r}"]
    if not errors:
        errors = (_value_errors(ref, sol, numeric) + _point_errors(ref, sol, numeric)
                  + _multiplier_errors(ref, sol, numeric))
    if errors:
        return Judgement(False, False, False, "; ".join(errors))
    return Judgement(True, not numeric, True, f"{sol.status}, value {sol.value}")


def _same(a, b) -> bool:
    a, b = sp.sympify(a), sp.sympify(b)
    if a.is_infinite or b.is_infinite:
        return a == b
    diff = sp.simplify(_lambert_identity(a - b))
    if isinstance(diff, sp.Piecewise):    # two piecewise answers: every piece of the difference 0
        return all(sp.simplify(e) == 0 for e, _ in diff.args)
    return diff == 0 or _same_powers(a, b)


def _same_powers(a, b) -> bool:
    """Sums of products of powers: a / b is 1 once every positive symbol s under a radical is
    written t**d (sqrt(p) = t for p = t**2), every power's base is factored over one
    denominator, every power is split over its positive factors ((m c)**e = m**e c**e for
    m > 0, SymPy's expand_power_base), the quotient is multiplied out and the exponents of each
    base are added (m**a m**(1 - a) = m), which simplify does not do. Each step is an identity
    for positive symbols."""
    if b == 0 or not (a.has(sp.Pow) or b.has(sp.Pow)):
        return False
    a, b = _radicals_removed(a, b)

    def split(e):
        e = e.replace(lambda t: isinstance(t, sp.Pow) and not t.exp.is_Integer,
                      lambda t: sp.Pow(sp.factor(sp.together(t.base)), t.exp))
        return sp.powsimp(sp.expand_power_base(e), combine="exp")
    ratio = split(sp.expand(split(a) / split(b)))
    return ratio == 1 or sp.powsimp(sp.expand(ratio), combine="exp") == 1


def _radicals_removed(a, b):
    """a and b with each positive symbol s that has rational exponents of denominators d_i
    replaced by t**lcm(d_i), t positive (a bijection of the positive reals)."""
    swap = {}
    for s in a.free_symbols | b.free_symbols:
        denominators = [pw.exp.q for e in (a, b) for pw in e.atoms(sp.Pow)
                        if pw.base == s and pw.exp.is_Rational]
        d = functools.reduce(sp.ilcm, denominators, 1)
        if s.is_positive and d > 1:
            swap[s] = sp.Dummy(s.name, positive=True) ** d
    return a.xreplace(swap), b.xreplace(swap)


def _lambert_identity(expr):
    """W(z) e^{W(z)} = z, which simplify does not apply: e^{k W(z)} -> (z / W(z))**k."""
    def rewrite(e):
        k, w = e.args[0].as_coeff_Mul()
        return (w.args[0] / w) ** k if isinstance(w, sp.LambertW) and k.is_Integer else e
    return expr.replace(lambda e: isinstance(e, sp.exp) and e.has(sp.LambertW), rewrite)


def _equal_to_150_digits(a, b) -> bool:
    """Two exact constants that agree to 150 digits (at 200). Used only for the consistency of an
    answer with itself (f at its exact point against its exact value: logs of different
    CRootOf forms of one algebraic number, which simplify cannot always prove equal); the value
    itself is compared with the reference by _value_errors."""
    a, b = sp.sympify(a), sp.sympify(b)
    if a.free_symbols or b.free_symbols or not (a.is_finite and b.is_finite):
        return False
    return abs(sp.N(a - b, 200)) < sp.Float(10) ** -150


def _close(a, b, rtol) -> bool:
    """|a - b| <= rtol max(1, |b|), in 30-digit floats (after the sample parameters)."""
    try:
        a, b = complex(sp.N(a, 30)), complex(sp.N(b, 30))
    except (TypeError, ValueError):
        return False
    return abs(a - b) <= rtol * max(1.0, abs(b))


def _agrees(got, want, numeric: bool, sample: dict) -> bool:
    """One number or expression against the reference: exactly, or to the published digits
    (a Float reference), or to NUMERIC_RTOL (a numeric answer)."""
    if _is_float(want):
        return _close(sp.sympify(got).xreplace(sample), want.xreplace(sample), VALUE_RTOL)
    if numeric:
        return _close(sp.sympify(got).xreplace(sample), sp.sympify(want).xreplace(sample),
                      NUMERIC_RTOL)
    return _same(got, want)


def _value_errors(ref, sol, numeric) -> list:
    if ref.value is None or _agrees(sol.value, ref.value, numeric, ref.sample):
        return []
    return [f"value {sol.value}, expected {ref.value}"]


def _point_errors(ref, sol, numeric) -> list:
    """Every optimizer returned is feasible with the optimal value; every reference optimizer
    is among them; with ``complete``, an exact answer lists no other."""
    if ref.status != "optimal":
        return [] if not sol.optimum else [f"{len(sol.optimum)} optimizers for {ref.status!r}"]
    problem = ref.build()
    errors = []
    for pt in sol.optimum:
        errors += _feasibility_errors(problem, pt, numeric, ref.sample)
        at = problem.objective.xreplace(pt.x)
        if not (_agrees(at, sol.value, numeric, ref.sample) or _equal_to_150_digits(at, sol.value)):
            errors.append(f"f at {pt.x} is {at}, not the value {sol.value}")
    for want in ref.optimizers:
        if not any(_point_matches(pt.x, want, numeric, ref.sample) for pt in sol.optimum):
            errors.append(f"the optimizer {want} is missing")
    if ref.complete and not numeric and len(sol.optimum) != len(ref.optimizers):
        errors.append(f"{len(sol.optimum)} optimizers, expected {len(ref.optimizers)}")
    return errors


def _point_matches(got: dict, want: dict, numeric: bool, sample: dict) -> bool:
    for var, value in want.items():
        if var not in got:
            return False
        if _is_float(value) or numeric:
            if not _close(sp.sympify(got[var]).xreplace(sample), value.xreplace(sample),
                          POINT_RTOL if _is_float(value) else NUMERIC_RTOL ** 0.5):
                return False
        elif not _same(got[var], value):
            return False
    return True


def _feasibility_errors(problem, pt, numeric, sample) -> list:
    """Equalities hold (exactly, or to NUMERIC_RTOL), inequalities hold at the sample
    parameters (to 1e-9, or NUMERIC_RTOL for a numeric point)."""
    errors = []
    for c in problem.constraints:
        slack = c.function.xreplace(pt.x)
        if c.relation == "==":
            ok = _close(slack.xreplace(sample), 0, NUMERIC_RTOL) if numeric else _same(slack, 0)
        else:
            try:
                s = float(sp.N(slack.xreplace(sample), 30))
            except (TypeError, ValueError):
                s = float("nan")
            tol = NUMERIC_RTOL if numeric else 1e-9
            ok = s >= -tol if c.relation == ">=" else s <= tol
        if not ok:
            errors.append(f"{c} fails at {pt.x}")
    return errors


def _multiplier_errors(ref, sol, numeric) -> list:
    if ref.multiplier is None or numeric or not sol.optimum:
        return []
    got = [v for k, v in sol.optimum[0].multipliers.items() if str(k).startswith("lambda")]
    if len(got) == 1 and _same(got[0], ref.multiplier):
        return []
    return [f"multiplier {got}, expected {ref.multiplier}"]
