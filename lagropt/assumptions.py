"""Assumptions on the parameters (``0 < a < 1``, ``m > 0``, ``p > q``) and signs proven under
them.

SymPy attaches to a Symbol only facts such as ``positive``; "a < 1" cannot be said. A sign under
the relations is proven by rewriting each parameter with new symbols that SymPy knows to be
positive (or nonnegative), so that the rewritten parameters take every value the relations
allow (a sign proven on more values is proven on those):

* ``a > c`` (c a number):  a = c + u, u > 0            (``a >= c``: u >= 0)
* ``a < c``:               a = c - u, u > 0
* ``c1 < a < c2``:         a = c1 + (c2 - c1) u / (1 + u), u > 0
* ``a > b`` (b a parameter): a = b + u, u > 0, then b rewritten by its own relations

and asking SymPy for the sign of the rewritten expression. An end the map misses
(``c1 <= a <= c2``: u / (1 + u) never reaches 1) is a separate piece, a = c2; a sign is claimed
only when every piece has it. Nothing is claimed that was not proven: a relation of another
form is refused with a one-line error when the problem is built.

The solver reads the assumptions through :func:`assuming` (a context, set for one solve) and
:func:`assumed_sign`; see ``lagropt.solver.requirements.sign_of``.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
from dataclasses import dataclass
from functools import cached_property

import sympy as sp
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

from .errors import ProblemError

__all__ = ["Assumptions", "relation_list", "assuming", "assumed_sign", "active"]

_ORDER = (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)


def relation_list(facts) -> list:
    """``facts`` (one relation, an ``And`` of them, or a sequence) as a flat list of
    inequalities; a relation SymPy already decided True is dropped, False is refused."""
    if facts is None:
        return []
    if isinstance(facts, (sp.Basic, bool)):
        facts = [facts]
    if isinstance(facts, (str, bytes, dict)):
        raise ProblemError("assume must be a relation or a list of relations such as "
                           "[0 < a, a < 1] (strings are read with lagropt.parse.parse_relations)")
    try:
        facts = list(facts)
    except TypeError:
        raise ProblemError(f"assume must be a relation or a list of relations, got "
                           f"{type(facts).__name__}") from None
    out = []
    for fact in facts:
        if isinstance(fact, sp.And):
            out += relation_list(list(fact.args))
        elif fact is True or isinstance(fact, BooleanTrue):
            continue
        elif fact is False or isinstance(fact, BooleanFalse):
            raise ProblemError("an assumption is False (SymPy decided it from the symbols' own "
                               "assumptions): the parameters cannot satisfy it")
        elif isinstance(fact, _ORDER):
            out.append(fact)
        else:
            raise ProblemError(f"assume: {fact!r:.60} is not an inequality (<, <=, >, >=) "
                               "between parameters and numbers")
    return out


@dataclass(frozen=True)
class Assumptions:
    """Relations on the parameters (``relations``), with the rewriting that proves signs under
    them (see the module docstring). Built from the user's relations by :meth:`of`."""

    relations: tuple = ()
    params: tuple = ()

    @classmethod
    def of(cls, facts, params) -> "Assumptions":
        """The assumptions ``facts`` (a relation, an ``And``, or a list) on ``params``; a
        ProblemError for a relation in other symbols or of a form not handled."""
        relations = tuple(relation_list(facts))
        out = cls(relations, tuple(params))
        for r in relations:
            other = r.free_symbols - set(params)
            if other:
                raise ProblemError(f"assume: {sp.sstr(r)} is about {', '.join(sorted(map(str, other)))}, "
                                   "which is not a parameter (assumptions are on params)")
            if not r.free_symbols:
                raise ProblemError(f"assume: {sp.sstr(r)} has no parameter in it")
        out.pieces                       # noqa: B018 - refuse unsupported forms now
        return out

    def __bool__(self) -> bool:
        return bool(self.relations)

    def xreplace(self, mapping) -> "Assumptions":
        """The same assumptions on renamed parameters (the solver's real symbols)."""
        return Assumptions(tuple(r.xreplace(mapping) for r in self.relations),
                           tuple(mapping.get(p, p) for p in self.params))

    def __str__(self) -> str:
        return ", ".join(sp.sstr(r) for r in self.relations)

    # -- the rewriting ---------------------------------------------------------------------
    @cached_property
    def pieces(self) -> list:
        """Substitutions parameter -> expression in positive (nonnegative) symbols; together
        they reach every value the relations allow (usually one; one more per closed end of
        a bounded interval)."""
        if not self.relations:
            return []
        below, intervals = self._split()
        options = {}
        for p, interval in intervals.items():
            options[p] = _interval_pieces(p, interval)
        for p, (q, strict) in below.items():
            options[p] = [q + _fresh(p, strict)]
        order = _dependency_order(below)
        pieces = []
        names = list(options)
        for choice in itertools.product(*(options[p] for p in names)):
            sub = dict(zip(names, choice))
            for p in order:                       # p = q + u: q by its own rewriting
                sub[p] = sub[p].xreplace({q: sub[q] for q in sub if q is not p})
            pieces.append(sub)
        return pieces

    def _split(self):
        """Per parameter: a lower bound by another parameter (p > q), or an interval of
        numbers (the relations in it alone, with its own SymPy sign assumption)."""
        below, intervals = {}, {}
        for r in self.relations:
            symbols = sorted(r.free_symbols, key=str)
            if len(symbols) == 1:
                (p,) = symbols
                region = _solve_one(r, p)
                intervals[p] = intervals.get(p, _own_interval(p)).intersect(region)
                continue
            lower, upper, strict = _ordered_pair(r)
            if lower is None or upper in below:
                raise ProblemError(f"assume: {sp.sstr(r)} is not supported (between two "
                                   "parameters only p > q, p >= q, each parameter bounded below "
                                   "by at most one other)")
            below[upper] = (lower, strict)
        for p, interval in intervals.items():
            if interval is sp.S.EmptySet:
                raise ProblemError(f"assume: the assumptions on {p} contradict each other "
                                   "(no value satisfies them all)")
            if p in below:
                raise ProblemError(f"assume: {p} is bounded by another parameter and by numbers; "
                                   "only one of the two is supported")
            if not isinstance(interval, sp.Interval) and interval is not sp.S.Reals:
                raise ProblemError(f"assume: the assumptions on {p} give {interval}, not an "
                                   "interval")
        return below, intervals

    def sign(self, expr, decide) -> int | None:
        """The sign of ``expr`` under the assumptions (-1, 0, 1), or None: ``decide`` (a plain
        sign function) applied to ``expr`` rewritten by every piece, when all agree."""
        if not self.relations or not expr.free_symbols & set(self.params):
            return None
        signs = set()
        for sub in self.pieces:
            rewritten = expr.xreplace(sub)
            if sp.count_ops(rewritten) < 200:
                rewritten = sp.factor(sp.together(rewritten))
            s = decide(rewritten)
            if s is None:
                return None
            signs.add(s)
            if len(signs) > 1:
                return None
        return signs.pop() if signs else None


def _fresh(p, strict: bool):
    """A new symbol for the distance to a bound: positive for a strict one, else nonnegative."""
    return sp.Dummy(f"{p}_u", positive=True) if strict else sp.Dummy(f"{p}_u", nonnegative=True)


def _own_interval(p):
    """The values a parameter's own SymPy assumptions allow."""
    if p.is_positive:
        return sp.Interval.open(0, sp.oo)
    if p.is_nonnegative:
        return sp.Interval(0, sp.oo)
    if p.is_negative:
        return sp.Interval.open(-sp.oo, 0)
    if p.is_nonpositive:
        return sp.Interval(-sp.oo, 0)
    return sp.S.Reals


def _solve_one(r, p):
    """The set of values of p satisfying a relation in p alone."""
    plain = sp.Symbol(p.name, real=True)          # solveset with p's own assumptions dropped
    try:
        region = sp.solveset(r.xreplace({p: plain}), plain, sp.S.Reals)
    except (NotImplementedError, ValueError, TypeError):
        region = None
    if not isinstance(region, sp.Interval) and region not in (sp.S.Reals, sp.S.EmptySet):
        raise ProblemError(f"assume: {sp.sstr(r)} does not give an interval of {p}")
    return region


def _ordered_pair(r):
    """(q, p, strict) for a relation meaning p > q (or p >= q) between two parameters, with
    coefficients 1: p - q compared with 0."""
    diff = sp.expand(r.lhs - r.rhs)
    symbols = sorted(diff.free_symbols, key=str)
    if len(symbols) != 2 or diff.as_independent(*symbols)[0] != 0:
        return None, None, False
    a, b = symbols
    coeffs = (diff.coeff(a), diff.coeff(b))
    if diff != coeffs[0] * a + coeffs[1] * b or set(coeffs) != {1, -1}:
        return None, None, False
    plus, minus = (a, b) if coeffs[0] == 1 else (b, a)       # diff = plus - minus
    strict = isinstance(r, (sp.StrictLessThan, sp.StrictGreaterThan))
    if isinstance(r, (sp.StrictGreaterThan, sp.GreaterThan)):
        return minus, plus, strict                            # plus > minus
    return plus, minus, strict                                # minus > plus


def _interval_pieces(p, interval) -> list:
    """p rewritten so that it takes every value of the interval: one expression, and one more
    for a closed right end of a bounded interval (which u / (1 + u) never reaches)."""
    if interval is sp.S.Reals:
        return [p]
    lo, hi = interval.left, interval.right
    if lo == hi:
        return [lo]
    if hi is sp.oo:
        return [p] if lo is -sp.oo else [lo + _fresh(p, interval.left_open)]
    if lo is -sp.oo:
        return [hi - _fresh(p, interval.right_open)]
    u = _fresh(p, interval.left_open)
    pieces = [lo + (hi - lo) * u / (1 + u)]
    return pieces if interval.right_open else pieces + [hi]


def _dependency_order(below) -> list:
    """Parameters bounded by others, each after the one bounding it; a cycle is refused."""
    order, seen = [], set()

    def visit(p, path):
        if p in path:
            raise ProblemError(f"assume: the parameters {', '.join(map(str, path))} bound each "
                               "other in a cycle")
        if p in seen or p not in below:
            return
        visit(below[p][0], path + (p,))
        seen.add(p)
        order.append(p)

    for p in below:
        visit(p, ())
    return order


# -- the assumptions of the solve under way ---------------------------------------------------

active: contextvars.ContextVar = contextvars.ContextVar("lagropt_assumptions", default=Assumptions())
"""The assumptions of the solve under way (:func:`assuming` sets them)."""


@contextlib.contextmanager
def assuming(assumptions: Assumptions | None):
    """Within the block, signs are decided under ``assumptions`` (:func:`assumed_sign`)."""
    token = active.set(assumptions or Assumptions())
    try:
        yield
    finally:
        active.reset(token)


def assumed_sign(expr, decide) -> int | None:
    """The sign of ``expr`` under the active assumptions (see :meth:`Assumptions.sign`)."""
    return active.get().sign(expr, decide)
