"""``lagropt tour``: every worked example of the lecture notes, reproduced and checked.

Each section (:mod:`.sections`) solves its examples with lagropt, writes the derivations and
figures into one notes document, and records what it checked: the exact (or closed-form)
value, the gradient-descent value and scipy.optimize's, as rows of a verification report
written as Markdown and JSON beside the notes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .examples import Example, lecture_examples
from .report import Row, markdown_table, text_table, to_json

__all__ = ["Example", "lecture_examples", "Tour", "run_tour", "Row", "SECTION_NAMES"]

SECTION_NAMES = ("lagrange", "maxent", "descent", "regularization", "logistic")


class Tour:
    """What a tour produces: notes, figures (PNG), report rows; written under ``out``."""

    def __init__(self, out):
        from ..latex import Notes

        self.out = Path(out)
        self.figures_dir = self.out / "figures"
        self.notes = Notes("The lecture notes, reproduced by lagropt")
        self.rows: list[Row] = []
        self.figures: list[Path] = []
        self.timings: dict = {}

    def section(self, title: str, text: str) -> None:
        from ..latex.text import annotation

        self.notes.section(title)
        self.notes.text(annotation(text, {}))

    def heading(self, title: str) -> None:
        """A heading in the notes, written in words with math (x = y becomes $x = y$)."""
        from ..latex.text import annotation

        self.notes.section(annotation(title, {}))

    def row(self, section, example, quantity, *, exact=None, descent=None, scipy=None,
            tol=1e-6, note="") -> Row:
        row = Row(section, example, quantity, exact, descent, scipy, tol, note)
        self.rows.append(row)
        return row

    def figure(self, name: str, fig, caption: str) -> Path:
        import matplotlib.pyplot as plt

        self.figures_dir.mkdir(parents=True, exist_ok=True)
        path = self.figures_dir / f"{name}.png"
        fig.savefig(path, dpi=130)
        plt.close(fig)
        self.figures.append(path)
        from ..latex.text import annotation

        self.notes.figure(path, annotation(caption, {}))
        return path

    def write(self) -> dict:
        """The notes (.tex, and .pdf when pdflatex is installed) and the report (.md, .json)."""
        from ..latex import compile as compile_tex, latex_available

        self.out.mkdir(parents=True, exist_ok=True)
        tex = self.notes.to_tex(self.out / "lagropt-tour.tex")
        pdf = compile_tex(tex) if latex_available() else None
        md = self.out / "report.md"
        md.write_text("# lagropt tour: exact vs descent vs scipy.optimize\n\n" +
                      markdown_table(self.rows) + "\n")
        js = self.out / "report.json"
        js.write_text(to_json(self.rows) + "\n")
        return {"notes": tex, "pdf": pdf, "report_md": md, "report_json": js,
                "figures": list(self.figures)}

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)


def run_tour(out="lagropt-tour", sections=None, stream=sys.stdout) -> Tour:
    """Run the tour (all sections, or the named ones), write everything, print the table."""
    import matplotlib

    matplotlib.use("Agg")
    from .sections import SECTIONS

    names = list(sections or SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        from ..errors import LagroptError

        raise LagroptError(f"unknown tour section {', '.join(unknown)}; the sections are "
                           f"{', '.join(SECTIONS)}")
    tour = Tour(out)
    for name in names:
        started = time.perf_counter()
        SECTIONS[name](tour)
        tour.timings[name] = time.perf_counter() - started
    tour.written = tour.write()
    print(text_table(tour.rows), file=stream)
    return tour
