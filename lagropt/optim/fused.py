"""Small problems on Python floats: an optimizer's rule traced into straight-line code and
fused with the descent loop.

For a few scalar parameters, a step of :func:`lagropt.optim.minimize` is interpreter
overhead: calling the rule once per coordinate, indexing the buffer lists, packing tuples.
Here the rule, written once for arrays, is run on :class:`Traced` values that record every
arithmetic operation in the order it is evaluated. The record becomes Python source with one
local variable per coordinate and buffer, and one loop that calls the raw generated
value-and-gradient kernel and applies the recorded update coordinate by coordinate. The
floating-point operations and their order are the rule's, so the iterates are bit for bit
those of :meth:`Optimizer.step`; a step costs about half as much as calling the rule.

A rule that branches on the values it is given (not just on its hyperparameters) cannot be
traced; :func:`fused_loop` then returns None and the loop runs on arrays.
"""

from __future__ import annotations

import math
from functools import lru_cache
from types import SimpleNamespace

__all__ = ["CONVERGED", "DONE", "GREW", "NOT_FINITE", "RAISED", "STOPPED", "Traced",
           "Untraceable", "fused_loop", "trace_step"]

NOT_FINITE, GREW, CONVERGED, RAISED, STOPPED, DONE = range(6)     # why a fused loop returned


class Untraceable(Exception):
    """The rule did something with a traced value other than arithmetic, sqrt and maximum."""


class Tape:
    """The statements recorded so far, each ``_k = <operation>``."""

    def __init__(self):
        self.lines: list = []
        self.count = 0

    def emit(self, expression: str) -> Traced:
        name, self.count = f"_{self.count}", self.count + 1
        self.lines.append(f"{name} = {expression}")
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
        return self.tape.emit(f"{left} {symbol} {right}")

    __add__, __radd__ = _operator("+"), _operator("+", reflected=True)
    __sub__, __rsub__ = _operator("-"), _operator("-", reflected=True)
    __mul__, __rmul__ = _operator("*"), _operator("*", reflected=True)
    __truediv__, __rtruediv__ = _operator("/"), _operator("/", reflected=True)
    __pow__, __rpow__ = _operator("**"), _operator("**", reflected=True)

    def __neg__(self):
        return self.tape.emit(f"-{self.name}")

    def _refuse(self, *_):
        raise Untraceable("the rule branches on, compares or converts a traced value")

    __bool__ = __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _refuse
    __abs__ = __float__ = __index__ = __int__ = _refuse
    __hash__ = None


def _sqrt(value):
    return value.tape.emit(f"sqrt({value.name})") if isinstance(value, Traced) else \
        math.sqrt(value)


def _maximum(a, b):
    """max(a, b), as the float path of Optimizer.float_stepper takes it."""
    traced = a if isinstance(a, Traced) else b if isinstance(b, Traced) else None
    if traced is None:
        return max(a, b)
    return traced.tape.emit(f"max({_operand(a)}, {_operand(b)})")


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
        del tape.lines[:]
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


def fused_loop(optimizer, count: int, *, keep_path: bool, tol: bool, extras: bool):
    """The fused loop of ``optimizer`` on ``count`` scalar parameters, or None when its rule
    cannot be traced. Calling it runs up to ``steps`` updates (see :func:`_source`) and
    returns ``(why, nit, before, unchanged, detail)``."""
    from .schedules import Constant

    fixed_lr = optimizer.lr.lr if isinstance(optimizer.lr, Constant) else None
    try:
        lines = trace_step(optimizer, count, fixed_lr)
    except (Untraceable, AttributeError, TypeError):   # branches, or xp functions beyond
        return None                                    # sqrt and maximum
    if fixed_lr is None:
        lines.insert(0, "lr_t = lr(t - 1)")
    return _compiled(_source(lines, count, len(optimizer.buffers), optimizer.maximize,
                             keep_path, tol, extras))


@lru_cache(maxsize=64)
def _compiled(source: str):
    namespace = {"sqrt": math.sqrt, "isfinite": math.isfinite}
    namespace.update(NOT_FINITE=NOT_FINITE, GREW=GREW, CONVERGED=CONVERGED, RAISED=RAISED,
                     STOPPED=STOPPED, DONE=DONE)
    exec(compile(source, "<lagropt fused descent>", "exec"), namespace)  # noqa: S102
    return namespace["fused"]


def _source(step_lines, n, buffers, maximize, keep_path, tol, extras) -> str:
    """The loop's source. Per step: the kernel's (value, *gradient) at x (the caller's at x0
    for the first), the finiteness, growth and tolerance tests, the traced update, and the
    iterate recorded (or, without a path, compared with the one before)."""
    xs = ", ".join(f"x_{i}" for i in range(n))
    row = f"({xs},)"
    bufs = [", ".join(f"b{j}_{i}" for i in range(n)) for j in range(buffers)]
    body = [
        "if k:",
        f"    out = kernel({xs})",
        "value = out[0]",
        "if not isfinite(sum(out)) and not all(map(isfinite, out)):",
        "    return NOT_FINITE, k, before, unchanged, value",
        f"if {'-' if maximize else ''}value > ceiling:",
        "    return GREW, k, before, unchanged, value",
        "append_loss(value)",
    ]
    if tol:
        body += ["if max(map(abs, out[1:])) <= tol:",
                 "    return CONVERGED, k, before, unchanged, out[1:]"]
    if not keep_path:                  # with a path, the caller reads the iterate before
        body += [f"before = {row}"]
    body += ["t += 1"]
    body += [f"g_{i} = {'-' if maximize else ''}out[{i + 1}]" for i in range(n)]
    body += step_lines
    body += [f"extend_path({row})"] if keep_path else \
        [f"unchanged = unchanged + 1 if {row} == before else 0"]
    if extras:
        body += [f"if after([{xs}], value, k + 1):",
                 "    return STOPPED, k + 1, before, unchanged, value"]
    lines = [
        ("def fused(kernel, out, x, buffers, state, coefficients, lr, steps, ceiling, tol, "
         "extend_path, append_loss, after):"),
        f"    {xs}, = x",
        *[f"    {b}, = buffers[{j}]" for j, b in enumerate(bufs)],
        f"    t, k, unchanged, before = state.step, 0, 0, {row}",
        "    try:",
        "        for k in range(steps):",
        *["            " + line for line in body],
        "        return DONE, steps, before, unchanged, out[1:]",
        "    except (ZeroDivisionError, OverflowError, ValueError) as exc:",
        "        return RAISED, k, before, unchanged, exc",
        "    finally:",
        f"        x[:] = {row}",
        *[f"        buffers[{j}][:] = ({b},)" for j, b in enumerate(bufs)],
        "        state.step = t",
    ]
    return "\n".join(lines) + "\n"
