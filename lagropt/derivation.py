"""Derivations as data: the record of what the solver did, step by step.

A :class:`Derivation` is a sequence of :class:`Step` objects. Each step holds a short annotation
and SymPy objects (equations, expressions, matrices); it never holds LaTeX. Renderings (plain text
here, LaTeX in :mod:`lagropt.latex`, JSON via :meth:`Derivation.to_dict`) are views of this one
record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.str import StrPrinter

from . import rendering

__all__ = ["Step", "Derivation", "render_text"]


@dataclass
class Step:
    """One step of a derivation.

    Attributes
    ----------
    kind : str
        Machine-readable kind, e.g. ``"lagrangian"``, ``"stationarity"``, ``"isolate"``,
        ``"substitute"``, ``"solution"``, ``"value"``, ``"classification"``.
    text : str
        A short annotation in words, as a lecturer would say it.
    equations : tuple
        SymPy objects shown in this step (``Eq``, relations or plain expressions), one per line.
    chain : bool
        When true, each line is a consequence of the previous one (rendered with an arrow).
    data : dict
        Further structured facts (the point a step is about, the reason for a verdict, ...).
    """

    kind: str
    text: str
    equations: tuple = ()
    chain: bool = False
    data: dict = field(default_factory=dict)

    def xreplace(self, mapping: dict) -> "Step":
        """This step with symbols replaced (used to map internal symbols back to the user's)."""
        return Step(self.kind, self.text,
                    tuple(_replace(e, mapping) for e in self.equations), self.chain,
                    {k: _replace(v, mapping) for k, v in self.data.items()})

    def __str__(self) -> str:
        return render_step_text(self)

    # Pickling (the solver's worker sends steps back through a pipe) rebuilds SymPy objects
    # with evaluation: Eq(1, 0, evaluate=False) would come back as False, Eq(mu, mu) as True.
    def __getstate__(self) -> dict:
        return {**self.__dict__, "equations": tuple(_frozen(e) for e in self.equations)}

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        state["equations"] = tuple(_thawed(e) for e in state["equations"])
        self.__dict__.update(state)


class _Relation(tuple):
    """A relation taken apart for pickling: (class, lhs, rhs)."""


def _frozen(obj):
    if isinstance(obj, sp.core.relational.Relational):
        return _Relation((type(obj), obj.lhs, obj.rhs))
    return obj


def _thawed(obj):
    if isinstance(obj, _Relation):
        cls, lhs, rhs = obj
        return cls(lhs, rhs, evaluate=False)
    return obj


def _replace(obj: Any, mapping: dict) -> Any:
    if isinstance(obj, sp.core.relational.Relational):
        return type(obj)(obj.lhs.xreplace(mapping), obj.rhs.xreplace(mapping), evaluate=False)
    if isinstance(obj, sp.Basic):
        return obj.xreplace(mapping)
    if isinstance(obj, dict):
        return {_replace(k, mapping): _replace(v, mapping) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_replace(v, mapping) for v in obj)
    return obj


class Derivation(rendering.Rendered):
    """An ordered list of :class:`Step` objects with plain-text and JSON renderings; LaTeX
    (``latex()``, ``to_tex()``, Jupyter) through :mod:`lagropt.rendering`."""

    def __init__(self, steps: list[Step] | None = None, title: str = ""):
        self.steps: list[Step] = list(steps or [])
        self.title = title

    def add(self, kind: str, text: str, equations=(), chain: bool = False, **data) -> Step:
        """Append a step and return it."""
        if isinstance(equations, sp.Basic):
            equations = (equations,)
        step = Step(kind, text, tuple(equations), chain, dict(data))
        self.steps.append(step)
        return step

    def extend(self, other: "Derivation") -> None:
        self.steps.extend(other.steps)

    def find(self, kind: str) -> list[Step]:
        """All steps of the given kind, in order."""
        return [s for s in self.steps if s.kind == kind]

    @property
    def kinds(self) -> list[str]:
        return [s.kind for s in self.steps]

    def xreplace(self, mapping: dict) -> "Derivation":
        return Derivation([s.xreplace(mapping) for s in self.steps], self.title)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, i):
        return self.steps[i]

    def __str__(self) -> str:
        return render_text(self)

    def __repr__(self) -> str:
        return f"<Derivation {self.title!r}: {len(self.steps)} steps: {', '.join(self.kinds)}>"

    def to_dict(self) -> dict:
        """A JSON-ready view: each step with its equations as SymPy strings."""
        return {"title": self.title, "steps": [_step_dict(s) for s in self.steps]}


_VERDICT_KEYS = ("case", "verdict", "reason")      # a case's verdict, kept in JSON as data


def _step_dict(step: Step) -> dict:
    out = {"kind": step.kind, "text": step.text, "chain": step.chain,
           "equations": [_text(e) for e in step.equations]}
    if "verdict" in step.data:
        out.update({k: step.data[k] for k in _VERDICT_KEYS if k in step.data})
    return out



class _TextPrinter(StrPrinter):
    """SymPy's string printer, with d f(x, y)/dx written as the lecture reads it."""

    def _print_Derivative(self, expr):
        if isinstance(expr.expr, AppliedUndef) and len(expr.variables) == 1:
            return f"∂{self._print(expr.expr)}/∂{self._print(expr.variables[0])}"
        return super()._print_Derivative(expr)


def _sstr(obj) -> str:
    """Text of ``obj``; decimals as a user writes them (2.5, not 2.50000000000000)."""
    return _TextPrinter({"full_prec": False}).doprint(obj)


def _text(obj) -> str:
    """One SymPy object as readable text: ``lhs = rhs`` for equations."""
    if isinstance(obj, sp.Equality):
        return f"{_sstr(obj.lhs)} = {_sstr(obj.rhs)}"
    if isinstance(obj, sp.Unequality):
        return f"{_sstr(obj.lhs)} != {_sstr(obj.rhs)}"
    if isinstance(obj, sp.Basic):
        return _sstr(obj)
    return str(obj)


def render_step_text(step: Step) -> str:
    lines = [f"{step.text}"]
    for i, e in enumerate(step.equations):
        arrow = "=> " if step.chain and i > 0 else "   "
        lines.append(f"  {arrow}{_text(e)}")
    return "\n".join(lines)


def render_text(derivation: Derivation) -> str:
    """Plain text: one numbered block per step."""
    head = [derivation.title, ""] if derivation.title else []
    body = [f"{i}. {render_step_text(s)}" for i, s in enumerate(derivation.steps, 1)]
    return "\n".join(head + body)
