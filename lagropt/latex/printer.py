"""SymPy expressions in the lecture's notation.

SymPy's LaTeX printer, adjusted where the lecture writes things differently:

* symbolic functions as ``f(x, y)`` and ``L(x, y, \\lambda)`` (long argument runs as
  ``p_1, p_2, \\dots, p_{10}``);
* ``\\frac{\\partial f(x, y)}{\\partial x}`` for derivatives of symbolic functions;
* ``\\ln p_1`` for the natural logarithm;
* exponentials split by multiplier, ``e^{-(1 + \\lambda_1)} e^{-\\lambda_2 \\varepsilon_i}``;
* sums ordered as written on the blackboard: the objective first, then one term per multiplier
  in order (``f - \\lambda_1 g_1 - \\lambda_2 g_2``), numbers last, ``p_1`` before ``p_{10}``;
* three or more terms that differ only by an index as ``\\sum_{i=1}^{I}`` (see
  :mod:`lagropt.latex.index`).

Symbols print as the user named them (SymPy's own rules: ``lambda_2`` -> ``\\lambda_{2}``,
``varepsilon1`` -> ``\\varepsilon_{1}``, ``p_i`` -> ``p_{i}``, ``beta`` -> ``\\beta``), through
the whitelist of :mod:`lagropt.latex.names`: no name reaches LaTeX as commands of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef
from mpmath.libmp import prec_to_dps
from sympy.printing.latex import LatexPrinter

from .index import Fold, Indexer, natural_key, numbered
from .names import symbol_tex

__all__ = ["Context", "LecturePrinter", "tex"]

_NAME_DIGITS = re.compile(r"(?<=[A-Za-z_])\d+")
LONG_ARGUMENTS = 4          # more arguments than this are abbreviated with \dots
FLOAT_DIGITS = 6            # significant digits shown of a floating-point number


@dataclass
class Context:
    """What the printer needs to know about the problem behind the expressions.

    Attributes
    ----------
    variables : tuple of Symbol
        The problem's unknowns.
    multipliers : tuple of Symbol
        lambda_k and mu_j, in the Lagrangian's order.
    symbols : set of Symbol
        Every symbol in sight (to choose index and abbreviation names that do not clash).
    fold : bool
        Write patterned terms and lines with an index (p_i, sum over i).
    """

    variables: tuple = ()
    multipliers: tuple = ()
    symbols: set = field(default_factory=set)
    fold: bool = True

    def __post_init__(self):
        indexable = [s for s in self.symbols if s not in set(self.multipliers)]
        self.indexer = Indexer(indexable, {s.name for s in self.symbols}) if self.fold else None
        # what makes a term a variable term: p for an IndexedBase p[i]; for a function p(x),
        # p(x) itself (inside integrals too) and its argument x
        self.variable_symbols, self.variable_functions = set(), ()
        for v in self.variables:
            if isinstance(v, sp.IndexedBase):
                self.variable_symbols.add(v.label)
            elif isinstance(v, AppliedUndef):
                self.variable_functions += (v,)
                self.variable_symbols |= v.free_symbols
            else:
                self.variable_symbols.add(v)

    def has_variable(self, term) -> bool:
        """Whether a term holds one of the variables (or there are none to tell)."""
        return (not self.variables or bool(term.free_symbols & self.variable_symbols)
                or any(term.has(f) for f in self.variable_functions))

    def free_name(self, *candidates: str) -> str | None:
        """The first candidate name not used by any symbol."""
        taken = {s.name for s in self.symbols}
        return next((c for c in candidates if c not in taken), None)


class LecturePrinter(LatexPrinter):
    """SymPy's LaTeX printer with the lecture's conventions (see the module docstring)."""

    def __init__(self, context: Context | None = None, **settings):
        settings.setdefault("ln_notation", True)
        super().__init__(settings)
        self.ctx = context or Context()

    # -- names: symbols, functions (SymPy's _hprint_Function calls this) and strings -------
    def _deal_with_super_sub(self, string: str, style="plain") -> str:
        name = symbol_tex(string)
        return r"\boldsymbol{%s}" % name if style == "bold" else name

    def _print_Str(self, s):
        return symbol_tex(s.name)

    # -- sums -----------------------------------------------------------------------------
    def _rank(self, term, numbers_last: bool) -> tuple:
        """Objective terms first (their constant with them), then one group per multiplier;
        parameters after variables; a lone number last."""
        free = term.free_symbols
        mult = next((k + 1 for k, m in enumerate(self.ctx.multipliers) if m in free), 0)
        if term.is_Number and numbers_last:
            mult = len(self.ctx.multipliers) + 1
        return (mult, term.is_Number, not self.ctx.has_variable(term) and mult == 0)

    def ordered_terms(self, expr) -> list:
        """The terms of a sum in the order they are printed (before index folding)."""
        terms = expr.as_ordered_terms()
        shapes: dict = {}
        for pos, t in enumerate(terms):
            shapes.setdefault(_NAME_DIGITS.sub("#", sp.sstr(t)), []).append(pos)
        for positions in shapes.values():
            if len(positions) > 1:
                members = sorted((terms[p] for p in positions), key=lambda t: natural_key(sp.sstr(t)))
                for p, t in zip(positions, members):
                    terms[p] = t
        multipliers = set(self.ctx.multipliers)
        objective = any(not t.is_Number and not (t.free_symbols & multipliers) for t in terms)
        return sorted(terms, key=lambda t: self._rank(t, numbers_last=not objective))

    def printed_terms(self, expr) -> list:
        """Ordered terms, with index-patterned runs replaced by sums."""
        terms = self.ordered_terms(expr)
        if self.ctx.indexer is None:
            return terms
        return [_as_sum(t) if isinstance(t, Fold) else t
                for t in self.ctx.indexer.fold_terms(terms)]

    def add_pieces(self, expr) -> list[str]:
        """The printed terms of a sum, each after the first with its sign (``- \\lambda g``):
        joined by spaces they are the sum; a long sum breaks between them."""
        pieces = []
        for i, term in enumerate(self.printed_terms(expr)):
            sign = ""
            if i and term.could_extract_minus_sign():
                sign, term = "- ", -term
            elif i:
                sign = "+ "
            body = self._print(term)
            if self._needs_add_brackets(term):
                body = r"\left(%s\right)" % body
            pieces.append(sign + body)
        return pieces

    def _print_Add(self, expr, order=None):
        return " ".join(self.add_pieces(expr))

    def folds_to_one_sum(self, expr) -> bool:
        """Whether a sum prints as a single \\sum (so that it needs no brackets in a product)."""
        if not expr.is_Add:
            return False
        terms = self.printed_terms(expr)
        return len(terms) == 1 and isinstance(terms[0], sp.Sum)

    # -- products -------------------------------------------------------------------------
    def _print_Mul(self, expr):
        if expr.could_extract_minus_sign():
            return "- " + self._print(-expr) if not (-expr).is_Add else super()._print_Mul(expr)
        roots = self._joined_roots(expr)
        if roots is not None:
            return roots
        numer, denom = sp.fraction(expr, exact=True)
        if denom != 1 and (isinstance(numer, (sp.Sum, sp.Integral))
                           or self.folds_to_one_sum(numer)):
            return r"\frac{1}{%s} %s" % (self._print(denom), self._print(numer))   # 1/Z sum_i
        if denom != 1 and _symbol_product(denom) and (numer == 1 or _symbol_product(numer)):
            return r"\frac{%s}{%s}" % (self._print(numer), self._print(denom))   # 1/(k T)
        coeff, rest = expr.as_coeff_Mul()
        factors = list(sp.Mul.make_args(rest))
        exps = [f for f in factors if _is_exp(f)]
        logs = [f for f in factors if isinstance(f, sp.log)]
        if len(exps) >= 2 and any(e.has(*self.ctx.multipliers) for e in exps):
            # e^{-1} e^{-lambda_1} is one exponential, e^{-(1 + lambda_1)}, written in front
            merged = sp.exp(sp.Add(*[e.args[0] if isinstance(e, sp.exp) else e.args[1] for e in exps]))
            others = sp.Mul(*[f for f in factors if f not in exps])
            if sp.fraction(others, exact=True)[1] != 1:
                return self._print(coeff * merged) + " " + self._print(others)
            factors = [merged] + [f for f in sp.Mul.make_args(others) if f != 1]
        elif (logs or exps) and sp.fraction(rest, exact=True)[1] == 1:
            factors = sorted(factors, key=_factor_rank)          # p_i ln p_i, eps_i e^{-eps_i}
        elif len(factors) > 1 and _symbol_product(rest):
            factors = sorted(factors, key=lambda f: (f.name.casefold(), f.name))   # k T, not T k
        else:
            return super()._print_Mul(expr)
        if coeff == -1:
            head = "- "
        elif coeff == 1:
            head = ""
        else:
            head = self._print(coeff) + " "
        parts = []
        for i, f in enumerate(factors):
            body = self._print(f)
            if self._needs_mul_brackets(f, first=(i == 0 and coeff == 1),
                                        last=(i == len(factors) - 1)) \
                    and not self.folds_to_one_sum(f):
                body = r"\left(%s\right)" % body
            parts.append(body)
        return head + " ".join(parts)

    def _joined_roots(self, expr) -> str | None:
        """Square roots multiplied together as one root, the rational factor taken in:
        ``\\sqrt{2 \\pi V}``, ``\\frac{1}{\\sqrt{2 \\pi V}} e^{..}``,
        ``\\sqrt{\\frac{\\pi}{\\gamma}}``."""
        coeff, rest = expr.as_coeff_Mul()
        factors = sp.Mul.make_args(rest)
        roots = [f for f in factors if f.is_Pow and f.exp in (sp.S.Half, -sp.S.Half)]
        others = sp.Mul(*[f for f in factors if f not in roots])
        if len(roots) < 2 or not (coeff.is_Rational and coeff > 0) \
                or sp.fraction(others, exact=True)[1] != 1:
            return None
        inside = coeff ** 2 * sp.Mul(*[f.base ** (2 * f.exp) for f in roots])
        numer, denom = sp.fraction(inside, exact=True)
        if denom == 1:
            root = r"\sqrt{%s}" % self._print(numer)
        elif numer == 1:
            root = r"\frac{1}{\sqrt{%s}}" % self._print(denom)
        else:
            root = r"\sqrt{\frac{%s}{%s}}" % (self._print(numer), self._print(denom))
        if others == 1:
            return root
        body = self._print(others)
        return root + " " + (r"\left(%s\right)" % body if others.is_Add else body)

    def _print_Pow(self, expr):
        """An even power of a difference with its terms in the written order: (x - mu)^2
        rather than (-x + mu)^2."""
        base, power = expr.as_base_exp()
        if base.is_Add and power.is_Integer and power.is_even \
                and self.ordered_terms(base)[0].could_extract_minus_sign():
            return self._print(sp.Pow(-base, power, evaluate=False))
        return super()._print_Pow(expr)

    # -- functions ------------------------------------------------------------------------
    def _arguments(self, args) -> str:
        """Arguments, with runs of four or more (p_1 .. p_10, or equal values) shortened."""
        printed = [self._print(a) for a in args]
        out, i = [], 0
        while i < len(args):
            j = i
            while j + 1 < len(args) and _continues(args[j], args[j + 1]):
                j += 1
            if j - i + 1 > LONG_ARGUMENTS:
                out += [printed[i], printed[i + 1], r"\dots", printed[j]]
            else:
                out += printed[i:j + 1]
            i = j + 1
        return ", ".join(out)

    def _print_Function(self, expr, exp=None):
        if not isinstance(expr, AppliedUndef):
            return super()._print_Function(expr, exp)
        name = self._print(sp.Symbol(expr.func.__name__))
        if any(isinstance(a, AppliedUndef) for a in expr.args):
            return self._functional(name, expr.args, exp)
        args = self._arguments(expr.args)
        body = r"%s\left(%s\right)" % (name, args) if r"\frac" in args else f"{name}({args})"
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)

    def _functional(self, name: str, args, exp=None) -> str:
        """A function of a function is a functional: ``h[p]``, ``L[p, \\lambda_1]``."""
        printed = [self._print(sp.Symbol(a.func.__name__)) if isinstance(a, AppliedUndef)
                   else self._print(a) for a in args]
        body = "%s[%s]" % (name, ", ".join(printed))
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)

    def _print_Derivative(self, expr):
        inner = expr.expr
        if not isinstance(inner, (AppliedUndef, sp.Sum, sp.Symbol, sp.Indexed)):
            return super()._print_Derivative(expr)
        order = sum(n for _, n in expr.variable_count)
        # by a function p(x), the functional derivative: delta h / delta p(x)
        d = r"\delta" if any(isinstance(v, AppliedUndef) for v in expr.variables) else r"\partial"
        wrt = " ".join(r"%s %s" % (d, self._print(v)) if n == 1 else
                       r"%s %s^{%s}" % (d, self._print(v), n) for v, n in expr.variable_count)
        top = d if order == 1 else r"%s^{%s}" % (d, order)
        return r"\frac{%s %s}{%s}" % (top, self._print(inner), wrt)

    def _print_Integral(self, expr):
        """Limits beside the sign, as written by hand: ``\\int_{0}^{\\infty} p(x)\\, dx``."""
        return super()._print_Integral(expr).replace(r"\int\limits", r"\int")

    def _print_log(self, expr, exp=None):
        arg = expr.args[0]
        body = self._print(arg)
        name = r"\ln" if exp is None else r"\ln^{%s}" % exp
        if arg.is_Atom or isinstance(arg, (sp.Indexed, AppliedUndef)):
            return f"{name} {body}"
        return r"%s\left(%s\right)" % (name, body)

    def _print_ExpBase(self, expr, exp=None):
        groups = _exponent_groups(expr.args[0], self.ctx.multipliers)
        body = " ".join("e^{%s}" % _group_tex(self, sp.Add(*g)) for g in groups)
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)

    def _print_ComplexRootOf(self, root):
        poly = root.expr.xreplace({root.poly.gen: sp.Symbol("t")})
        return r"\operatorname{CRootOf}\left(%s, %d\right)" % (self._print(poly), root.index)

    def _print_Float(self, expr):
        digits = min(FLOAT_DIGITS, prec_to_dps(expr._prec))
        return super()._print_Float(sp.Float(expr, digits))

    # -- matrices (the regression derivations) ---------------------------------------------
    def _print_MatAdd(self, expr):
        """``y - X w`` and ``X^T X + lambda I`` as written: positive terms first, the identity
        last; a sum of transposes as ``(y - X w)^T``."""
        if _is_transposed_sum(expr):
            return r"\left(%s\right)^{T}" % self._print(expr.T)
        terms = sorted(expr.args, key=lambda t: (t.could_extract_minus_sign(), t.has(sp.Identity)))
        out = ""
        for i, term in enumerate(terms):
            if i and term.could_extract_minus_sign():
                out, term = out + " - ", -term
            elif i:
                out += " + "
            out += self._print(term)
        return out

    def _print_MatMul(self, expr):
        args = list(expr.args)
        sign = ""
        if expr.could_extract_minus_sign():
            sign, args = "- ", (args[1:] if args[0] == -1 else [-args[0]] + args[1:])
        parts = []
        for arg in args:
            body = self._print(arg)
            if arg.is_Add and not _is_transposed_sum(arg):
                body = r"\left(%s\right)" % body
            parts.append(body)
        return sign + " ".join(parts)

    def _print_Identity(self, expr):
        return "I"

    def _print_BooleanTrue(self, expr):
        return r"\text{true}"

    def _print_BooleanFalse(self, expr):
        return r"\text{false}"


def _count_transposes(expr) -> int:
    return sum(1 for node in sp.preorder_traversal(expr) if isinstance(node, sp.Transpose))


def _is_transposed_sum(expr) -> bool:
    """A matrix sum that reads better as the transpose of another: -w^T X^T + y^T."""
    return isinstance(expr, sp.MatAdd) and _count_transposes(expr.T) < _count_transposes(expr)


def _continues(a, b) -> bool:
    """Whether b follows a in a run: equal values, or p_k then p_{k+1}."""
    if a == b and not isinstance(a, sp.Symbol):
        return True
    ka, kb = numbered(a), numbered(b)
    return bool(ka and kb and ka[0] == kb[0] and kb[1] == ka[1] + 1)


def _as_sum(fold: Fold):
    """A fold of terms as ``Sum`` (sign outside: -sum p_i ln p_i rather than sum -p_i ln p_i)."""
    lo, hi = min(fold.numbers), max(fold.numbers)
    if fold.pattern.could_extract_minus_sign():
        return -sp.Sum(-fold.pattern, (fold.index, lo, hi))
    return sp.Sum(fold.pattern, (fold.index, lo, hi))


def _factor_rank(f) -> int:
    """Symbols and their powers first, then other factors, exponentials, logarithms last."""
    base = f.args[0] if isinstance(f, sp.Pow) and not _is_exp(f) else f
    if isinstance(base, (sp.Symbol, sp.Indexed)):
        return 0
    return 2 if _is_exp(f) else 3 if isinstance(f, sp.log) else 1


def _is_exp(f) -> bool:
    return isinstance(f, sp.exp) or (isinstance(f, sp.Pow) and f.args[0] is sp.E)


def _exponent_groups(power, multipliers) -> list:
    """Terms of an exponent grouped by the multiplier they contain (numbers join the first)."""
    terms = list(sp.Add.make_args(power))
    if not any(t.has(*multipliers) for t in terms):
        return [terms]
    groups: dict = {}
    for t in terms:
        key = next((k for k, m in enumerate(multipliers) if t.has(m)), None)
        if key is None and not t.is_number:
            key = -1
        groups.setdefault(key, []).append(t)
    numbers = groups.pop(None, [])
    keys = sorted(groups)
    if not keys:
        return [numbers]
    groups[keys[0]] = numbers + groups[keys[0]]
    return [groups[k] for k in keys]


def _group_tex(printer, power) -> str:
    """An exponent as the lecture writes it: -(1 + lambda) when every term is negative."""
    terms = list(sp.Add.make_args(power))
    if len(terms) > 1 and all(t.could_extract_minus_sign() for t in terms):
        inner = sorted((-t for t in terms), key=lambda t: (not t.is_number,))
        return "-(%s)" % " + ".join(printer._print(t) for t in inner)
    return printer._print(power)


def tex(expr, context: Context | None = None) -> str:
    """``expr`` in the lecture's LaTeX notation (see :class:`LecturePrinter`)."""
    return LecturePrinter(context).doprint(expr)


def _symbol_product(expr) -> bool:
    """A product of two or more plain symbols (printed in alphabetical order, any case)."""
    return isinstance(expr, sp.Mul) and all(isinstance(f, sp.Symbol) for f in expr.args)
