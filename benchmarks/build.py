"""Benchmark: build a generated 500-page project with ``-b confluence`` and ``-b text``.

Usage: python benchmarks/build.py [--pages N] [--jobs J] [--keep] [--builders A,B]

``--builders singleconfluence,singlehtml`` compares the one-page builders instead.

Both builds run as separate ``python -m sphinx`` processes on the same sources, each into
a fresh output and doctree directory, and the wall-clock times and their ratio are
printed. Nothing is asserted: this is a measurement, not a test.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=1)
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
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
