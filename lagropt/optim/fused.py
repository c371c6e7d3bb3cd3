"""Small problems on Python floats: an optimizer's rule traced into straight-line code and
fused with the descent loop.

For a few scalar parameters, a step of :func:`lagropt.optim.minimize` is interpreter
overhead: calling the rule once per coordinate, indexing the buffer lists, packing tuples.
Here the rule, written once for arrays, is run on :class:`Traced` values that record every
arithmetic operation in the order it is evaluated. The record becomes the update of the float
engine (:func:`floats`) of the one descent loop (:mod:`lagropt.optim.template`): one local
variable per coordinate and buffer, the raw generated value-and-gradient kernel called each
step and the recorded update applied coordinate by coordinate. The
floating-point operations and their order are the rule's, so the iterates are bit for bit
those of :meth:`Optimizer.step`; a step costs about half as much as calling the rule.

A rule that branches on the values it is given (not just on its hyperparameters) cannot be
traced; :func:`fused_loop` then returns None and the loop runs on arrays.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from .template import (CONVERGED, DONE, GREW, NOT_FINITE, RAISED, STOPPED, Engine, compiled,
                       loop_source)

__all__ = ["CONVERGED", "DONE", "GREW", "NOT_FINITE", "RAISED", "STOPPED", "Traced",
           "Untraceable", "float_step", "floats", "fused_loop", "trace_step"]


class Untraceable(Exception):
    """The rule did something with a traced value other than arithmetic, sqrt and maximum."""


class Tape:
    """The statements recorded so far, each ``_k = <operation>``, as source lines and as
    ``ops``, records ``(name, operation, operands)`` (operation one of + - * / **, "neg",
    "sqrt", "max"; operands names or number literals)."""

    def __init__(self):
        self.lines: list = []
        self.ops: list = []
        self.count = 0

    def emit(self, expression: str, operation: str, operands: tuple) -> Traced:
        name, self.count = f"_{self.count}", self.count + 1
        self.lines.append(f"{name} = {expression}")
        self.ops.append((name, operation, operands))
        return Traced(self, name)


def _operand(value) -> str:
    if isinstance(value, Traced):
        return value.name
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value):
        raise Untraceable(f"the rule combined a traced value with {value!r}")
    return repr(int(value) if isinstance(value, int) else float(value))   # not np.float64(..)


def _operator(symbol: str, reflected: bool = False):
    """The dunder method recording ``self symbol other`` (``other symbol self`` reflected)."""
    def method(self, other):
        return self._binary(symbol, other, reflected)
    return method


class Traced:
    """A float of the rule's computation, named by the statement that computed it."""

    __slots__ = ("name", "tape")

    def __init__(self, tape: Tape, name: str):
        self.tape, self.name = tape, name

    def _binary(self, symbol, other, reflected=False):
        left, right = (_operand(other), self.name) if reflected else (self.name, _operand(other))
        return self.tape.emit(f"{left} {symbol} {right}", symbol, (left, right))

    __add__, __radd__ = _operator("+"), _operator("+", reflected=True)
    __sub__, __rsub__ = _operator("-"), _operator("-", reflected=True)
    __mul__, __rmul__ = _operator("*"), _operator("*", reflected=True)
    __truediv__, __rtruediv__ = _operator("/"), _operator("/", reflected=True)
    __pow__, __rpow__ = _operator("**"), _operator("**", reflected=True)

    def __neg__(self):
        return self.tape.emit(f"-{self.name}", "neg", (self.name,))

    def _refuse(self, *_):
        raise Untraceable("the rule branches on, compares or converts a traced value")

    __bool__ = __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _refuse
    __abs__ = __float__ = __index__ = __int__ = _refuse
    __hash__ = None


def _sqrt(value):
    if isinstance(value, Traced):
        return value.tape.emit(f"sqrt({value.name})", "sqrt", (value.name,))
    return math.sqrt(value)


def _maximum(a, b):
    """max(a, b), as Python takes it on floats."""
    traced = a if isinstance(a, Traced) else b if isinstance(b, Traced) else None
    if traced is None:
        return max(a, b)
    operands = (_operand(a), _operand(b))
    return traced.tape.emit(f"max({operands[0]}, {operands[1]})", "max", operands)


_TRACING = SimpleNamespace(sqrt=_sqrt, maximum=_maximum)


def trace_step(optimizer, count: int, fixed_lr=None) -> list:
    """The statements of one update of ``optimizer`` on ``count`` coordinates.

    They read the locals ``t`` (the update's number, 1 on the first), ``lr_t`` (its rate;
    ``fixed_lr``, a constant rate, is written in instead), ``x_i``, ``g_i`` and ``b<j>_i``
    (buffer j), compute the step's coefficients (traced too, or a call of ``coefficients``
    when they branch on t) and the rule coordinate by coordinate, and assign the new ``x_i``
    and ``b<j>_i`` in one tuple assignment at the end, so that an exception leaves them as
    they were. Raises :class:`Untraceable` when the rule cannot be traced.
    """
    tape = Tape()
    lr = fixed_lr if fixed_lr is not None else Traced(tape, "lr_t")
    try:
        c = optimizer.coefficients(Traced(tape, "t"), lr, _TRACING)
    except (Untraceable, TypeError):          # a branch on t, or a signature without xp
        del tape.lines[:], tape.ops[:]
        names = [f"c_{k}" for k in range(len(optimizer.coefficients(1, 1.0)))]
        tape.lines.append(f"{', '.join(names)}, = coefficients(t, {_operand(lr)})")
        c = tuple(Traced(tape, name) for name in names)
    buffers = len(optimizer.buffers)
    targets, values = [], []
    for i in range(count):
        args = [Traced(tape, f"{v}_{i}") for v in ["x", "g"] + [f"b{j}" for j in range(buffers)]]
        out = optimizer.rule(_TRACING, c, *args)
        if len(out) != 1 + buffers:
            raise Untraceable(f"the rule returned {len(out)} values for {buffers} buffers")
        targets += [f"x_{i}"] + [f"b{j}_{i}" for j in range(buffers)]
        values += [_operand(v) for v in out]
    return tape.lines + [f"{', '.join(targets)} = {', '.join(values)}"]


def _traced_update(optimizer, count: int):
    """The lines of :func:`trace_step` with the rate read in (a constant written in, else
    ``lr_t = lr(t - 1)``), or None when the rule cannot be traced."""
    from .schedules import Constant

    fixed_lr = optimizer.lr.lr if isinstance(optimizer.lr, Constant) else None
    try:
        lines = trace_step(optimizer, count, fixed_lr)
    except (Untraceable, AttributeError, TypeError):   # branches, or xp functions beyond
        return None                                    # sqrt and maximum
    return lines if fixed_lr is not None else ["lr_t = lr(t - 1)", *lines]


def float_step(optimizer, count: int):
    """One update of ``optimizer`` on ``count`` floats, traced, or None when the rule cannot
    be: ``step(x, g, buffers, state, coefficients, lr)`` updates the list ``x``, the buffer
    lists and ``state.step`` in place, bit for bit the rule on arrays."""
    lines = _traced_update(optimizer, count)
    if lines is None:
        return None
    sign, buffers = "-" if optimizer.maximize else "", len(optimizer.buffers)
    body = [*_unpack(count, buffers), "state.step = t = state.step + 1",
            *[f"g_{i} = {sign}g[{i}]" for i in range(count)], *lines,
            *_write_back(count, buffers)]
    source = "def step(x, g, buffers, state, coefficients, lr):\n" + \
        "".join(f"    {line}\n" for line in body)
    return compiled(source, "step")


def _unpack(n: int, buffers: int) -> list:
    """Lines that read the list x and the buffer lists into the locals x_i and b<j>_i."""
    return [f"{_row(n, 'x_')[1:-2]}, = x",
            *[f"{_row(n, f'b{j}_')[1:-2]}, = buffers[{j}]" for j in range(buffers)]]


def _write_back(n: int, buffers: int) -> list:
    """Lines that write the locals x_i and b<j>_i back into the lists."""
    return [f"x[:] = {_row(n, 'x_')}",
            *[f"buffers[{j}][:] = {_row(n, f'b{j}_')}" for j in range(buffers)]]


def _row(n: int, prefix: str) -> str:
    return "(" + ", ".join(f"{prefix}{i}" for i in range(n)) + ",)"


def fused_loop(optimizer, count: int, *, keep_path: bool, tol: bool, extras: bool):
    """The loop of :mod:`lagropt.optim.template` on ``count`` scalar parameters with
    ``optimizer``'s rule traced into it, or None when the rule cannot be traced. It is called
    as ``loop(kernel, fallback, out, x, buffers, state, coefficients, lr, steps, ceiling, tol,
    record_path, append_loss, after)``: ``kernel(*x) -> (value, *gradient)`` the raw generated
    function, ``fallback`` the same on NumPy (called where the kernel raised), ``out`` the
    kernel's value at x0, ``x`` and ``buffers`` lists of floats (written back, as
    ``state.step``, however the loop ends), the path extended by one tuple per iterate."""
    lines = _traced_update(optimizer, count)
    if lines is None:
        return None
    engine = floats(tuple(lines), count, len(optimizer.buffers), optimizer.maximize)
    return compiled(loop_source(engine, maximize=optimizer.maximize, keep_path=keep_path,
                                tol=tol, extras=extras))


def floats(step_lines: tuple, n: int, buffers: int, maximize: bool) -> Engine:
    """The engine of ``n`` scalar parameters: x and the buffers in local variables ``x_i`` and
    ``b<j>_i``, the loss and gradient the kernel's tuple ``out``, the update ``step_lines``
    (from :func:`trace_step`) on the gradient ``g_i`` (negated for an ascent)."""
    row = _row(n, "x_")
    xs = row[1:-2]
    sign = "-" if maximize else ""
    return Engine(
        params="kernel, fallback, out, x, buffers, state, coefficients, lr",
        setup=(*_unpack(n, buffers), "t, value = state.step, out[0]"),
        evaluate=("if k:", f"    out = kernel({xs})", "    value = out[0]"),
        # Python floats raise where NumPy gives inf or NaN: the checked loss says which
        failed=(f"out = fallback({xs})", "value = out[0]"),
        # the sum overflows for large finite entries: then each entry is tested
        finite="isfinite(sum(out)) or all(map(isfinite, out))",
        gradient="out[1:]", max_abs="max(map(abs, out[1:]))",
        update=("t += 1", *[f"g_{i} = {sign}out[{i + 1}]" for i in range(n)], *step_lines),
        copy=row, same=f"{row} == before", record=(f"record_path({row})",), point=f"[{xs}]",
        cleanup=(*_write_back(n, buffers), "state.step = t"))
