"""The optimization problem: objective, sense, variables, parameters and constraints."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import sympy as sp
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

from . import rendering
from .assumptions import Assumptions, relation_list
from .errors import ProblemError
from .guards import check_real, check_size
from .runtime import DEFAULT
from .lagrangian import multiplier_symbols
from .standard import (Sense, StandardForm, oriented_inequalities, real_version,  # noqa: F401
                       user_equations, user_lagrangian)

__all__ = ["Constraint", "Problem", "maximize", "minimize", "register_method"]


def _text(expr) -> str:
    """An expression as text with its decimals as the user wrote them (2.5, not SymPy's
    2.50000000000000 for a lone Float)."""
    return sp.sstr(expr, full_prec=False)


@dataclass(frozen=True)
class Constraint:
    """One constraint, normalised.

    ``relation`` is ``"=="``, ``"<="`` or ``">="``; ``function`` is lhs - rhs, so the
    constraint reads ``function == 0``, ``function <= 0`` or ``function >= 0``. ``original`` is
    what the user passed. ``strict`` marks ``<`` and ``>``. A constraint SymPy has already
    decided (``Eq(x**2 + y**2, -1)`` is ``False`` for real symbols) keeps that verdict in
    ``decided``.
    """

    relation: str
    function: sp.Expr
    original: object
    strict: bool = False
    decided: bool | None = None

    @property
    def is_equality(self) -> bool:
        return self.relation == "=="

    def as_relational(self):
        """The constraint as a SymPy relation ``function (==|<=|>=) 0``."""
        if self.decided is not None:
            return sp.true if self.decided else sp.false
        op = {"==": sp.Eq, "<=": sp.Le, ">=": sp.Ge}[self.relation]
        if self.strict:
            op = {"<=": sp.Lt, ">=": sp.Gt}[self.relation]
        return op(self.function, 0, evaluate=False)

    def __str__(self) -> str:
        if self.decided is not None:
            return f"{self.original} (decided by SymPy: {self.decided})"
        if isinstance(self.original, sp.Basic):
            rel = self.original
            if isinstance(rel, sp.Rel):
                op = {"==": "=", "<=": "<=", ">=": ">=", "<": "<", ">": ">"}[rel.rel_op]
                return f"{_text(rel.lhs)} {op} {_text(rel.rhs)}"
            return f"{_text(rel)} = 0"
        return str(self.original)


def _natural_key(sym) -> tuple:
    """Sort p2 before p10: split names into text and integer runs."""
    name = str(sym)
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", name))


def _as_expression(obj, what: str) -> sp.Expr:
    """A scalar SymPy expression from a SymPy object or a Python number, or a ProblemError."""
    if isinstance(obj, str):
        raise ProblemError(f"{what} is a string {obj!r}: pass a SymPy expression "
                           "(strings are read with lagropt.parse.parse_expr)")
    if isinstance(obj, bool) or isinstance(obj, (BooleanTrue, BooleanFalse)):
        raise ProblemError(f"{what} is a truth value ({obj}), not an expression")
    if isinstance(obj, (int, float)):
        obj = sp.nsimplify(obj, rational=True) if isinstance(obj, float) else sp.Integer(obj)
    if isinstance(obj, (sp.MatrixBase, sp.MatrixExpr)) or isinstance(obj, (list, tuple, set, dict)):
        raise ProblemError(f"{what} must be a scalar expression, got {type(obj).__name__}")
    if isinstance(obj, sp.Rel):
        raise ProblemError(f"{what} is a relation ({obj}); an objective must be an expression")
    if not isinstance(obj, sp.Expr):
        raise ProblemError(f"{what} must be a SymPy expression, got {type(obj).__name__}")
    return obj


def _constraint(obj, index: int) -> Constraint:
    where = f"constraint {index}"
    if isinstance(obj, (bool, BooleanTrue, BooleanFalse)):
        return Constraint("==", sp.Integer(0), obj, decided=bool(obj))
    if isinstance(obj, str):
        raise ProblemError(f"{where} is a string {obj!r}: pass a SymPy relation "
                           "(strings are read with lagropt.parse.parse_constraint)")
    if isinstance(obj, sp.Equality):
        return Constraint("==", obj.lhs - obj.rhs, obj)
    if isinstance(obj, sp.Unequality):
        raise ProblemError(f"{where} is an inequation ({obj}); use ==, <=, >=, < or >")
    if isinstance(obj, (sp.GreaterThan, sp.StrictGreaterThan)):
        return Constraint(">=", obj.lhs - obj.rhs, obj, strict=isinstance(obj, sp.StrictGreaterThan))
    if isinstance(obj, (sp.LessThan, sp.StrictLessThan)):
        return Constraint("<=", obj.lhs - obj.rhs, obj, strict=isinstance(obj, sp.StrictLessThan))
    if isinstance(obj, sp.Rel):
        raise ProblemError(f"{where}: unsupported relation {obj}")
    try:
        expr = _as_expression(obj, where)
    except ProblemError as exc:
        raise ProblemError(f"{exc} (a constraint is an equation, an inequality or an "
                           "expression meaning expr = 0)") from None
    return Constraint("==", expr, obj)


def _free_symbols(expr) -> set:
    """Free Symbols and IndexedBase families; the label symbol of an IndexedBase is not a
    variable of its own. An IndexedBase written only with numbers as indices (x[1]*x[2]*x[3],
    no Sum or Product over it) gives its elements, each a variable."""
    indexed = expr.atoms(sp.Indexed)
    bases = {i.base for i in indexed}
    labels = {b.label for b in bases}
    out = {s for s in expr.free_symbols if isinstance(s, sp.Symbol) and s not in labels}
    for base in bases:
        elements = {i for i in indexed if i.base == base}
        if all(k.is_Integer for i in elements for k in i.indices):
            out |= elements
        else:
            out.add(base)
    return out


def _dimensions(expr) -> set:
    """Symbols in the limits of sums and products (a symbolic number of states): parameters."""
    out = set()
    for s in sp.preorder_traversal(expr):
        if isinstance(s, (sp.Sum, sp.Product)):
            for _, lo, hi in s.limits:
                out |= {a for a in (lo.free_symbols | hi.free_symbols) if isinstance(a, sp.Symbol)}
    return out


def _constraint_list(subject_to) -> list:
    """``subject_to`` as a list: None is no constraint, one constraint is a list of one;
    anything that is neither a constraint nor a sequence of them is refused."""
    if subject_to is None:
        return []
    if isinstance(subject_to, (sp.Basic, bool)):
        return [subject_to]
    if isinstance(subject_to, (str, bytes, dict)):
        raise ProblemError(f"subject_to must be a constraint or a list of constraints, got "
                           f"{type(subject_to).__name__} {subject_to!r:.60}")
    try:
        return list(subject_to)
    except TypeError:
        raise ProblemError(f"subject_to must be a constraint or a list of constraints, got "
                           f"{type(subject_to).__name__} {subject_to!r:.60}") from None


def _refuse_integers(variables) -> None:
    """An ``integer=True`` variable is refused: lagropt optimizes over the reals."""
    integers = [str(v) for v in variables if getattr(v, "is_integer", None)]
    if integers:
        raise ProblemError(f"{', '.join(integers)} declared integer: lagropt optimizes over the "
                           "reals and does not do integer programming; declare "
                           f"{'it' if len(integers) == 1 else 'them'} real")


def _oriented(relation: str, function) -> tuple:
    """(">=", f) for f >= 0 and for -f <= 0: one key per inequality whatever its side."""
    return (">=", sp.expand(function)) if relation == ">=" else (">=", sp.expand(-function))


def _sign_constraints(variables, constraints) -> tuple:
    """A ``nonnegative``/``nonpositive`` variable's sign as the inequality ``x >= 0`` /
    ``x <= 0`` of the problem (a KKT constraint: an optimum on that boundary is then found),
    unless the constraints already say so. Strict signs (``positive``, ``negative``) stay
    assumptions: the feasible set is open there, and the solver examines its closure."""
    have = {_oriented(c.relation, c.function) for c in constraints
            if c.relation in ("<=", ">=") and not c.strict}
    out = []
    for v in variables:
        if not isinstance(v, (sp.Symbol, sp.Indexed)) or v.is_positive or v.is_negative:
            continue
        if v.is_nonnegative:
            c = Constraint(">=", v, sp.Ge(v, 0, evaluate=False))
        elif v.is_nonpositive:
            c = Constraint("<=", v, sp.Le(v, 0, evaluate=False))
        else:
            continue
        if _oriented(c.relation, c.function) not in have:
            out.append(c)
    return tuple(out)


def _as_list(variables) -> list:
    """``variables=`` as a list (one Symbol alone, a sequence, or None for none given)."""
    if variables is None:
        return []
    return [variables] if isinstance(variables, sp.Basic) else list(variables)


_solver = None      # lagropt.solver.solve, registered by lagropt.solver
_methods: dict = {}  # name -> function, registered by the modules above (sensitivity, duality)


def register_method(name: str, function) -> None:
    """Make ``function`` reachable as a method (``Problem.dual``, ``Solution.shadow_prices``)
    from the module above that defines it, as :func:`register_solver` does for ``solve``."""
    _methods[name] = function


def registered_method(name: str):
    """The function registered under ``name``, or a ProblemError saying what to import."""
    if name not in _methods:
        rendering.complete_registration()
    if name not in _methods:
        raise ProblemError(f"{name} is not available: import lagropt.sensitivity and "
                           "lagropt.duality, which register it")
    return _methods[name]



def register_solver(solve) -> None:
    """Make ``solve(problem, timeout=..., **options)`` what :meth:`Problem.solve` calls."""
    global _solver
    _solver = solve


class Problem:
    """An optimization problem: extremize ``objective`` subject to constraints.

    Parameters
    ----------
    objective : sympy.Expr
        The scalar function f to maximize or minimize.
    sense : {"max", "min"}
        Whether to maximize or minimize (``"maximize"``/``"minimize"`` are accepted too).
    subject_to : sequence, optional
        Constraints: ``sympy.Eq(lhs, rhs)``, a bare expression meaning ``expr = 0``, or an
        inequality ``Ge/Le/Gt/Lt``; one constraint alone, or None for none.
    variables : sequence of Symbol, optional
        The unknowns. Default: the free symbols of objective and constraints minus ``params``,
        in natural order (x1, x2, ..., x10).
    params : sequence of Symbol, optional
        Symbols held fixed (prices, a budget, energies); results are closed forms in them.
    assume : relation or sequence of relations, optional
        What is known about the parameters: ``[0 < a, a < 1]``, ``m > 0``, ``p > q`` (an
        ``And`` is accepted too; Python's chained ``0 < a < 1`` is not, SymPy cannot evaluate
        it). Used by the second-order tests, the admissibility of candidates, the comparison of
        values in the parameters and the verdicts (:mod:`lagropt.assumptions`). Symbols in
        ``assume`` not listed in ``variables`` are parameters (a bound on a variable is a
        constraint: put it in ``subject_to``).

    A variable's sign assumption is a constraint: ``Symbol("x", nonnegative=True)`` adds the
    inequality ``x >= 0`` (``nonpositive``: ``x <= 0``) to ``constraints``, with its own
    multiplier; ``positive``/``negative`` keep ``x`` in the open half-line (the solver examines
    the closure). An ``integer=True`` variable is refused: lagropt does not do integer
    programming.

    Notes
    -----
    The Lagrangian follows the lecture: ``L = f - sum_k lambda_k g_k`` with ``g_k = lhs - rhs``
    for each equality, so that stationarity reads ``grad f = sum_k lambda_k grad g_k``.
    Multipliers are named ``lambda`` (one constraint) or ``lambda_1 .. lambda_K``.
    Inequalities get multipliers ``mu_1 ..`` that are >= 0 at a KKT point: each inequality is
    written as ``h <= 0`` when maximizing and ``h >= 0`` when minimizing, and enters
    ``L`` as ``- mu_j h_j``.
    """

    def __init__(self, objective, sense: str = "max", subject_to: Iterable = (),
                 variables: Sequence | None = None, params: Sequence | None = None,
                 assume=None):
        try:
            self.sense = Sense(sense)
        except (ValueError, TypeError):
            raise ProblemError(f"sense must be 'max' or 'min', got {sense!r}") from None
        self.objective = _as_expression(objective, "the objective")
        self.constraints = tuple(_constraint(c, i)
                                 for i, c in enumerate(_constraint_list(subject_to), 1))
        self._check_expressions()
        params = list(self._symbols(params or (), "params"))
        facts = relation_list(assume)
        dims = _dimensions(self.objective)
        for c in self.constraints:
            dims |= _dimensions(c.function)
        for fact in facts:
            dims |= {a for a in fact.free_symbols if isinstance(a, sp.Symbol)}
        params += sorted(dims - set(params) - set(_as_list(variables)), key=_natural_key)
        self.params = tuple(params)
        self.variables = self._choose_variables(variables)
        self.variables_given = variables is not None or bool(params)
        self.assumptions = Assumptions.of(facts, self.params)
        _refuse_integers(self.variables)
        self.constraints += _sign_constraints(self.variables, self.constraints)
        self._check_counts()
        avoid = [str(s) for s in self.variables + self.params]
        n_eq = len(self.equalities)
        n_in = len(self.inequalities)
        self.equality_multipliers = multiplier_symbols(n_eq, "lambda", avoid) if n_eq else ()
        self.inequality_multipliers = (multiplier_symbols(n_in, "mu", avoid, numbered=True)
                                       if n_in else ())

    # -- construction helpers ---------------------------------------------------------------
    @staticmethod
    def _symbols(seq, what: str) -> list:
        out = []
        for s in seq:
            if not isinstance(s, (sp.Symbol, sp.IndexedBase, sp.Indexed)):
                raise ProblemError(f"{what} must be SymPy symbols (or IndexedBase families "
                                   f"or their elements), got {s!r}")
            out.append(s)
        return out

    def _choose_variables(self, variables) -> tuple:
        free = _free_symbols(self.objective)
        for c in self.constraints:
            free |= _free_symbols(c.function)
        families = {v for v in free if isinstance(v, sp.IndexedBase)}
        free = {v for v in free if not (isinstance(v, sp.Indexed) and v.base in families)}
        if variables is None:
            chosen = sorted(free - set(self.params), key=_natural_key)
        else:
            if isinstance(variables, sp.Symbol):
                variables = [variables]
            chosen = self._symbols(variables, "variables")
            clash = set(chosen) & set(self.params)
            if clash:
                raise ProblemError(f"{', '.join(map(str, clash))} cannot be both a variable and a parameter")
            unknown = free - set(chosen) - set(self.params)
            if unknown:
                names = ", ".join(sorted(map(str, unknown)))
                raise ProblemError(f"symbols {names} are neither variables nor params: "
                                   "list them in variables= or params=")
        if not chosen:
            raise ProblemError("the problem has no variables: the objective and constraints "
                               "contain no free symbols besides the parameters")
        if len(set(chosen)) != len(chosen):
            raise ProblemError("a variable is listed twice")
        return tuple(chosen)

    def _check_expressions(self) -> None:
        """Refuse expressions too large to work on and ones that are not real-valued (see
        :mod:`lagropt.guards`), naming the objective or the constraint."""
        named = [("the objective", self.objective)]
        named += [(f"constraint {i} ({c})", c.function)
                  for i, c in enumerate(self.constraints, 1) if c.decided is None]
        for what, expr in named:
            check_size(expr, what)
            check_real(expr, what)

    def _check_counts(self) -> None:
        k, n = len(self.equalities), len(self.variables)
        if any(isinstance(v, sp.IndexedBase) for v in self.variables):
            return                      # a family has a symbolic number of variables
        if k > n:
            raise ProblemError(f"{k} equality constraints but only {n} variables: at most {n} can "
                               "be independent (the lecture's K <= N); remove the dependent ones")

    # -- views ------------------------------------------------------------------------------
    @property
    def equalities(self) -> tuple:
        return tuple(c for c in self.constraints if c.is_equality)

    @property
    def inequalities(self) -> tuple:
        return tuple(c for c in self.constraints if not c.is_equality)

    @property
    def multipliers(self) -> tuple:
        """Equality multipliers (lambda...) then inequality multipliers (mu_1...)."""
        return self.equality_multipliers + self.inequality_multipliers

    @property
    def equality_functions(self) -> tuple:
        """g_k = lhs - rhs for each equality constraint."""
        return tuple(c.function for c in self.equalities)

    @property
    def inequality_functions(self) -> tuple:
        """h_j oriented for the Lagrangian: h_j <= 0 when maximizing, h_j >= 0 when minimizing."""
        return oriented_inequalities(self)

    @property
    def lagrangian(self) -> sp.Expr:
        """L = f - sum_k lambda_k g_k - sum_j mu_j h_j (the lecture's sign)."""
        return user_lagrangian(self)

    @property
    def equations(self) -> list:
        """The N + K equations: grad f = sum_k lambda_k grad g_k, then g_k = 0 (equalities only)."""
        return user_equations(self)

    def standard_form(self) -> StandardForm:
        """The problem as the solver works on it (:class:`~lagropt.standard.StandardForm`): real
        symbols, exact numbers, oriented inequalities, the Lagrangian and its derivatives."""
        return StandardForm(self)

    @property
    def is_unconstrained(self) -> bool:
        return not self.constraints

    def solve(self, timeout: float | None | str = DEFAULT, **options):
        """Solve exactly (see :func:`lagropt.solve`); returns a :class:`~lagropt.Solution`.
        ``timeout``: CPU seconds for the whole solve (default 20 s, see
        :func:`~lagropt.set_default_timeout`); None or inf for no limit.

        The solver sits above this module and registers itself (:func:`register_solver`) when
        :mod:`lagropt.solver` is imported; the first solve imports it when nothing has
        (:func:`lagropt.rendering.complete_registration`)."""
        if _solver is None:
            rendering.complete_registration()
        if _solver is None:
            raise ProblemError("no solver is registered: import lagropt.solver")
        return _solver(self, timeout=timeout, **options)

    def dual(self, **options):
        """The Lagrange dual: q = inf_x L (sup_x L when maximizing), its domain, the dual problem,
        its solution and the duality gap (:func:`lagropt.duality.dual`)."""
        return registered_method("dual")(self, **options)

    def __str__(self) -> str:
        head = f"{self.sense.verb} {_text(self.objective)}"
        lines = [head]
        if self.constraints:
            lines.append("  subject to " + "; ".join(str(c) for c in self.constraints))
        lines.append(f"  over {', '.join(map(str, self.variables))}"
                     + (f"  (params {', '.join(map(str, self.params))})" if self.params else ""))
        if self.assumptions:
            lines.append(f"  assuming {self.assumptions}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Problem: {str(self).splitlines()[0]}, {len(self.constraints)} constraints>"

    # LaTeX renderings: registered by lagropt.latex (see lagropt.rendering)
    def latex(self, linewidth=None) -> str:
        """The problem as the lecture states it, argmax/argmin subject to the constraints
        (``linewidth``: points, or "twocolumn", the rows are broken for)."""
        return rendering.latex(self, linewidth=linewidth)

    def _repr_latex_(self) -> str | None:
        return rendering.repr_latex(self)

    def to_markdown(self, *, inline: str = "$", title: str | None = None) -> str:
        """The problem as Markdown for web notes (see :meth:`lagropt.Solution.to_markdown`)."""
        return rendering.markdown(self, inline, True, title)

    def to_myst(self, *, title: str | None = None) -> str:
        """The problem as MyST Markdown (Jupyter Book)."""
        return rendering.markdown(self, "myst", True, title)


def maximize(objective, subject_to: Iterable = (), variables=None, params=None,
             assume=None) -> Problem:
    """The problem ``maximize objective subject to ...`` (see :class:`Problem`)."""
    return Problem(objective, "max", subject_to, variables, params, assume)


def minimize(objective, subject_to: Iterable = (), variables=None, params=None,
             assume=None) -> Problem:
    """The problem ``minimize objective subject to ...`` (see :class:`Problem`)."""
    return Problem(objective, "min", subject_to, variables, params, assume)
