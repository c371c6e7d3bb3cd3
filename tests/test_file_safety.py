"""lagropt never clobbers the user's files (issue 15).

Outputs are written atomically; a name with the wrong extension is refused; a file lagropt did
not write is neither replaced nor deleted without --force / force=True; a tour writes only into
a new, empty or its own folder and leaves nothing when it fails; odd path names work.
"""

import sys

import pytest
import sympy as sp

import lagropt
import lagropt.latex as L
from lagropt.files import ClobberError, Outputs

from conftest import one_line_error, run_here




def contents(folder):
    """Every file under ``folder`` with its bytes (hidden files too)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


SOLVE = ["solve", "x*y", "--max", "-s", "x + y = 2"]


@pytest.fixture
def solution():
    x, y = sp.symbols("x y", real=True)
    return lagropt.maximize(x * y, subject_to=[sp.Eq(x + y, 2)]).solve()


# -- names ------------------------------------------------------------------------------------

def test_latex_into_a_python_file_is_refused(tmp_path, capsys, monkeypatch, solution):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "important.py").write_text("print('keep me')\n")
    before = contents(tmp_path)
    code, out, err = run_here(capsys, *SOLVE, "--latex", "important.py")
    assert code == 2 and out == ""
    assert "--latex important.py: the file name must end in .tex" in one_line_error(err)
    with pytest.raises(lagropt.LagroptError, match="must end in .tex"):
        solution.to_tex(tmp_path / "important.py")
    assert contents(tmp_path) == before


def test_latex_without_extension_does_not_compile_a_neighbour(tmp_path, capsys, monkeypatch,
                                                             latex_required):
    """pdflatex given 'notes' would build the user's notes.tex; the name is refused first."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.tex").write_text("\\documentclass{article}\\begin{document}mine"
                                        "\\end{document}\n")
    before = contents(tmp_path)
    code, out, err = run_here(capsys, *SOLVE, "--latex", "notes", "--pdf")
    assert code == 2 and "must end in .tex" in one_line_error(err)
    assert contents(tmp_path) == before                 # no notes.pdf, notes.tex untouched


# -- files lagropt did not write -----------------------------------------------------------------

def test_a_users_tex_is_replaced_only_with_force(tmp_path, capsys, monkeypatch, solution):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "notes.tex"
    mine.write_text("% my own notes\n")
    code, out, err = run_here(capsys, *SOLVE, "--latex", "notes.tex")
    assert code == 2 and out == ""
    assert "notes.tex exists and lagropt did not write it" in one_line_error(err)
    with pytest.raises(ClobberError, match="lagropt did not write it"):
        solution.to_tex(mine)
    assert mine.read_text() == "% my own notes\n"
    code, out, err = run_here(capsys, *SOLVE, "--latex", "notes.tex", "--force")
    assert code == 0 and "\\begin{document}" in mine.read_text()


def test_lagropts_own_outputs_are_replaced_without_force(tmp_path, capsys, monkeypatch,
                                                        latex_required):
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        code, out, err = run_here(capsys, *SOLVE, "--latex", "d.tex", "--pdf")
        assert code == 0, err
    assert sorted(contents(tmp_path)) == ["d.pdf", "d.tex"]


def test_a_users_pdf_is_replaced_only_with_force(tmp_path, capsys, monkeypatch, solution,
                                                latex_required):
    monkeypatch.chdir(tmp_path)
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(b"%PDF-1.4 the user's own\n")
    code, out, err = run_here(capsys, *SOLVE, "--latex", "d.tex", "--pdf")
    assert code == 2 and "d.pdf exists and lagropt did not write it" in one_line_error(err)
    assert sorted(contents(tmp_path)) == ["d.pdf"]          # refused before writing the .tex
    tex = solution.to_tex(tmp_path / "d.tex")
    with pytest.raises(ClobberError):
        L.compile(tex)
    assert pdf.read_bytes() == b"%PDF-1.4 the user's own\n"
    assert L.compile(tex, force=True) == tex.with_suffix(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and b"the user's own" not in pdf.read_bytes()


def test_compiling_keeps_the_users_files_beside_the_document(tmp_path, capsys, monkeypatch,
                                                            latex_required):
    """The build happens elsewhere: run.out, run.aux, run.log beside run.tex stay as they were."""
    monkeypatch.chdir(tmp_path)
    for ext in ("out", "aux", "log", "fls", "fdb_latexmk", "toc"):
        (tmp_path / f"run.{ext}").write_text(f"the user's {ext}\n")
    before = contents(tmp_path)
    code, out, err = run_here(capsys, *SOLVE, "--latex", "run.tex", "--pdf")
    assert code == 0, err
    after = contents(tmp_path)
    assert sorted(set(after) - set(before)) == ["run.pdf", "run.tex"]
    assert all(after[name] == data for name, data in before.items())


def test_notes_figures_do_not_replace_the_users_files(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1])
    (tmp_path / "n-figure-1.pdf").write_bytes(b"the user's figure")
    notes = L.Notes("Figures").figure(fig, "A line.")
    with pytest.raises(ClobberError, match="n-figure-1.pdf exists"):
        notes.to_tex(tmp_path / "n.tex")
    assert sorted(contents(tmp_path)) == ["n-figure-1.pdf"]     # nothing written, not even n.tex
    notes.to_tex(tmp_path / "n.tex", force=True)
    notes.to_tex(tmp_path / "n.tex")                  # now both are lagropt's: no force needed
    plt.close(fig)
    assert sorted(contents(tmp_path)) == ["n-figure-1.pdf", "n.tex"]


# -- atomic writes -------------------------------------------------------------------------------

def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with Outputs() as out:
            out.temporary(target).write_text("new, half")
            out.temporary(tmp_path / "deep" / "b.txt").write_text("b")
            raise RuntimeError("the disk is full")
    assert contents(tmp_path) == {"a.txt": b"old\n"}
    assert not (tmp_path / "deep").exists()            # the folder it made is gone too


def test_notes_whose_figure_fails_leave_nothing(tmp_path):
    class Broken:
        def savefig(self, *args, **kwargs):
            raise ValueError("cannot draw")

    notes = L.Notes("Broken").text("before").figure(Broken(), "never drawn")
    with pytest.raises(ValueError, match="cannot draw"):
        notes.to_tex(tmp_path / "out" / "n.tex")
    assert contents(tmp_path) == {} and not (tmp_path / "out").exists()


# -- paths ---------------------------------------------------------------------------------------

def test_paths_with_spaces_percent_and_hash_compile(tmp_path, capsys, monkeypatch, latex_required):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "my notes #1 100%"
    folder.mkdir()
    code, out, err = run_here(capsys, *SOLVE, "--latex", str(folder / "a b%#.tex"), "--pdf")
    assert code == 0, err
    assert sorted(contents(folder)) == ["a b%#.pdf", "a b%#.tex"]
    assert (folder / "a b%#.pdf").read_bytes().startswith(b"%PDF")


# -- the tour ------------------------------------------------------------------------------------

@pytest.fixture
def tiny_tour(monkeypatch):
    """A tour of one quick section (a row, a figure, a heading), for the folder rules."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lagropt.tour import sections

    def tiny(tour):
        tour.section("Tiny", "x = y on one line.")
        fig, ax = plt.subplots(figsize=(2, 1))
        ax.plot([0, 1])
        tour.figure("tiny", fig, "A line.")
        tour.row("tiny", "one", "x", exact=1.0, descent=1.0, scipy=1.0)

    monkeypatch.setitem(sections.SECTIONS, "tiny", tiny)
    monkeypatch.setattr("lagropt.latex.latex_available", lambda: False)     # no PDF: quick
    from lagropt.tour import run_tour

    return lambda out, **kw: run_tour(out, sections=["tiny"], stream=sys.stderr, **kw)


def test_tour_refuses_a_non_empty_folder_it_did_not_create(tmp_path, capsys, tiny_tour):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "report.md").write_text("my report\n")
    code, stdout, err = run_here(capsys, "tour", "--out", str(out), "--sections", "lagrange")
    assert code == 2 and stdout == ""
    assert "is a folder lagropt did not create and it is not empty" in one_line_error(err)
    with pytest.raises(ClobberError):
        tiny_tour(out)
    assert contents(out) == {"report.md": b"my report\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]     # no staging left
    tiny_tour(out, force=True)
    assert "| section |" in (out / "report.md").read_text()


def test_tour_writes_a_new_folder_and_again_into_its_own(tmp_path, tiny_tour):
    out = tmp_path / "a" / "tour"
    tour = tiny_tour(out)
    assert set(contents(out)) == {".lagropt-tour", "lagropt-tour.tex", "report.md",
                                  "report.json", "figures/tiny.png"}
    assert tour.written["notes"] == out / "lagropt-tour.tex" and tour.figures == [
        out / "figures" / "tiny.png"]
    tiny_tour(out)                                       # its own folder: no --force needed
    empty = tmp_path / "empty"
    empty.mkdir()
    tiny_tour(empty)                                     # an empty folder is fine too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "empty"]


def test_a_tour_failing_at_its_last_write_leaves_nothing(tmp_path, tiny_tour, monkeypatch):
    import lagropt.tour as tour_module

    def broken(rows):
        raise OSError("no space left on device")

    monkeypatch.setattr(tour_module, "to_json", broken)
    new = tmp_path / "new"
    with pytest.raises(OSError, match="no space left"):
        tiny_tour(new)
    assert list(tmp_path.iterdir()) == []                # no folder, no staging


def test_a_failing_tour_leaves_an_earlier_tour_as_it_was(tmp_path, tiny_tour, monkeypatch):
    import lagropt.tour as tour_module

    out = tmp_path / "tour"
    tiny_tour(out)
    before = contents(out)
    monkeypatch.setattr(tour_module, "to_json", lambda rows: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        tiny_tour(out)
    assert contents(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(
        {name.split("/")[0] for name in before})         # no staging folder left inside


@pytest.mark.parametrize("name", ["plot.png", "plot.pdf", "plot.svg"])
def test_plots_replace_only_lagropts_own_files(tmp_path, capsys, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    user = tmp_path / name
    user.write_bytes(b"the user's own picture")
    for args in ([*SOLVE, "--plot", name], ["descend", "x^2 + y^2", "--x0", "1,1", "--plot", name]):
        code, out, err = run_here(capsys, *args)
        assert code == 2 and out == "" and "lagropt did not write it" in one_line_error(err)
    assert user.read_bytes() == b"the user's own picture"
    code, out, err = run_here(capsys, *SOLVE, "--plot", name, "--force")
    assert code == 0, err
    code, out, err = run_here(capsys, *SOLVE, "--plot", name)      # now lagropt's own
    assert code == 0, err
    assert b"the user's own" not in user.read_bytes()
    assert sorted(contents(tmp_path)) == [name]                       # no temporary left


def test_a_solve_whose_pdf_fails_leaves_nothing(tmp_path, capsys, monkeypatch):
    """The .tex, the plot and the PDF of one run are written together or not at all."""
    def broken(*args, **kwargs):
        raise L.LatexError("doc.tex does not compile: Emergency stop")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("lagropt.latex.latex_available", lambda: True)
    monkeypatch.setattr("lagropt.latex.compile", broken)
    code, out, err = run_here(capsys, *SOLVE, "--latex", "doc.tex", "--pdf", "--plot", "p.png")
    assert code == 2 and "does not compile" in one_line_error(err)
    assert contents(tmp_path) == {}
