"""Checks that keep an expression inside what lagropt can work on, shared by every way in
(the text parser, :class:`~lagropt.Problem`, the descent family).

* **Size.** A sum or product over a numeric range is written out term by term by the solver
  and by the compiler, so the number of terms is counted *before* anything expands them:
  ``sum(p[i]^2, i, 1, 10**7)`` has ten million, ``prod(2, i, 1, 10**10)`` ten billion; more
  than :data:`MAX_TERMS` is refused. So are expressions of more than :data:`MAX_NODES` nodes
  and powers of variables with an exponent beyond :data:`MAX_EXPONENT` (``x**(10**100)``: a
  polynomial of that degree cannot be differentiated, let alone solved).
* **Real values.** Optimization is over the reals: an objective or constraint with a constant
  part that is not a real number (``sqrt(-1)``, ``I``, ``log(-2)``, the principal value of
  ``(-8)**(1/3)``) is refused, naming the term, unless the imaginary parts cancel. Parts that
  depend on the variables (``log(x)``, ``sqrt(x)``, ``x**(1/3)``) are left alone: they are real
  where the variables allow.
* **Names.** A variable name may use ASCII letters, digits, ``_`` and the Greek letters that
  look like no Latin one: a Cyrillic ``у`` would print exactly like the Latin ``y`` and yet be
  a different variable.

The checks return the reason as text (None when all is well), or raise the caller's error
class with a one-line message, so that the parser reports a ParseError and a Problem a
ProblemError.
"""

from __future__ import annotations

import itertools
import unicodedata

import sympy as sp

from .errors import ProblemError

__all__ = ["MAX_TERMS", "MAX_NODES", "MAX_EXPONENT", "range_length", "expanded_terms",
           "size_problem", "check_size", "count_text", "non_real_part", "check_real",
           "identifier_problem"]

MAX_TERMS = 5000        # terms of all sums and products over numeric ranges, written out
MAX_NODES = 200_000     # nodes of an expression tree
MAX_EXPONENT = 1000     # |n| in x**n for a power of variables

# Greek capitals that are Latin capitals to the eye, and the omicron (o)
_GREEK_LOOKALIKES = set("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοϲϳ")


def range_length(lower, upper, bounds=None):
    """The number of terms of a sum from ``lower`` to ``upper``; None when the limits are
    symbolic or infinite (the sum stays a formula and is not written out). ``bounds`` maps the
    indices of enclosing sums to their (lower, upper) limits: a range that depends on them
    (``j`` from 1 to ``i``) counts at its longest, found at the corners of their ranges."""
    span = sp.sympify(upper) - sp.sympify(lower)
    outer = sorted(span.free_symbols & set(bounds or ()), key=str)
    if outer and span.free_symbols == set(outer) and len(outer) <= 4:
        corners = itertools.product(*(bounds[s] for s in outer))
        lengths = [range_length(0, span.xreplace(dict(zip(outer, c)))) for c in corners]
        return None if None in lengths else max(lengths)
    if not span.is_number or not span.is_finite or not span.is_extended_real:
        return None
    return max(int(sp.floor(span)) + 1, 0)


def expanded_terms(expr, bounds=None) -> int:
    """How many terms writing out every sum and product over a numeric range gives: a range
    of n terms counts n times its body's own sums, at least once; symbolic ranges count as
    their body. Nothing is expanded or evaluated."""
    if not isinstance(expr, sp.Basic) or not expr.args:
        return 0
    if isinstance(expr, (sp.Sum, sp.Product)):
        bounds = dict(bounds or {})
        factor = 1
        for index, lower, upper in reversed(expr.limits):     # outermost first
            n = range_length(lower, upper, bounds)
            factor *= n if n is not None else 1
            if n is not None:
                bounds[index] = (lower, upper)
        return factor * max(expanded_terms(expr.function, bounds), 1)
    return sum(expanded_terms(a, bounds) for a in expr.args)


def _too_many_nodes(expr) -> bool:
    for count, _ in enumerate(sp.preorder_traversal(expr), 1):
        if count > MAX_NODES:
            return True
    return False


def _large_exponent(expr):
    """The first power of variables in ``expr`` whose numeric exponent exceeds MAX_EXPONENT."""
    for power in expr.atoms(sp.Pow):
        base, exponent = power.as_base_exp()
        if not base.is_number and exponent.is_number and exponent.is_extended_real:
            if abs(exponent) > MAX_EXPONENT:
                return power
    return None


def count_text(value) -> str:
    """A possibly huge count, briefly: 10000000 or 1e+100."""
    value = int(value)
    return str(value) if abs(value) < 10 ** 9 else f"{float(value):.3g}"


def size_problem(expr):
    """Why ``expr`` is too large to work on (one line), or None."""
    terms = expanded_terms(expr)
    if terms > MAX_TERMS:
        return (f"its sums and products have {count_text(terms)} terms written out; the "
                f"limit is {MAX_TERMS}")
    if _too_many_nodes(expr):
        return f"it has more than {MAX_NODES} parts (nodes of its expression tree)"
    power = _large_exponent(expr)
    if power is not None:
        return (f"the power {_short(power)} has an exponent beyond {MAX_EXPONENT}; the limit "
                f"for powers of variables is {MAX_EXPONENT}")
    return None


def check_size(expr, what: str, error=ProblemError) -> None:
    """Raise ``error`` when :func:`size_problem` finds ``expr`` too large."""
    why = size_problem(expr)
    if why:
        raise error(f"{what} is too large: {why}")


# -- real values ------------------------------------------------------------------------------

def _short(expr, width=60) -> str:
    text = sp.sstr(expr) if isinstance(expr, sp.Basic) else str(expr)
    return text if len(text) <= width else text[:width - 3] + "..."


def _constant_not_real(const) -> bool:
    """Whether a constant (no free symbols) is provably not a real number: SymPy says so, or
    its value has an imaginary part that is not rounding."""
    if const in (sp.zoo, sp.nan):                   # undefined, not complex: others report it
        return False
    real = const.is_extended_real
    if real is not None:
        return not real
    try:
        re_part, im_part = (abs(float(v)) for v in const.evalf(30).as_real_imag())
    except (TypeError, ValueError, ArithmeticError):
        return False
    return im_part > 1e-20 * max(1.0, re_part)


def _non_real_constants(expr):
    """The largest constant parts of ``expr`` that are not real numbers (a sum's limits are
    not looked at)."""
    if isinstance(expr, sp.Expr) and expr.is_number:
        return [expr] if _constant_not_real(expr) else []
    if isinstance(expr, (sp.Sum, sp.Product)):
        return _non_real_constants(expr.function)
    if isinstance(expr, (sp.Symbol, sp.Indexed, sp.IndexedBase, sp.logic.boolalg.Boolean)):
        return []
    return [c for a in expr.args for c in _non_real_constants(a)]


def _imaginary_part_vanishes(terms) -> bool:
    """Whether the imaginary parts of these terms cancel (exp(I*x) + exp(-I*x) is real)."""
    total = sp.Add(*terms)
    if total.is_extended_real:
        return True
    try:
        imaginary = sp.im(sp.expand_complex(total))
        if imaginary != 0 and sp.count_ops(imaginary) < 200:
            imaginary = sp.simplify(imaginary)
    except Exception:  # noqa: BLE001 - SymPy may fail in many ways; then it is not proved
        return False
    return imaginary == 0


def non_real_part(expr):
    """``(term, part)``: a term of ``expr`` (one of the summands) that is not real-valued and
    the constant part of it that is not a real number; None when there is none."""
    if not isinstance(expr, sp.Expr):
        return None
    terms = sp.Add.make_args(expr)          # (SymPy's own is_real is slow on large sums)
    suspect = [(t, c) for t in terms for c in _non_real_constants(t)[:1]]
    if not suspect or _imaginary_part_vanishes([t for t, _ in suspect]):
        return None
    return suspect[0]


def check_real(expr, what: str, error=ProblemError) -> None:
    """Raise ``error`` when ``expr`` is not real-valued (see :func:`non_real_part`)."""
    found = non_real_part(expr)
    if found is None:
        return
    term, part = found
    where = "" if term == part else f" in the term {_short(term)}"
    raise error(f"{what} is not real-valued: {_short(part)}{where} is not a real number "
                "(lagropt optimizes over the reals)")


# -- names ----------------------------------------------------------------------------------

def _allowed_character(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch == "_"
    name = unicodedata.name(ch, "")
    return name.startswith("GREEK") and ch.isalpha() and ch not in _GREEK_LOOKALIKES


def identifier_problem(name: str):
    """Why ``name`` cannot name a variable (one line), or None: only ASCII letters, digits,
    ``_`` and Greek letters that do not look like Latin ones."""
    for ch in name:
        if not _allowed_character(ch):
            label = unicodedata.name(ch, "an unnamed character")
            looks = ", which looks like a Latin letter" if ch in _GREEK_LOOKALIKES else ""
            return f"identifier '{name}' contains U+{ord(ch):04X} {label}{looks}; use ASCII letters"
    return None
