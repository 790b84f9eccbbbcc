"""LaTeX of ``confluence_latex`` as math-mode LaTeX.

The long-standing directive and role take LaTeX *text* with ``$...$`` math in it
(``$\\mathfrak{H}$ello world!``). Math nodes hold math-mode LaTeX, so text runs are
wrapped in ``\\text{...}`` and the ``$`` delimiters dropped; LaTeX without a ``$`` is
already math. The result renders the same through every math path (MathJax in HTML,
images, a LaTeX macro, the source shown as code).
"""

from __future__ import annotations

import re

_DOLLAR = re.compile(r"(?<!\\)\${1,2}")


def latex_to_math(latex: str) -> str:
    text = latex.strip()
    parts = _DOLLAR.split(text)
    if len(parts) == 1:
        return text
    out: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:  # inside $...$
            out.append(part)
        elif part:
            out.append("\\text{" + part + "}")
    return "".join(out)
