"""Benchmark: build a generated 500-page project with ``-b confluence`` and ``-b text``;
then draw 200 equations with imgmath (LaTeX) and with the mathtext fallback.

Usage: python benchmarks/build.py [--pages N] [--jobs J] [--equations E] [--keep]
                                  [--builders A,B]

``--builders singleconfluence,singlehtml`` compares the one-page builders instead.

Both builds run as separate ``python -m sphinx`` processes on the same sources, each into
a fresh output and doctree directory, and the wall-clock times and their ratio are
printed. The math line builds ``E`` distinct equations (10 pages) with each drawer from
an empty cache, then rebuilds everything (``-E``) with a tenth of the equations changed
and prints the share of equations the image cache answered. Nothing is asserted: this
is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONF = """\
extensions = ["sphinxcontrib.confluencebuilder"]
project = "Benchmark"
exclude_patterns = ["_build"]
numfig = True
"""

PAGE = """\
.. _page-{n}:

Page {n}: generated content
{underline}

Intro paragraph for page {n} with *emphasis*, **strong text**, ``inline code`` and a
link to `the example site <https://example.com/{n}>`_. See also :ref:`page-{prev}` and
:doc:`page{next:04d}`.

Section one
-----------

* first bullet with a :ref:`reference <section-{n}>`
* second bullet

  #. nested enumerated item
  #. another one

.. code-block:: python

   def function_{n}(value):
       return value * {n}  # page {n}

.. note::

   An admonition on page {n}.

.. warning:: A short warning.

.. _section-{n}:

Section two
-----------

.. list-table:: Table {n}
   :header-rows: 1

   * - Name
     - Value
   * - alpha
     - {n}
   * - beta
     - {twice}

Term {n}
   Definition of the term.

| A line block
| with two lines

    A block quote with some text.

Subsection
~~~~~~~~~~

Final paragraph with a footnote [#f{n}]_.

.. [#f{n}] The footnote text of page {n}.
"""


def generate(root: Path, pages: int) -> None:
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    names = [f"page{n:04d}" for n in range(pages)]
    toctree = "\n".join(f"   {name}" for name in names)
    (root / "index.rst").write_text(
        f"Benchmark\n=========\n\n.. toctree::\n   :maxdepth: 2\n\n{toctree}\n", encoding="utf-8"
    )
    for n, name in enumerate(names):
        title = f"Page {n}: generated content"
        text = PAGE.format(
            n=n,
            underline="=" * len(title),
            prev=(n - 1) % pages,
            next=(n + 1) % pages,
            twice=2 * n,
        )
        (root / f"{name}.rst").write_text(text, encoding="utf-8")


def build(root: Path, builder: str, jobs: int) -> float:
    out = root / "_build" / builder
    doctrees = root / "_build" / f"doctrees-{builder}"
    for path in (out, doctrees):
        shutil.rmtree(path, ignore_errors=True)
    command = [
        sys.executable, "-m", "sphinx", "-q", "-b", builder, "-j", str(jobs),
        "-d", str(doctrees), str(root), str(out),
    ]  # fmt: skip
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"{builder} build failed with exit code {result.returncode}")
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    print(f"{builder:>10}: {elapsed:7.2f} s  ({len(warnings)} warnings)")
    return elapsed


MATH_CONF = CONF + "imgmath_latex = {latex!r}\n"


def generate_math(root: Path, equations: int, salt: str = "") -> None:
    """``equations`` distinct equations on 10 pages, half inline, half display."""
    per_page = max(equations // 10, 1)
    names = []
    for page in range(0, equations, per_page):
        name = f"eq{page:04d}"
        names.append(name)
        lines = [f"Equations {page}", "=" * 20, ""]
        for n in range(page, min(page + per_page, equations)):
            # a tenth of the equations carry the salt: changing it changes them
            tag = salt if n % 10 == 0 else ""
            if n % 2:
                lines += [f"Inline :math:`x_{{{n}}}^2 + \\frac{{{n}{tag}}}{{y}}` here.", ""]
            else:
                lines += [".. math::", "", f"   \\sum_{{k=0}}^{{{n}}} k^{{2}} = S_{{{n}{tag}}}", ""]
        (root / f"{name}.rst").write_text("\n".join(lines), encoding="utf-8")
    toctree = "\n".join(f"   {name}" for name in names)
    (root / "index.rst").write_text(f"Math\n====\n\n.. toctree::\n\n{toctree}\n",
                                    encoding="utf-8")


def math_build(root: Path, latex: str, fresh: bool) -> tuple[float, int]:
    """One confluence build of the math project: seconds, images drawn (new cache files)."""
    (root / "conf.py").write_text(MATH_CONF.format(latex=latex), encoding="utf-8")
    doctrees = root / "_build" / f"doctrees-{latex}"
    if fresh:
        shutil.rmtree(doctrees, ignore_errors=True)
    cache = doctrees / "confluence-math"
    before = set(cache.iterdir()) if cache.is_dir() else set()
    command = [sys.executable, "-m", "sphinx", "-q", "-E", "-b", "confluence", "-d",
               str(doctrees), str(root), str(root / "_build" / f"out-{latex}")]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"math build failed with exit code {result.returncode}")
    drawn = len(set(cache.iterdir()) - before) if cache.is_dir() else 0
    return elapsed, drawn


def bench_math(root: Path, equations: int) -> None:
    have_latex = bool(shutil.which("latex") and shutil.which("dvipng"))
    drawers = [("imgmath", "latex")] if have_latex else []
    drawers.append(("mathtext", "no-such-latex"))  # no LaTeX: the fallback draws
    if not have_latex:
        print("      math: imgmath skipped (no latex/dvipng on this machine)")
    for label, latex in drawers:
        generate_math(root, equations)
        first, drawn = math_build(root, latex, fresh=True)
        generate_math(root, equations, salt="+1")
        again, redrawn = math_build(root, latex, fresh=False)
        hits = (equations - redrawn) / equations
        print(f"{label:>10}: {equations} equations {first:7.2f} s ({drawn} drawn); rebuild -E "
              f"with {equations // 10} changed {again:7.2f} s, cache hit rate {hits:.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--equations", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the generated project")
    parser.add_argument("--builders", default="confluence,text",
                        help="two builders to compare (default: confluence,text)")
    args = parser.parse_args()
    first_builder, second_builder = args.builders.split(",")

    root = Path(tempfile.mkdtemp(prefix="scb-bench-"))
    try:
        generate(root, args.pages)
        print(f"project: {args.pages} pages + index in {root}, -j {args.jobs}")
        first = build(root, first_builder, args.jobs)
        second = build(root, second_builder, args.jobs)
        print(f"     ratio: {first / second:7.2f} ({first_builder} / {second_builder})")
        if args.equations > 0:
            math_root = root / "math"
            math_root.mkdir()
            bench_math(math_root, args.equations)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
