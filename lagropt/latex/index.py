"""Index notation: p1, p2, p3 written as p_i with i = 1, 2, 3, as the lecture writes them.

A derivation over I states holds one equation per state (``-log(p1) - 1 = lambda``,
``-log(p2) - 1 = lambda``, ...) and sums written out term by term (``p1 + p2 + p3 - 1``). When
three or more of them are the same expression up to the number in the symbols' names, the
lecture writes one line with an index (``-ln p_i - 1 = lambda``, i = 1, ..., I) and a sum
(``sum_i p_i``). :class:`Indexer` finds these patterns; the printer and the step renderer use it.

Only variables and parameters are indexed (``lambda_1``, ``lambda_2`` stay as they are), and the
arguments of the symbolic functions ``f(p1, p2, p3)`` are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

__all__ = ["Indexer", "Fold", "numbered", "natural_key", "MIN_RUN"]

MIN_RUN = 3                      # fewer than three lines or terms are written out
_NUMBERED = re.compile(r"^(?P<base>.*?[^\d_])_?(?P<n>\d+)$")
_INDEX_NAMES = ("i", "j", "k", "n", "m", "l")


def numbered(symbol) -> tuple[str, int] | None:
    """``(base, number)`` for a name such as ``p3``, ``p_3`` or ``varepsilon12``; else None."""
    m = _NUMBERED.match(getattr(symbol, "name", ""))
    return (m.group("base"), int(m.group("n"))) if m else None


def natural_key(text: str) -> tuple:
    """Sort key that puts p2 before p10: text runs and integer runs compared separately."""
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", text))


@dataclass(frozen=True)
class Fold:
    """Several expressions written as one pattern in the index symbol over ``numbers``."""

    pattern: sp.Basic
    index: sp.Symbol
    numbers: tuple
    members: tuple          # the original expressions, in order

    @property
    def contiguous(self) -> bool:
        ns = sorted(self.numbers)
        return ns == list(range(ns[0], ns[-1] + 1))


class Indexer:
    """Finds expressions that differ only in the number of their indexed symbols.

    Parameters
    ----------
    indexable : iterable of Symbol
        The symbols that may be replaced by an indexed one (variables and parameters).
    taken : iterable of str
        Every name already in use, so that the index and the indexed names do not clash.
    """

    def __init__(self, indexable, taken=()):
        taken = set(taken)
        self.by_number: dict[int, list] = {}
        for s in indexable:
            key = numbered(s)
            if key:
                self.by_number.setdefault(key[1], []).append((s, key[0]))
        bases = {b for group in self.by_number.values() for _, b in group}
        self.index = None
        for name in _INDEX_NAMES:
            if name not in taken and not any(f"{b}_{name}" in taken for b in bases):
                self.index = sp.Symbol(name, integer=True)
                break
        self._placeholders: dict = {}

    def _protect(self, expr):
        """``expr`` with every f(p1, p2, ...) replaced by a fixed placeholder symbol."""
        apps = sorted(expr.atoms(AppliedUndef), key=sp.default_sort_key)
        for a in apps:
            self._placeholders.setdefault(a, sp.Symbol(f"_applied{len(self._placeholders)}_"))
        return expr.xreplace({a: self._placeholders[a] for a in apps}) if apps else expr

    def _unprotect(self, expr):
        back = {v: k for k, v in self._placeholders.items()}
        return expr.xreplace(back) if back else expr

    def numbers_in(self, expr) -> list[int]:
        """The numbers of the indexable symbols in ``expr`` (outside f(...)), ascending."""
        if not isinstance(expr, sp.Basic):
            return []
        present = self._protect(expr).atoms(sp.Symbol)     # with the variables of d/dp_k
        return sorted(n for n, group in self.by_number.items() if any(s in present for s, _ in group))

    def pattern(self, expr, n: int):
        """``expr`` with every indexable symbol numbered ``n`` renamed ``<base>_<index>``."""
        group = self.by_number.get(n, ())
        mapping = {s: sp.Symbol(f"{base}_{self.index.name}", **s.assumptions0) for s, base in group}
        return self._unprotect(_replace(self._protect(expr), mapping))

    def _candidates(self, expr) -> list[tuple]:
        return [(n, self.pattern(expr, n)) for n in self.numbers_in(expr)]

    def fold_sequence(self, exprs, min_run: int = MIN_RUN) -> list:
        """Consecutive expressions grouped into :class:`Fold` where ``min_run`` or more match.

        Returns a list whose items are either an original expression or a :class:`Fold`.
        """
        exprs = list(exprs)
        if self.index is None or len(exprs) < min_run:
            return exprs
        cands = [self._candidates(e) for e in exprs]
        out, s = [], 0
        while s < len(exprs):
            best = [(None, None)]
            for n0, pat in cands[s]:
                run, used = [(n0, exprs[s])], {n0}
                for j in range(s + 1, len(exprs)):
                    match = next((n for n, p in cands[j] if n not in used and p == pat), None)
                    if match is None:
                        break
                    run.append((match, exprs[j]))
                    used.add(match)
                if len(run) > len(best) and len(run) >= min_run:
                    best = [(pat, run)]
            pat, run = best[0]
            if pat is None:
                out.append(exprs[s])
                s += 1
                continue
            out.append(Fold(pat, self.index, tuple(n for n, _ in run), tuple(e for _, e in run)))
            s += len(run)
        return out

    def fold_terms(self, terms, min_run: int = MIN_RUN) -> list:
        """Terms of a sum grouped into :class:`Fold` (contiguous numbers only, for a sum).

        The fold takes the place of its first member; the order of the other terms is kept.
        """
        terms = list(terms)
        if self.index is None or len(terms) < min_run:
            return terms
        groups: dict = {}
        for pos, t in enumerate(terms):
            for n, pat in self._candidates(t):
                groups.setdefault(pat, []).append((pos, n))
        used, folds = set(), {}
        for pat, members in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            members = [(pos, n) for pos, n in members if pos not in used]
            numbers = [n for _, n in members]
            if len(members) < min_run or len(set(numbers)) != len(numbers):
                continue
            fold = Fold(pat, self.index, tuple(sorted(numbers)),
                        tuple(terms[pos] for pos, _ in sorted(members)))
            if not fold.contiguous:
                continue
            used.update(pos for pos, _ in members)
            folds[min(pos for pos, _ in members)] = fold
        return [folds.get(pos, t) for pos, t in enumerate(terms)
                if pos in folds or pos not in used]


def _replace(expr, mapping):
    """xreplace that keeps a relation a relation (``Eq(p1, p1)`` must not become ``True``)."""
    if isinstance(expr, sp.core.relational.Relational):
        return type(expr)(expr.lhs.xreplace(mapping), expr.rhs.xreplace(mapping), evaluate=False)
    return expr.xreplace(mapping)
