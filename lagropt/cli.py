"""The ``lagropt`` command."""

from __future__ import annotations

import argparse
import json
import sys

from .errors import LagroptError, ProblemError

__all__ = ["main"]


def _tour(args) -> int:
    from .tour import run_tour

    rows = run_tour(stream=sys.stderr if args.json else sys.stdout)
    if args.json:
        json.dump(rows, sys.stdout, indent=2, default=str)
        print()
    return 0 if all(r["ok"] for r in rows) else 1


def _numbers(text: str, option: str) -> list:
    """'1,2,3/2,0.5' -> exact Fractions (decimals exactly as written); never evaluated."""
    from fractions import Fraction

    out = []
    for token in text.split(","):
        try:
            out.append(Fraction(token.strip()))
        except (ValueError, ZeroDivisionError):
            raise ProblemError(f"{option}: {token.strip()!r} is not a number (use integers, "
                               "decimals or fractions like 1/3)") from None
    return out


def _number(text, option: str):
    if text is None:
        return None
    values = _numbers(text, option)
    if len(values) != 1:
        raise ProblemError(f"{option}: one number expected, got {text!r}")
    return values[0]


def _maxent(args) -> int:
    import warnings

    from .statmech import maxent

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        result = maxent(_numbers(args.values, "--values"), mean=_number(args.mean, "--mean"),
                        variance=_number(args.variance, "--variance"),
                        degeneracy=None if args.degeneracy is None
                        else _numbers(args.degeneracy, "--degeneracy"))
    if args.json:
        json.dump(result.to_dict(), sys.stdout, indent=2)
        print()
    else:
        print(result.summary())
    for w in caught:
        print(f"lagropt: warning: {w.message}", file=sys.stderr)
    return 0 if result.success else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lagropt", description="Constrained optimization "
                                     "from the blackboard to a verified number.")
    sub = parser.add_subparsers(dest="command", required=True)
    tour = sub.add_parser("tour", help="solve the lecture's examples exactly and check them "
                          "against scipy.optimize")
    tour.add_argument("--json", action="store_true", help="print the table as JSON")
    tour.set_defaults(run=_tour)
    me = sub.add_parser("maxent", help="the maximum-entropy distribution over values with a "
                        "given mean (and variance): p, multipliers, ln Z, entropy",
                        description="p_i proportional to g_i exp(-beta x_i - gamma (x_i - m)^2). "
                        "Negative numbers: write --values=-1,0,1.")
    me.add_argument("--values", required=True, help="comma-separated values x_i (integers, "
                    "decimals, fractions like 1/3)")
    me.add_argument("--mean", help="the mean m, strictly between min and max")
    me.add_argument("--variance", help="the variance about the mean")
    me.add_argument("--degeneracy", help="comma-separated degeneracies g_i")
    me.add_argument("--json", action="store_true", help="print the result as JSON")
    me.set_defaults(run=_maxent)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except LagroptError as exc:
        print(f"lagropt: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
