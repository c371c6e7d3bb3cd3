"""An update rule on arrays, in place: the rule traced once and written as NumPy calls with
``out=``, chunk by chunk.

The rule, written once as elementwise arithmetic (:meth:`Optimizer.rule`), is run on the
tracer of :mod:`lagropt.optim.fused` with x, g and the buffers as inputs and the step's
coefficients as scalars. Each recorded operation on arrays becomes one ufunc call writing
into a storage chosen by liveness: the storage of an operand that dies at that operation (x or
a buffer whose old value is no longer read, or a scratch chunk), else a free scratch chunk.
A variable's new value goes into its own storage when its old value is dead by then, so
Adam's update needs two scratch chunks and no other temporary. The operations and their
order are the rule's, so the result is bit for bit the rule's on NumPy arrays; operations
on scalars only (``1 - lr * wd``) are computed once per call, as the rule computes them.

A rule that cannot be traced (it branches on its values), or that raises to a power on
arrays or returns another variable's input as a new value, gets None and runs as written.
"""

from __future__ import annotations

from .fused import _TRACING, Tape, Traced, Untraceable
from .template import CHUNK, compiled

__all__ = ["in_place", "in_place_source"]

_UFUNCS = {"+": "np.add", "-": "np.subtract", "*": "np.multiply", "/": "np.divide",
           "neg": "np.negative", "sqrt": "np.sqrt", "max": "np.maximum"}
_DONE = float("inf")          # the last use of a value that is a new value of a variable


def in_place_source(optimizer) -> str | None:
    """The source of ``step_arrays(c, x, g, bufs)`` for ``optimizer``'s rule, or None."""
    try:
        return _Writer(*_trace(optimizer)).source()
    except (Untraceable, AttributeError, TypeError):
        return None


def in_place(optimizer):
    """The compiled ``step_arrays(c, x, g, bufs)`` of ``optimizer``, or None."""
    source = in_place_source(optimizer)
    return None if source is None else compiled(source, "step_arrays")


def _trace(optimizer):
    """(coefficient names, input names, recorded operations, the names of the new x and
    buffers)."""
    tape = Tape()
    count = len(optimizer.coefficients(1, 1.0))
    c = tuple(Traced(tape, f"c_{k}") for k in range(count))
    inputs = ["x", "g"] + [f"b{j}" for j in range(len(optimizer.buffers))]
    out = optimizer.rule(_TRACING, c, *[Traced(tape, name) for name in inputs])
    if len(out) != len(inputs) - 1:
        raise Untraceable(f"the rule returned {len(out)} values for {len(inputs) - 2} buffers")
    names = [v.name if isinstance(v, Traced) else None for v in out]
    if None in names:
        raise Untraceable("the rule returned a number as a new value")
    return [v.name for v in c], inputs, tape.ops, names


class _Writer:
    """The in-place source of a traced rule: kinds, liveness, storages, lines."""

    def __init__(self, coefficients, inputs, ops, outputs):
        self.coefficients, self.inputs, self.ops = coefficients, inputs, ops
        self.targets = dict(zip(["x"] + inputs[2:], outputs))      # variable -> new value
        self.array = set(inputs)                                     # values that are arrays
        for name, operation, operands in ops:
            if any(a in self.array for a in operands):
                if operation == "**":
                    raise Untraceable("a power of an array")
                self.array.add(name)
        for variable, value in self.targets.items():
            if value in inputs and value != variable or value not in self.array:
                raise Untraceable("a new value that is another input, or a scalar")
        self.last = {}
        for k, (_, _, operands) in enumerate(ops):
            for a in operands:
                self.last[a] = k
        for value in outputs:
            self.last[value] = _DONE
        self.storage = {name: name.upper() for name in inputs}      # value -> storage
        self.holds = {name.upper(): name for name in inputs}        # storage -> value
        self.scratch = 0

    def _free(self, storage, k) -> bool:
        """Whether ``storage`` may take the result of operation ``k``: its value is read last
        by operation k or earlier (and it is not the caller's gradient)."""
        return storage != "G" and self.last.get(self.holds[storage], -1) <= k

    def _place(self, k, name, operands) -> str:
        """The storage of the result ``name`` of operation ``k``."""
        variable = next((v for v, value in self.targets.items() if value == name), None)
        own = variable.upper() if variable is not None else None
        if own is not None and self._free(own, k):
            return own
        inputs = {name.upper() for name in self.inputs}
        choices = [self.storage[a] for a in operands if a in self.array] + list(self.holds)
        for storage in choices:
            # x and the buffers take intermediates, never another variable's new value
            if self._free(storage, k) and (storage not in inputs or variable is None):
                return storage
        self.scratch += 1
        return f"T{self.scratch - 1}"

    def source(self) -> str:
        scalars, body = [], []
        for k, (name, operation, operands) in enumerate(self.ops):
            if name not in self.array:
                scalars.append(_scalar_line(name, operation, operands))
                continue
            storage = self._place(k, name, operands)
            args = [self.storage.get(a, a) for a in operands]
            body.append(f"{_UFUNCS[operation]}({', '.join(args)}, out={storage})")
            self.storage[name], self.holds[storage] = storage, name
        for variable, value in self.targets.items():
            if self.storage[value] != variable.upper():
                body.append(f"np.copyto({variable.upper()}, {self.storage[value]})")
        buffers = self.inputs[2:]
        views = ", ".join(f"{v.upper()}" for v in self.inputs)
        slices = ", ".join(f"{v}[s]" for v in self.inputs)
        lines = [
            "def step_arrays(c, x, g, bufs):",
            *([f"    {', '.join(self.coefficients)}, = c"] if self.coefficients else []),
            *["    " + line for line in scalars],
            *([f"    {', '.join(buffers)}, = bufs"] if buffers else []),
            "    n = x.shape[0]",
            *[f"    S{j} = np.empty(min(n, CHUNK))" for j in range(self.scratch)],
            "    for lo in range(0, n, CHUNK):",
            "        s = slice(lo, lo + CHUNK)",
            f"        {views}, = {slices},",
            "        m = X.shape[0]",
            *[f"        T{j} = S{j}[:m]" for j in range(self.scratch)],
            *["        " + line for line in body],
        ]
        return "\n".join(lines) + "\n"


def _scalar_line(name, operation, operands) -> str:
    if operation == "neg":
        return f"{name} = -{operands[0]}"
    if operation in ("sqrt", "max"):
        return f"{name} = {operation}({', '.join(operands)})"
    return f"{name} = {operands[0]} {operation} {operands[1]}"
