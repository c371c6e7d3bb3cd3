"""Typeset every math fragment of the Markdown export with MathJax 3, as a check beside KaTeX.

MathJax 3 is not packaged by Debian; install it from npm into a folder of your choice and pass
its ``node_modules``::

    npm install --prefix /tmp/mj3 mathjax-full@3
    python tools/mathjax3_check.py /tmp/mj3/node_modules

The fragments are those of ``to_markdown()`` for the lecture's examples and a problem with
hostile names (see ``tools/markdown_preview.py``), read back by markdown-it's ``dollarmath``.
MathJax runs with the TeX packages ``base`` and ``ams`` (its default setup has no
``textmacros``: commands inside ``\\text{}`` would print as they are, which is why the export
keeps them out) and throws on any error. Prints the number of fragments and the errors; exits
1 when there is one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

sys.path.insert(0, str(Path(__file__).resolve().parent))

from markdown_preview import examples  # noqa: E402

SCRIPT = """
const m = process.argv[1] + "/mathjax-full/js/";
const {mathjax} = require(m + "mathjax.js");
const {TeX} = require(m + "input/tex.js");
const {SVG} = require(m + "output/svg.js");
const {liteAdaptor} = require(m + "adaptors/liteAdaptor.js");
const {RegisterHTMLHandler} = require(m + "handlers/html.js");
require(m + "input/tex/base/BaseConfiguration.js");
require(m + "input/tex/ams/AmsConfiguration.js");
RegisterHTMLHandler(liteAdaptor());
const tex = new TeX({packages: ["base", "ams"], formatError: (jax, err) => { throw err; }});
const doc = mathjax.document("", {InputJax: tex, OutputJax: new SVG({fontCache: "none"})});
let input = "";
process.stdin.on("data", d => input += d);
process.stdin.on("end", () => {
  const errors = [];
  for (const f of JSON.parse(input)) {
    try { doc.convert(f.tex, {display: f.display}); }
    catch (e) { errors.push({tex: f.tex, error: String(e.message)}); }
  }
  console.log(JSON.stringify(errors));
});
"""


def fragments() -> list[dict]:
    """Every math fragment of the examples' ``to_markdown()``, as dollarmath reads it."""
    parser = MarkdownIt("commonmark").use(dollarmath_plugin)
    out = []
    for hostile in (False, True):
        for title, result in examples(hostile):
            for token in parser.parse(result.to_markdown(title=title)):
                for t in [token, *(token.children or [])]:
                    if t.type in ("math_inline", "math_block"):
                        out.append({"tex": t.content.strip(), "display": t.type == "math_block"})
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or not (Path(argv[0]) / "mathjax-full").is_dir():
        print("usage: python tools/mathjax3_check.py NODE_MODULES (with mathjax-full in it: "
              "npm install --prefix DIR mathjax-full@3)", file=sys.stderr)
        return 2
    found = fragments()
    done = subprocess.run(["node", "-e", SCRIPT, str(Path(argv[0]).resolve())],
                          input=json.dumps(found), capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 2
    errors = json.loads(done.stdout)
    print(f"MathJax 3: {len(found)} fragments, {len(errors)} errors")
    for e in errors:
        print(f"  {e['error']}: {e['tex']}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
