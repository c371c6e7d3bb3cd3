"""``lagropt tour``: every worked example of the lecture notes, reproduced and checked.

Each section (:mod:`.sections`) solves its examples with lagropt, writes the derivations and
figures into one notes document, and records what it checked: the exact (or closed-form)
value, the gradient-descent value and scipy.optimize's, as rows of a verification report
written as Markdown and JSON beside the notes.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from ..files import ClobberError

from .examples import Example, lecture_examples
from .report import Row, markdown_table, section_line, text_table, to_json

__all__ = ["Example", "lecture_examples", "Tour", "run_tour", "Row", "SECTION_NAMES"]

SECTION_NAMES = ("lagrange", "maxent", "descent", "regularization", "logistic", "backprop")
MARK = ".lagropt-tour"          # the file that says a tour created the folder it is in
# letters the tour's prose uses as symbols ("over I states", "partition function Z")
NOTATION = {"I": "I", "Z": "Z"}


def check_output_folder(out, force: bool = False) -> Path:
    """``out`` when a tour may write there: a new folder, an empty one, one a tour created
    (it holds :data:`MARK`), or any folder with ``force``; a ClobberError otherwise."""
    out = Path(out)
    if force or not out.is_dir() or (out / MARK).is_file() or not any(out.iterdir()):
        return out
    raise ClobberError(f"{out} is a folder lagropt did not create and it is not empty: not "
                       "written into (pass --force, or force=True, to write the tour there)")


def _nearest_existing(path: Path) -> Path:
    return next(p for p in [path, *path.absolute().parents] if p.exists())


class Tour:
    """What a tour produces: notes, figures (PNG), report rows.

    Everything is written into a hidden staging folder first and moved under ``out`` by
    :meth:`write` when it is all there, so that a failed tour leaves nothing behind; ``out``
    must be new, empty or a tour's own folder unless ``force``.
    """

    def __init__(self, out, force: bool = False):
        from ..latex import Notes

        self.out = check_output_folder(out, force)
        self.staging = Path(tempfile.mkdtemp(prefix=".lagropt-tour-",
                                             dir=_nearest_existing(self.out)))
        self.figures_dir = self.staging / "figures"
        self.notes = Notes("The lecture notes, reproduced by lagropt")
        self.rows: list[Row] = []
        self.figures: list[Path] = []
        self.timings: dict = {}

    def section(self, title: str, text: str) -> None:
        from ..latex.text import LaTeXString, annotation

        self.notes.section(title)
        self.notes.text(LaTeXString(annotation(text, NOTATION)))

    def heading(self, title: str) -> None:
        """A heading in the notes, written in words with math (x = y becomes $x = y$)."""
        from ..latex.text import LaTeXString, annotation

        self.notes.section(LaTeXString(annotation(title, NOTATION)))

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
        from ..latex.text import LaTeXString, annotation

        self.notes.figure(path, LaTeXString(annotation(caption, NOTATION)))
        return path

    def write(self) -> dict:
        """The notes (.tex, and .pdf when pdflatex is installed) and the report (.md, .json),
        moved with the figures under ``out``; the paths written."""
        from ..latex import compile as compile_tex, latex_available

        tex = self.notes.to_tex(self.staging / "lagropt-tour.tex")
        pdf = compile_tex(tex) if latex_available() else None
        (self.staging / "report.md").write_text(
            "# lagropt tour: exact vs descent vs scipy.optimize\n\n" + markdown_table(self.rows)
            + "\n")
        (self.staging / "report.json").write_text(to_json(self.rows) + "\n")
        (self.staging / MARK).write_text("This folder was written by lagropt tour.\n")
        self._move_into_place()
        self.figures_dir = self.out / "figures"
        self.figures = [self.figures_dir / p.name for p in self.figures]
        return {"notes": self.out / tex.name, "pdf": pdf and self.out / pdf.name,
                "report_md": self.out / "report.md", "report_json": self.out / "report.json",
                "figures": list(self.figures)}

    def _move_into_place(self) -> None:
        """The staging folder becomes ``out`` (or its files replace those in ``out``)."""
        if not self.out.exists():
            self.out.parent.mkdir(parents=True, exist_ok=True)
            os.rename(self.staging, self.out)
            return
        for source in sorted(p for p in self.staging.rglob("*") if p.is_file()):
            target = self.out / source.relative_to(self.staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        self.discard()

    def discard(self) -> None:
        """Remove the staging folder (what a failed tour had written)."""
        shutil.rmtree(self.staging, ignore_errors=True)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)


def run_tour(out="lagropt-tour", sections=None, stream=sys.stdout, force: bool = False,
             verbose: bool = True, progress: bool = False) -> Tour:
    """Run the tour (all sections, or the named ones), write everything, print the table.

    ``verbose``: print each section's line (:func:`.report.section_line`) to ``stream`` as soon
    as the section is done, before the table. ``progress``: a tqdm bar over the sections on
    stderr (nothing when stderr is not a terminal). ``out`` must be a new or empty folder or one
    a tour wrote, unless ``force``; when the tour fails nothing is left behind."""
    import matplotlib

    matplotlib.use("Agg")
    from .sections import SECTIONS

    names = list(sections or SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        from ..errors import LagroptError

        raise LagroptError(f"unknown tour section {', '.join(unknown)}; the sections are "
                           f"{', '.join(SECTIONS)}")
    tour = Tour(out, force)
    bar = _sections_bar(len(names)) if progress else None
    try:
        for name in names:
            if bar is not None:
                bar.set_description(f"tour: {name}")
            before = len(tour.rows)
            _run_section(tour, name, SECTIONS[name])
            if verbose:
                _say(section_line(name, tour.rows[before:], tour.timings[name]), stream, bar)
            if bar is not None:
                bar.update()
        if bar is not None:
            bar.set_description("tour: writing the notes")
        tour.written = tour.write()
    except BaseException:
        tour.discard()
        raise
    finally:
        if bar is not None:
            bar.close()
    print(text_table(tour.rows), file=stream)
    return tour


def _run_section(tour: Tour, name: str, section) -> None:
    """Run one section into ``tour``, its wall time in ``tour.timings``."""
    started = time.perf_counter()
    section(tour)
    tour.timings[name] = time.perf_counter() - started


def _sections_bar(total: int):
    from ..optim.progress import bar

    return bar(total, "tour", unit="section")


def _say(line: str, stream, bar=None) -> None:
    """``line`` on ``stream`` at once (flushed: a pipe's reader sees it now), through tqdm's
    ``write`` while a bar is drawn so that the bar is redrawn below it."""
    if bar is not None and not bar.disable:
        bar.write(line, file=stream)
    else:
        print(line, file=stream)
    stream.flush()
