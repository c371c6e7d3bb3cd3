"""The step record rendered as the lecture writes it.

:func:`derivation_latex` turns a :class:`~lagropt.Derivation` into a LaTeX fragment: for each
step its annotation as text, then an ``align*`` block with the step's equations aligned on the
relation, ``\\Rightarrow`` in front of each consequence of a chain. Any step renders this way;
the lecture's kinds get their lecture form:

* ``problem``: f and the constraints, ``g(x, y) = x - y = 0``;
* ``stationarity``: annotated ``grad f = lambda grad g`` with the count N + K;
* ``equations``: a common numeric factor pulled out, ``-2 (x - 2) = lambda``;
* ``solution``/``case``/``family``: assignments packed on few lines, irrational numbers with a
  decimal approximation; a common denominator that is a sum of exponentials becomes the
  partition function Z;
* ``value``: ``f(3/2, 3/2) = 19/2``, ``f(1/2, 1/2) = ln 2 ~ 0.6931``.

Equations over I states that differ only by the index are written once with the index
(``-ln p_i - 1 = lambda_1 + lambda_2 eps_i``, i = 1, 2, 3), sums as sums. Algebraic numbers
(``CRootOf``) get short names rho_k, defined where they first appear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.core.relational import Relational

from ..derivation import Step
from .index import Fold
from .printer import Context, LecturePrinter
from .text import annotation, dollars, escape
from .width import TEXT_WIDTH, estimate, line_width
from ..standard import Sense

__all__ = ["derivation_latex", "solution_latex", "solution_summary_latex", "problem_latex",
           "context_of", "Style", "LATEX", "render_derivation", "render_solution", "render_summary",
           "render_problem"]

PACK_WIDTH = 48             # visible characters per packed line of assignments (at TEXT_WIDTH)
# what a display row may take by width.estimate, which reads long rows 0 to 5% short
ROW_SHARE = 0.96
ROW_WIDTH = ROW_SHARE * TEXT_WIDTH
LEFT_SHARE = 0.4            # a row's left side may take this much of the row before it is cut
CONTINUATION = r"\quad "    # a broken row's further lines start under the relation, indented
APPROX_DIGITS = 4
_RELATION_TEX = {"==": "=", "<=": r"\leq", ">=": r"\geq", "<": "<", ">": ">", "!=": r"\neq"}


def _latex_math_text(text: str) -> str:
    """Words inside a LaTeX formula: ``\\text{...}``, escaped."""
    return r"\text{%s}" % escape(text)


def _latex_display(rows: list, chain: bool) -> str:
    """The rows of a step as an ``align*`` block; a chain of consequences as ``alignat*{2}``
    so that the arrows stand in a column of their own left of the equations (rows
    ``\\Rightarrow & lhs &= rhs``)."""
    begin, end = ("\\begin{alignat*}{2}", "\\end{alignat*}") if chain else (
        "\\begin{align*}", "\\end{align*}")
    gap = " \\\\[0.5ex]\n  " if any(r"\frac" in r for r in rows) else " \\\\\n  "
    return f"{begin}\n  " + gap.join(rows) + f"\n{end}"


@dataclass(frozen=True)
class Style:
    """Where a rendering goes: how its words, inline math and displays are written.

    :data:`LATEX` writes a LaTeX document's; :mod:`lagropt.latex.markdown` defines Markdown's
    and MyST's. The steps, rows and lecture forms are the same for every style.

    Attributes
    ----------
    words : callable
        Plain text (annotations, user text) in a paragraph, escaped.
    math_text : callable
        Plain text inside a formula, as a complete piece of math (``\\text{...}``).
    inline : callable
        Inline math, delimited.
    display : callable
        ``display(rows, chain)``: a step's rows as a display block.
    paragraph : callable
        A paragraph of text (words and inline math) as it may start a line.
    """

    words: Callable[[str], str]
    math_text: Callable[[str], str]
    inline: Callable[[str], str]
    display: Callable[[list, bool], str]
    paragraph: Callable[[str], str] = str


LATEX = Style(escape, _latex_math_text, dollars, _latex_display)


@dataclass
class Block:
    """One step: the annotation, the rows of its display, text after it."""

    text: str
    rows: list = field(default_factory=list)
    after: str = ""
    chain: bool = False

    def render(self, style: Style) -> str:
        parts = [style.paragraph(self.text)] if self.text else []
        if self.rows:
            parts.append(style.display(self.rows, self.chain))
        if self.after:
            parts.append(style.paragraph(self.after))
        return "\n".join(parts)

    def latex(self) -> str:
        return self.render(LATEX)


def context_of(derivation, fold: bool = True) -> Context:
    """Variables, multipliers and symbols of a derivation, read from its own steps."""
    variables, multipliers, symbols = (), (), set()
    for step in derivation:
        if step.kind == "problem" and "variables" in step.data:
            variables = tuple(step.data["variables"])
        if step.kind == "lagrangian" and step.equations:
            lhs = getattr(step.equations[0], "lhs", None)
            if isinstance(lhs, AppliedUndef):
                multipliers = tuple(a for a in lhs.args if a not in variables
                                    and not isinstance(a, sp.Indexed))
        for e in step.equations:
            if isinstance(e, sp.Basic):
                symbols |= e.free_symbols
    named = {v for v in variables if not isinstance(v, AppliedUndef)}      # p, not p(x)
    return Context(variables, multipliers, symbols | named, fold)


class Renderer:
    """Renders the steps of one derivation, keeping the abbreviations it has introduced; rows
    are broken for a line ``width`` points wide (:func:`~lagropt.latex.width.line_width`)."""

    def __init__(self, context: Context, style: Style = LATEX, width: float = TEXT_WIDTH):
        self.ctx = context
        self.style = style
        self.row_width = ROW_SHARE * width
        self.pack_width = PACK_WIDTH * width / TEXT_WIDTH
        self.printer = LecturePrinter(context)
        self.abbreviations: dict = {}          # expression -> symbol (Z, rho_k)
        self.names = {s.name: self.printer.doprint(s) for s in context.symbols}

    # -- expressions ----------------------------------------------------------------------
    def tex(self, expr) -> str:
        if isinstance(expr, str):
            return self.style.math_text(expr)
        expr = sp.sympify(expr)
        return self.printer.doprint(self.shorten(expr))

    def shorten(self, expr):
        if not self.abbreviations or not isinstance(expr, sp.Basic):
            return expr
        if isinstance(expr, Relational):
            return type(expr)(expr.lhs.xreplace(self.abbreviations),
                              expr.rhs.xreplace(self.abbreviations), evaluate=False)
        return expr.xreplace(self.abbreviations)

    def _learn_names(self, step: Step) -> None:
        for e in step.equations:
            if isinstance(e, sp.Basic):
                for a in e.atoms(AppliedUndef):
                    name = a.func.__name__
                    self.names.setdefault(name, self.printer.doprint(sp.Symbol(name)))

    def words(self, text: str) -> str:
        return annotation(text, self.names, self.style.words, self.style.inline)

    # -- rows -----------------------------------------------------------------------------
    def row(self, item, side=None, approx: bool = False) -> str:
        """One equation (or fold of equations) as an ``align*`` row, aligned on its relation."""
        side = side or self.tex
        if isinstance(item, Fold):
            return self.row(item.pattern, side) + r", \qquad " + _index_range(self, item)
        if isinstance(item, Relational):
            op = _relation(item)
            out = f"{self.left(item.lhs, side)} &{op} {side(item.rhs)}"
            if approx and op == "=":
                out += self.approximation(item.rhs)
            return out
        if isinstance(item, (bool, sp.logic.boolalg.BooleanAtom)):
            return r"&\text{%s}" % ("true" if bool(item) else "false")
        return "&" + side(item)

    def row_lines(self, item, side=None, approx: bool = False, offset: float = 0.0,
                  column: float = 0.0) -> list[str]:
        """A row, or several when it is too wide for the line: broken after the relation and
        between the terms of the right side, each further line indented under the relation.

        ``offset`` is the width taken left of the equation (the arrow of a chain); ``column``
        the width of the block's left column (its widest left side: ``align*`` starts every
        right side there)."""
        text = self.row(item, side, approx)
        if isinstance(item, Fold):
            return self._fold_lines(item, text, side, approx, offset, column)
        if not isinstance(item, Relational) or self._fits(text, offset, column):
            return [text]
        side = side or self.tex
        lhs = self.left(item.lhs, side)
        op = _relation(item)
        left = max(column, estimate(lhs))
        rhs = self.shorten(item.rhs)
        if not rhs.is_Add or side(rhs) != self.tex(rhs):      # a product (a factored form)
            return [text]
        head = f"{lhs} &{op} "
        lines = _filled(self.printer.add_pieces(rhs),
                        self.row_width - offset - left - estimate(f"{op} "),
                        indent=estimate(CONTINUATION))
        if approx and op == "=":
            lines[-1] += self.approximation(rhs)
        return [head + lines[0]] + ["&" + CONTINUATION + line for line in lines[1:]]

    def _fits(self, text: str, offset: float = 0.0, column: float = 0.0) -> bool:
        """Whether a row ``lhs &op rhs`` fits the line, its right side starting after the
        block's left ``column`` (and ``offset``)."""
        at = _alignment(text)
        left, right = text[:at], text[at:]
        return max(column, estimate(left)) + estimate(right) + offset <= self.row_width

    def _fold_lines(self, fold, text, side, approx, offset, column) -> list[str]:
        """A folded row (``... , i = 1, ..., I``): as it is when it fits, else its equation
        broken as any row and the index range after it, or on a line of its own."""
        if self._fits(text, offset, column):
            return [text]
        suffix = r", \qquad " + _index_range(self, fold)
        lines = self.row_lines(fold.pattern, side, approx, offset, column)
        if self._fits(lines[-1] + suffix, offset, column):
            return lines[:-1] + [lines[-1] + suffix]
        return lines + ["&" + CONTINUATION + r"\qquad " + _index_range(self, fold)]

    def column(self, items, side=None) -> float:
        """The width of the left column of a block of rows: its widest left side."""
        side = side or self.tex
        lefts = [i.pattern if isinstance(i, Fold) else i for i in items]
        return max((estimate(self.left(i.lhs, side)) for i in lefts if isinstance(i, Relational)),
                   default=0.0)

    def left(self, lhs, side=None) -> str:
        """A row's left side; f(x1, ..., xn) at a point too long for the line is written f
        (its point is printed above it), the rest as they are."""
        side = side or self.tex
        text = side(lhs)
        if isinstance(lhs, AppliedUndef) and estimate(text) > LEFT_SHARE * self.row_width:
            return side(sp.Symbol(lhs.func.__name__))
        return text

    def approximation(self, value) -> str:
        """`` \\approx 0.6931`` for an irrational number (nothing for rationals and symbols)."""
        if not isinstance(value, sp.Expr) or not value.is_number or value.is_Rational \
                or value.is_Float or self.shorten(value).is_Symbol:
            return ""
        try:
            number = sp.N(value, APPROX_DIGITS)
        except (TypeError, ValueError):
            return ""
        return r" \approx " + self.printer.doprint(number) if number.is_real else ""

    def rows(self, equations, chain=False, side=None, approx=False, pack=False) -> list[str]:
        """Rows of a step: folded by index, packed, same left side omitted, chained."""
        equations = [self.shorten(e) for e in equations]
        items = equations
        if not chain and self.ctx.indexer is not None:
            items = self.ctx.indexer.fold_sequence(equations)
        if pack:
            return self._packed(items, approx)
        out, previous = [], None
        arrow = r"\Rightarrow\quad "
        column = self.column(items, side)
        for i, item in enumerate(items):
            text, *more = self.row_lines(item, side, approx, estimate(arrow) if chain else 0.0,
                                         column)
            lhs = getattr(item, "lhs", None)
            if isinstance(lhs, AppliedUndef) and lhs == previous and not chain:   # L = .. = ..
                text = text[_alignment(text):]
            previous = lhs
            if chain:
                text = (arrow + "&& " if i else "&& ") + text
                more = ["&& " + line for line in more]
            out += [text, *more]
        return out

    def _packed(self, items, approx) -> list[str]:
        """Assignments side by side (``x = 3/2, y = 3/2, lambda = 1``), a few per line."""
        out, line, width = [], [], 0
        for item in items:
            if isinstance(item, Fold):
                if line:
                    out.append(r", \quad ".join(line))
                    line, width = [], 0
                out.append(self.row(item, approx=approx))
                continue
            text = self.row(item, approx=approx)
            w = _visible_width(text) + 4          # with the separating comma and space
            if line and width + w > self.pack_width:
                out.append(r", \quad ".join(line))
                line, width = [], 0
            at = _alignment(text)
            line.append(text if not line else text[:at] + text[at + 1:])
            width += w
        if line:
            out.append(r", \quad ".join(line))
        return out

    # -- steps ----------------------------------------------------------------------------
    def block(self, step: Step) -> Block:
        self._learn_names(step)
        roots = self._new_roots(step)
        kind_block = getattr(self, f"_kind_{step.kind}", None)
        block = kind_block(step) if kind_block else self._generic(step)
        if roots:
            block.after = (block.after + "\n" if block.after else "") + self._where(roots)
        self._learn_definitions(step)
        return block

    def _learn_definitions(self, step: Step) -> None:
        """A step that names a sum (Z = sum_i e^{-beta eps_i}) abbreviates it from then on."""
        if step.kind != "partition_function":
            return
        for e in step.equations:
            if isinstance(e, sp.Equality) and e.lhs.is_Symbol and isinstance(e.rhs, sp.Sum):
                self.abbreviations.setdefault(e.rhs, e.lhs)

    def _generic(self, step: Step, **options) -> Block:
        chain = step.chain and len(step.equations) > 1
        return Block(self.words(step.text), self.rows(step.equations, chain=chain, **options),
                     chain=chain)

    def _kind_problem(self, step: Step) -> Block:
        f, *constraints = [e for e in step.equations if isinstance(e, sp.Equality)]
        relation = {}
        for c in step.data.get("constraints", ()):
            if isinstance(c, Relational):
                relation[c.lhs] = _RELATION_TEX[c.rel_op]
        verb = Sense(step.data.get("sense", "min")).verb.capitalize()
        text = f"{verb} {self.style.inline(self.tex(f.lhs))}"
        rows = [self.row(f)]
        conditions = []
        for c in constraints:
            op = relation.get(c.lhs, "=")
            conditions.append(self.style.inline(f"{self.tex(c.lhs)} {op} 0"))
            rows.append(self.row(c) + f" {op} 0")
        if conditions:
            text += " subject to " + ", ".join(conditions)
        return Block(text + ":", rows)

    def _kind_stationarity(self, step: Step) -> Block:
        first = step.equations[0] if step.equations else None
        terms = []
        if isinstance(first, sp.Equality) and first.rhs != 0:
            for term in self.printer.ordered_terms(first.rhs) if first.rhs.is_Add else [first.rhs]:
                coeff, derivative = term.as_independent(sp.Derivative)
                if isinstance(derivative, sp.Derivative) and isinstance(derivative.expr, AppliedUndef):
                    terms.append((coeff, derivative.expr.func.__name__))
        if not terms:
            text = ("An extremum needs a vanishing gradient, "
                    + self.style.inline(r"\operatorname{grad} f = 0") + ":")
            return Block(text, self.rows(step.equations))
        grad = " + ".join(f"{self.tex(c)} \\operatorname{{grad}} {self.tex(sp.Symbol(g))}"
                          for c, g in terms)
        n = len(step.equations)
        k = sum(1 for _, g in terms if g.startswith("g"))
        inline = self.style.inline
        count = (f"with the constraint{'s' if k > 1 else ''}, the {inline(f'N + K = {n} + {k}')} "
                 "equations" if k else f"the {inline(f'N = {n}')} equations, with the KKT "
                 "conditions below")
        gradient = inline(r"\operatorname{grad} f = " + grad)
        text = f"Stationarity, {gradient} ({count}):"
        return Block(text, self.rows(step.equations))

    def _kind_equations(self, step: Step) -> Block:
        return self._generic(step, side=self.factored)

    def _kind_solution(self, step: Step) -> Block:
        definition = self._partition_function(step)
        block = self._generic(step, approx=True, pack=True)
        if definition:
            block.rows.append(definition)
        return block

    def _kind_value(self, step: Step) -> Block:
        return self._generic(step, approx=True)

    def _kind_case(self, step: Step) -> Block:
        return self._generic(step, pack=True)

    def _kind_family(self, step: Step) -> Block:
        return self._generic(step, pack=True)

    # -- lecture forms --------------------------------------------------------------------
    def factored(self, expr) -> str:
        """A sum with a common numeric factor written as the lecture does: -2 (x - 2)."""
        expr = self.shorten(expr)
        if isinstance(expr, sp.Add):
            content, primitive = expr.primitive()
            if content != 1 and primitive.is_Add:
                lead = self.printer.ordered_terms(primitive)[0]
                if lead.could_extract_minus_sign():
                    content, primitive = -content, -primitive
                head = "-" if content == -1 else self.tex(content) + " "
                return head + r"\left(%s\right)" % self.tex(primitive)
        return self.tex(expr)

    def _partition_function(self, step: Step) -> str:
        """Z for a common denominator that is a sum of exponentials (the normalisation)."""
        values = [e.rhs for e in step.equations if isinstance(e, sp.Equality)
                  and (e.lhs in self.ctx.variables or isinstance(e.lhs, sp.Indexed))]
        denominators = {sp.fraction(v, exact=True)[1] for v in values}
        if len(denominators) != 1:
            return ""
        (denominator,) = denominators
        if len(values) < 2 and not isinstance(denominator, sp.Sum):     # p_i = e^{..}/sum_i
            return ""
        is_sum = isinstance(denominator, sp.Sum) or (
            denominator.is_Add and len(denominator.args) >= 2)
        name = self.ctx.free_name("Z")
        if not is_sum or not denominator.has(sp.exp) or name is None or denominator in self.abbreviations:
            return ""
        definition = self.row(sp.Eq(sp.Symbol(name), denominator, evaluate=False))
        self.abbreviations[denominator] = sp.Symbol(name)
        return definition + r" \quad \text{(the partition function)}"

    def _new_roots(self, step: Step) -> list:
        """Algebraic numbers (CRootOf) first met in this step, named rho_1, rho_2, ..."""
        roots = []
        for e in step.equations:
            if isinstance(e, sp.Basic):
                for r in sorted(e.atoms(sp.CRootOf), key=sp.default_sort_key):
                    if r not in self.abbreviations and r not in roots:
                        roots.append(r)
        base = next((b for b in ("rho", "varrho", "r") if not any(
            s.name.startswith(b + "_") for s in self.ctx.symbols)), "rho")
        for r in roots:
            count = sum(1 for k in self.abbreviations if isinstance(k, sp.CRootOf))
            self.abbreviations[r] = sp.Symbol(f"{base}_{count + 1}")
        return roots

    def _where(self, roots) -> str:
        parts = []
        for r in roots:
            t = sp.Symbol("t")
            poly = r.expr.xreplace({r.poly.gen: t})
            inline = self.style.inline
            parts.append(inline(f"{self.tex(self.abbreviations[r])} \\approx "
                                f"{self.printer.doprint(sp.N(r, APPROX_DIGITS))}")
                         + " is a root of " + inline(f"{self.printer.doprint(poly)} = 0"))
        return "where " + "; ".join(parts) + "."


def _relation(item) -> str:
    """The relation of a row as LaTeX (``\\approx`` for a floating-point right side)."""
    op = _RELATION_TEX.get(item.rel_op, item.rel_op)
    return r"\approx" if op == "=" and isinstance(item.rhs, sp.Float) else op


def _filled(pieces, width: float, indent: float) -> list[str]:
    """Terms joined into lines no wider than ``width`` (further lines start ``indent`` in;
    a term wider than a line stands alone)."""
    lines, line = [], []
    for piece in pieces:
        if line and estimate(" ".join(line + [piece])) + (indent if lines else 0.0) > width:
            lines.append(" ".join(line))
            line = []
        line.append(piece)
    lines.append(" ".join(line))
    return lines


def _index_range(renderer, fold: Fold) -> str:
    i = renderer.printer.doprint(fold.index)
    numbers = list(fold.numbers)
    if fold.contiguous and sorted(numbers) == numbers:
        if len(numbers) <= 3:
            return f"{i} = " + ", ".join(map(str, numbers))
        return f"{i} = {numbers[0]}, \\dots, {numbers[-1]}"
    return f"{i} \\in \\{{{', '.join(map(str, numbers))}\\}}"


def _alignment(text: str) -> int:
    """Where a row's alignment point ``&`` is: the first one not escaped (a name's ``\\&``)."""
    found = re.search(r"(?<!\\)&", text)
    return found.start() if found else len(text)


def _visible_width(text: str) -> int:
    """A rough count of the characters a row shows (a fraction as wide as its wider part,
    a command as one character)."""
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"\\sqrt\{([^{}]*)\}", r"v\1", text)
        text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}",
                      lambda m: max(m.group(1), m.group(2), key=len), text)
    text = re.sub(r"\\[A-Za-z]+", "x", text)
    return len(text.replace("{", "").replace("}", "").replace("&", "").replace(" ", ""))


# -- entry points ----------------------------------------------------------------------------

def render_derivation(derivation, style: Style, fold: bool = True, extra_steps=(),
                      linewidth=None) -> str:
    """The derivation in ``style``: one paragraph and display block per step.

    Parameters
    ----------
    derivation : Derivation
    style : Style
        :data:`LATEX`, or a Markdown style of :mod:`lagropt.latex.markdown`.
    fold : bool
        Write equations and sums over numbered symbols with an index (p_i, sum_i).
    extra_steps : sequence of Step
        Steps appended after the derivation's own (the numeric points of a solution).
    linewidth : float or "twocolumn", optional
        The line width in points that long rows are broken for (by an estimate of their
        printed width): ``"twocolumn"`` for a column of a 10pt two-column article (241pt);
        the default is the 11pt article's text width (360pt).
    """
    renderer = Renderer(context_of(derivation, fold), style, line_width(linewidth))
    blocks = [renderer.block(s).render(style) for s in list(derivation) + list(extra_steps)]
    return "\n\n".join(b for b in blocks if b) + "\n"


def derivation_latex(derivation, fold: bool = True, extra_steps=(), linewidth=None) -> str:
    """The derivation as a LaTeX fragment: one paragraph and ``align*`` block per step
    (:func:`render_derivation` in the :data:`LATEX` style).

    Returns
    -------
    str
        LaTeX that needs ``amsmath`` (``align*``, ``\\operatorname``).
    """
    return render_derivation(derivation, LATEX, fold, extra_steps, linewidth)


def _numeric_steps(solution) -> list[Step]:
    """Steps for the points a numeric fallback found (they are not in the derivation)."""
    steps = []
    f = None
    for s in solution.derivation.find("problem"):
        f = s.equations[0].lhs.func if s.equations else None
    for p in solution.points:
        if p.exact:
            continue
        tag = "optimum" if any(p is q for q in solution.optimum) else "candidate"
        eqs = [sp.Eq(v, x, evaluate=False) for v, x in p.x.items()]
        eqs += [sp.Eq(m, x, evaluate=False) for m, x in p.multipliers.items()]
        steps.append(Step("solution", f"Critical point found numerically ({tag}, not exact):",
                          tuple(eqs), data={"point": p.x}))
        if f is not None and p.value is not None:
            steps.append(Step("value", "The objective there:",
                              (sp.Eq(f(*p.x.values()), p.value, evaluate=False),)))
        steps.append(Step("classification", f"{p.kind.capitalize()}: {p.reason}."))
    return steps


def render_solution(solution, style: Style, fold: bool = True, linewidth=None) -> str:
    """The derivation of a solution in ``style``, with the numerically found points appended."""
    return render_derivation(solution.derivation, style, fold, _numeric_steps(solution),
                             linewidth)


def solution_latex(solution, fold: bool = True, linewidth=None) -> str:
    """The derivation of a solution, with the numerically found points appended (``linewidth``
    as in :func:`render_derivation`)."""
    return render_solution(solution, LATEX, fold, linewidth)


def solution_summary_latex(solution) -> str:
    """A short view of a solution (for Jupyter): status, the optimum and its value."""
    return render_summary(solution, LATEX)


def render_summary(solution, style: Style) -> str:
    """A short view of a solution in ``style``: status, the optimum and its value."""
    renderer = Renderer(context_of(solution.derivation), style)
    words = {"optimal": "Optimal", "parametric": "Optimal in closed form",
             "numeric": "Found numerically (not exact)",
             "piecewise": "Optimal, by region of the parameters"}
    head = words.get(solution.status, solution.status.replace("_", " ").capitalize())
    text = head + (": " + renderer.words(solution.message) if solution.message else "") + "."
    rows = []
    for p in solution.optimum:
        eqs = [sp.Eq(v, x, evaluate=False) for v, x in {**p.x, **p.multipliers}.items()]
        rows += renderer.rows(eqs, pack=True, approx=True)
        if p.value is not None:
            rows.append(renderer.row(sp.Eq(sp.Symbol("f"), p.value, evaluate=False), approx=True)
                        + r" \quad " + style.math_text(f"({p.kind})"))
    if solution.cases:              # piecewise: each coordinate and f as cases
        eqs = [sp.Eq(v, e, evaluate=False) for v, e in {**solution.x, **solution.multipliers}.items()]
        eqs.append(sp.Eq(sp.Symbol("f"), solution.value, evaluate=False))
        rows += renderer.rows(eqs)
    rows += renderer.rows(solution.remaining)
    return Block(text, rows).render(style) + "\n"


def problem_latex(problem, linewidth=None) -> str:
    """The problem as the lecture states it: argmax/argmin of f subject to the constraints
    (``linewidth`` as in :func:`render_derivation`)."""
    return render_problem(problem, LATEX, linewidth)


def render_problem(problem, style: Style, linewidth=None) -> str:
    """The problem in ``style``: argmax/argmin of f subject to the constraints."""
    variables = tuple(problem.variables)
    symbols = set(variables) | set(problem.params) | set(problem.multipliers)
    renderer = Renderer(Context(variables, tuple(problem.multipliers), symbols), style,
                        line_width(linewidth))
    op = f"arg{Sense(problem.sense)}"
    under = r",\, ".join(renderer.tex(v) for v in variables)
    if len(variables) > 4:
        under = renderer.printer._arguments(variables).replace(", ", r",\, ")
    head = r"\hat{%s} = " % renderer.tex(variables[0]) if len(variables) == 1 else ""
    rows = [r"&%s\operatorname*{%s}_{%s} \left\{ %s \right\}" % (
        head, op, under, renderer.tex(problem.objective))]
    if problem.constraints:
        rows += _wrapped(renderer, r"&\text{subject to } ",
                         [_constraint_tex(renderer, c) for c in problem.constraints])
    if problem.params:
        rows.append(r"&\text{with parameters } " + ", ".join(renderer.tex(s) for s in problem.params))
    if problem.assumptions:
        rows.append(r"&\text{assuming } " + r", \quad ".join(
            renderer.tex(r) for r in problem.assumptions.relations))
    return Block("", rows).render(style) + "\n"


def _wrapped(renderer, head: str, items: list[str]) -> list[str]:
    """``head`` and the items joined by commas, on as many rows as the line width needs
    (further rows indented under the first item)."""
    indent = r"&\phantom{%s}" % head.lstrip("&")
    rows, line = [], []
    for item in items:
        joined = (head if not rows else indent) + r", \quad ".join(line + [item])
        if line and estimate(joined) > renderer.row_width:
            rows.append((head if not rows else indent) + r", \quad ".join(line) + ",")
            line = []
        line.append(item)
    rows.append((head if not rows else indent) + r", \quad ".join(line))
    return rows


def _constraint_tex(renderer, constraint) -> str:
    if constraint.decided is not None:
        return r"\text{%s (decided by SymPy)}" % ("true" if constraint.decided else "false")
    original = constraint.original
    if isinstance(original, Relational):
        op = _RELATION_TEX.get(original.rel_op, original.rel_op)
        return f"{renderer.tex(original.lhs)} {op} {renderer.tex(original.rhs)}"
    return f"{renderer.tex(sp.sympify(original))} = 0"
