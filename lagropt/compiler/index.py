"""Index form: the scalar expression a compiled function is generated from.

A loss over data is a scalar built from array elements ``X[i, j]``, ``beta[j]``, scalar symbols
and sums ``Sum(body, (i, 0, m - 1))`` over whole axes. Matrix expressions (``MatrixSymbol``) are
brought to this form by SymPy's own element access ``(expr)[0, 0]``. Arrays stay arrays: an
index never becomes a list of scalar symbols, so the size of the data does not enter the
symbolic work at all.

:func:`index_form` checks the expression against the declared parameters and data (every
symbol accounted for, every index summed over a whole axis, shapes consistent), renames
internal symbols to real ones, contracts Kronecker deltas and rewrites numerically delicate
forms (log of a sigmoid, log of a softmax) into stable ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from ..errors import CompileError
from ..functions import logsumexp, sigmoid, softplus, xlogy
from ..standard import real_version

__all__ = ["Argument", "IndexForm", "index_form", "make_sum", "merge_sums", "index_symbols",
           "is_logsumexp"]

_UNSUPPORTED = (sp.Derivative, sp.Integral, sp.Product, sp.Subs, sp.Limit)
_INDEX_NAMES = [*"ijklpqrstuvw", *(f"i{k}" for k in range(1, 100))]


@dataclass
class Argument:
    """A parameter or data argument: a scalar symbol or an array of known rank.

    ``symbol`` is the internal (real) Symbol or IndexedBase the index form uses; ``user`` is
    what the caller passed. ``shape`` holds one dimension (an int or an expression in
    dimension symbols) per axis, ``()`` for a scalar.
    """

    name: str
    user: object
    symbol: sp.Basic
    shape: tuple | None
    role: str
    matrix_shape: tuple | None = None

    @property
    def is_array(self) -> bool:
        return isinstance(self.symbol, sp.IndexedBase)

    @property
    def rank(self) -> int:
        return len(self.shape)


@dataclass
class IndexForm:
    """A checked scalar expression in index form, with its parameters and data."""

    expr: sp.Expr
    params: tuple
    data: tuple
    ranges: dict = field(default_factory=dict)

    @property
    def arguments(self) -> tuple:
        return self.params + self.data

    @property
    def dims(self) -> tuple:
        """The dimension symbols (m, n, ...) in order of first appearance in the shapes."""
        seen = []
        for a in self.arguments:
            for d in a.shape:
                for s in sorted(sp.sympify(d).free_symbols, key=str):
                    if s not in seen:
                        seen.append(s)
        return tuple(seen)


def index_symbols(expr) -> set:
    """The index symbols free in ``expr`` (those of array elements, minus summed ones)."""
    if isinstance(expr, sp.Indexed):
        return {a for a in expr.indices if isinstance(a, sp.Symbol)}
    if isinstance(expr, sp.KroneckerDelta):
        return {a for a in expr.args if isinstance(a, sp.Symbol)}
    if isinstance(expr, sp.Sum):
        return index_symbols(expr.function) - {lim[0] for lim in expr.limits}
    out = set()
    for a in expr.args:
        out |= index_symbols(a)
    return out


def is_logsumexp(expr) -> bool:
    """True for ``logsumexp(Sum(exp(u), (k, 0, K - 1)))`` (see :func:`stabilise`)."""
    return isinstance(expr, logsumexp)


# -- sums -------------------------------------------------------------------------------------

def _delta_on(factor, index):
    """The other index of a KroneckerDelta factor that involves ``index``, else None."""
    if isinstance(factor, sp.KroneckerDelta) and index in factor.args:
        a, b = factor.args
        return b if a == index else a
    return None


def substitute_free(expr, old, new):
    """``expr`` with the free occurrences of the index ``old`` replaced by ``new``; sums that
    bind ``old`` themselves are left alone (no capture)."""
    if expr == old:
        return new
    if not expr.args or old not in expr.free_symbols:
        return expr
    if isinstance(expr, sp.Sum) and any(lim[0] == old for lim in expr.limits):
        return expr
    return expr.func(*[substitute_free(a, old, new) for a in expr.args])


def _common_factors(terms) -> Counter:
    common = None
    for t in terms:
        c = Counter(f for f in sp.Mul.make_args(t) if not f.is_number)
        common = c if common is None else common & c
    return common or Counter()


def make_sum(body, index, length) -> sp.Expr:
    """Sum(body, (index, 0, length - 1)), simplified the way the compiler needs it.

    A Kronecker delta on ``index`` is contracted (sum_j delta_jk f_j = f_k); factors that do not
    depend on ``index`` move out of the sum; a sum of terms is split into sums of terms, after
    common factors are pulled out (sum_i (a_i + b_i) X_ik becomes one contraction); a body free
    of ``index`` is multiplied by ``length``.
    """
    body = sp.sympify(body)
    if body == 0:
        return sp.S.Zero
    if index not in index_symbols(body):
        return body * length
    content, primitive = body.as_content_primitive()
    if content != 1:
        # sum_i (2 s_i - 2 y_i) X_ik = 2 sum_i (s_i - y_i) X_ik: the number moves out
        return content * make_sum(primitive, index, length)
    if body.is_Add:
        terms = body.args
        has_delta = any(_delta_on(f, index) is not None for t in terms for f in sp.Mul.make_args(t))
        common = Counter() if has_delta else _common_factors(terms)
        if common:
            rest = [sp.Mul(*(Counter(sp.Mul.make_args(t)) - common).elements()) for t in terms]
            return make_sum(sp.Mul(*common.elements()) * sp.Add(*rest), index, length)
        return sp.Add(*[make_sum(t, index, length) for t in terms])
    if body.is_Mul:
        factors = body.args
        for f in factors:
            other = _delta_on(f, index)
            if other is not None:
                rest = [g for g in factors if g is not f]
                return substitute_free(sp.Mul(*rest), index, other)
        inside = [f for f in factors if index in index_symbols(f)]
        outside = [f for f in factors if index not in index_symbols(f)]
        if outside:
            return sp.Mul(*outside) * make_sum(sp.Mul(*inside), index, length)
        if len(inside) == 1:
            return make_sum(inside[0], index, length)
    return sp.Sum(body, (index, 0, length - 1))


def merge_sums(expr) -> sp.Expr:
    """c_1 Sum(f_1, L) + c_2 Sum(f_2, L) -> Sum(c_1 f_1 + c_2 f_2, L), rebuilt by make_sum.

    Terms of a derivative that sum over the same indices become one sum again, so their common
    factors meet: sum_i a_i X_ik + sum_i b_i X_ik is one product X^T (a + b).
    """
    if not expr.is_Add:
        return expr
    groups, out = {}, []
    for term in expr.args:
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
        if len(sums) == 1:
            groups.setdefault(sums[0].limits, []).append((term, sums[0]))
        else:
            out.append(term)
    for limits, terms in groups.items():
        if len(terms) == 1:
            out.append(terms[0][0])
            continue
        body = sp.Add(*[term / s * s.function for term, s in terms])
        for v, _lo, hi in limits:
            body = make_sum(body, v, hi + 1)
        out.append(body)
    return sp.Add(*out)


# -- arguments --------------------------------------------------------------------------------

def _as_tuple(obj) -> tuple:
    if obj is None:
        return ()
    if isinstance(obj, (list, tuple)):
        return tuple(obj)
    return (obj,)


def _argument(obj, role: str) -> Argument:
    """An Argument for a user's Symbol, IndexedBase or MatrixSymbol."""
    if isinstance(obj, sp.Idx):
        raise CompileError(f"{obj} is an index, not a {role}")
    if isinstance(obj, sp.Symbol):
        return Argument(obj.name, obj, real_version(obj), (), role)
    if isinstance(obj, sp.IndexedBase):
        shape = tuple(obj.shape) if obj.shape is not None else None
        return Argument(str(obj.label), obj, sp.IndexedBase(str(obj.label), real=True), shape, role)
    if isinstance(obj, sp.MatrixSymbol):
        kept = tuple(d for d in obj.shape if d != 1)
        symbol = (sp.IndexedBase(obj.name, real=True) if kept
                  else sp.Symbol(obj.name, real=True))
        return Argument(obj.name, obj, symbol, kept, role, matrix_shape=tuple(obj.shape))
    if isinstance(obj, sp.Indexed):
        raise CompileError(f"pass the array {obj.base} as a {role}, not its element {obj}")
    raise CompileError(f"a {role} must be a Symbol, IndexedBase or MatrixSymbol, "
                       f"got {type(obj).__name__} {obj!r}")


def _scalar_expression(expr) -> sp.Expr:
    if isinstance(expr, (sp.MatrixBase, sp.MatrixExpr)):
        if expr.shape != (1, 1):
            raise CompileError(f"the expression is a {expr.shape[0]} x {expr.shape[1]} matrix; "
                               "compile a scalar (a 1 x 1 matrix expression is accepted)")
        return expr[0, 0]
    try:
        expr = sp.sympify(expr)
    except (sp.SympifyError, TypeError) as exc:
        raise CompileError(f"cannot read {expr!r} as a SymPy expression") from exc
    if not isinstance(expr, sp.Expr):
        raise CompileError(f"the expression must be a scalar SymPy expression, got {expr}")
    return expr


def _to_internal(expr, arguments):
    """Replace the user's objects by the internal real ones; MatrixSymbol elements by Indexed;
    ``Idx`` indices by integer symbols."""
    by_matrix = {a.user: a for a in arguments if isinstance(a.user, sp.MatrixSymbol)}

    def element(e):
        a = by_matrix.get(e.parent)
        if a is None:
            return e
        idx = [i for i, d in zip(e.indices, a.matrix_shape) if d != 1]
        for i, d in zip(e.indices, a.matrix_shape):
            if d == 1 and i != 0:
                raise CompileError(f"{e}: index {i} on an axis of length 1")
        return a.symbol[tuple(idx)] if idx else a.symbol

    expr = expr.replace(lambda e: isinstance(e, MatrixElement), element)
    idx = {i: sp.Symbol(str(i.label), integer=True) for i in expr.atoms(sp.Idx)}
    mapping = {a.user: a.symbol for a in arguments if not isinstance(a.user, sp.MatrixSymbol)}
    return expr.xreplace(idx).xreplace(mapping)


# -- checking walk ----------------------------------------------------------------------------

class _Checker:
    """Walks the expression once: checks symbols and indices, infers shapes, rebuilds sums."""

    def __init__(self, arguments):
        self.arrays = {a.symbol: a for a in arguments if a.is_array}
        self.scalars = {a.symbol for a in arguments if not a.is_array}
        self.inferred = {a.symbol: (list(a.shape) if a.shape is not None else None)
                         for a in arguments if a.is_array}
        self.dims = set()
        for a in arguments:
            for d in a.shape or ():
                self.dims |= sp.sympify(d).free_symbols
        self.ranges = {}
        self.canonical = {}
        self.taken = set()
        self.symbols = set()
        self.unknown = set()

    def walk(self, e, bound: dict):
        if isinstance(e, sp.Sum):
            return self._sum(e, bound)
        if isinstance(e, sp.Indexed):
            return self._indexed(e, bound)
        if isinstance(e, _UNSUPPORTED):
            raise CompileError(f"cannot compile {type(e).__name__} {sp.sstr(e)}: evaluate it first "
                               "(.doit()) or write it with Sum over array elements")
        if isinstance(e, (sp.MatrixSymbol, sp.IndexedBase)):
            self.unknown.add(str(e))
            return e
        if isinstance(e, sp.KroneckerDelta):
            for i in e.args:
                if not (i.is_Integer or i in bound):
                    raise CompileError(f"{sp.sstr(e)}: {i} is not a summed index")
            return e
        if isinstance(e, sp.Symbol):
            if e in bound:
                raise CompileError(f"the index {e} is used as a number; only array elements "
                                   "may carry indices")
            self.symbols.add(e)
            return e
        if not e.args:
            return e
        return e.func(*[self.walk(a, bound) for a in e.args])

    def _sum(self, e, bound):
        body = e.function
        limits = []
        for v, lo, hi in e.limits:
            if lo != 0:
                raise CompileError(f"the sum over {v} starts at {lo}: indices are NumPy positions, "
                                   f"write Sum(..., ({v}, 0, n - 1)) over a whole axis")
            length = hi + 1
            if isinstance(v, sp.Dummy):
                fresh = self._canonical(len(bound) + len(limits), length)
            elif v in bound or (v in self.ranges and self.ranges[v] != length):
                fresh = sp.Dummy(v.name, integer=True)
            else:
                fresh = v
            if fresh != v:
                body = body.xreplace({v: fresh})
                v = fresh
            self.dims |= sp.sympify(length).free_symbols
            self.ranges[v] = length
            limits.append((v, length))
        inner = dict(bound)
        inner.update(limits)
        body = self.walk(body, inner)
        for v, length in limits:
            body = make_sum(body, v, length)
        return body

    def _canonical(self, depth, length):
        """One name per (nesting depth, range) for SymPy's dummy indices, so that the two
        copies of sum_j X_ij b_j in (y - X b)^T (y - X b) become one expression."""
        key = (depth, length)
        if key not in self.canonical:
            name = next(nm for nm in _INDEX_NAMES if nm not in self.taken)
            self.taken.add(name)
            self.canonical[key] = sp.Symbol(name, integer=True)
        return self.canonical[key]

    def _indexed(self, e, bound):
        base = e.base
        a = self.arrays.get(base)
        if a is None:
            self.unknown.add(str(base.label))
            return e
        shape = self.inferred[base]
        if shape is None:
            shape = self.inferred[base] = [None] * len(e.indices)
        if len(e.indices) != len(shape):
            raise CompileError(f"{a.name} has {len(shape)} axes but {sp.sstr(e)} uses {len(e.indices)}")
        for axis, i in enumerate(e.indices):
            if i.is_Integer:
                continue
            if not isinstance(i, sp.Symbol):
                raise CompileError(f"{sp.sstr(e)}: an index must be a plain index symbol or an "
                                   f"integer, not {sp.sstr(i)}")
            if i not in bound:
                raise CompileError(f"the index {i} in {sp.sstr(e)} is not summed: the expression "
                                   "must be a scalar (wrap it in Sum(..., (i, 0, m - 1)))")
            length = bound[i]
            if shape[axis] is None:
                shape[axis] = length
            elif sp.expand(sp.sympify(shape[axis]) - length) != 0:
                raise CompileError(f"axis {axis} of {a.name} has length {shape[axis]}, but the "
                                   f"sum over {i} runs over {length} values")
        return e


def _is_exp_sum(e) -> bool:
    return isinstance(e, sp.Sum) and len(e.limits) == 1 and isinstance(e.function, sp.exp)


def _log_of_product(e):
    """log(exp(a) / Sum_k exp(u_k)) -> a - log(Sum_k exp(u_k)) (a log-softmax)."""
    arg = e.args[0]
    if not arg.is_Mul:
        return None
    parts = []
    for f in arg.args:
        if isinstance(f, sp.exp):
            parts.append(f.args[0])
        elif f.is_Pow and f.exp.is_Integer and _is_exp_sum(f.base):
            parts.append(f.exp * logsumexp(f.base))
        elif f.is_positive and f.is_number:
            parts.append(sp.log(f))
        else:
            return None
    return sp.Add(*parts)


def _softmax(e):
    """exp(a) / Sum_k exp(u_k) -> exp(a - log(Sum_k exp(u_k))), which cannot overflow."""
    exps = [f for f in e.args if isinstance(f, sp.exp)]
    sums = [f for f in e.args if f.is_Pow and f.exp == -1 and _is_exp_sum(f.base)]
    if len(exps) != 1 or len(sums) != 1:
        return None
    rest = [f for f in e.args if f is not exps[0] and f is not sums[0]]
    return sp.Mul(*rest) * sp.exp(exps[0].args[0] - logsumexp(sums[0].base))


def stabilise(expr) -> sp.Expr:
    """Rewrite forms that overflow or lose all digits into equal, stable ones.

    log(sigmoid(s)) = -softplus(-s); log(1 - sigmoid(s)) = -softplus(s); the same inside
    ``xlogy``; log(1 + exp(s)) = softplus(s); log(sum exp(u)) = logsumexp(sum exp(u)); a
    log-softmax log(exp(a) / sum exp(u)) = a - logsumexp(...); a softmax exp(a) / sum exp(u) =
    exp(a - logsumexp(...)).
    """
    def log_rule(e):
        arg = e.args[0]
        if isinstance(arg, sigmoid):
            return -softplus(-arg.args[0])
        if isinstance(1 - arg, sigmoid):
            return -softplus((1 - arg).args[0])
        if isinstance(arg - 1, sp.exp):
            return softplus((arg - 1).args[0])
        if _is_exp_sum(arg):
            return logsumexp(arg)
        out = _log_of_product(e)
        return e if out is None else out

    def xlogy_rule(e):
        x, y = e.args
        new = log_rule(sp.log(y))
        return e if new == sp.log(y) else x * new

    def mul_rule(e):
        out = _softmax(e)
        return e if out is None else out

    expr = expr.replace(lambda e: isinstance(e, xlogy), xlogy_rule)
    expr = expr.replace(lambda e: isinstance(e, sp.log), log_rule)
    return expr.replace(lambda e: e.is_Mul, mul_rule)


# -- entry point ------------------------------------------------------------------------------

def _check_names(arguments):
    seen = {}
    for a in arguments:
        if a.name in seen:
            raise CompileError(f"{a.name} is given twice (as {seen[a.name]} and as {a.role})")
        seen[a.name] = a.role


def index_form(expr, wrt, data=()) -> IndexForm:
    """Check ``expr`` against parameters ``wrt`` and ``data`` and bring it to index form.

    Parameters
    ----------
    expr : sympy.Expr or 1 x 1 matrix expression
        The scalar to compile.
    wrt, data : Symbol, IndexedBase, MatrixSymbol or a sequence of them
        Parameters (differentiated) and data (passed as arrays, not differentiated).

    Returns
    -------
    IndexForm

    Raises
    ------
    CompileError
        Unknown symbols (named), an unsummed index, a partial sum, inconsistent shapes, an
        array whose shape cannot be inferred.
    """
    params = tuple(_argument(w, "parameter") for w in _as_tuple(wrt))
    data = tuple(_argument(d, "data") for d in _as_tuple(data))
    if not params:
        raise CompileError("give at least one parameter to differentiate with respect to (wrt=)")
    _check_names(params + data)
    expr = _to_internal(_scalar_expression(expr), params + data)
    checker = _Checker(params + data)
    checker.taken = {str(a) for a in expr.atoms(sp.Symbol)}
    expr = checker.walk(expr, {})
    checker.unknown |= {s.name for s in checker.symbols - checker.scalars - checker.dims}
    if checker.unknown:
        raise CompileError("the expression has symbols that are neither parameters nor data: "
                           + ", ".join(sorted(checker.unknown))
                           + " (pass them in data=, or substitute numbers)")
    for a in params + data:
        if a.is_array:
            shape = checker.inferred[a.symbol]
            if shape is None or any(d is None for d in shape):
                raise CompileError(f"the shape of {a.name} is not known: give it one "
                                   f"(IndexedBase('{a.name}', shape=(...)))")
            a.shape = tuple(sp.sympify(d) for d in shape)
    for a in params:
        for d in a.shape:
            if not (sp.sympify(d).is_Integer or sp.sympify(d).is_Symbol):
                raise CompileError(f"parameter {a.name} has dimension {d}: use a number or a "
                                   "single dimension symbol")
    return IndexForm(stabilise(expr), params, data, checker.ranges)
