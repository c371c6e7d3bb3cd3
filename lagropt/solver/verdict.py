"""Global verdicts: is the best candidate the optimum, and how do we know?

Lagrange/KKT points are local facts. A global statement needs evidence of another kind, and
each verdict says which it used. :func:`decide` walks :data:`CERTIFICATES`, an ordered list of
functions of a :class:`Case` (the problem and its candidates); the first that returns a
:class:`Verdict` decides:

1. a constant objective on the constraint set;
2. **curvature** (:mod:`.certificates`): f concave (maximizing) or convex (minimizing) on a
   convex feasible set: every KKT point is a global optimum;
3. **compactness** or **coercivity** (:mod:`.certificates`): the optimum exists and is among the
   candidates;
4. **limits** (:mod:`.limits`): exact limits of f along a parametrization of the feasible set
   (with the parameters symbolic too) show f unbounded, or approaching a bound beyond every
   candidate (not attained);
5. values that depend on the parameters: the candidate proven best for every value of the
   parameters, not proven global; when none is, no candidate is picked (``parametric``);
6. **numeric probing** (:mod:`.probe`): feasible points far out, as supporting evidence only;
7. the best local candidate with the evidence gathered (or none when there is none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from .certificates import coercivity_certificate, compactness_certificate, curvature_certificate
from .limits import Limits, limit_evidence, numeric_value
from .piecewise import parameter_conditions, piecewise_cases
from .requirements import nonnegative, sign_of
from ..standard import Sense

__all__ = ["Verdict", "Limits", "Case", "CERTIFICATES", "decide", "curvature_certificate",
           "compactness_certificate", "coercivity_certificate", "best_points", "dominant"]


@dataclass
class Verdict:
    status: str
    optimum: list
    value: object
    evidence: list = field(default_factory=list)
    message: str = ""
    certified: bool = False
    approached_at: list = field(default_factory=list)   # see Solution.approached_at
    cases: list = field(default_factory=list)           # see Solution.cases (piecewise)


def best_points(points, sense: str):
    """The points with the best numeric value for the sense (ties within 1e-12, relative)."""
    valued = []
    for p in points:
        v = numeric_value(p.value)
        if v is None:
            return None
        valued.append((v, p))
    if not valued:
        return []
    best = Sense(sense).best(v for v, _ in valued)
    return [p for v, p in valued if abs(v - best) <= 1e-12 * max(1.0, abs(best))]


def _better(a, b, sense) -> bool:
    """a strictly better than b for the sense (a may be +-oo)."""
    if a is None or b is None:
        return False
    return Sense(sense).better(a, b)


# -- the case the certificates look at -------------------------------------------------------------

@dataclass
class Case:
    """The problem and its candidates, with what the certificates compute computed once (the
    local optima, the limits) and the supporting ``evidence`` gathered on the way."""

    internal: object
    points: list
    probe: bool = True
    evidence: list = field(default_factory=list)

    @property
    def sense(self) -> Sense:
        return self.internal.sense

    @property
    def infinity(self):
        """+oo when maximizing, -oo when minimizing: the value of an unbounded objective."""
        return self.sense.sign * sp.oo

    @cached_property
    def finite(self) -> list:
        """The candidates with a value (a family on which f varies has none)."""
        return [p for p in self.points if not (p.free and p.value.has(*p.free))]

    @cached_property
    def local(self) -> list:
        """Candidates that are local optima of the right kind, may be, or are irregular."""
        return [p for p in self.finite
                if p.kind in (self.sense.word, "inconclusive") or not p.regular]

    @cached_property
    def best(self):
        """The best local candidates ([] when there is none, None when values are symbolic or
        some candidate is one only under conditions on the parameters)."""
        return _comparable_best(self.local, self.sense) if self.local else []

    @cached_property
    def best_value(self):
        return numeric_value(self.best[0].value) if self.best else None

    @cached_property
    def limits(self) -> Limits:
        isolated = [p for p in (self.best or []) + self.finite if not p.free]
        anchor = isolated[0].x if isolated else None
        return limit_evidence(self.internal, anchor)


# -- the certificates, in the order decide tries them -------------------------------------------

def constant_objective(case: Case) -> Verdict | None:
    """f constant on the constraint set: every feasible point is optimal."""
    internal = case.internal
    # a family with conditions (z = 0 with x y = 3 left over) is a curve in the constraint
    # set, not all of it: f constant there says nothing of the rest
    constant = [p for p in case.finite if p.free and not internal.h and not p.conditions
                and len(p.free) == len(internal.variables) - len(internal.g)]
    if not constant:
        return None
    p = constant[0]
    return Verdict("optimal", [p], p.value, [f"f is constant, = {sp.sstr(p.value)}, on the "
                   "constraint set: every feasible point is critical"], certified=True)


def curvature(case: Case) -> Verdict | None:
    """A concave (max) / convex (min) problem: the best KKT point is the global optimum."""
    proof = curvature_certificate(case.internal)
    if not (proof and case.finite):
        return None
    kkt = [p for p in case.finite if p.regular and p.kind in (case.sense.word, "inconclusive")]
    kkt = kkt or case.finite
    unconditional = [p for p in kkt if not parameter_conditions(p)]
    if len(unconditional) < len(kkt) and not unconditional:
        # each point is a global optimum only where its conditions on the parameters hold
        return _piecewise(case, kkt, proof) or _undecided(case, kkt, [proof])
    # KKT points for every parameter value: each is optimal (equal values)
    best = best_points(unconditional, case.sense) or unconditional[:1]
    return Verdict("optimal", best, best[0].value, [proof], certified=True)


def attained(case: Case) -> Verdict | None:
    """A compact feasible set or a coercive f: the optimum exists, at the best candidate."""
    proof = compactness_certificate(case.internal) or coercivity_certificate(case.internal)
    if not (proof and case.finite):
        return None
    best = _comparable_best(case.finite, case.sense)
    if best is None:
        best = dominant(case.finite, case.sense)
        if best is None:
            return _undecided(case, case.finite, [proof])
    return Verdict("optimal", best, best[0].value, [proof], certified=True)


def symbolic_values(case: Case) -> Verdict | None:
    """Values in the parameters: the local candidate whose value is proven at least as good as
    every other's for every value of the parameters (the sign of each difference, decided by
    :func:`.requirements.sign_of`), reported as the best local candidate, not proven global.
    When no candidate is proven best, none is picked: the status is ``parametric`` with no
    optimum, and the evidence says which comparisons were undecided."""
    if case.best is not None:
        return None
    best = dominant(case.local, case.sense)
    if best is None:
        return _undecided(case, case.local, case.evidence)
    case.evidence.append(f"f = {sp.sstr(best[0].value)} is at least every other local "
                         "candidate's value for every value of the parameters; global "
                         "optimality not proven")
    return Verdict("optimal", best, best[0].value, case.evidence)


def _comparable_best(points, sense):
    """:func:`best_points` when the points are candidates for every value of the parameters;
    None when some is one only under conditions (its numeric value does not count where they
    fail: the comparison is :func:`dominant`'s)."""
    if any(parameter_conditions(p) for p in points):
        return None
    return best_points(points, sense)


def _piecewise(case: Case, points, proof) -> Verdict | None:
    """Each KKT point is a global optimum where its conditions on the parameters hold (the
    curvature ``proof``): one case per region, when the regions cover the parameters
    (:mod:`.piecewise`)."""
    pieces = piecewise_cases(points, case.internal.params, proof)
    if pieces is None:
        return None
    value = sp.Piecewise(*[(piece.value, piece.condition) for piece in pieces])
    regions = "; ".join(" and ".join(sp.sstr(c) for c in piece.conditions) for piece in pieces)
    return Verdict("piecewise", [], value, [proof, f"each critical point is one only where its "
                   f"conditions on the parameters hold; the regions ({regions}) cover every "
                   "value of the parameters"], "the optimum depends on the parameters: one case "
                   "per region", certified=True, cases=pieces)


def _undecided(case: Case, points, evidence) -> Verdict:
    """No candidate is proven best for every value of the parameters: none is picked."""
    values = ", ".join(sorted({sp.sstr(p.value) for p in points}))
    conditional = [p for p in points if parameter_conditions(p)]
    why = (f"the candidates' values ({values}) depend on the parameters and could not be "
           "compared for all their values") + (
        "; some are candidates only under conditions on the parameters: " + "; ".join(dict.fromkeys(
            sp.sstr(sp.And(*parameter_conditions(p))) for p in conditional)) if conditional else "")
    return Verdict("parametric", [], None, list(evidence) + [why],
                   "which candidate is optimal depends on the parameters and was not decided")


def dominant(points, sense: Sense) -> list | None:
    """The points whose value is proven at least as good as every other point's for every value
    of the parameters (ties: every point with a proven equal value), or None when no point is.
    A point that is a candidate only under conditions on the parameters is never dominant (it
    is no candidate where they fail)."""
    for p in points:
        if parameter_conditions(p):
            continue
        signs = [sign_of(sense.sign * (p.value - q.value)) for q in points if q is not p]
        if all(s in (0, 1) for s in signs):
            return [q for q in points if q is p or sign_of(p.value - q.value) == 0]
    return None


def unbounded_limit(case: Case) -> Verdict | None:
    """An exact limit of f to +oo (max) / -oo (min) along the feasible set."""
    escape = [(lim, d) for lim, d in case.limits.found if lim == case.infinity]
    if not escape:
        return None
    return _no_optimum(case.points, "unbounded", case.infinity, [escape[0][1]],
                       f"f is unbounded {case.sense.side}", True)


def proven_unbounded(internal, points=()) -> Verdict | None:
    """:func:`unbounded_limit` on its own: f -> +oo (max) / -oo (min) along the feasible set
    needs no critical point, so it decides also when the elimination left equations unsolved
    (min x + 1/x + y^4 on x + y = 3: f -> -oo as x -> 0-, whatever 1 - 1/x^2 = 4 y^3 gives).
    Not looked for when sign * f <= 0 is proven (a sum of squares to minimize): the limits
    cost a second or more of CPU on five variables."""
    if nonnegative(-internal.sense.sign * internal.f):
        return None
    return unbounded_limit(Case(internal, list(points), probe=False))


def better_limit(case: Case) -> Verdict | None:
    """A finite limit of f beyond every candidate: no candidate is optimal."""
    best, best_value, sense = case.best, case.best_value, case.sense
    if best is None:
        return None          # symbolic values: compared in symbolic_values
    finite_limits = [(numeric_value(lim), lim, d) for lim, d in case.limits.found
                     if lim.is_finite is not False and numeric_value(lim) is not None]
    better = [(v, lim, d) for v, lim, d in finite_limits if best_value is None or
              _better(v, best_value, sense) or (abs(v - best_value) < 1e-12 * max(1, abs(v))
                                                 and not best)]
    if not better:
        return None
    v, lim, d = sense.best(better, key=lambda t: t[0])
    return _limit_verdict(case.internal, case.points, case.limits, v, lim, d)


def far_probing(case: Case) -> Verdict | None:
    """Feasible points far out (limits along lines are no proof of optimality; probing in
    random directions is support): growing without bound, or beating every candidate."""
    internal = case.internal
    numeric = _probe_far(internal, case.best_value) if case.probe and not internal.params else None
    if numeric is None:
        return None
    kind, text, value = numeric
    if kind == "unbounded":
        return _no_optimum(case.points, "unbounded", case.infinity, [text],
                           f"f is unbounded {case.sense.side} (numeric)")
    if kind == "better":
        return _no_optimum(case.points, "not_attained", None, [text],
                           f"a feasible point better than every candidate exists: the "
                           f"{case.sense.bound} is not attained at a critical point, and its "
                           "value is not known (numeric)")
    case.evidence.append(text)
    return None


def best_candidate(case: Case) -> Verdict:
    """The best local candidate with the evidence gathered; none when there is none."""
    right, evidence = case.sense.word, case.evidence
    if not case.best:
        return _no_optimum(case.points, "no_critical_point", None, evidence or
                           ["no candidate is a local " + right], f"no local {right} among the "
                           "critical points" if case.points else "no critical point")
    if case.limits.found:
        side = "below" if case.sense.is_max else "above"
        evidence.insert(0, f"at the ends of the feasible set f stays {side} the best candidate: "
                        + "; ".join(d for _, d in case.limits.found[:4]))
    if case.limits.complete and case.limits.found:    # every end of a one-parameter set
        return Verdict("optimal", case.best, case.best[0].value, evidence)
    # limits along lines through a candidate and probing in random directions can both miss
    # an escape (min ... + y^2 (2z + 1) with z >= -1: f -> -oo along y at z = -4/5 only)
    evidence.append(f"best local {right} among the candidates; global optimality not proven"
                    + (" (the limits above follow lines, and probing is numeric)"
                       if evidence else ""))
    return Verdict("optimal", case.best, case.best[0].value, evidence,
                   "global optimality not proven")


CERTIFICATES = [constant_objective, curvature, attained, unbounded_limit, better_limit,
                symbolic_values, far_probing, best_candidate]
"""Tried in order by :func:`decide`; each returns a :class:`Verdict` or None (next one)."""

def decide(internal, points, *, probe=True) -> Verdict:
    """The global verdict for the candidates found: the first of :data:`CERTIFICATES` that
    decides (see the module docstring).

    ``Verdict.certified`` is True when the verdict rests on a proof (curvature, compactness,
    coercivity, a constant objective, an exact limit to infinity, or complete limits on a
    one-parameter feasible set), False when it rests on partial limits or probing.
    """
    case = Case(internal, points, probe)
    for certificate in CERTIFICATES:
        verdict = certificate(case)
        if verdict is not None:
            return verdict
    raise AssertionError("best_candidate always decides")


def _limit_verdict(internal, points, limits, v, lim, d) -> Verdict:
    """A finite limit beats every candidate: no candidate is optimal. The limit is the
    supremum (infimum) only when the limits are complete (:class:`Limits`) and no end the
    set contains does better; otherwise it is only a bound, and no value is reported."""
    sense = internal.sense
    word = sense.bound
    ends = [(numeric_value(e), e, text) for e, text in limits.ends]
    if limits.complete and all(ev is not None and not _better(ev, v, sense) and
                               abs(ev - v) > 1e-12 * max(1, abs(v)) for ev, _, _ in ends):
        evidence = [d + f"; the feasible set is a union of curves with one parameter, and f "
                    f"approaches {sp.sstr(lim)} only at an end it does not contain, beyond every "
                    "critical value" + ("" if not ends else " and f at the ends it contains ("
                                        + "; ".join(text for _, _, text in ends) + ")")]
        return _no_optimum(points, "not_attained", lim, evidence,
                           f"the {word} {sp.sstr(lim)} is approached but not attained", True)
    side = "at least" if sense.is_max else "at most"
    evidence = [d + f": no candidate is a global {sense.word}; "
                f"the {word} is {side} {sp.sstr(lim)}, its exact value was not determined"]
    return _no_optimum(points, "not_attained", None, evidence,
                       f"the {word} is not attained; it is {side} {sp.sstr(lim)}")


def _no_optimum(points, status, value, evidence, message, certified=False):
    """A verdict without an optimum. An f that grows without bound on the feasible set is
    ``unbounded`` (value +-oo) with or without critical points, and a proven finite
    supremum/infimum is ``not_attained``; without any critical point and without either proof
    the status is ``no_critical_point`` (value None). The message of an unbounded f says when
    there is no critical point."""
    if points or not (status == "unbounded" or (status == "not_attained" and value is None)):
        return Verdict(status, [], value, evidence, message, certified)
    status = "unbounded" if status == "unbounded" else "no_critical_point"
    return Verdict(status, [], value, evidence, "no critical point; " + message, certified)


def _probe_far(internal, best_value):
    """Feasible points far out: growing values beyond every candidate suggest unboundedness."""
    from .probe import Prober

    try:
        prober = Prober(internal)
        far = prober.far_values()
    except Exception:  # noqa: BLE001 - probing is optional evidence
        return None
    if not far:
        return None
    sense = internal.sense
    vals = [v for _, v, _ in far]
    sign = sense.sign
    growing = len(vals) >= 3 and all(sign * b > sign * a for a, b in zip(vals, vals[1:])) and \
        sign * vals[-1] > sign * (best_value if best_value is not None else vals[0]) + 1e3
    if growing:
        return "unbounded", (f"numeric probing: feasible points at radius "
                             f"{', '.join(f'{s:g}' for s, _, _ in far)} reach f = "
                             f"{', '.join(f'{v:.4g}' for v in vals)}"), None
    beat = [v for v in vals if best_value is not None
            and sign * v > sign * best_value + 1e-9 * max(1, abs(best_value))]
    if beat:
        top = sense.best(beat)
        return "better", f"numeric probing found feasible points with f = {top:.6g} beyond the " \
            "candidates", top
    return "none", "numeric probing far out found no feasible point better than the candidates", None
