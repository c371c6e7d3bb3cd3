"""Polynomial systems: Groebner bases with real-root isolation, complete and exact.

For a zero-dimensional system the lexicographic Groebner basis of the ideal, after adding a
separating linear form ``t = sum c_i u_i``, has the *shape* ``u_i - q_i(t), p(t)`` (shape
lemma). Every real solution then comes from a real root of the square-free univariate ``p``,
which is isolated exactly (rationals, square roots, ``CRootOf``), and each coordinate is the
algebraic number ``q_i(root)``, reported in its simplest exact form. Unlike ``nonlinsolve``
this misses no solution (sympy issue 20210) and unlike ``solve`` it does not hang on small
Lagrange systems.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from functools import lru_cache
from dataclasses import dataclass

import sympy as sp

from ..runtime import TooLarge

__all__ = ["PolynomialResult", "solve_polynomial_system", "is_polynomial_system",
           "exact_real_roots", "simplest_algebraic"]


@dataclass
class PolynomialResult:
    """Real solutions of a polynomial system (``solutions``), or ``dimension > 0``.

    Each solution's values are polynomials in one algebraic number (so that any expression of
    the point reduces exactly); ``display`` holds, per solution, the same coordinates in their
    simplest exact form (a rational, radicals, or a single CRootOf each).
    """

    solutions: list
    dimension: int = 0
    basis: list | None = None
    display: list | None = None
    too_many: str = ""          # why the solutions were not taken (MAX_ALGEBRAIC_POINTS)


def is_polynomial_system(equations, unknowns) -> bool:
    """True when every equation is a polynomial in the unknowns with rational coefficients."""
    key = tuple(sorted(unknowns, key=str))
    return all(_is_polynomial(e, key) for e in equations)


@lru_cache(maxsize=8192)
def _is_polynomial(e, unknowns: tuple) -> bool:
    names = set(unknowns)
    if any(f.free_symbols & names for f in e.atoms(sp.Function)):
        return False
    num, den = sp.fraction(sp.together(e))
    if den.free_symbols & names:
        return False
    try:
        poly = sp.Poly(num, *unknowns)
    except sp.PolynomialError:
        return False
    return all(c.is_Rational for c in poly.coeffs())


def _numerators(equations, unknowns):
    polys = []
    for e in equations:
        num, _ = sp.fraction(sp.together(sp.expand(e)))
        num = sp.expand(num)
        if num != 0:
            polys.append(num)
    return polys


def exact_real_roots(poly: sp.Poly) -> list:
    """Real roots of a univariate polynomial, exact and without repetition, ascending.

    Irreducible factors of degree 1 and 2 give rationals and square roots; higher degrees give
    ``CRootOf`` (radicals of a cubic with three real roots would need complex numbers).
    """
    roots = []
    for factor, _ in sp.factor_list(poly.as_expr(), *poly.gens)[1]:
        fp = sp.Poly(factor, *poly.gens)
        if fp.degree() <= 0:
            continue
        if fp.degree() <= 2:
            roots.extend(r for r in sp.roots(fp, multiple=True) if r.is_real)
        else:
            roots.extend(fp.real_roots())
    unique = []
    for r in roots:
        if not any(sp.simplify(r - s) == 0 for s in unique if abs(sp.N(r - s, 30)) < 1e-20):
            unique.append(r)
    return sorted(unique, key=lambda r: sp.N(r, 30))


def rationalized(number: sp.Expr) -> sp.Expr:
    """``number`` expanded, with its denominators rationalized (``sp.radsimp``) when its only
    radicals are square roots: 1/(1 + sqrt(2)) = sqrt(2) - 1. radsimp removes square roots; on
    a cube root in a denominator (Cardano's form of a cubic's root, c + 25/(36 c) + 5/6 with
    c = (179/216 + sqrt(114)/18)**(1/3)) it ran for minutes, so such numbers stay expanded."""
    out = sp.expand(number)
    if all(not p.exp.is_Rational or p.exp.is_Integer or p.exp.q == 2
           for p in out.atoms(sp.Pow)):
        return sp.radsimp(out)
    return out


def simplest_algebraic(expr: sp.Expr) -> sp.Expr:
    """An algebraic number in its simplest exact form: rational, radical, or one CRootOf.

    ``q(CRootOf(p, k))`` becomes ``CRootOf(m, j)``, with ``m`` the factor of the resultant
    ``res_t(p(t), y - q(t))`` that vanishes at the value (its minimal polynomial), so that
    coordinates print and compare as plain algebraic numbers. A rational function of the root
    (the maximum-entropy p_k = t^k / sum_j t^j) stays a function of it, cancelled.
    """
    roots = expr.atoms(sp.CRootOf)
    if not roots:
        return rationalized(expr) if expr.has(sp.Pow) else expr
    if isinstance(expr, sp.CRootOf) or len(roots) != 1:
        return expr
    (root,) = roots
    t, y = sp.Dummy("t"), sp.Dummy("y")
    p = root.poly.as_expr().subs(root.poly.gens[0], t)
    raw = expr.subs(root, t)
    q = _reduced_polynomial(raw, p, t)
    if q is None:
        return expr
    if q.free_symbols <= set():
        return q
    best = _minimal_root(expr, p, q, t, y)
    if isinstance(best, sp.CRootOf) and not raw.is_polynomial(t) and \
            raw.is_rational_function(t) and _height(best.poly) > 10 * _height(sp.Poly(p, t)):
        return sp.cancel(raw).subs(t, root)   # p_k = t^k / sum_j t^j: read best in the root
    return best


def _height(poly) -> int:
    """The largest absolute coefficient of an integer polynomial (after clearing denominators):
    how hard its roots are to read."""
    _, clear = poly.clear_denoms()
    return max(abs(int(c)) for c in clear.coeffs())


def _minimal_root(expr, p, q, t, y):
    """The value q(t) at the root of p as a rational, a radical or one CRootOf of its minimal
    polynomial (the factor of res_t(p(t), y - q(t)) that vanishes at it)."""
    target = sp.N(expr, 50)
    resultant = sp.resultant(p, y - q, t)
    best, best_gap = expr, None
    for factor, _ in sp.factor_list(resultant, y)[1]:
        fp = sp.Poly(factor, y)
        if fp.degree() < 1:
            continue
        candidates = ([r for r in sp.roots(fp, multiple=True) if r.is_real] if fp.degree() <= 2
                      else fp.real_roots())
        for r in candidates:
            gap = abs(sp.N(r, 50) - target)
            if best_gap is None or gap < best_gap:
                best, best_gap = r, gap
    return best


def _reduced_polynomial(q, p, t):
    """A rational function q(t) of a root of the irreducible p as a polynomial of degree below
    deg p: q = a/b = a b^(-1) mod p (b is invertible mod p since b(root) != 0). None when q is
    not a rational function of t with rational coefficients."""
    if not q.free_symbols <= {t}:
        return None
    num, den = (sp.expand(part) for part in sp.fraction(sp.together(q)))
    if not all(_is_polynomial(part, (t,)) for part in (num, den)):
        return None
    if den.has(t):
        num = num * sp.invert(den, p, t)
    elif den != 1:
        num = num / den
    return sp.rem(sp.expand(num), p, t)


def _radical_roots(poly_expr, v) -> list | None:
    """Real roots of a univariate polynomial whose coefficients may be radicals: exact radical
    forms (degree <= 4 by formula after factoring), or None when they are not available."""
    poly = sp.Poly(sp.expand(poly_expr), v)
    if poly.degree() <= 0:
        return None
    if all(c.is_Rational for c in poly.all_coeffs()):
        roots = exact_real_roots(poly)
        return None if any(isinstance(r, sp.CRootOf) for r in roots) else roots
    out = []
    for factor, _ in sp.factor_list(poly.as_expr(), v, extension=_extension(poly))[1]:
        fp = sp.Poly(factor, v)
        if fp.degree() < 1:
            continue
        binomial = _binomial_roots(fp)
        if binomial is None and fp.degree() > 2:
            return None
        for r in binomial if binomial is not None else sp.roots(fp, multiple=True):
            r = sp.radsimp(sp.sqrtdenest(r))
            if r.is_real is False or (r.is_real is None and abs(sp.im(sp.N(r, 40))) > 1e-30):
                continue
            if not any(abs(sp.N(r - s, 40)) < 1e-30 for s in out):
                out.append(r)
    return out


def _binomial_roots(fp: sp.Poly) -> list | None:
    """Real roots of a binomial a v^n + b (b != 0): v = (-b/a)^(1/n), and its negative when n
    is even; for odd n the real n-th root of -b/a. None when fp is not a binomial."""
    (v,) = fp.gens
    n = fp.degree()
    if len(fp.terms()) != 2 or fp.coeff_monomial(1) == 0 or n < 2:
        return None
    c = -fp.coeff_monomial(1) / fp.LC()
    if n % 2:
        return [sp.real_root(c, n)]
    if c.is_positive is not True:
        return [] if c.is_negative else None
    return [-sp.root(c, n), sp.root(c, n)]


def _extension(poly):
    """The algebraic numbers (square roots) in a polynomial's coefficients, for factoring."""
    ext = set()
    for c in poly.all_coeffs():
        ext |= {a for a in c.atoms(sp.Pow) if a.exp.is_Rational and not a.exp.is_Integer}
    return sorted(ext, key=str) or None


def _triangular(G, unknowns):
    """Real solutions from a lex Groebner basis (last unknown eliminated last), solved back to
    front with exact radicals. Complete for a zero-dimensional ideal (every solution of an
    elimination ideal extends); None when some roots are not available as radicals."""
    n = len(unknowns)
    solutions = [{}]
    for k in range(n - 1, -1, -1):
        v = unknowns[k]
        later = set(unknowns[k:])
        level = [g for g in G if g.has(v) and g.free_symbols & set(unknowns) <= later]
        nxt = []
        for partial in solutions:
            polys = [sp.expand(g.xreplace(partial)) for g in level]
            polys = [q for q in polys if q != 0]
            if not polys:
                return None
            base = min(polys, key=lambda q: sp.degree(q, v))
            roots = _radical_roots(base, v)
            if roots is None:
                return None
            for r in roots:
                if all(_vanishes(q.xreplace({v: r})) for q in polys):
                    nxt.append({**partial, v: r})
        solutions = nxt
    return solutions


def lex_basis(polys, gens) -> list:
    """The reduced lexicographic Groebner basis of ``polys`` (``gens[-1]`` eliminated last).

    For a zero-dimensional ideal it is computed as a grevlex basis converted by FGLM (linear
    algebra in the quotient ring Q[gens]/I, whose dimension is the number of solutions with
    multiplicity), which is orders of magnitude faster than Buchberger in lex order on KKT
    systems (``bench/run.py groebner-kkt``); otherwise directly in lex order. The reduced
    basis is unique, so both ways give the same polynomials up to constant factors.
    """
    G = sp.groebner(polys, *gens, order="grevlex")
    if list(G.exprs) == [1]:
        return [sp.S.One]
    if G.is_zero_dimensional:
        return list(G.fglm("lex").exprs)
    return list(sp.groebner(polys, *gens, order="lex").exprs)


def _shape_basis(polys, unknowns, t, coeffs):
    """The shape form of the ideal in the coordinates (u without u_k, t), t = sum c_i u_i:
    ``(p, q)`` with ``p(t) = 0`` and ``u_i = q[u_i](t)`` for every unknown, or ``([], None)``
    for no solution, or None when the lex basis does not have that form.

    u_k (the last unknown with c_k != 0) is substituted, u_k = (t - sum_{i != k} c_i u_i)/c_k:
    a linear change of coordinates, so the basis is computed in n unknowns, not n + 1.
    """
    k = max(i for i, c in enumerate(coeffs) if c)
    uk = unknowns[k]
    value = (t - sum(c * u for i, (c, u) in enumerate(zip(coeffs, unknowns)) if i != k)) / coeffs[k]
    rest = [u for u in unknowns if u != uk]
    changed = [q for q in (sp.expand(sp.expand(g).xreplace({uk: value})) for g in polys) if q != 0]
    shape = _shape_of(lex_basis(changed, [*rest, t]) if changed else [], rest, t)
    if not shape or shape == ([], None):
        return shape
    p, q = shape
    q[uk] = sp.expand(value.xreplace(q))
    return p, q


def _last_unknown_shape(lex, unknowns, t):
    """The shape form of a lex basis whose last unknown separates the solutions (t = it)."""
    if not unknowns:
        return None
    last = unknowns[-1]
    shape = _shape_of([g.xreplace({last: t}) for g in lex], unknowns[:-1], t)
    if shape and shape != ([], None):
        shape[1][last] = t
    return shape


def _shape_of(exprs, rest, t):
    """A lex basis (t last) of the shape form ``p(t), u_i - q_i(t)`` as ``(p, q)``; ``([], None)``
    for the basis [1]; None when it has another form."""
    if exprs == [1]:
        return [], None
    univariate = [g for g in exprs if g.free_symbols <= {t}]
    if len(univariate) != 1 or len(exprs) != len(rest) + 1:
        return None
    q = {}
    for g in exprs:
        if g is univariate[0]:
            continue
        lead = [u for u in rest if g.has(u)]
        if len(lead) != 1 or sp.degree(g, lead[0]) != 1:
            return None
        u = lead[0]
        coeff = sp.Poly(g, u).LC()
        if coeff.free_symbols:
            return None
        q[u] = sp.expand(-(g - coeff * u) / coeff)
        if q[u].free_symbols - {t}:
            return None
    if set(q) != set(rest):
        return None
    return univariate[0], q


MAX_ALGEBRAIC_POINTS = 8
"""Real solutions given by ``CRootOf``s (roots of irreducible factors of degree 3 or more of the
eliminant) that one system may have before it is left unsolved. Each such point costs exact
work that grows with the degree: its requirements reduced modulo the root's polynomial, and a
kept point's coordinates each put as one root of its own eliminant (a lex basis per unknown).
The reference problems have at most 4 per system (measured; HS43: 3, of a degree-18
eliminant); HS71's equality-only system has 12 (of its 14 real solutions, degree 18), and its
nine inequalities give 511 more systems: left unsolved, the enumeration ends
(``end_unsolved``) and the numeric fallback answers. A count, never a clock: the outcome does not depend on load."""

MAX_BEZOUT = 4096   # the lecture's and textbook systems stay under 130; Groebner bases beyond
                    # a few thousand possible solutions do not finish in any budget we give


def bezout_bound(polys, unknowns) -> tuple[int, list[int]]:
    """Bezout's bound on the number of isolated solutions: the product of the n largest total
    degrees (n unknowns); with the degrees, largest first."""
    degrees = sorted((sp.Poly(q, *unknowns).total_degree() for q in polys), reverse=True)
    return math.prod(degrees[:len(unknowns)]), degrees


def _check_size(polys, unknowns) -> None:
    bound, degrees = bezout_bound(polys, unknowns)
    if bound > MAX_BEZOUT:
        raise TooLarge(f"a polynomial system of degrees {', '.join(map(str, degrees))} in "
                       f"{len(unknowns)} unknowns may have {bound} solutions (Bezout's bound), "
                       f"more than the exact Groebner method handles ({MAX_BEZOUT})")


def solve_polynomial_system(equations, unknowns, denominators=()) -> PolynomialResult:
    """All real solutions of a polynomial system with rational coefficients, exactly.

    ``denominators`` are expressions that must not vanish at a solution (denominators cleared
    when the equations were made polynomial).
    """
    unknowns = list(unknowns)
    polys = _numerators(equations, unknowns)
    if not polys:
        return PolynomialResult([], dimension=len(unknowns))
    _check_size(polys, unknowns)
    G = sp.groebner(polys, *unknowns, order="grevlex")
    if list(G.exprs) == [1]:
        return PolynomialResult([], basis=[1])
    if not G.is_zero_dimensional:
        return PolynomialResult([], dimension=1, basis=list(G.exprs))
    lex = list(G.fglm("lex").exprs)
    t = sp.Dummy("t")
    shape = _last_unknown_shape(lex, unknowns, t)
    if shape is None:
        found = _triangular(lex, unknowns)
        if found is not None:
            return PolynomialResult([s for s in found if _denominators_ok(s, denominators)])
        for coeffs in itertools.islice(_separating_forms(len(unknowns)), 1, None):
            shape = _shape_basis(polys, unknowns, t, coeffs)
            if shape is not None:
                break
    if shape is None:
        # The ideal is not radical (multiple roots): drop multiplicities and try again.
        radical = _radical_generators(G, unknowns)
        for coeffs in _separating_forms(len(unknowns)):
            shape = _shape_basis(radical, unknowns, t, coeffs)
            if shape is not None:
                break
    if shape is None:
        return PolynomialResult(_grid_solutions(polys, unknowns, denominators))
    if shape == ([], None):
        return PolynomialResult([])
    p, q = shape
    roots = exact_real_roots(sp.Poly(p, t))
    algebraic = sum(isinstance(r, sp.CRootOf) for r in roots)
    if algebraic > MAX_ALGEBRAIC_POINTS:
        return PolynomialResult([], too_many=(
            f"{algebraic} real solutions in roots of a polynomial of degree "
            f"{sp.degree(p, t)}, more than the exact verdicts handle ({MAX_ALGEBRAIC_POINTS})"))
    forms = _CoordinateRoots(tuple(polys), tuple(unknowns))
    solutions, display = [], []
    for root in roots:
        point = {u: q[u].subs(t, root) for u in unknowns}
        if not _denominators_ok(point, denominators):
            continue
        solutions.append(point)
        display.append(_LazyForms(point, forms) if isinstance(root, sp.CRootOf) else
                       {u: simplest_algebraic(v) for u, v in point.items()})
    return PolynomialResult(solutions, display=display)


class _CoordinateRoots:
    """:func:`_coordinate_roots` of one system, computed once, when first asked for."""

    def __init__(self, polys: tuple, unknowns: tuple):
        self.polys, self.unknowns, self.roots = polys, unknowns, None

    def get(self) -> dict:
        if self.roots is None:
            self.roots = _coordinate_roots(list(self.polys), list(self.unknowns))
        return self.roots


class _LazyForms(Mapping):
    """The display of a solution in a ``CRootOf``: each coordinate as one root of its own
    eliminant (:func:`_match_root`). Computed on first use: one lex basis per unknown costs
    seconds at degree 17, and most such points are rejected (infeasible, a multiplier of the
    wrong sign) before anyone shows them."""

    def __init__(self, point: dict, roots: _CoordinateRoots):
        self.point, self.roots, self.forms = point, roots, None

    def _forms(self) -> dict:
        if self.forms is None:
            candidates = self.roots.get()
            self.forms = {u: _match_root(v, candidates[u]) for u, v in self.point.items()}
        return self.forms

    def __getitem__(self, u):
        return self._forms()[u]

    def __iter__(self):
        return iter(self.point)

    def __len__(self):
        return len(self.point)


def _coordinate_roots(polys, unknowns) -> dict:
    """For each unknown, the exact real roots of its eliminant (lex basis with it last): every
    coordinate of a solution is one of them. One factorization per unknown, not per point."""
    out = {}
    for u in unknowns:
        rest = [v for v in unknowns if v != u]
        elim = lex_basis(polys, [*rest, u])[-1]
        out[u] = exact_real_roots(sp.Poly(elim, u))
    return out


def _match_root(value, candidates):
    """The exact root among candidates that equals value (a polynomial in one CRootOf)."""
    target = sp.N(value, 50)
    best = min(candidates, key=lambda r: abs(sp.N(r, 50) - target))
    if abs(sp.N(best, 50) - target) > sp.Float(10) ** -30:
        return value                      # not found (should not happen): keep the exact form
    return best


def _separating_forms(n: int):
    """Linear forms to try: the last unknown alone first, then small integer combinations."""
    yield [0] * (n - 1) + [1]
    yield [1] * n
    for coeffs in itertools.islice(itertools.product(range(-3, 4), repeat=n), 400):
        if any(coeffs) and len(set(coeffs)) > 1:
            yield list(coeffs)


def _radical_generators(G, unknowns):
    """Generators of (a subset of) the radical: add the square-free part of each eliminant."""
    gens = list(G.exprs)
    for u in unknowns:
        elim = lex_basis(gens, [*[v for v in unknowns if v != u], u])[-1]
        if elim.free_symbols <= {u}:
            sqf = sp.sqf_part(sp.Poly(elim, u)).as_expr()
            gens.append(sqf)
    return gens


def _grid_solutions(polys, unknowns, denominators):
    """Fallback: real roots of each variable's eliminant, combined and checked exactly."""
    candidates = []
    for u in unknowns:
        rest = [v for v in unknowns if v != u]
        elim = lex_basis(polys, [*rest, u])[-1]
        candidates.append(exact_real_roots(sp.Poly(elim, u)))
    out = []
    for combo in itertools.product(*candidates):
        point = dict(zip(unknowns, combo))
        if all(_vanishes(p.subs(point)) for p in polys) and _denominators_ok(point, denominators):
            out.append(point)
    return out


def _vanishes(value) -> bool:
    if value == 0:
        return True
    if abs(sp.N(value, 50)) > sp.Float(10) ** -40:
        return False
    return sp.simplify(value) == 0 or sp.N(value, 200) == 0 or abs(sp.N(value, 200)) < sp.Float(10) ** -150


def _denominators_ok(point, denominators) -> bool:
    return all(not _vanishes(d.subs(point)) for d in denominators)
