"""Symmetry between variables: solve one active set per orbit, map the others.

When permuting some variables leaves the objective unchanged and maps the constraints onto
constraints (``x y z`` subject to ``x + y + z <= 3``, ``x, y, z >= 0``: any permutation of
``x, y, z``, with the bounds permuted alike), the KKT system of an active set ``A`` is carried
by the permutation ``s`` onto the system of its image ``pi(A)``, with the multipliers renamed
alike. A KKT point ``P`` of ``A`` therefore gives the KKT point ``P'`` of ``pi(A)`` with
``P'[s(v)] = P[v]``: the image of a solution is a solution, and every solution of ``pi(A)`` is
the image of one of ``A`` (apply the inverse). Solving one active set per orbit and mapping
its branches and points is exact and loses nothing (the lecturer's "by symmetry ...", made
lossless: asymmetric critical points are images too, not dropped).

The symmetry is detected exactly: a transposition of two variables is kept when the
substitution leaves ``f`` unchanged after expansion and maps every constraint onto a
constraint of the same kind. Transpositions that pass generate the full symmetric group on each
class of interchangeable variables; :class:`Symmetry` holds them all (products of the adjacent
transpositions, at most :data:`MAX_GROUP`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import sympy as sp

__all__ = ["Symmetry", "Permutation", "variable_symmetry", "map_point", "map_branch", "MAX_GROUP"]

MAX_GROUP = 720      # permutations enumerated at most (6 interchangeable variables)


@dataclass(frozen=True)
class Permutation:
    """A symmetry: ``rename`` maps every variable and multiplier to its image (simultaneous
    substitution); ``inequality`` maps the index of each inequality to that of its image."""

    rename: dict
    inequality: dict

    def active(self, active) -> tuple:
        """The image of an active set (sorted indices)."""
        return tuple(sorted(self.inequality[j] for j in active))

    def after(self, first: "Permutation") -> "Permutation":
        """``first``, then this one: e.xreplace(first.rename).xreplace(self.rename)."""
        moved = set(first.rename) | set(self.rename)
        rename = {v: self.rename.get(first.rename.get(v, v), first.rename.get(v, v))
                  for v in moved}
        return Permutation({v: u for v, u in rename.items() if u != v},
                           {j: self.inequality[k] for j, k in first.inequality.items()})

    def inverse(self) -> "Permutation":
        return Permutation({b: a for a, b in self.rename.items()},
                           {b: a for a, b in self.inequality.items()})


@dataclass(frozen=True)
class Symmetry:
    """The classes of interchangeable variables and the permutations they generate."""

    classes: tuple          # tuples of variables, each of two or more
    permutations: tuple     # every non-identity Permutation of the group

    def image_of_solved(self, active, solved) -> tuple | None:
        """(earlier active set, permutation carrying it onto ``active``) for an active set in
        the orbit of one already in ``solved``, else None."""
        for perm in self.permutations:
            earlier = perm.active(active)
            if earlier in solved:
                return earlier, perm.inverse()
        return None

    def describe(self) -> str:
        """The classes as the derivation names them: "x, y, z" (classes joined by "; ")."""
        return "; ".join(", ".join(map(str, c)) for c in self.classes)


def _same(a, b) -> bool:
    """Exactly equal after expansion (no sampling: a symmetry must be certain)."""
    return a == b or sp.expand(a - b) == 0


def _constraint_map(funcs, rename) -> dict | None:
    """index -> index of the image of each function under ``rename``, or None if some image
    is not among ``funcs``."""
    out = {}
    for j, h in enumerate(funcs):
        image = h.xreplace(rename)
        k = next((k for k, other in enumerate(funcs) if k not in out.values()
                  and _same(image, other)), None)
        if k is None:
            return None
        out[j] = k
    return out


def _as_permutation(internal, swap: dict) -> Permutation | None:
    """The symmetry a renaming of variables induces, or None when it is not one: f unchanged,
    equalities and inequalities (strict with strict) mapped onto their own kind."""
    if not _same(internal.f.xreplace(swap), internal.f):
        return None
    equalities = _constraint_map(internal.g, swap)
    inequalities = _constraint_map(internal.h, swap)
    if equalities is None or inequalities is None:
        return None
    if any(internal.strict[j] != internal.strict[k] for j, k in inequalities.items()):
        return None
    rename = dict(swap)
    rename.update({internal.lambdas[j]: internal.lambdas[k] for j, k in equalities.items()})
    rename.update({internal.mus[j]: internal.mus[k] for j, k in inequalities.items()})
    return Permutation({a: b for a, b in rename.items() if a != b}, inequalities)


def _classes(internal) -> list:
    """Classes of variables any two of which may be swapped (connected by transpositions that
    are symmetries; transpositions generate the symmetric group of each class)."""
    variables = list(internal.variables)
    parent = {v: v for v in variables}

    def root(v):
        while parent[v] != v:
            v = parent[v]
        return v
    for a, b in itertools.combinations(variables, 2):
        if root(a) == root(b):
            continue
        if _as_permutation(internal, {a: b, b: a}) is not None:
            parent[root(b)] = root(a)
    groups: dict = {}
    for v in variables:
        groups.setdefault(root(v), []).append(v)
    return [tuple(g) for g in groups.values() if len(g) > 1]


def variable_symmetry(internal) -> Symmetry | None:
    """The permutation symmetry of the problem's variables, or None (none, parameters in the
    constraints' multipliers' way, or a group too large to enumerate)."""
    if len(internal.variables) < 2:
        return None
    classes = _classes(internal)
    if not classes:
        return None
    if math.prod(math.factorial(len(c)) for c in classes) > MAX_GROUP:
        return None
    generators = [_as_permutation(internal, {c[i]: c[i + 1], c[i + 1]: c[i]})
                  for c in classes for i in range(len(c) - 1)]
    return Symmetry(tuple(classes), tuple(_group(generators)))


def _group(generators) -> list:
    """Every non-identity product of the generators (closure by composition: a product of
    symmetries is a symmetry, so no expression is compared again)."""
    def key(perm):
        return frozenset(perm.rename.items())
    found = {key(g): g for g in generators}
    frontier = list(generators)
    while frontier:
        new = []
        for perm in frontier:
            for g in generators:
                product = g.after(perm)
                k = key(product)
                if product.rename and k not in found:
                    found[k] = product
                    new.append(product)
        frontier = new
    return list(found.values())


def map_point(point, perm: Permutation):
    """The image of a candidate :class:`~lagropt.solver.result.Point` under ``perm``."""
    r = perm.rename
    return replace(point, x=_renamed(point.x, r), multipliers=_renamed(point.multipliers, r),
                   value=None if point.value is None else sp.sympify(point.value).xreplace(r),
                   active=tuple(sorted(perm.inequality[j - 1] + 1 for j in point.active)),
                   free=tuple(r.get(v, v) for v in point.free),
                   conditions=tuple(c.xreplace(r) for c in point.conditions))


def _renamed(values: dict, r: dict) -> dict:
    """{r(u): value(r)} in the original order of the keys (the keys are permuted among
    themselves)."""
    mapped = {r.get(u, u): sp.sympify(v).xreplace(r) for u, v in values.items()}
    return {u: mapped[u] for u in values} if set(mapped) == set(values) else mapped


def map_branch(branch, perm: Permutation, earlier: tuple, symmetry: Symmetry):
    """The image of an elimination branch of the active set ``earlier`` under ``perm``, marked
    as such for the derivation (``image_of``)."""
    r = perm.rename
    swapped = {v: r[v] for c in symmetry.classes for v in c if r.get(v, v) != v}
    return replace(branch, equations=[e.xreplace(r) for e in branch.equations],
                   unknowns=[r.get(u, u) for u in branch.unknowns],
                   owners=[r.get(o, o) if isinstance(o, sp.Basic) else o for o in branch.owners],
                   assigned=[(r.get(u, u), v.xreplace(r)) for u, v in branch.assigned],
                   conditions=[c.xreplace(r) for c in branch.conditions],
                   ops=[_map_op(op, r) for op in branch.ops],
                   display={r.get(u, u): v.xreplace(r) for u, v in branch.display.items()},
                   image_of=(earlier, swapped, symmetry.describe()))


def _map_op(op, r: dict):
    """A recorded operation with its expressions renamed (a split's note follows its factor)."""
    def mapped(e):
        return e.xreplace(r) if isinstance(e, sp.Basic) else e
    out = replace(op, equation=mapped(op.equation), unknown=mapped(op.unknown),
                  value=mapped(op.value), form=mapped(op.form), stage=mapped(op.stage),
                  factor=mapped(op.factor))
    return replace(out, note=sp.sstr(out.factor)) if op.kind == "split" else out
