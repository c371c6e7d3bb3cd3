"""Exact values in their final, readable form, without paying for ``simplify`` on large ones."""

from __future__ import annotations

import random
import re
from functools import lru_cache

import sympy as sp

from .polynomial import rationalized, simplest_algebraic
from ..assumptions import active

__all__ = ["final_form", "final_forms_by_symmetry", "value_on_remaining", "collect_powers",
           "proven_equal"]

_SIMPLIFY_BELOW = 12   # count_ops under which a full simplify is affordable (it costs ~0.5 s on
                       # a 20-op sum of exponentials, 1000x the other rewrites)


def _cancel_bases(value):
    """Powers with their bases cancelled: (-1/(-a - b))**c -> (1/(a + b))**c."""
    return value.replace(lambda e: isinstance(e, sp.Pow) and not e.base.is_Atom
                         and not e.exp.is_Integer,
                         lambda e: sp.Pow(sp.cancel(e.base), e.exp))


def _rewrites(value):
    """Cheap exact rewritings of a symbolic value."""
    yield sp.powsimp(sp.expand_power_exp(value), combine="base")
    if not value.has(sp.log):
        yield sp.powsimp(_cancel_bases(value))
    yield sp.expand_log(value, force=False)
    yield sp.factor_terms(value)
    if not value.has(sp.exp, sp.log) and sp.count_ops(value) < 60:
        yield sp.factor(value)
    if sp.count_ops(value) < _SIMPLIFY_BELOW:
        yield sp.simplify(value)


def _has_power_of_product(value) -> bool:
    """Whether value is a product (or power) holding (b_1 b_2 ...)**e with a symbolic or
    fractional exponent e, or e**(c log b)."""
    return isinstance(value, (sp.Mul, sp.Pow)) and (
        any(not pw.exp.is_Integer and isinstance(pw.base, (sp.Mul, sp.Add))
            for pw in value.atoms(sp.Pow)) or any(_is_exp_log(e) for e in value.atoms(sp.exp)))


def _is_exp_log(e) -> bool:
    """e**(c log b), which is b**c by the definition of the (principal) power."""
    _, rest = e.args[0].as_coeff_mul()
    return any(isinstance(f, sp.log) for f in rest)


def _exp_log_as_power(value):
    """e**(c log b) -> b**c (SymPy's b**c is defined as exp(c log b): an identity)."""
    def rewrite(e):
        logs = [f for f in sp.Mul.make_args(e.args[0]) if isinstance(f, sp.log)]
        if len(logs) != 1:
            return e
        return sp.Pow(logs[0].args[0], e.args[0] / logs[0])
    return value.replace(lambda e: isinstance(e, sp.exp) and _is_exp_log(e), rewrite)


def collect_powers(value):
    """Powers of products written as a textbook prints them, under the symbols' assumptions:

        (a m/p)**a ((1 - a) m/q)**(1 - a) = m (a/p)**a ((1 - a)/q)**(1 - a)   (m, p, q > 0).

    The powers are split (:func:`_split_powers`), then the powers with the same exponent e
    (or -e) are grouped into one, (b/c)**e, when all of their bases but one are positive (so
    the grouping is exact)."""
    return _split_powers(value).replace(lambda e: isinstance(e, sp.Mul), _group_by_exponent)


def _split_powers(value):
    """e**(c log b) written b**c; each power's base with its common factors pulled out
    ((m - a m) = m (1 - a)); a sum among the factors over one denominator
    (1 + (1 - a)/a = 1/a); (b c)**e = b**e c**e for the factors known to be positive; the
    powers of one base merged (m**a m**(1 - a) = m, the exponents expanded): every step an
    identity under the assumptions."""
    pulled = _exp_log_as_power(value).replace(
        lambda e: isinstance(e, sp.Pow) and not e.exp.is_Integer
        and isinstance(e.base, (sp.Mul, sp.Add)),
        lambda e: sp.Pow(sp.factor_terms(sp.cancel(e.base)), e.exp))
    if isinstance(pulled, sp.Mul):        # a sum among the factors over one denominator
        pulled = sp.Mul(*[sp.factor_terms(sp.together(f)) if f.is_Add else f
                          for f in pulled.args])
    merged = sp.powsimp(sp.expand_power_base(pulled), combine="exp")
    return merged.replace(lambda e: isinstance(e, sp.Pow) and e.exp.is_Add,
                          lambda e: sp.Pow(e.base, sp.expand(e.exp)))


def _group_by_exponent(product):
    """b**e * c**(-e) * d -> (b/c)**e * d, for the powers whose exponent is not an integer
    (c**(-e) = (1/c)**e needs c > 0: other bases keep their own power)."""
    groups: dict = {}
    rest = []
    for factor in product.args:
        base, exp = factor.as_base_exp()
        if exp.is_Integer or exp.is_number and not exp.is_Rational:
            rest.append(factor)
            continue
        sign = -1 if _looks_negative(exp) else 1
        if sign == -1 and not base.is_positive:
            rest.append(factor)
            continue
        groups.setdefault(sign * exp, []).append(base ** sign)
    out = rest
    for exp, bases in groups.items():
        if len(bases) > 1 and sum(1 for b in bases if not b.is_positive) <= 1:
            out.append(sp.Pow(sp.Mul(*bases), exp))
        else:
            out.extend(sp.Pow(b, exp) for b in bases)
    return sp.Mul(*out)


def _looks_negative(exp) -> bool:
    """Whether an exponent reads as negative: -a, -1/3, a - 1 (whose constant is negative)."""
    if exp.is_Add:
        constant = exp.as_coeff_Add()[0]
        if constant != 0:
            return bool(constant < 0)
    return exp.could_extract_minus_sign()


def proven_equal(a, b) -> bool:
    """Whether a = b is shown: equal at random points that respect the symbols' assumptions,
    and, symbolically, the quotient of the two with their powers split over their positive
    factors and merged (:func:`_split_powers`) is 1, or a small a - b simplifies to 0."""
    if not _equal_at_samples(a, b):
        return False
    if b != 0 and _split_powers(_split_powers(a) / _split_powers(b)) == 1:
        return True
    return sp.count_ops(a) + sp.count_ops(b) < 2 * _SIMPLIFY_BELOW and sp.simplify(a - b) == 0


def _equal_at_samples(a, b, samples: int = 3) -> bool:
    """a and b agree (to 12 digits, evaluated with 30) at ``samples`` random rational points
    (positive symbols positive, negative ones negative, others of either sign); complex values
    allowed."""
    rng = random.Random(len(a.free_symbols | b.free_symbols))
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    for _ in range(samples):
        point = {}
        for s in symbols:
            v = sp.Rational(rng.randint(1, 96), rng.randint(3, 40))
            negative = s.is_negative or s.is_nonpositive or (
                not (s.is_positive or s.is_nonnegative) and rng.random() < 0.5)
            point[s] = -v if negative else v
        try:
            at_a, at_b = sp.N(a.xreplace(point), 30), sp.N(b.xreplace(point), 30)
            if at_a.has(sp.nan, sp.zoo, sp.oo) or at_b.has(sp.nan, sp.zoo, sp.oo):
                return False
            gap, scale = complex(at_a - at_b), complex(at_b)
        except (TypeError, ValueError, ZeroDivisionError):
            return False
        if abs(gap) > 1e-12 * (1 + abs(scale)):
            return False
    return True


def final_form(value, powers: bool = True):
    """The shortest of a few exact rewritings (numbers: radicals denested, Floats rationalized).
    ``powers``: also with the powers collected as a textbook prints them (:func:`collect_powers`);
    False for intermediate matrices, whose entries cancel more readily in SymPy's own forms.
    ``Abs(e)`` and ``sign(e)`` of a sign proven under the assumptions on the parameters are
    replaced by ``e``/``-e`` and ``1``/``-1`` (:func:`refined`)."""
    if not isinstance(value, sp.Basic):
        value = sp.sympify(value)
    return refined(_final_form(value, powers), powers)


def _known_sign(e) -> int | None:
    return 1 if e.is_positive else -1 if e.is_negative else 0 if e.is_zero else None


def refined(value, powers: bool = True):
    """``Abs(e)`` -> ``e`` (``-e``) and ``sign(e)`` -> 1 (-1) where e >= 0 (e <= 0) is proven
    under the assumptions of the solve under way (:mod:`lagropt.assumptions`): with r > 0,
    sqrt(2)*(r + Abs(r))/2 reads sqrt(2)*r. Outside the cache of :func:`_final_form`, which
    knows nothing of assumptions."""
    facts = active.get()
    if not facts or not isinstance(value, sp.Basic) or not value.has(sp.Abs, sp.sign):
        return value

    def sign(e):
        s = _known_sign(e)
        return s if s is not None else facts.sign(e, _known_sign)

    def rewrite(e):
        s = sign(e.args[0])
        if s is None:
            return e
        return (s * e.args[0] if s else sp.S.Zero) if isinstance(e, sp.Abs) else sp.Integer(s)
    out = value.replace(lambda e: isinstance(e, (sp.Abs, sp.sign)), rewrite)
    return _final_form(out, powers) if out != value else value


def _lambert_exponentials(value):
    """exp(k W(z)) = (z / W(z))**k for integer k, from W(z) e^{W(z)} = z (the principal branch;
    z != 0): e^{-W(1)} is W(1), as a textbook prints it."""
    def rewrite(e):
        k, w = e.args[0].as_coeff_Mul()
        if isinstance(w, sp.LambertW) and len(w.args) == 1 and k.is_Integer and w.args[0] != 0:
            return (w.args[0] / w) ** k
        return e
    return value.replace(lambda e: isinstance(e, sp.exp) and e.has(sp.LambertW), rewrite)


@lru_cache(maxsize=8192)
def _final_form(value, powers: bool = True):
    if value.has(sp.LambertW):
        value = _lambert_exponentials(value)
    if value.is_number:
        if value.has(sp.CRootOf):
            return simplest_algebraic(value)
        out = sp.nsimplify(value) if value.is_Float else value
        if out.has(sp.log, sp.exp) and sp.count_ops(out) < 20:
            out = sp.simplify(out)
        elif out.has(sp.Pow) and not out.is_Rational:
            out = rationalized(sp.sqrtdenest(sp.expand(out)))
        return out
    best, cost = value, sp.count_ops(value)
    if value.is_Add:          # sum_i a_i/Z -> (sum_i a_i)/Z first: cheap, and it shrinks the rest
        shared = _over_shared_denominators(value)
        shared_cost = sp.count_ops(shared)
        if 2 * shared_cost < cost:        # the lecture's form already: (sum_i eps_i e^..)/Z
            return shared
        if shared_cost < cost:
            best, cost = shared, shared_cost
    if cost > (150 if best.has(sp.exp, sp.log) else 300):   # rewriting exps/logs costs most
        return best
    for form in _rewrites(value):
        c = sp.count_ops(form)
        if c < cost or (c == cost and _tie_key(form) < _tie_key(best)):
            best, cost = form, c
    return _with_powers_collected(best, cost) if powers else best


def _with_powers_collected(best, cost):
    """best with its powers collected (:func:`collect_powers`) when that is shorter and
    proven equal; best otherwise."""
    if not _has_power_of_product(best):
        return best
    collected = collect_powers(best)
    if sp.count_ops(collected) < cost and proven_equal(collected, best):
        return collected
    return best


def _tie_key(form) -> tuple:
    """Between forms of equal count_ops: fewer divisions (m q/(p (p + q)), not
    m/(p (p/q + 1))), then the shorter text."""
    divisions = sum(1 for e in sp.preorder_traversal(form) if e.is_Pow and e.exp.is_negative)
    return divisions, len(str(form))


def value_on_remaining(value, remaining, unknowns) -> tuple:
    """The objective at a point given in terms of unsolved multipliers, shortened: logarithms
    expanded and collected over the value's denominator; then, where the rest is proportional
    to a remaining equation's left side, that side replaced by its right side (the equation
    holds at the point). -sum p_i ln p_i with p_i = e^{-lambda eps_i}/Z becomes ln Z + lambda E.

    Returns (the shortened value, equal to ``value`` for every multiplier; the value with the
    remaining equation used, or None). Every rewriting is an identity (``expand_log`` without
    force only splits logarithms of positive factors), so nothing is re-checked.
    """
    numer, denom = sp.fraction(_over_shared_denominators(sp.expand_log(value)), exact=True)
    numer = sp.expand_mul(numer)
    logs = sorted(numer.atoms(sp.log), key=sp.default_sort_key)
    parts = sp.collect(numer, logs, evaluate=False) if logs else {sp.S.One: numer}
    rest = _over_shared_denominators(parts.pop(sp.S.One, sp.S.Zero) / denom)
    logged = sp.Add(*[k * _ratio(*sp.fraction(_over_shared_denominators(c / denom), exact=True))
                      for k, c in parts.items()])
    shorter = logged + rest
    if _size(shorter) >= _size(value):
        shorter = value
    for eq in remaining:
        if eq.lhs == 0:
            continue
        ratio = _ratio(rest, eq.lhs)
        if ratio.free_symbols <= set(unknowns) | eq.rhs.free_symbols and _size(ratio) <= 6:
            return shorter, logged + ratio * eq.rhs
    return shorter, None


def _over_shared_denominators(expr):
    """a/D + b/D + c -> (a + b)/D + c, common factors pulled out, denominators left as written
    (``together`` would multiply e^{-x} / (e^{-x} + e^{-y}) out into positive exponents)."""
    groups: dict = {}
    for term in sp.Add.make_args(expr):
        numer, denom = sp.fraction(term, exact=True)
        groups.setdefault(denom, []).append(numer)
    return sp.Add(*[_common_factor_out(nums) / denom for denom, nums in groups.items()])


def _common_factor_out(terms):
    """lambda a + lambda b -> lambda (a + b): the factors every term shares, pulled out without
    looking inside them (``factor_terms`` recurses into logarithms, at a cost)."""
    terms = sp.Add.make_args(sp.Add(*terms))
    if len(terms) < 2:
        return sp.Add(*terms)
    common = set(sp.Mul.make_args(terms[0]))
    for t in terms[1:]:
        common &= set(sp.Mul.make_args(t))
    common = [f for f in common if not f.is_Number]
    if not common:
        return sp.Add(*terms)
    c = sp.Mul(*common)
    return c * sp.Add(*[t / c for t in terms])


def _size(expr) -> int:
    return sum(1 for _ in sp.preorder_traversal(expr))


def _ratio(a, b):
    """a / b with the numerators and denominators of the two cancelled where they agree
    (up to sign), without multiplying anything out."""
    (na, da), (nb, db) = sp.fraction(a, exact=True), sp.fraction(b, exact=True)
    top = 1
    for sign in (1, -1):
        if na == sign * nb:
            top = sign
            break
    else:
        top = na / nb
    for sign in (1, -1):
        if da == sign * db:
            return top * sign
    return top * db / da


_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def final_forms_by_symmetry(values: dict, fixed=(), powers: bool = True) -> dict:
    """``final_form`` of each value, computed once per orbit of the index symmetry: when
    p_k's raw value is p_1's with every numbered symbol of index 1 and k swapped
    (e^{-lambda eps_k}/Z from e^{-lambda eps_1}/Z), its final form is p_1's swapped too.
    Symbols in ``fixed`` (the multipliers lambda_1, lambda_2) are never swapped; ``powers`` as
    in :func:`final_form`."""
    numbered: dict = {}
    symbols = set(values) | set().union(*[sp.sympify(v).free_symbols for v in values.values()])
    for s in symbols - set(fixed):
        m = _NUMBERED.match(getattr(s, "name", ""))
        if m:
            numbered.setdefault(m.group(1), {})[m.group(2)] = s
    done = []                        # (prefix, index, raw value, final form) computed so far
    out = {}
    for u, raw in values.items():
        m = _NUMBERED.match(getattr(u, "name", ""))
        out[u] = _by_swap(done, numbered, m, raw) if m else None
        if out[u] is None:
            out[u] = final_form(raw, powers)
            if m:
                done.append((m.group(1), m.group(2), sp.sympify(raw), out[u]))
    return out


def _by_swap(done, numbered, m, raw):
    """The final form of ``raw`` from an earlier one of the same family, or None."""
    for prefix, k, raw_k, tidy_k in done:
        if prefix == m.group(1):
            swap = _swap(numbered, k, m.group(2))
            if raw_k.xreplace(swap) == raw:
                return tidy_k.xreplace(swap)
    return None


def _swap(numbered: dict, a: str, b: str) -> dict:
    """Every numbered symbol of index a exchanged with its namesake of index b."""
    swap = {}
    for family in numbered.values():
        if a in family and b in family:
            swap[family[a]] = family[b]
            swap[family[b]] = family[a]
    return swap
