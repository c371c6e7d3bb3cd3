"""NumPy source from index-form expressions.

Every node of the expression becomes one NumPy statement on whole arrays; a node's array has
one axis per free index, in a fixed order of the indices. Elementwise nodes (``+``, ``*``,
``exp``, ``Abs``, ``Max`` ...) are printed by SymPy's NumPy printer with their operands aligned
by broadcasting. A sum of a product is a contraction: factors that do not depend on the summed
index move out, an index carried by one factor only is summed first, a factor whose indices are
a subset of another's is multiplied into it, and the last two factors are contracted by a
matrix product (``@`` or ``numpy.tensordot``, i.e. BLAS) -- ``sum_j X_ij beta_j`` is
``X @ beta`` and ``sum_i X_ik r_i`` is ``X.T @ r``.

Equal subexpressions are emitted once (common-subexpression elimination by construction): the
value and the gradient of a loss share ``X @ beta`` and the residual.
"""

from __future__ import annotations

import keyword
import string
from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from ..errors import CompileError, EvaluationError
from .index import IndexForm, index_symbols, is_logsumexp

__all__ = ["Program", "generate"]


class _Printer(NumPyPrinter):
    """NumPy printer with elementwise Max/Min, numpy.heaviside and the stable functions."""

    def _print_Max(self, expr):
        return self._fold("numpy.maximum", expr.args)

    def _print_Min(self, expr):
        return self._fold("numpy.minimum", expr.args)

    def _fold(self, fn, args):
        out = self._print(args[0])
        for a in args[1:]:
            out = f"{fn}({out}, {self._print(a)})"
        return out

    def _print_Sum(self, expr):
        raise CompileError(f"internal: a sum reached the elementwise printer: {sp.sstr(expr)}")

    _print_Indexed = _print_Sum

    def _print_Heaviside(self, expr):
        return f"numpy.heaviside({self._print(expr.args[0])}, {float(expr.args[1])!r})"

    def _print_sigmoid(self, expr):
        return f"scipy.special.expit({self._print(expr.args[0])})"

    def _print_softplus(self, expr):
        return f"numpy.logaddexp(0.0, {self._print(expr.args[0])})"

    def _print_xlogy(self, expr):
        return f"scipy.special.xlogy({self._print(expr.args[0])}, {self._print(expr.args[1])})"


def _dirac(u, what):
    """DiracDelta(u): 0 where u != 0; at u = 0 the derivative does not exist."""
    u = np.asarray(u)
    hit = np.argwhere(u == 0)
    if hit.size:
        where = "" if u.ndim == 0 else " at index " + ", ".join(map(str, hit[0]))
        raise EvaluationError(f"not differentiable here: {what} = 0{where} (a kink or jump)")
    return np.zeros(u.shape)


_NAMESPACE = {"numpy": np, "_dirac": _dirac}


def _namespace(source: str) -> dict:
    """The names generated code sees; scipy (for scipy.special's expit, xlogy, logsumexp) is
    imported only when the code uses it, so that importing lagropt does not load it."""
    namespace = dict(_NAMESPACE)
    if "scipy." in source:
        import scipy.special

        namespace["scipy"] = scipy
    return namespace


def is_literal(name: str) -> bool:
    """Whether ``name`` reads as a number (``"2"``, ``"0.5"``, ``"1e-3"``)."""
    try:
        float(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Node:
    """An emitted array: the variable (or literal) holding it and its axes (index symbols)."""

    name: str
    axes: tuple


class _Emitter:
    """Emits statements for a set of outputs, each node once."""

    def __init__(self, form: IndexForm, variables: dict, order: dict):
        self.form = form
        self.variables = variables
        self.order = order
        self.lines = []
        self.memo = {}
        self.printer = _Printer({"fully_qualified_modules": True, "strict": True})
        self.count = 0

    # -- helpers ---------------------------------------------------------------------------

    def _new(self, code: str) -> str:
        self.count += 1
        name = f"_t{self.count}"
        self.lines.append(f"    {name} = {code}")
        return name

    def _sorted(self, axes) -> tuple:
        return tuple(sorted(set(axes), key=self.order.__getitem__))

    def align(self, node: Node, axes: tuple) -> str:
        """``node`` viewed with the axes ``axes`` (a superset), for broadcasting: transposed
        to their relative order, with new axes of length 1 where it has none."""
        node = self.transpose(node, tuple(a for a in axes if a in node.axes))
        if node.axes == axes[len(axes) - len(node.axes):]:
            return node.name
        key = ("align", node.name, node.axes, axes)
        if key not in self.memo:
            sl = ", ".join(":" if a in node.axes else "None" for a in axes)
            self.memo[key] = self._new(f"{node.name}[{sl}]")
        return self.memo[key]

    def transpose(self, node: Node, axes: tuple) -> Node:
        """``node`` with its axes permuted to ``axes`` (same set)."""
        if node.axes == axes:
            return node
        key = ("transpose", node.name, node.axes, axes)
        if key not in self.memo:
            perm = tuple(node.axes.index(a) for a in axes)
            code = f"{node.name}.T" if len(axes) == 2 else f"numpy.transpose({node.name}, {perm})"
            self.memo[key] = Node(self._new(code), axes)
        return self.memo[key]

    def _length(self, index) -> str:
        return self.emit(sp.sympify(self.form.ranges[index])).name

    # -- nodes -----------------------------------------------------------------------------

    def emit(self, e) -> Node:
        """The node of ``e``, emitted once for all expressions equal to it up to the names of
        their free indices (sum_j W_jc X_ij and sum_j W_jk X_ij are one array)."""
        free = self._sorted(index_symbols(e))
        holders = tuple(self._holder(pos, self.form.ranges[f]) for pos, f in enumerate(free))
        key = e.xreplace(dict(zip(free, holders)))
        if key not in self.memo:
            node = self._emit(e)
            self.memo[key] = Node(node.name, tuple(holders[free.index(a)] for a in node.axes))
        node = self.memo[key]
        back = dict(zip(holders, free))
        return Node(node.name, tuple(back[a] for a in node.axes))

    def _holder(self, pos, length):
        key = ("holder", pos, length)
        if key not in self.memo:
            self.memo[key] = sp.Symbol(f"_free{pos}_{len(self.memo)}", integer=True)
        return self.memo[key]

    def _emit(self, e) -> Node:
        if e.is_Number:
            return Node(repr(float(e)) if not e.is_Integer else f"{int(e)}", ())
        if e in self.variables:
            return Node(self.variables[e], ())
        if isinstance(e, sp.Indexed):
            return self._indexed(e)
        if isinstance(e, sp.KroneckerDelta):
            return self._delta(e)
        if isinstance(e, sp.Sum):
            return self._sum(e)
        if isinstance(e, sp.DiracDelta):
            return self._dirac(e)
        if is_logsumexp(e):
            return self._logsumexp(e)
        return self._elementwise(e)

    def _indexed(self, e) -> Node:
        base = self.variables[e.base]
        idx = e.indices
        symbols = [i for i in idx if not i.is_Integer]
        if len(set(symbols)) != len(symbols):
            raise CompileError(f"{sp.sstr(e)}: a repeated index (a diagonal) is not supported")
        if len(symbols) != len(idx):
            base = self._new(f"{base}[{', '.join(':' if i in symbols else str(int(i)) for i in idx)}]")
        return Node(base, tuple(symbols))

    def _delta(self, e) -> Node:
        a, b = e.args
        if a.is_Integer and b.is_Integer:
            return Node("1" if a == b else "0", ())
        if a.is_Integer or b.is_Integer:
            const, index = (a, b) if a.is_Integer else (b, a)
            return Node(self._new(f"numpy.eye({self._length(index)})[{int(const)}]"), (index,))
        return Node(self._new(f"numpy.eye({self._length(a)})"), self._sorted((a, b)))

    def _dirac(self, e) -> Node:
        u = self.emit(e.args[0])
        shown = e.args[0].xreplace({d: sp.Symbol(d.name) for d in e.args[0].atoms(sp.Dummy)})
        what = sp.sstr(shown).replace('"', "'")
        return Node(self._new(f'_dirac({u.name}, "{what}")'), u.axes)

    def _logsumexp(self, e) -> Node:
        inner = e.args[0]
        (v, _lo, _hi), = inner.limits
        u = self.emit(inner.function.args[0])
        if v not in u.axes:
            return self.emit(sp.log(self.form.ranges[v]) + inner.function.args[0])
        axis = u.axes.index(v)
        rest = tuple(a for a in u.axes if a != v)
        return Node(self._new(f"scipy.special.logsumexp({u.name}, axis={axis})"), rest)

    def _elementwise(self, e) -> Node:
        terms = [t.as_coeff_Mul() for t in e.args] if e.is_Add else None
        operands = []

        def collect(node):
            for a in node.args:
                if isinstance(a, sp.Expr):
                    if a.free_symbols and a not in operands:
                        operands.append(a)
                else:
                    collect(a)

        if terms is not None:      # y - s is one subtraction, not -s then + y
            operands = list(dict.fromkeys(r for _, r in terms if r.free_symbols))
        else:
            collect(e)
        children = [self.emit(o) for o in operands]
        axes = self._sorted(a for c in children for a in c.axes)
        holders = {o: sp.Symbol(self.align(c, axes), real=True) for o, c in zip(operands, children)}
        if terms is not None:
            template = sp.Add(*[c * holders.get(r, r) for c, r in terms])
        else:
            template = e.xreplace(holders)
        try:
            code = self.printer.doprint(template)
        except sp.printing.codeprinter.PrintMethodNotImplementedError as exc:
            raise CompileError(f"no NumPy form for {type(e).__name__} in {sp.sstr(e)}") from exc
        return Node(self._new(code), axes)

    def _product(self, nodes) -> Node:
        numbers = [n for n in nodes if is_literal(n.name)]
        nodes = [n for n in nodes if not is_literal(n.name)]
        factor = float(np.prod([float(n.name) for n in numbers])) if numbers else 1.0
        if not nodes:
            return Node(repr(factor), ())
        if factor == 1.0 and len(nodes) == 1:
            return nodes[0]
        axes = self._sorted(a for n in nodes for a in n.axes)
        code = " * ".join(self.align(n, axes) for n in nodes)
        if factor == -1.0:
            code = f"-({code})" if len(nodes) > 1 else f"-{code}"
        elif factor != 1.0:
            code = f"{factor!r} * {code}"
        return Node(self._new(code), axes)

    def _reduce(self, node: Node, over) -> Node:
        over = [a for a in node.axes if a in over]
        if not over:
            return node
        rest = tuple(a for a in node.axes if a not in over)
        if not rest:
            return Node(self._new(f"numpy.sum({node.name})"), ())
        axis = tuple(node.axes.index(a) for a in over)
        return Node(self._new(f"numpy.sum({node.name}, axis={axis if len(axis) > 1 else axis[0]})"), rest)

    def _sum(self, e) -> Node:
        summed = []
        body = e
        while isinstance(body, sp.Sum):
            summed += [lim[0] for lim in body.limits]
            body = body.function
        summed = set(summed)
        factors = sp.Mul.make_args(body)
        outside = [self.emit(f) for f in factors if not (index_symbols(f) & summed)]
        inside = [self.emit(f) for f in factors if index_symbols(f) & summed]
        result = self._contract(inside, summed)
        return self._product(outside + [result]) if outside else result

    def _contract(self, nodes, summed) -> Node:
        nodes = list(nodes)
        while True:
            for k, n in enumerate(nodes):
                others = {a for m in nodes if m is not n for a in m.axes}
                own = [a for a in n.axes if a in summed and a not in others]
                if own:
                    nodes[k] = self._reduce(n, own)
            live = {a for n in nodes for a in n.axes} & summed
            if not live:
                return self._product(nodes)
            if len(nodes) <= 2:
                break
            pair = self._foldable(nodes)
            if pair is None:
                return self._einsum(nodes, summed)
            small, big = pair
            nodes = [n for n in nodes if n is not small and n is not big] + [self._product([small, big])]
        if len(nodes) == 1:
            return self._reduce(nodes[0], summed)
        a, b = nodes
        if (set(a.axes) & set(b.axes)) - summed:
            return self._einsum(nodes, summed)
        return self._tensordot(a, b, [x for x in a.axes if x in summed])

    @staticmethod
    def _foldable(nodes):
        """Two factors whose product is no bigger than one of them: (small, big), the
        smallest such pair (vectors are multiplied together before a matrix is touched)."""
        pairs = [(s, b) for s in nodes for b in nodes
                 if s is not b and set(s.axes) <= set(b.axes)]
        return min(pairs, key=lambda p: (len(p[1].axes), len(p[0].axes)), default=None)

    def _tensordot(self, a: Node, b: Node, over) -> Node:
        free_a = tuple(x for x in a.axes if x not in over)
        free_b = tuple(x for x in b.axes if x not in over)
        if len(over) == 1 and len(a.axes) <= 2 and len(b.axes) <= 2:
            (k,) = over
            turns = lambda p, q: (p.axes[-1] != k) + (q.axes[0] != k)  # noqa: E731
            if turns(b, a) < turns(a, b) or (turns(b, a) == turns(a, b) and len(b.axes) > len(a.axes)):
                a, b, free_a, free_b = b, a, free_b, free_a
            left = a.name if a.axes[-1] == k else f"{a.name}.T"
            right = b.name if b.axes[0] == k else f"{b.name}.T"
            code = f"{left} @ {right}"
        else:
            ia = tuple(a.axes.index(x) for x in over)
            ib = tuple(b.axes.index(x) for x in over)
            code = f"numpy.tensordot({a.name}, {b.name}, axes=({ia}, {ib}))"
        return Node(self._new(code), free_a + free_b)

    def _einsum(self, nodes, summed) -> Node:
        letters = {}
        for n in nodes:
            for a in n.axes:
                letters.setdefault(a, string.ascii_letters[len(letters)])
        out = self._sorted(a for n in nodes for a in n.axes if a not in summed)
        spec = ",".join("".join(letters[a] for a in n.axes) for n in nodes)
        spec += "->" + "".join(letters[a] for a in out)
        args = ", ".join(n.name for n in nodes)
        return Node(self._new(f"numpy.einsum('{spec}', {args}, optimize=True)"), out)


@dataclass
class Program:
    """A generated NumPy function and its source."""

    function: object
    source: str


def _identifier(name: str, taken: set) -> str:
    base = name if name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_") \
        and name not in ("numpy", "scipy") else "arg"
    out, k = base, 1
    while out in taken:
        out, k = f"{base}_{k}", k + 1
    taken.add(out)
    return out


def argument_names(form: IndexForm) -> dict:
    """Python variable names for the parameters, data and dimensions of ``form``."""
    taken, names = set(), {}
    for a in form.arguments:
        names[a.symbol] = _identifier(a.name, taken)
    for d in form.dims:
        names[d] = _identifier(str(d), taken)
    return names


def _index_order(form: IndexForm, exprs) -> dict:
    """A position for every index: the axis it occupies in the data arrays (the sample axis
    first), else in the parameters, then first appearance. Arrays then keep their own axis
    order and X[i, j] needs no transpose."""
    data = {a.symbol for a in form.data}
    best = {}
    for e in exprs:
        for el in e.atoms(sp.Indexed):
            for pos, i in enumerate(el.indices):
                if isinstance(i, sp.Symbol):
                    key = pos if el.base in data else 100 + pos
                    best[i] = min(best.get(i, key), key)
    first = {i: k for k, i in enumerate(form.ranges)}
    ranked = sorted(form.ranges, key=lambda i: (best.get(i, 1000), first[i]))
    return {i: k for k, i in enumerate(ranked)}


def generate(form: IndexForm, outputs, name: str) -> Program:
    """A function of (parameters..., data..., dimensions...) returning one array per output.

    ``outputs`` is a sequence of (expression, axes): each output array has the given index
    axes in that order (broadcast when the expression does not depend on one of them).
    """
    variables = argument_names(form)
    order = _index_order(form, [sp.sympify(e) for e, _ in outputs])
    emitter = _Emitter(form, variables, order)
    results = []
    for expr, axes in outputs:
        node = emitter.emit(sp.sympify(expr))
        missing = [a for a in axes if a not in node.axes]
        if missing:
            full = emitter._sorted(tuple(axes))
            shape = ", ".join(emitter._length(a) for a in full)
            node = Node(emitter._new(f"numpy.broadcast_to({emitter.align(node, full)}, ({shape},))"), full)
        results.append(emitter.transpose(node, tuple(axes)).name)
    signature = ", ".join(variables[a.symbol] for a in form.arguments)
    dims = ", ".join(variables[d] for d in form.dims)
    signature = ", ".join(s for s in (signature, dims) if s)
    source = "\n".join([f"def {name}({signature}):", *emitter.lines,
                        f"    return ({', '.join(results)},)"])
    namespace = _namespace(source)
    exec(compile(source, f"<lagropt {name}>", "exec"), namespace)  # noqa: S102 - our own source
    return Program(namespace[name], source)
