"""The ``lagropt`` command."""

from __future__ import annotations

import argparse
import json
import sys

from .errors import LagroptError

__all__ = ["main"]


def _tour(args) -> int:
    from .tour import run_tour, write_notes

    solved = []
    rows = run_tour(stream=sys.stderr if args.json else sys.stdout, solved=solved)
    if args.json:
        json.dump(rows, sys.stdout, indent=2, default=str)
        print()
    tex, pdf = write_notes(solved, args.out)
    where = sys.stderr if args.json else sys.stdout
    print(f"\nnotes: {tex}", file=where)
    print(f"pdf:   {tex.with_suffix('.pdf')}" if pdf else "pdf:   not built (pdflatex not found: install "
          "texlive-latex-base to compile the notes)", file=where)
    return 0 if all(r["ok"] for r in rows) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lagropt", description="Constrained optimization "
                                     "from the blackboard to a verified number.")
    sub = parser.add_subparsers(dest="command", required=True)
    tour = sub.add_parser("tour", help="solve the lecture's examples exactly and check them "
                          "against scipy.optimize")
    tour.add_argument("--json", action="store_true", help="print the table as JSON")
    tour.add_argument("--out", default="lagropt-tour", metavar="DIR",
                      help="folder for the notes with the examples' derivations (LaTeX, and "
                      "the PDF when pdflatex is installed; default: ./lagropt-tour)")
    tour.set_defaults(run=_tour)
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
