"""A safe parser for expressions and constraints given as text (command line, files).

``sympify`` and ``parse_expr`` evaluate Python code: ``__import__('os').system(...)`` would run.
This parser reads the text with Python's ``ast`` module and walks a whitelist, building SymPy
objects directly. Allowed:

* numbers, names (they become real symbols), ``pi`` and ``E``;
* ``+ - * / **`` (``^`` is read as ``**``, the power), unary minus;
* calls of a fixed table of functions: exp, log/ln, sqrt, sin, cos, tan, asin, acos, atan,
  sinh, cosh, tanh, Abs/abs, Max/max, Min/min, sign, and ``sum``/``prod`` over a range,
  written ``sum(p[i]*log(p[i]), i, 1, N)`` or ``Sum(..., (i, 1, N))``;
* indexed symbols ``p[i]`` (families of variables) and nothing else in brackets;
* for constraints, one comparison: ``=``, ``==``, ``<=``, ``>=``, ``<``, ``>``.

Numbers must stay finite and of reasonable size: SymPy evaluates powers of numbers at once, so
``10^10^10`` (ten billion digits) or ``2**(2**40)`` would never return. A power of numbers whose
result would have more than :data:`MAX_DIGITS` digits (or a decimal exponent beyond that, for
floats), a fractional power of a number with more than :data:`MAX_ROOT_DIGITS` digits (SymPy
factors it), and anything infinite or undefined (``1e400``, ``x/0``, ``log(0)``, ``oo`` outside
the limits of a sum) are refused too. So are powers of variables with an exponent beyond
:data:`~lagropt.guards.MAX_EXPONENT` (``x**(10**100)``), sums and products with more than
:data:`~lagropt.guards.MAX_TERMS` terms written out (counted before anything expands them:
``prod(2, i, 1, 10**10)``), and products of numbers with more than MAX_DIGITS digits.

Names may use ASCII letters, digits and ``_`` and the Greek letters that look like no Latin
one: a Cyrillic ``у`` is refused, naming the character, as it would print like a Latin ``y``
and yet be another variable. Nesting is depth, not width: ``a + b + ...`` with hundreds of
terms is one flat sum.

Everything else (attribute access, dunder names, lambdas, comprehensions, strings, keywords,
calls of other functions, very long inputs, very deep nesting) is refused with a one-line
:class:`ParseError` that points at the offending part.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata

import sympy as sp

from .errors import LagroptError
from .guards import MAX_EXPONENT, MAX_TERMS, count_text, expanded_terms, identifier_problem, \
    range_length, size_problem

__all__ = ["ParseError", "parse_expr", "parse_constraint", "parse_relations", "parse_symbols",
           "FUNCTIONS"]

MAX_LENGTH = 2000
MAX_DEPTH = 60
MAX_DIGITS = 4000         # digits of a power of numbers (the decimal exponent, for floats)
MAX_ROOT_DIGITS = 300     # digits of a number raised to a fraction (SymPy factors it)


class ParseError(LagroptError, ValueError):
    """Text that is not an allowed expression or constraint."""


def _range_sum(kind):
    def build(body, *limits):
        if len(limits) == 1 and isinstance(limits[0], sp.Tuple):
            limits = tuple(limits[0])
        if (len(limits) != 3 or not isinstance(limits[0], sp.Symbol)
                or not all(isinstance(a, sp.Expr) for a in (body, *limits))):
            raise ParseError(f"{kind} needs an index and its range: {kind}(body, i, 1, N)")
        index = sp.Symbol(limits[0].name, integer=True)
        body = body.xreplace({limits[0]: index})
        cls = sp.Sum if kind == "sum" else sp.Product
        built = cls(body, (index, limits[1], limits[2]))
        _check_range(kind, built)
        return built
    return build


def _check_range(kind, built):
    """Refuse a sum or product that would be too long written out (counted, not expanded),
    whose terms would hold numbers too large to compute (``sum(2^(2^i), i, 1, 100)``: each
    term is built, checked as the parser checks powers, at up to SAMPLES points of the range),
    or a product of numbers with too many digits (estimated from its largest sampled factor)."""
    terms = expanded_terms(built)
    if terms > MAX_TERMS:
        raise ParseError(f"{kind}(...) has {count_text(terms)} terms written out; the limit is "
                         f"{MAX_TERMS}")
    (index, lower, upper), = built.limits
    n = range_length(lower, upper)
    if not n:
        return
    body = built.function
    samples = sorted({lower + (n - 1) * k // (SAMPLES - 1) for k in range(SAMPLES)})
    factors = [_term_at(kind, body, index, k) for k in samples]
    if kind != "prod":
        return
    degree = n * max(_degree(f) for f in factors)
    if degree > MAX_EXPONENT:
        raise ParseError(f"prod(...) is a power of variables of degree about {degree:.3g} (the "
                         f"limit for powers of variables is {MAX_EXPONENT})")
    if body.free_symbols - {index}:
        return
    size = max((s for s in map(_log10_abs, factors) if s is not None), default=None)
    if size is not None and size * n > MAX_DIGITS:
        raise ParseError(f"prod(...) is a number with about {size * n:.2g} digits (the limit "
                         f"is {MAX_DIGITS})")


SAMPLES = 64        # points of a range at which a sum's terms are built and checked


def _degree(expr):
    """The total degree of ``expr`` in its variables, roughly (a product adds the degrees of
    its factors, a power multiplies, any other function keeps its argument's)."""
    if expr.is_number:
        return 0
    if isinstance(expr, (sp.Symbol, sp.Indexed)):
        return 1
    if isinstance(expr, sp.Pow) and expr.exp.is_number and expr.exp.is_extended_real:
        return _degree(expr.base) * abs(float(expr.exp))
    if isinstance(expr, sp.Mul):
        return sum(_degree(a) for a in expr.args)
    return max((_degree(a) for a in expr.args), default=0)


def _term_at(kind, body, index, k):
    """``body`` with ``index`` = k, rebuilt from the leaves up with every power checked
    before SymPy computes it (xreplace would compute 2**(2**100) at once)."""
    if body == index:
        return k
    if not body.args or not body.has(index):
        return body
    args = [_term_at(kind, a, index, k) for a in body.args]
    power = _POWER_CLASSES.get(type(body))
    why = _power_problem(*power(args)) if power else None
    if why:
        raise ParseError(f"{kind}(...) at {index} = {k}: {why}")
    return body.func(*args)


FUNCTIONS = {
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt,
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "asin": sp.asin, "acos": sp.acos,
    "atan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
    "Abs": sp.Abs, "abs": sp.Abs, "Max": sp.Max, "max": sp.Max, "Min": sp.Min, "min": sp.Min,
    "sign": sp.sign, "sum": _range_sum("sum"), "Sum": _range_sum("sum"),
    "prod": _range_sum("prod"), "Product": _range_sum("prod"),
}
CONSTANTS = {"pi": sp.pi, "E": sp.E, "oo": sp.oo}
_RELATIONS = {ast.Eq: sp.Eq, ast.LtE: sp.Le, ast.GtE: sp.Ge, ast.Lt: sp.Lt, ast.Gt: sp.Gt}
_BINARY = {ast.Pow: lambda a, b: a ** b, ast.BitXor: lambda a, b: a ** b}
# operators read as one flat Add or Mul (see _Builder.chain)
_CHAINS = {ast.Add: "add", ast.Sub: "add", ast.Mult: "mul", ast.Div: "mul"}
_RANGES = {"sum", "Sum", "prod", "Product"}
# functions that are powers in disguise: name -> (base, exponent) of their one argument
_POWERS = {"exp": lambda a: (sp.E, a), "sinh": lambda a: (sp.E, a), "cosh": lambda a: (sp.E, a),
           "sqrt": lambda a: (a, sp.Rational(1, 2))}
# the same, by SymPy class: class -> (base, exponent) of its arguments
_POWER_CLASSES = {sp.Pow: lambda a: a, sp.exp: lambda a: (sp.E, a[0]),
                  sp.sinh: lambda a: (sp.E, a[0]), sp.cosh: lambda a: (sp.E, a[0])}
_WHAT = {ast.Attribute: "attribute access", ast.Lambda: "a lambda", ast.ListComp: "a comprehension",
         ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
         ast.GeneratorExp: "a comprehension", ast.IfExp: "an if-expression",
         ast.List: "a list", ast.Dict: "a dictionary", ast.Set: "a set", ast.Starred: "*-unpacking",
         ast.BoolOp: "and/or", ast.NamedExpr: "an assignment", ast.Await: "await",
         ast.JoinedStr: "an f-string", ast.Slice: "a slice"}


class _Builder:
    """Walks the AST of one expression, building SymPy objects; refuses all else."""

    def __init__(self, text, symbols):
        self.text = text
        self.symbols = dict(symbols or {})
        self.made = {}

    def fail(self, node, what):
        col = getattr(node, "col_offset", None)
        end = getattr(node, "end_col_offset", None)
        where = ""
        if col is not None:
            snippet = self.text[col:end] if end else self.text[col:col + 20]
            where = f" at column {col + 1}: '{_short(snippet)}'"
        raise ParseError(f"cannot use {what}{where}")

    def symbol(self, name, node):
        _check_name(name)
        if name.startswith("_"):
            self.fail(node, f"the name '{name}' (names may not start with an underscore)")
        if name in FUNCTIONS:
            self.fail(node, f"the function name '{name}' as a value (call it: {name}(...))")
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in self.symbols:
            return self.symbols[name]
        if name not in self.made:
            self.made[name] = sp.Symbol(name, real=True)
        return self.made[name]

    def build(self, node, depth=0):
        if depth > MAX_DEPTH:
            self.fail(node, f"nesting deeper than {MAX_DEPTH} levels")
        d = depth + 1
        if isinstance(node, ast.Expression):
            return self.build(node.body, d)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                self.fail(node, f"the constant {node.value!r} (only numbers are allowed)")
            if isinstance(node.value, float) and not math.isfinite(node.value):
                self.fail(node, "a number this large (it is infinite as a float)")
            return sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(node.value)
        if isinstance(node, ast.Name):
            return self.symbol(node.id, node)
        if isinstance(node, ast.BinOp):
            if type(node.op) in _CHAINS:
                return self.chain(node, d)
            op = _BINARY.get(type(node.op))
            if op is None:
                self.fail(node, f"the operator {type(node.op).__name__}")
            left, right = self.expr(node.left, d), self.expr(node.right, d)
            self.check_power(node, left, right)
            return op(left, right)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.expr(node.operand, d)
            if isinstance(node.op, ast.UAdd):
                return self.expr(node.operand, d)
            self.fail(node, f"the operator {type(node.op).__name__}")
        if isinstance(node, ast.Call):
            return self.call(node, d)
        if isinstance(node, ast.Subscript):
            return self.indexed(node, d)
        if isinstance(node, ast.Tuple):
            return sp.Tuple(*[self.build(e, d) for e in node.elts])
        if isinstance(node, ast.Compare):
            self.fail(node, "a comparison here (a constraint is one comparison: lhs <= rhs)")
        self.fail(node, _WHAT.get(type(node), type(node).__name__))

    def expr(self, node, depth):
        """``build``, refusing a tuple: tuples are only the limits of a sum, (i, 1, N)."""
        value = self.build(node, depth)
        if not isinstance(value, sp.Expr):
            self.fail(node, "a tuple here (only the limits of a sum or product are written "
                      "(i, 1, N))")
        return value

    def chain(self, node, d):
        """``a + b - c + ...`` or ``a * b / c * ...`` as one Add or Mul: a long flat sum is
        wide, not deep, so its terms are all read at the same depth (and without recursion)."""
        family = _CHAINS[type(node.op)]
        links = []
        while isinstance(node, ast.BinOp) and _CHAINS.get(type(node.op)) == family:
            links.append((node.op, node.right))
            node = node.left
        parts = [self.expr(node, d)]
        for op, right in reversed(links):
            value = self.expr(right, d)
            if isinstance(op, ast.Sub):
                value = -value
            elif isinstance(op, ast.Div):
                value = sp.Pow(value, -1)
            parts.append(value)
        return sp.Add(*parts) if family == "add" else sp.Mul(*parts)

    def call(self, node, d):
        if not isinstance(node.func, ast.Name):
            self.fail(node.func, "a call of anything but a named function")
        name = node.func.id
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            self.fail(node.func, f"the function '{name}' (allowed: {allowed})")
        if node.keywords:
            self.fail(node.keywords[0].value, "keyword arguments")
        build = self.build if name in _RANGES else self.expr
        args = [build(a, d) for a in node.args]
        if name in _POWERS and len(args) == 1:
            self.check_power(node, *_POWERS[name](args[0]))
        try:
            return FUNCTIONS[name](*args)
        except ParseError:
            raise
        except (TypeError, ValueError) as exc:
            raise ParseError(f"{name}(...) with {len(args)} argument(s): {exc}") from None

    def check_power(self, node, base, exponent):
        """Refuse ``base ** exponent`` when SymPy would compute a huge number (see the module
        docstring); symbolic powers such as ``x**1000`` or ``2**x`` are not evaluated."""
        why = _power_problem(base, exponent)
        if why:
            self.fail(node, why)

    def indexed(self, node, d):
        if not isinstance(node.value, ast.Name):
            self.fail(node, "brackets on anything but a name (indexed symbols look like p[i])")
        base_name = node.value.id
        _check_name(base_name)
        if base_name in FUNCTIONS or base_name in CONSTANTS or base_name.startswith("_"):
            self.fail(node.value, f"'{base_name}' as an indexed symbol")
        index_node = node.slice
        indices = index_node.elts if isinstance(index_node, ast.Tuple) else [index_node]
        idx = []
        for i in indices:
            value = self.expr(i, d)
            if isinstance(value, sp.Symbol):
                value = sp.Symbol(value.name, integer=True)
            if not (value.is_integer or isinstance(value, sp.Symbol) or value.is_Add):
                self.fail(i, "an index that is not an integer or an index symbol")
            idx.append(value)
        base = self.symbols.get(base_name)
        if not isinstance(base, sp.IndexedBase):
            base = self.made.get(base_name)
            if not isinstance(base, sp.IndexedBase):
                base = sp.IndexedBase(base_name, real=True)
                self.made[base_name] = base
        return base[tuple(idx)] if len(idx) > 1 else base[idx[0]]


def _check_name(name):
    """Refuse names with letters of scripts that look like Latin ones (see guards)."""
    why = identifier_problem(name)
    if why:
        raise ParseError(why)


def _log10_abs(number):
    """log10 |number| as a float (-inf for zero), or None when it has no such value."""
    if number.is_Rational:
        if number.p == 0:
            return -math.inf
        return math.log10(abs(number.p)) - math.log10(number.q)
    try:
        value = sp.Abs(number).evalf(15)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not value.is_Float:
        return None
    if value.is_zero:
        return -math.inf
    import mpmath

    return float(mpmath.log10(mpmath.mpf(value._mpf_)))


def _scale(base):
    """How many digits ``base ** t`` gains per unit of t (a Rational's numerator and
    denominator both grow), or None when the base has no magnitude to estimate."""
    if base.is_Rational:
        return sum(math.log10(abs(n)) for n in (base.p, base.q) if n)
    size = _log10_abs(base)
    return None if size is None else (0.0 if size == -math.inf else abs(size))


def _power_problem(base, exponent):
    """Why ``base ** exponent`` must not be built (None when it may be).

    Only powers of numbers are judged. The result has about |exponent| * digits(base) digits
    (for floats: that decimal exponent); more than MAX_DIGITS is refused. A fractional power of
    a Rational with more than MAX_ROOT_DIGITS digits is refused too: SymPy factors the base.
    """
    if not base.is_number and exponent.is_number and exponent.is_extended_real:
        if abs(exponent) > MAX_EXPONENT:
            size = _log10_abs(exponent)
            shown = str(exponent) if size is not None and size < 9 else f"10^{size:.0f}"
            return (f"a power with the exponent {shown} (the limit for powers of variables "
                    f"is {MAX_EXPONENT})")
        return None
    if not (base.is_number and exponent.is_number):
        return None
    scale, size = _scale(base), _log10_abs(exponent)
    if scale is None or size is None or scale == 0 or size == -math.inf:
        return None
    log_digits = size + math.log10(scale)
    if log_digits > math.log10(MAX_DIGITS):
        digits = f"{10 ** log_digits:.2g}" if log_digits < 15 else f"10^{log_digits:.0f}"
        return f"a number with about {digits} digits (the limit is {MAX_DIGITS})"
    if (base.is_Rational and exponent.is_Rational and not exponent.is_integer
            and scale > MAX_ROOT_DIGITS):
        return (f"a fractional power of a number with {scale:.0f} digits (the limit is "
                f"{MAX_ROOT_DIGITS})")
    return None


def _not_finite(expr):
    """The first infinite or undefined part of ``expr`` (oo, -oo, zoo, nan, or a float beyond
    the range of floating point), ignoring the limits of sums and products; None if none."""
    if expr in (sp.oo, -sp.oo, sp.zoo, sp.nan):
        return expr
    if isinstance(expr, sp.Float) and not math.isfinite(float(expr)):
        return expr
    if isinstance(expr, (sp.Sum, sp.Product)):
        return _not_finite(expr.function)
    for arg in expr.args:
        found = _not_finite(arg)
        if found is not None:
            return found
    return None


def _float_text(number) -> str:
    import mpmath

    return mpmath.nstr(mpmath.mpf(number._mpf_), 3)


_NOT_FINITE = {sp.zoo: "infinite (a division by zero, or log(0)?)",
               sp.nan: "undefined (like 0/0 or oo - oo)", sp.oo: "infinite",
               -sp.oo: "infinite"}


def _prepare(text, what):
    if not isinstance(text, str):
        raise ParseError(f"{what} must be text, got {type(text).__name__}")
    text = text.strip()
    if not text:
        raise ParseError(f"{what} is empty")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"{what} is {len(text)} characters long; the limit is {MAX_LENGTH}")
    # '^' is the lecture's power; Python would read it as xor, with the lowest precedence
    return text.replace("^", "**")


def _short(text, width=40):
    """The text as it may appear in a one-line message: short, printable characters only."""
    text = "".join(c if c.isprintable() else " " for c in text)
    return text if len(text) <= width else text[:width - 3] + "..."


# a number written against a name or a bracket: 2y, 3x^2, 2(x + 1), 1.5e3z
_IMPLICIT = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)(?![eE][+-]?\d)[ \t]*"
                       r"([A-Za-z_]\w*|\()")


def _implicit_product(text):
    """A ParseError for implicit multiplication ("2y" -> "write 2*y"), or None."""
    match = _IMPLICIT.search(text)
    if match is None:
        return None
    number, after = match.groups()
    written = f"{number}*{after}" if after != "(" else f"{number}*("
    return ParseError(f"cannot read '{_short(text)}' at column {match.start() + 1}: "
                      f"'{_short(match.group(0), 40)}' multiplies without a '*': write {written}")


def _parse_ast(text):
    if "\x00" in text:                # Python 3.10's ast.parse raises ValueError on it
        raise ParseError(f"cannot read '{_short(text.replace(chr(0), '?'))}': it contains a "
                         "null character")
    implicit = _implicit_product(text)
    if implicit is not None:
        raise implicit
    try:
        return ast.parse(text, mode="eval")
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        raise ParseError(f"cannot read '{_short(text)}'{col}: {_short(exc.msg, 80)}") from None
    except (RecursionError, MemoryError):
        raise ParseError("the text is nested too deeply to read") from None


def parse_expr(text: str, symbols: dict | None = None):
    """A SymPy expression from text (see the module docstring for what is allowed).

    Parameters
    ----------
    text : str
    symbols : dict, optional
        Name -> Symbol/IndexedBase to use (for assumptions such as positive=True); other names
        become real symbols.
    """
    text = _prepare(text, "the expression")
    builder = _Builder(text, symbols)
    return _checked(builder.build(_parse_ast(text)), text)


def _checked(value, text):
    if isinstance(value, sp.Tuple):
        raise ParseError(f"'{_short(text)}' is a tuple, not an expression")
    if not isinstance(value, sp.Basic):
        raise ParseError(f"'{_short(text)}' is not an expression")
    bad = _not_finite(value)
    if bad is not None:
        why = _NOT_FINITE.get(bad) or f"beyond the range of floating point ({_float_text(bad)})"
        raise ParseError(f"'{_short(text)}' is {why}: give a finite expression")
    why = size_problem(value)
    if why:
        raise ParseError(f"'{_short(text)}' is too large: {why}")
    return value


def _split_equals(text) -> list:
    """Split at each single '=' outside brackets (not part of ==, <=, >=, !=)."""
    pieces, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth == 0:
            before = text[k - 1] if k else ""
            after = text[k + 1] if k + 1 < len(text) else ""
            if before not in "<>=!" and after != "=":
                pieces.append(text[start:k])
                start = k + 1
    return pieces + [text[start:]]


def parse_constraint(text: str, symbols: dict | None = None):
    """A constraint from text: ``lhs = rhs`` (or ``==``), ``<=``, ``>=``, ``<``, ``>``, or an
    expression meaning ``expr = 0``. Returns a SymPy relation (unevaluated) or an expression."""
    text = _prepare(text, "the constraint")
    pieces = _split_equals(text)
    if len(pieces) > 2:
        raise ParseError(f"'{_short(text)}' has more than one '='")
    if len(pieces) == 2:
        text = f"({pieces[0]}) == ({pieces[1]})"
    tree = _parse_ast(text)
    builder = _Builder(text, symbols)
    body = tree.body
    if isinstance(body, ast.Compare):
        if len(body.ops) != 1:
            builder.fail(body, "a chained comparison (write two constraints)")
        rel = _RELATIONS.get(type(body.ops[0]))
        if rel is None:
            builder.fail(body, f"the comparison {type(body.ops[0]).__name__}")
        lhs = _checked(builder.build(body.left), text)
        rhs = _checked(builder.build(body.comparators[0]), text)
        return rel(lhs, rhs, evaluate=False)
    return _checked(builder.build(body), text)


def parse_relations(text: str, symbols: dict | None = None) -> list:
    """Inequalities from text, separated by commas, chains allowed: ``"0 < a < 1, m > 0"`` ->
    ``[0 < a, a < 1, m > 0]`` (unevaluated SymPy relations), as ``assume=`` takes them."""
    text = _prepare(text, "the assumptions")
    tree = _parse_ast(text)
    builder = _Builder(text, symbols)
    items = tree.body.elts if isinstance(tree.body, ast.Tuple) else [tree.body]
    out = []
    for item in items:
        if not isinstance(item, ast.Compare):
            builder.fail(item, "a term that is not an inequality (an assumption reads like "
                         "0 < a < 1 or m > 0)")
        operands = [item.left, *item.comparators]
        for op, left, right in zip(item.ops, operands, operands[1:]):
            rel = _RELATIONS.get(type(op))
            if rel is None or rel is sp.Eq:
                builder.fail(item, "a comparison other than <, <=, >, >= in an assumption")
            out.append(rel(_checked(builder.build(left), text), _checked(builder.build(right), text),
                           evaluate=False))
    return out


def parse_symbols(text: str, **assumptions) -> list:
    """``"x, y, z"`` -> real symbols (with the given assumptions); names are checked."""
    names = [n.strip() for n in _prepare(text, "the list of names").split(",") if n.strip()]
    out = []
    for name in names:
        name = unicodedata.normalize("NFKC", name)      # as Python reads names in expressions
        _check_name(name)
        if not re.fullmatch(r"[^\W\d_]\w*", name):
            raise ParseError(f"'{_short(name)}' is not a valid name (letters, digits and _)")
        if name in FUNCTIONS or name in CONSTANTS:
            raise ParseError(f"'{name}' is reserved (a function or constant)")
        out.append(sp.Symbol(name, real=True, **assumptions))
    return out
