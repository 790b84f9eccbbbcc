"""Math: ``math``, ``math_block`` (and the legacy ``displaymath``).

Math is never rendered to images. Three ways to publish it, chosen by config:

* ``confluence_latex_macro``: a marketplace LaTeX macro. A string names one macro for
  blocks and inline math; a dict names ``block-macro`` and ``inline-macro``, and with
  ``inline-macro-param`` the inline LaTeX goes into that parameter instead of the body.
* ``confluence_mathjax``: MathJax delimiters as plain text, ``\\(...\\)`` inline and
  ``\\[...\\]`` for blocks (needs MathJax on the Confluence instance).
* Otherwise the LaTeX source is shown: a ``code`` macro for blocks (language ``tex`` on
  ``v2``, ``none`` on ``v1``) and ``<code>`` inline, and the first math node of a build
  logs one warning (``confluence.math``) saying so.

An equation number is written "(n)" before the block; the equation's ids are anchors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..storage import element, escape, macro_end, macro_start, plain_text_body
from .base import warn_at

if TYPE_CHECKING:
    from .base import TranslatorBase as _Base
else:
    _Base = object


def build_memory(builder: Any, name: str) -> set[str]:
    """A set that lives as long as the builder (one build), for once-per-build warnings."""
    memory = getattr(builder, name, None)
    if memory is None:
        memory = set()
        setattr(builder, name, memory)
    return memory


class MathMixin(_Base):
    """Translator methods for math (see the module docstring)."""

    def _latex_macros(self) -> tuple[str | None, str | None, str | None]:
        """(block macro, inline macro, inline parameter) from ``confluence_latex_macro``."""
        value = getattr(self.config, "confluence_latex_macro", None)
        if not value:
            return None, None, None
        if isinstance(value, Mapping):
            return (
                value.get("block-macro") or None,
                value.get("inline-macro") or None,
                value.get("inline-macro-param") or None,
            )
        return str(value), str(value), None

    def visit_math(self, node: nodes.Element) -> None:
        latex = node.astext()
        _, macro, param = self._latex_macros()
        if macro and param:
            self.body.append(macro_start(macro, {param: latex}) + macro_end())
        elif macro:
            self.body.append(macro_start(macro) + plain_text_body(latex) + macro_end())
        elif getattr(self.config, "confluence_mathjax", False):
            self.body.append(escape(f"\\({latex}\\)"))
        else:
            self._math_notice(node)
            self.body.append(element("code", latex))
        raise nodes.SkipNode

    def visit_math_block(self, node: nodes.Element) -> None:
        latex = node.astext()
        number = node.get("number")
        out = [self.anchors_for(node)]
        if number:
            out.append(element("p", f"({number})"))
        macro, _, _ = self._latex_macros()
        if macro:
            out.append(macro_start(macro) + plain_text_body(latex) + macro_end())
        elif getattr(self.config, "confluence_mathjax", False):
            out.append(element("p", f"\\[{latex}\\]"))
        else:
            self._math_notice(node)
            language = "tex" if self.editor == "v2" else "none"
            out.append(
                macro_start("code", {"language": language}) + plain_text_body(latex) + macro_end()
            )
        self.body.append("".join(out))
        raise nodes.SkipNode

    # ``displaymath`` was Sphinx's pre-1.8 node; third-party extensions may still use it.
    visit_displaymath = visit_math_block

    def _math_notice(self, node: nodes.Element) -> None:
        seen = build_memory(self.builder, "_confluence_math_noticed")
        if not seen:
            seen.add("noticed")
            self.warn(MATH_NOTICE, node, subtype="math")


MATH_NOTICE = (
    "math is not rendered for Confluence: equations are published as their "
    "LaTeX source (set confluence_latex_macro or confluence_mathjax to change this)"
)


def notice_math_early(builder: Any, doctree: nodes.document) -> None:
    """Give the once-per-build math notice at the first math node of this document, if
    it is due. Called by the builder in the main process before a document goes to a
    parallel worker, so workers forked later know it was given and do not repeat it."""
    config = builder.config
    if getattr(config, "confluence_latex_macro", None):
        return
    if getattr(config, "confluence_mathjax", False):
        return
    seen = build_memory(builder, "_confluence_math_noticed")
    if seen:
        return
    node = next(iter(doctree.findall(_is_math)), None)
    if node is not None:
        seen.add("noticed")
        warn_at(MATH_NOTICE, node, "math")


def _is_math(node: nodes.Node) -> bool:
    return isinstance(node, (nodes.math, nodes.math_block)) or (
        node.__class__.__name__ == "displaymath"
    )


__all__ = ["MATH_NOTICE", "MathMixin", "build_memory", "notice_math_early"]
