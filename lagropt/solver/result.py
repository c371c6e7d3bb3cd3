"""What a solve returns: :class:`Point` (one candidate) and :class:`Solution` (all of them)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sympy as sp

from .. import rendering
from ..derivation import Derivation
from ..problem import registered_method

__all__ = ["Point", "Piece", "Solution", "STATUSES", "KINDS"]

STATUSES = ("optimal", "piecewise", "parametric", "numeric", "unbounded", "not_attained",
            "infeasible", "no_critical_point", "unsolved", "timeout", "too_large")
KINDS = ("maximum", "minimum", "saddle", "inconclusive")


def _fmt(v) -> str:
    if isinstance(v, sp.Basic):
        s = sp.sstr(v)
        if v.is_number and not v.is_Rational and not isinstance(v, sp.Float) and v.is_finite is not False:
            try:
                s += f" ≈ {float(sp.N(v, 17)):.15g}"
            except (TypeError, ValueError):
                pass
        return s
    return str(v)


@dataclass(frozen=True)
class Point:
    """One candidate point (frozen: a changed point is a new one, ``dataclasses.replace``).

    Attributes
    ----------
    x : dict
        Variable -> value (exact SymPy numbers or expressions; Floats when ``exact`` is False).
    multipliers : dict
        Multiplier -> value (lambda for equalities, mu for inequalities; empty at an irregular
        point, where the Lagrange conditions need not hold).
    value : sympy.Expr
        The objective at the point.
    kind : str
        ``"maximum"``, ``"minimum"``, ``"saddle"`` or ``"inconclusive"`` (local, from the
        second-order test; ``reason`` says why).
    exact : bool
        False for points found numerically.
    regular : bool
        False where the active constraint gradients are linearly dependent.
    active : tuple
        Indices (from 1, in the order given) of the inequality constraints active here.
    free : tuple
        Symbols left free: the point is a whole family (a curve, a surface) of critical points.
    conditions : tuple
        Relations the point is valid under (parameter conditions, the range of ``free``).
    """

    x: dict
    multipliers: dict = field(default_factory=dict)
    value: sp.Expr | None = None
    kind: str = "inconclusive"
    exact: bool = True
    regular: bool = True
    active: tuple = ()
    free: tuple = ()
    conditions: tuple = ()
    reason: str = ""

    def __getitem__(self, symbol):
        if symbol in self.x:
            return self.x[symbol]
        return self.multipliers[symbol]

    def numeric(self, digits: int = 15) -> dict:
        """Variables and multipliers as floats (requires a point free of symbols)."""
        out = {}
        for k, v in {**self.x, **self.multipliers}.items():
            out[k] = float(sp.N(v, digits + 2))
        return out

    @property
    def is_family(self) -> bool:
        return bool(self.free)

    def x_has_symbols(self) -> bool:
        """True when a coordinate is not a number (a family, or a parametric point)."""
        return any(isinstance(v, sp.Basic) and v.free_symbols for v in self.x.values())

    def xreplace(self, mapping) -> "Point":
        rep = lambda v: v.xreplace(mapping) if isinstance(v, sp.Basic) else v  # noqa: E731
        return Point({rep(k): rep(v) for k, v in self.x.items()},
                     {rep(k): rep(v) for k, v in self.multipliers.items()},
                     rep(self.value), self.kind, self.exact, self.regular, self.active,
                     tuple(rep(s) for s in self.free), tuple(rep(c) for c in self.conditions),
                     self.reason)

    def __str__(self) -> str:
        xs = ", ".join(f"{k} = {_fmt(v)}" for k, v in self.x.items())
        ms = ", ".join(f"{k} = {_fmt(v)}" for k, v in self.multipliers.items())
        flags = [] if self.exact else ["numeric"]
        if not self.regular:
            flags.append("irregular")
        if self.free:
            flags.append("family in " + ", ".join(map(str, self.free)))
        elif self.conditions:
            flags.append("where " + " and ".join(sp.sstr(c) for c in self.conditions))
        text = f"({xs})" + (f"  [{ms}]" if ms else "") + f"  f = {_fmt(self.value)}  {self.kind}"
        return text + (f" ({'; '.join(flags)})" if flags else "")


@dataclass(frozen=True)
class Piece:
    """One region of the parameters of a ``piecewise`` answer and the optimum there.

    Attributes
    ----------
    conditions : tuple
        Relations in the parameters that hold in the region (all of them).
    optimum : list of Point
        The optimal points there.
    value : sympy.Expr
        The optimal value there.
    """

    conditions: tuple
    optimum: list
    value: sp.Expr

    @property
    def condition(self):
        """The region as one SymPy condition (an ``And`` of the relations)."""
        return sp.And(*self.conditions)

    def xreplace(self, mapping, points: dict) -> "Piece":
        """The piece in renamed symbols; ``points`` maps id(old point) to the new one."""
        return Piece(tuple(c.xreplace(mapping) for c in self.conditions),
                     [points.get(id(p), p) for p in self.optimum], self.value.xreplace(mapping))

    def __str__(self) -> str:
        where = " and ".join(sp.sstr(c) for c in self.conditions) or "otherwise"
        return f"where {where}: " + "; ".join(
            "(" + ", ".join(f"{k} = {_fmt(v)}" for k, v in p.x.items()) + ")" for p in self.optimum) \
            + f"  f = {_fmt(self.value)}"


def piecewise(pieces, of) -> sp.Expr:
    """``of(point)`` of each piece's first optimal point, as a SymPy ``Piecewise`` on the
    pieces' conditions."""
    return sp.Piecewise(*[(of(piece.optimum[0]), piece.condition) for piece in pieces])


@dataclass(frozen=True)
class Solution(rendering.Rendered):
    """The result of solving a :class:`~lagropt.Problem`.

    Attributes
    ----------
    status : str
        One of ``optimal``, ``piecewise`` (the optimum depends on the region of the parameters:
        one :class:`Piece` per region in ``cases``), ``parametric`` (closed form up to unknowns
        fixed by the equations in ``remaining``; or candidates whose values in the parameters
        could not be compared, with no optimum), ``numeric``, ``unbounded``, ``not_attained``, ``infeasible``,
        ``no_critical_point``, ``unsolved``, ``timeout`` (the budget of CPU seconds was spent),
        ``too_large`` (beyond what the exact method enumerates, e.g. more than 10 inequalities).
    points : list of Point
        Every critical (KKT) point found, and the irregular points.
    optimum : list of Point
        The best candidates for the problem's sense (several when there are ties).
    value : sympy.Expr or None
        The optimal value (or the supremum/infimum for ``unbounded``/``not_attained``); a
        SymPy ``Piecewise`` for ``piecewise``.
    derivation : Derivation
        The steps, as data.
    remaining : list
        Equations still to be solved (status ``parametric`` or ``numeric``).
    unknowns : tuple
        The unknowns those equations fix.
    evidence : list of str
        How the global verdict was reached (concavity, compactness, limits, probing).
    approached_at : list of dict
        For ``not_attained`` from the closure: the points (variable -> value) of the closure
        where the supremum/infimum is reached; they violate a strict inequality (or a sign
        assumption such as x > 0), and feasible points approach them.
    cases : list of Piece
        For ``piecewise``: the regions of the parameters (covering every value the assumptions
        allow, meeting only where their optima agree), each with its conditions, optimal points
        and value. ``x``, ``multipliers`` and ``value`` are then ``Piecewise`` expressions.
    """

    status: str
    points: list
    optimum: list
    value: sp.Expr | None
    derivation: Derivation
    problem: object = None
    remaining: list = field(default_factory=list)
    unknowns: tuple = ()
    evidence: list = field(default_factory=list)
    message: str = ""
    approached_at: list = field(default_factory=list)
    cases: list = field(default_factory=list)

    @property
    def x(self) -> dict:
        """The (first) optimal point's variables; for ``piecewise``, each a ``Piecewise``."""
        if self.cases:
            return {v: piecewise(self.cases, lambda p, v=v: p.x[v]) for v in self.cases[0].optimum[0].x}
        if not self.optimum:
            raise AttributeError(f"no optimum (status {self.status!r})")
        return self.optimum[0].x

    @property
    def multipliers(self) -> dict:
        """The (first) optimal point's multipliers; for ``piecewise``, each a ``Piecewise``."""
        if self.cases:
            return {m: piecewise(self.cases, lambda p, m=m: p.multipliers[m])
                    for m in self.cases[0].optimum[0].multipliers}
        if not self.optimum:
            raise AttributeError(f"no optimum (status {self.status!r})")
        return self.optimum[0].multipliers

    @property
    def exact(self) -> bool:
        return all(p.exact for p in self.points)

    def xreplace(self, mapping) -> "Solution":
        pts = [p.xreplace(mapping) for p in self.points]
        index = {id(p): i for i, p in enumerate(self.points)}
        opt = [pts[index[id(p)]] for p in self.optimum]
        rep = lambda v: v.xreplace(mapping) if isinstance(v, sp.Basic) else v  # noqa: E731
        moved = {id(p): pts[i] for i, p in enumerate(self.points)}
        return Solution(self.status, pts, opt, rep(self.value), self.derivation.xreplace(mapping),
                        self.problem, [rep(e) for e in self.remaining],
                        tuple(rep(u) for u in self.unknowns), list(self.evidence), self.message,
                        [{rep(k): rep(v) for k, v in at.items()} for at in self.approached_at],
                        [c.xreplace(mapping, moved) for c in self.cases])

    def shadow_prices(self, **options):
        """dV*/dc for each constraint's right-hand side, derived and compared with its multiplier
        (:func:`lagropt.sensitivity.shadow_prices`)."""
        return registered_method("shadow_prices")(self, **options)

    def sensitivity(self, param):
        """dx*/dtheta, dlambda*/dtheta and dV*/dtheta for the parameter ``param``
        (:func:`lagropt.sensitivity.sensitivity`)."""
        return registered_method("sensitivity")(self, param)

    def with_problem(self, problem) -> "Solution":
        """The same solution, of ``problem``."""
        return replace(self, problem=problem)

    def __str__(self) -> str:
        lines = [f"status: {self.status}" + (f" ({self.message})" if self.message else "")]
        if self.cases:
            lines += [f"   {case}" for case in self.cases]
        elif self.value is not None:
            lines.append(f"value: {_fmt(self.value)}")
        best = self.optimum + [p for case in self.cases for p in case.optimum]
        for p in self.points:
            mark = "*" if any(p is q for q in best) else " "
            lines.append(f" {mark} {p}")
        for e in self.remaining:
            lines.append(f"   remaining: {_fmt(e.lhs)} = {_fmt(e.rhs)}" if isinstance(e, sp.Equality)
                         else f"   remaining: {_fmt(e)} = 0")
        for at in self.approached_at:
            lines.append("   approached at (" + ", ".join(f"{k} = {_fmt(v)}" for k, v in at.items())
                         + "), outside the feasible set")
        for ev in self.evidence:
            lines.append(f"   evidence: {ev}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Solution {self.status}: {len(self.points)} points, value {self.value}>"

