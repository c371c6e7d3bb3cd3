"""Writing the derivation: the solver's operations as the lecture's steps.

Only SymPy objects and words go into the steps; renderings live in :mod:`lagropt.derivation`
(plain text) and :mod:`lagropt.latex`.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from ..derivation import Derivation
from .algebraic import algebraic_value, reduced_in_root
from .tidy import final_form, value_on_remaining

__all__ = ["opening", "system", "elimination", "case_verdict", "conclusion", "parametric",
           "parametric_value",
           "function_names"]


def function_names(internal):
    """The symbolic f, g_k, h_j and L applied to the variables, as the lecture writes them."""
    xs = internal.variables
    f = sp.Function("f")(*xs)
    K, M = len(internal.g), len(internal.h)
    gs = [sp.Function("g")(*xs)] if K == 1 else [sp.Function(f"g_{k}")(*xs) for k in range(1, K + 1)]
    hs = [sp.Function("h")(*xs)] if M == 1 else [sp.Function(f"h_{j}")(*xs) for j in range(1, M + 1)]
    L = sp.Function("L")(*xs, *internal.lambdas, *internal.mus)
    return f, gs, hs, L


def decided_false(internal) -> Derivation:
    """The problem when SymPy already turned a constraint into False (Eq(x**2 + y**2, -1) for
    real symbols): there is no equation left to show, only that fact."""
    verb = internal.sense.verb.capitalize()
    d = Derivation(title=f"{verb} f({', '.join(map(str, internal.variables))})")
    which = [k for k, c in enumerate(internal.problem.constraints, 1) if c.decided is False]
    d.add("problem", f"{verb} the objective; constraint {', '.join(map(str, which))} reached "
          "lagropt as False: SymPy had already decided it has no real solution:",
          (sp.Eq(sp.Function("f")(*internal.variables), internal.f, evaluate=False),))
    return d


def opening(internal, stationarity: bool = True) -> Derivation:
    """The problem, the Lagrangian and the N + K equations (only the problem when
    ``stationarity`` is False: a non-differentiable problem has no such equations)."""
    verb = internal.sense.verb.capitalize()
    d = Derivation(title=f"{verb} f({', '.join(map(str, internal.variables))})")
    f, gs, hs, L = function_names(internal)
    eqs = [sp.Eq(f, internal.f, evaluate=False)]
    eqs += [sp.Eq(g, expr, evaluate=False) for g, expr in zip(gs, internal.g)]
    orient = sp.Le if internal.sense.is_max else sp.Ge
    eqs += [sp.Eq(h, expr, evaluate=False) for h, expr in zip(hs, internal.h)]
    words = f"{verb} the objective"
    if internal.g:
        words += " subject to " + ", ".join(f"{g.func} = 0" for g in gs)
    if internal.h:
        words += (" and " if internal.g else " subject to ") + ", ".join(
            f"{h.func} {internal.sense.relation} 0" for h in hs)
    d.add("problem", words + ":", eqs, sense=internal.sense, variables=internal.variables,
          constraints=tuple(orient(h, 0) for h in hs))
    if internal.floats:
        d.add("exact_numbers", "Floating-point numbers are read as the exact rationals they "
              "denote:", tuple(sp.Eq(sp.UnevaluatedExpr(f), q, evaluate=False)
                               for f, q in internal.floats.items()))
    if not stationarity:
        return d
    if not internal.g and not internal.h:
        d.add("stationarity", "An extremum needs a vanishing gradient:",
              tuple(sp.Eq(sp.Derivative(f, x), 0) for x in internal.variables))
        d.add("equations", "Differentiating:",
              tuple(sp.Eq(df, 0, evaluate=False) for df in internal.gradient(internal.f)))
        return d
    generic = f - sp.Add(*[m * g for m, g in zip(internal.lambdas, gs)]) \
        - sp.Add(*[m * h for m, h in zip(internal.mus, hs)])
    d.add("lagrangian", "The Lagrangian:", (sp.Eq(L, generic, evaluate=False),
                                             sp.Eq(L, internal.lagrangian(range(len(internal.h))),
                                                   evaluate=False)))
    stat = []
    for x in internal.variables:
        rhs = sp.Add(*[m * sp.Derivative(g, x) for m, g in zip(internal.lambdas, gs)]) \
            + sp.Add(*[m * sp.Derivative(h, x) for m, h in zip(internal.mus, hs)])
        stat.append(sp.Eq(sp.Derivative(f, x), rhs, evaluate=False))
    count = f"N + K = {len(internal.variables)} + {len(internal.g)}"
    d.add("stationarity", f"Stationarity, grad f = sum of multipliers times grad g ({count} "
          "equations with the constraints):", stat)
    d.add("equations", "Differentiating:", system(internal, with_kkt=False))
    if internal.h:
        slack = [sp.Eq(m * h, 0, evaluate=False) for m, h in zip(internal.mus, internal.h)]
        d.add("complementary_slackness", "Complementary slackness (each inequality is active or "
              "its multiplier vanishes), with every mu_j >= 0:", slack)
    return d


def system(internal, with_kkt: bool = True) -> list:
    """The stationarity equations (lecture's form) and the equality constraints, as ``Eq``
    (:meth:`~lagropt.standard.StandardForm.stationarity`)."""
    return internal.stationarity(with_kkt)


def _as_equation(expr, unknown):
    """expr = 0 written with the terms free of ``unknown`` on the right (and a positive left)."""
    if isinstance(expr, sp.Add):
        dep, indep = expr.as_independent(unknown, as_Add=True)[::-1]
        if dep != 0 and indep != 0:
            if dep.could_extract_minus_sign():
                dep, indep = -dep, -indep
            return sp.Eq(dep, -indep, evaluate=False)
    return sp.Eq(expr, 0, evaluate=False)


def _inserted(internal, owner, values):
    """The user's constraint lhs = rhs with the values found so far inserted."""
    if not (isinstance(owner, tuple) and owner[0] == "g"):
        return None
    original = internal.problem.equalities[owner[1]].original
    if not isinstance(original, sp.Equality):
        return None
    lhs = original.lhs.xreplace(internal.to_real).xreplace(values)
    rhs = original.rhs.xreplace(internal.to_real).xreplace(values)
    return sp.Eq(lhs, rhs, evaluate=False)


def _describe_case(internal, active, branch):
    """(label in words, the case's conditions as SymPy equations)."""
    parts, conditions = [], []
    if internal.h:
        names = [f"h_{j + 1}" if len(internal.h) > 1 else "h" for j in active]
        parts.append("active: " + (", ".join(names) if names else "none"))
        conditions += [sp.Eq(internal.h[j], 0, evaluate=False) for j in active]
    for op in branch.ops:
        if op.kind == "split":
            parts.append(f"{op.note} = 0")
            conditions.append(sp.Eq(op.factor, 0, evaluate=False))
    return "; ".join(parts), tuple(conditions)


def _symmetry_note(d: Derivation, classes: str) -> None:
    d.add("symmetry", f"By symmetry: f and the constraints are unchanged when {classes} are "
          "permuted (the inequalities permuted alike), so the KKT system of an active set is "
          "carried onto that of its image. Each orbit of active sets is solved once; the "
          "other cases are its images, with the variables and multipliers renamed.")


def _image_label(internal, branch) -> str:
    """(by symmetry from active: h_1, with x -> y, y -> x)"""
    earlier, swapped, _ = branch.image_of
    names = [f"h_{j + 1}" if len(internal.h) > 1 else "h" for j in earlier]
    renaming = ", ".join(f"{a} -> {b}" for a, b in swapped.items())
    return f"(by symmetry: the case active: {', '.join(names) or 'none'} with {renaming})"


def elimination(d: Derivation, internal, cases) -> None:
    """The elimination steps: in detail for a single case, otherwise one step per case
    (:class:`~lagropt.solver.rejection.Case`), each followed by its verdict
    (:func:`case_verdict`)."""
    if len(cases) == 1 and not internal.h:
        _detailed(d, internal, cases[0].branch)
        return
    said = False
    labels = [_describe_case(internal, c.active, c.branch) for c in cases]
    for case, (label, conditions) in zip(cases, labels):
        branch = case.branch
        if branch.image_of and not said:
            _symmetry_note(d, branch.image_of[2])
            said = True
        if branch.image_of:
            label += " " + _image_label(internal, branch)
        if branch.status == "infeasible":
            d.add("case", f"Case {label}:", (), case=label, conditions=conditions)
        else:
            values = branch.values()
            eqs = tuple(sp.Eq(u, values[u], evaluate=False) for u in list(internal.variables)
                        + list(internal.lambdas) + list(internal.mus) if u in values)
            text = f"Case {label}:" if label else "Solving:"
            if branch.status == "family":
                text += " a family of solutions, free in " + ", ".join(map(str, branch.unknowns))
            if branch.status == "residual":
                text += " left with equations no exact method solved"
                eqs += tuple(sp.Eq(e, 0) for e in branch.equations)
            d.add("case", text, eqs, case=label, conditions=conditions)
        case_verdict(d, internal, case, label, _owners(cases, labels))


def _owners(cases, labels) -> dict:
    """id of each kept point -> the label of the case that keeps it."""
    return {id(p): label for c, (label, _) in zip(cases, labels) for p in c.points}


def case_verdict(d: Derivation, internal, case, label: str, owners: dict) -> None:
    """The verdict that closes a case, as the lecture writes it: kept (with the point's value)
    or rejected with the reason (:class:`~lagropt.solver.rejection.Rejection`): infeasible
    ("x = 3 violates x <= 2"), a multiplier of the wrong sign ("mu_2 = -1 < 0: not a
    maximum"), no solution, or the point of another case. The step's data hold the verdict
    (``verdict``: "kept", "rejected" or "open"; ``reason``)."""
    if case.branch.status == "residual":
        d.add("case_verdict", "Open: no exact method solved these equations.", (),
              case=label, verdict="open", reason="unsolved")
        return
    if case.points:
        _kept(d, internal, case, label)
        return
    why = case.rejection
    text, rows = _rejection_words(internal, why, owners)
    d.add("case_verdict", "Rejected: " + text, rows, case=label, verdict="rejected",
          reason=why.reason, point=why.point, relation=why.relation)


def _kept(d: Derivation, internal, case, label) -> None:
    f = sp.Function("f")
    for p in case.points:
        if p.free:
            text = "Kept: a family of candidate points, free in " + ", ".join(map(str, p.free))
            rows = tuple(p.conditions)
            text += ", under the conditions below." if rows else "."
        else:
            text = ("Kept: the point is feasible and its multipliers are nonnegative" if
                    internal.h else "Kept: a real solution")
            rows = (sp.Eq(f(*[p.x[v] for v in internal.variables]), p.value, evaluate=False),)
            if p.conditions:        # requirements undecided in the parameters
                text += " where the conditions below hold; the objective there:"
                rows = tuple(p.conditions) + rows
            else:
                text += "; the objective there:"
        d.add("case_verdict", text, rows, case=label, verdict="kept", reason="",
              point=p.x, value=p.value)


INLINE = 40          # characters of a value written inside a sentence; longer ones get a row


def _said(lhs, value):
    """("lhs = value" for a sentence, ()) when short; a long number by its decimals
    ("mu_1 ≈ -5.782" for a root of a cubic; a number in a CRootOf always, its enclosure
    computed exactly, :func:`~lagropt.solver.algebraic.algebraic_value`); else ("",
    (Eq(lhs, value),)): a row."""
    if isinstance(value, sp.Expr) and value.is_number and value.has(sp.CRootOf):
        approx = algebraic_value(value)
        if approx is not None:
            return f"{sp.sstr(lhs)} ≈ {sp.sstr(approx, full_prec=False)}", ()
    words = f"{sp.sstr(lhs)} = {sp.sstr(value, full_prec=False)}"
    if len(words) <= INLINE:
        return words, ()
    if isinstance(value, sp.Expr) and value.is_number and value.is_real:
        return f"{sp.sstr(lhs)} ≈ {sp.sstr(sp.N(value, 4), full_prec=False)}", ()
    return "", (sp.Eq(lhs, value, evaluate=False),)


def _shown(value):
    """A violated side's value for a sentence: :func:`final_form`, except for a number in one
    CRootOf, which is reduced modulo the root's polynomial only: a rational then, else left as
    it is and said by its decimals (:func:`_said`): its minimal polynomial (a resultant of
    the root's degree, seconds at degree 17) would be too long for a sentence anyway."""
    roots = value.atoms(sp.CRootOf) if value.is_number else ()
    if len(roots) != 1:
        return final_form(value)
    reduced = reduced_in_root(value, next(iter(roots)))
    return reduced.as_expr() if reduced is not None and reduced.is_ground else value


def _rejection_words(internal, why, owners) -> tuple[str, tuple]:
    """(the sentence after "Rejected: ", its rows) for a :class:`Rejection`."""
    if why.reason == "infeasible":
        relation, lhs = _violated(internal, why)
        value = _shown(lhs.xreplace(why.point))
        words, rows = _said(lhs, value)
        if words:
            return f"{words} violates {_relation_text(relation)}.", rows
        return f"infeasible, it violates {_relation_text(relation)}:", rows
    if why.reason == "wrong_sign":
        words, rows = _said(why.symbol, why.value)
        word = internal.sense.word
        if words:
            return f"{words} < 0: not a {word}.", rows
        return f"the multiplier {why.symbol} below is negative: not a {word}.", rows
    if why.reason == "duplicate":
        if why.twin is not None and why.twin.free:
            where = owners.get(id(why.twin))
            return "the point lies on the family of " + (
                f"the case {where}." if where else "another case."), ()
        where = owners.get(id(why.twin)) if why.twin is not None else None
        return "the same point as " + (f"in the case {where}." if where else
                                       "one found in another case."), ()
    if why.reason == "contradictory":
        return "these requirements cannot hold together:", tuple(why.requirements)
    if why.note:
        return f"no solution ({why.note}).", ()
    return "no solution, a condition of the elimination fails:", (why.relation,)


def _violated(internal, why):
    """(the violated requirement as the user wrote it, the side of it shown with its value)."""
    if why.index is None:                      # a variable's sign assumption
        return type(why.relation)(why.symbol, 0, evaluate=False), why.symbol
    original = internal.problem.inequalities[why.index].original
    if isinstance(original, sp.Rel):
        relation = type(original)(*(e.xreplace(internal.to_real) for e in original.args),
                                  evaluate=False)
        lhs, rhs = relation.lhs, relation.rhs
        side = rhs if lhs.is_number else lhs if rhs.is_number else lhs - rhs
        return relation, side
    h = internal.h[why.index]
    return sp.Le(h, 0, evaluate=False) if internal.sense.is_max else sp.Ge(h, 0, evaluate=False), h


def _relation_text(relation) -> str:
    op = {"<=": "<=", ">=": ">=", "<": "<", ">": ">", "==": "="}.get(relation.rel_op,
                                                                     relation.rel_op)
    return f"{sp.sstr(relation.lhs)} {op} {sp.sstr(relation.rhs)}"


def _detailed(d: Derivation, internal, branch) -> None:
    xs = set(internal.variables)
    ops = [op for op in branch.ops if op.kind != "split"]
    own = [op for op in ops if op.kind == "isolate" and op.unknown in xs
           and op.owner == op.unknown and not (op.value.free_symbols & xs)]
    if own:
        d.add("isolate", "Solve each stationarity equation for its variable:",
              tuple(sp.Eq(op.unknown, op.value, evaluate=False) for op in own))
        if len(internal.lambdas) == 1 and len(own) == len(internal.variables) >= 2:
            relation = _eliminate_multiplier(own, internal.lambdas[0])
            if relation:
                d.add("eliminate", f"Eliminating {internal.lambdas[0]} between them:", relation)
    known = {}
    for op in ops:
        before = dict(known)
        if op.kind == "isolate":
            known = {u: v.xreplace({op.unknown: op.value}) for u, v in known.items()}
            known[op.unknown] = op.value
        if op in own:
            continue
        if op.kind == "isolate":
            shown = op.form if op.form is not None else op.equation
            lines = [_inserted(internal, op.owner, before), _as_equation(shown, op.unknown),
                     op.stage, sp.Eq(op.unknown, op.value, evaluate=False)]
            lines = [e for i, e in enumerate(lines) if e is not None and e not in lines[:i]]
            if isinstance(op.owner, tuple) and op.owner[0] == "g":
                name = "g" if len(internal.g) == 1 else f"g_{op.owner[1] + 1}"
                what = f"Insert into the constraint {name} = 0 and solve for {op.unknown}:"
            else:
                what = f"Solve for {op.unknown}:"
            d.add("substitute", what, tuple(lines), chain=True)
        elif op.kind == "ratio":
            _ratio_step(d, internal, op)
        elif op.kind == "loglinear":
            _log_step(d, op)
        elif op.kind == "polynomial":
            d.add("polynomial", f"The remaining polynomial equations (Groebner basis, exact real "
                  f"roots) have {op.note} real solution(s).")
        elif op.kind == "expsub":
            w = op.form.lhs
            d.add("substitute", f"With {w} = {sp.sstr(op.form.rhs)} > 0 the equation is a "
                  f"polynomial in {w} (only its positive roots count):",
                  (sp.Eq(op.equation, 0), op.stage, sp.Eq(op.unknown, op.value, evaluate=False)),
                  chain=True)
        elif op.kind == "expsystem":
            d.add("substitute", "The unknowns occur only in exponentials: with the positive "
                  "unknowns below the equations are polynomial (Groebner basis, exact real "
                  "roots; only positive roots are kept):", tuple(op.value) + tuple(op.form))
        elif op.kind == "sympy":
            d.add("polynomial", f"sympy.solve gives {op.note} solution(s) of the remaining equations.")
    if branch.status == "family":
        d.add("family", "Every value of " + ", ".join(map(str, branch.unknowns)) +
              " gives a solution: a family of critical points.")


def _ratio_step(d: Derivation, internal, op) -> None:
    """Two stationarity equations f_x = lambda g_x, f_y = lambda g_y divided (:mod:`.rewrites`):
    f_x / f_y = g_x / g_y, the marginal rate of substitution equal to the price ratio."""
    f, gs, hs, _ = function_names(internal)
    lam = op.unknown
    g = gs[internal.lambdas.index(lam)] if lam in internal.lambdas else hs[internal.mus.index(lam)]
    xi, xk = op.pair
    partial = lambda fn, v: sp.Symbol(f"{fn.func}_{v}")  # noqa: E731 - f_x, as the lecture
    general = sp.Eq(partial(f, xi) / partial(f, xk), partial(g, xi) / partial(g, xk),
                    evaluate=False)
    d.add("ratio", f"Divide the stationarity equation for {xi} by the one for {xk}, so that {lam} "
          f"cancels: the marginal rate of substitution {general.lhs} equals {general.rhs} (for "
          "budget lines, the price ratio)" + (f", assuming {op.note}" if op.note else "") + ":",
          (general, op.stage), chain=True)


def _log_step(d: Derivation, op) -> None:
    """Equations between positive products of powers, linear in the logarithms
    (:func:`.rewrites.take_logarithms`): the equations, then each log u solved."""
    names = ", ".join(sp.sstr(line.lhs) for line in op.form)
    d.add("logarithms", "Both sides of these equations are positive products of powers:",
          tuple(sp.Eq(*_sides(e), evaluate=False) for e in op.stage))
    d.add("logarithms", f"Their logarithms are linear in {names}; solved"
          + (f" (assuming {op.note})" if op.note else "") + ":", tuple(op.form))


def _sides(expr):
    """P_1 - P_2 as (P_1, P_2)."""
    terms = sp.Add.make_args(expr)
    minus = [-t for t in terms if t.could_extract_minus_sign()]
    plus = [t for t in terms if not t.could_extract_minus_sign()]
    return sp.Add(*plus), sp.Add(*minus)


def _eliminate_multiplier(own_ops, lam):
    """From x_i = phi_i(lambda): lambda from the first, substituted into the others (y = 3 - x)."""
    from .isolate import isolate

    first = own_ops[0]
    sols = isolate(first.value - first.unknown, lam, [lam])
    if not sols or len(sols) != 1:
        return None
    lam_of_x = sols[0].value
    rel = []
    for op in own_ops[1:]:
        rhs = sp.simplify(sp.expand_log(op.value.xreplace({lam: lam_of_x}), force=False))
        rel.append(sp.Eq(op.unknown, rhs, evaluate=False))
    return tuple(rel)


def squares_bound(d: Derivation, internal, squares) -> None:
    """The steps of a sum of squares reaching its bound (:mod:`.squares`): f >= c0 (f <= c0
    when maximizing), then the bases set to 0 with the equality constraints."""
    f = sp.Function("f")(*internal.variables)
    rel = sp.Ge if squares.sign > 0 else sp.Le
    d.add("squares_bound", "A sum of even powers with positive coefficients is never negative, "
          "so the objective is bounded on the whole space:",
          (sp.Eq(f, internal.f, evaluate=False), rel(f, squares.value, evaluate=False)),
          bound=squares.value)
    zero = [sp.Eq(b, 0) for b in squares.bases] + [sp.Eq(g, 0) for g in internal.g]
    d.add("squares_zero", "The bound is reached exactly where every base vanishes; with the "
          "constraints this gives the feasible points below, so they are the global "
          f"{internal.sense.word}s and no case analysis is needed:", tuple(zero))


def conclusion(d: Derivation, internal, points, verdict) -> None:
    f = sp.Function("f")
    for p in points:
        if p.free:
            continue
        eqs = [sp.Eq(v, p.x[v], evaluate=False) for v in internal.variables] + \
              [sp.Eq(m, p.multipliers[m], evaluate=False) for m in p.multipliers]
        regions = [c for c in verdict.cases if any(p is q for q in c.optimum)]
        tag = "optimum" if any(p is q for q in verdict.optimum) else "candidate"
        if regions:
            tag = "optimum where " + " or ".join(
                " and ".join(sp.sstr(r) for r in c.conditions) for c in regions)
        d.add("solution", f"Critical point ({tag}):" if p.regular else "Irregular point (the "
              "constraint gradients are dependent):", eqs, point=p.x)
        d.add("value", "The objective there:",
              (sp.Eq(f(*[p.x[v] for v in internal.variables]), p.value, evaluate=False),),
              point=p.x)
        d.add("classification", f"{p.kind.capitalize()}: {p.reason}.", (), point_kind=p.kind, point=p.x)
    for p in points:
        if p.free:
            d.add("family", f"A family of critical points, free in {', '.join(map(str, p.free))}: "
                  f"{p.reason}.", tuple(sp.Eq(v, p.x[v], evaluate=False) for v in internal.variables)
                  + tuple(p.conditions))
    if verdict.cases:
        cases(d, internal, verdict.cases)
    words = {"optimal": "The optimum", "unbounded": "Unbounded", "not_attained": "Not attained",
             "no_critical_point": "No optimum among the critical points",
             "piecewise": "The optimum by region of the parameters"}
    d.add("verdict", f"{words.get(verdict.status, verdict.status)}: " + "; ".join(verdict.evidence)
          + ("." if verdict.evidence else ""), (), status=verdict.status, value=verdict.value)


COMPACT_CASES = 3        # regions up to which a piecewise answer reads as one cases block


def cases(d: Derivation, internal, pieces) -> None:
    """The steps of a piecewise answer: a few regions as one block, each coordinate,
    multiplier and f a ``Piecewise`` on the regions' conditions (typeset as cases); more (or
    regions whose conditions SymPy's ``Piecewise`` would merge into long ``Or`` forms) as one
    step per region, its conditions, then the optimum there."""
    f = sp.Function("f")

    def rows(p):
        out = [sp.Eq(v, p.x[v], evaluate=False) for v in internal.variables]
        out += [sp.Eq(m, p.multipliers[m], evaluate=False) for m in p.multipliers]
        return out + [sp.Eq(f(*internal.variables), p.value, evaluate=False)]
    table = [rows(piece.optimum[0]) for piece in pieces]
    block = [sp.Eq(row.lhs, sp.Piecewise(*[(t[k].rhs, piece.condition)
                                           for t, piece in zip(table, pieces)]), evaluate=False)
             for k, row in enumerate(table[0])]
    if len(pieces) <= COMPACT_CASES and not any(block_row.rhs.has(sp.Or) for block_row in block):
        d.add("cases", "The optimum depends on the parameters, one case per region:", tuple(block))
        return
    for k, (piece, region_rows) in enumerate(zip(pieces, table), start=1):
        where = " and ".join(sp.sstr(c) for c in piece.conditions)
        d.add("cases", f"Region {k} of {len(pieces)}, where {where}: the optimum is",
              tuple(region_rows), region=k, conditions=tuple(piece.conditions))


def parametric_value(d: Derivation, at, value, remaining, unknowns, **data):
    """The "value" step of a point given in terms of unsolved multipliers: f there, shortened,
    and (when a remaining equation applies) with that equation used. Returns the shortened
    value."""
    shorter, on_remaining = value_on_remaining(value, remaining, unknowns)
    lines = (sp.Eq(at, shorter, evaluate=False),)
    if on_remaining is not None:
        lines += (sp.Eq(at, on_remaining, evaluate=False),)
    d.add("value", "The objective there" + (" (the second form uses the remaining equation)"
                                           if on_remaining is not None else "") + ":", lines, **data)
    return shorter


def parametric(d: Derivation, internal, points, remaining, unknowns) -> list:
    """The steps of points given in terms of unsolved multipliers; the points with their
    values shortened (:func:`parametric_value`)."""
    f = sp.Function("f")
    shortened = []
    for p in points:
        d.add("solution", "The critical point, in terms of " + ", ".join(map(str, unknowns)) + ":",
              tuple(sp.Eq(v, p.x[v], evaluate=False) for v in internal.variables), point=p.x)
        p = replace(p, value=parametric_value(d, f(*internal.variables), p.value, remaining,
                                              unknowns, point=p.x))
        shortened.append(p)
        d.add("classification", f"{p.kind.capitalize()}: {p.reason}.", (), point_kind=p.kind)
    d.add("remaining", ", ".join(map(str, unknowns)) + " is fixed by the remaining equation"
          + ("s" if len(remaining) > 1 else "") + ":", tuple(remaining))
    return shortened
