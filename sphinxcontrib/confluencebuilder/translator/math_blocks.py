"""Math: ``math``, ``math_block`` (and the legacy ``displaymath``).

Ways to publish it, in this order (``tools.math_plan``):

* ``confluence_latex_macro``: a marketplace LaTeX macro. A string names one macro for
  blocks and inline math; a dict names ``block-macro`` and ``inline-macro``, and with
  ``inline-macro-param`` the inline LaTeX goes into that parameter instead of the body.
* ``confluence_mathjax``: MathJax delimiters as plain text, ``\\(...\\)`` inline and
  ``\\[...\\]`` for blocks (needs MathJax on the Confluence instance).
* Images attached to the page (``math_images``): drawn by LaTeX through
  ``sphinx.ext.imgmath``'s functions when LaTeX and dvipng/dvisvgm are installed, else by
  matplotlib's mathtext (the first equation of a build logs which, once). Inline images
  sit on the text baseline (``v1``; the Cloud editor ignores the offset). An equation
  the drawer cannot draw keeps its LaTeX source, with one ``confluence.math`` warning
  at its line naming the reason and what to install.
* With no drawer at all the LaTeX source is shown: a ``code`` macro for blocks
  (language ``tex`` on ``v2``, ``none`` on ``v1``) and ``<code>`` inline, and the first
  math node of a build logs one warning (``confluence.math``) saying what to install.

An equation number is written "(n)" before the block; the equation's ids are anchors,
so ``:eq:`` references land on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging

from ..storage import element, end_tag, escape, macro_end, macro_start, plain_text_body, start_tag
from ..tools import LATEX_PACKAGES, MATHTEXT_PACKAGE, math_plan, toolbox_of
from .base import warn_at
from .math_images import MathImage, MathUndrawable, math_renderer

if TYPE_CHECKING:
    from .base import TranslatorBase as _Base
else:
    _Base = object

logger = logging.getLogger(__name__)


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
            images = self._math_images(node, latex, display=False)
            if images:
                self.body.append(self._inline_math_image(images[0], latex))
            else:
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
        elif images := self._math_images(node, latex, display=True):
            out.extend(self._block_math_image(image, latex) for image in images)
        else:
            language = "tex" if self.editor == "v2" else "none"
            out.append(
                macro_start("code", {"language": language}) + plain_text_body(latex) + macro_end()
            )
        self.body.append("".join(out))
        raise nodes.SkipNode

    # ``displaymath`` was Sphinx's pre-1.8 node; third-party extensions may still use it.
    visit_displaymath = visit_math_block

    def _math_images(self, node: nodes.Element, latex: str, display: bool) -> list[MathImage]:
        """The equation drawn (empty when it is shown as source, reported here)."""
        if "ext-imgmath" in (self.option("confluence_adv_restricted") or ()):
            return []  # confluence_adv_restricted: equations stay source, as asked
        renderer = math_renderer(self.builder)
        if not renderer.draws:
            self._math_notice(node)
            return []
        try:
            if display:
                return renderer.block(latex, bool(node.get("nowrap") or node.get("no-wrap")))
            return [renderer.inline(latex)]
        except MathUndrawable as exc:
            self.warn(undrawable_message(renderer.plan, str(exc)), node, subtype="math")
            return []

    def _math_image_tag(self, image: MathImage, latex: str, values: dict[str, object]) -> str:
        name = self.add_attachment(image.path)
        if self.option("imgmath_add_tooltips", True):
            values["ac:alt"] = latex.strip()
        return (
            start_tag("ac:image", values)
            + start_tag("ri:attachment", {"ri:filename": name}, empty=True)
            + end_tag("ac:image")
        )

    def _inline_math_image(self, image: MathImage, latex: str) -> str:
        tag = self._math_image_tag(image, latex, {})
        if image.depth and self.editor == "v1":
            return start_tag("span", {"style": f"vertical-align: {-image.depth}px;"}) + tag + end_tag("span")
        return tag

    def _block_math_image(self, image: MathImage, latex: str) -> str:
        values: dict[str, object] = {"ac:align": "center"}
        if self.editor == "v2":
            values["ac:layout"] = "center"
        return start_tag("p", {"style": "text-align: center;"}) + self._math_image_tag(image, latex, values) + end_tag("p")

    def _math_notice(self, node: nodes.Element) -> None:
        seen = build_memory(self.builder, "_confluence_math_noticed")
        if not seen:
            seen.add("noticed")
            self.warn(MATH_NOTICE, node, subtype="math")


MATH_NOTICE = (
    "math is not rendered for Confluence: equations are published as their LaTeX "
    f"source; install {LATEX_PACKAGES}, or {MATHTEXT_PACKAGE} (or set "
    "confluence_latex_macro or confluence_mathjax)"
)


def undrawable_message(plan: str, reason: str) -> str:
    """The warning for one equation that stays LaTeX source."""
    if plan == "mathtext":
        return (
            f"equation published as LaTeX source: {reason}; install {LATEX_PACKAGES} "
            "to draw all of LaTeX"
        )
    return f"equation published as LaTeX source: {reason}; check the LaTeX of this equation"


def notice_math_early(builder: Any, doctree: nodes.document) -> None:
    """Give the once-per-build math notice at the first math node of this document, if
    it is due. Called by the builder in the main process before a document goes to a
    parallel worker, so workers forked later know it was given and do not repeat it."""
    plan = math_plan(builder.config, toolbox_of(builder))
    if plan in ("macro", "mathjax", "imgmath"):
        return
    seen = build_memory(builder, "_confluence_math_noticed")
    if seen:
        return
    node = next(iter(doctree.findall(_is_math)), None)
    if node is None:
        return
    seen.add("noticed")
    if plan == "source":
        warn_at(MATH_NOTICE, node, "math")
    else:
        logger.info(
            "confluence: LaTeX (or dvipng/dvisvgm) not found: equations are drawn with "
            "matplotlib's mathtext, a subset of LaTeX; install %s to draw all of it",
            LATEX_PACKAGES,
        )


def _is_math(node: nodes.Node) -> bool:
    return isinstance(node, (nodes.math, nodes.math_block)) or (
        node.__class__.__name__ == "displaymath"
    )


__all__ = ["MATH_NOTICE", "MathMixin", "build_memory", "notice_math_early"]
