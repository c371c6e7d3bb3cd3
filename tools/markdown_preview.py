"""Look at the Markdown export in a real browser: an HTML page of the lecture's examples.

By default the page is made the way MyST and Jupyter Book make theirs: markdown-it-py with its
``dollarmath`` plugin turns the export of ``to_markdown()`` into HTML, math in
``span.math``/``div.math`` elements, and KaTeX (Debian's ``libjs-katex``, no network) typesets
each of them with ``throwOnError``. With ``--paren`` the export is ``to_markdown(inline="\\(")``,
its math passed through by markdown-it's ``texmath`` plugin as ``\\(...\\)`` and
``\\[...\\]``, and KaTeX's auto-render scans the whole page with its default delimiters (as
MathJax 3 does). A fragment KaTeX refuses is shown in red; the page's title counts the errors
and the typeset formulas. Usage, from the repository root::

    python tools/markdown_preview.py /tmp/md-preview.html
    chromium --headless --no-sandbox --screenshot=/tmp/md.png --window-size=1000,1400 \\
        file:///tmp/md-preview.html

(``apt-get install chromium libjs-katex``; add ``--hostile`` for a title and symbol names
chosen to break Markdown and HTML.)
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

import sympy as sp
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.texmath import texmath_plugin

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lagropt  # noqa: E402
from lagropt.tour.examples import lecture_examples  # noqa: E402

KATEX = Path("/usr/share/javascript/katex")

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>lagropt Markdown export</title>
<link rel="stylesheet" href="file://{katex}/katex.min.css">
<script src="file://{katex}/katex.min.js"></script>
<script src="file://{katex}/contrib/auto-render.js"></script>
<style>body {{ font-family: sans-serif; max-width: 900px; margin: 1em auto; }}
.error {{ color: #c00; font-family: monospace; }}</style></head>
<body>
{body}
<script>
let errors = 0;
{typeset}
document.title = "KaTeX errors: " + errors + ", formulas: " +
  document.querySelectorAll(".katex").length;
</script>
</body></html>
"""


def examples(hostile: bool) -> list[tuple[str, object]]:
    """(title, result) of the lecture's examples, or of a problem with hostile names."""
    if hostile:
        x, s = sp.Symbol("x", real=True), sp.Symbol("a<b>`$", real=True)
        sol = lagropt.maximize(-(x - 1)**2 - (s - 2)**2, subject_to=[sp.Eq(x, s)]).solve()
        return [("<script>alert(1)</script> *not bold* $not math$ \\(nor this\\)", sol)]
    named = {e.name: e.problem for e in lecture_examples()}
    X, Y = sp.symbols("X Y", real=True)
    kkt = lagropt.minimize(X**2 + Y**2, [X + Y >= 1, X <= 5]).solve()
    return [("Paraboloid on x = y", named["paraboloid-on-line"].solve()),
            ("Coin entropy, p1 + p2 = 1", named["coin-normalised"].solve()),
            ("A KKT problem: min X^2 + Y^2, X + Y >= 1, X <= 5", kkt),
            ("Its shadow prices", kkt.shadow_prices())]


# each math element typeset by itself (MyST, Jupyter Book)
BY_ELEMENT = """for (const el of document.querySelectorAll(".math")) {
  try {
    katex.render(el.textContent, el, {displayMode: el.classList.contains("block"),
                                      throwOnError: true});
  } catch (e) {
    errors += 1;
    el.className = "error";
    el.textContent = "KaTeX: " + e.message;
  }
}"""
# the whole page scanned for the default delimiters (MathJax 3, KaTeX auto-render)
WHOLE_PAGE = """renderMathInElement(document.body, {throwOnError: true,
  errorCallback: (message, error) => { errors += 1; console.log(message); }});"""


def _paren_parser() -> MarkdownIt:
    """markdown-it reading \\(...\\) and \\[...\\], writing them back out as text for the
    page's scan."""
    parser = MarkdownIt("commonmark").use(texmath_plugin, delimiters="brackets")
    parser.add_render_rule("math_inline", lambda self, tokens, i, options, env:
                           "\\(" + html.escape(tokens[i].content) + "\\)")
    parser.add_render_rule("math_block", lambda self, tokens, i, options, env:
                           "<div>\\[" + html.escape(tokens[i].content) + "\\]</div>\n")
    return parser


def page(hostile: bool = False, paren: bool = False) -> str:
    """The HTML page of the examples' ``to_markdown()`` (``inline="\\("`` when ``paren``)."""
    inline = "\\(" if paren else "$"
    markdown = "\n".join(result.to_markdown(inline=inline, title=title)
                          for title, result in examples(hostile))
    parser = _paren_parser() if paren else MarkdownIt("commonmark").use(dollarmath_plugin)
    return PAGE.format(katex=html.escape(str(KATEX)), body=parser.render(markdown),
                       typeset=WHOLE_PAGE if paren else BY_ELEMENT)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the HTML file to write")
    parser.add_argument("--hostile", action="store_true", help="hostile title and names")
    parser.add_argument("--paren", action="store_true", help="inline math \\(...\\), the whole "
                        "page scanned by KaTeX auto-render")
    args = parser.parse_args(argv)
    if not (KATEX / "katex.min.js").exists():
        print(f"KaTeX not found in {KATEX} (apt-get install libjs-katex)", file=sys.stderr)
        return 2
    Path(args.out).write_text(page(args.hostile, args.paren), encoding="utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
