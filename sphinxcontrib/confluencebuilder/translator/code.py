"""Code blocks and math: ``literal_block``, ``doctest_block``, ``math``, ``math_block``.

Rendering choices (both editors use Confluence's ``code`` macro):

* ``language`` comes from ``confluence_lang_overrides`` first, then the editor's map in
  ``languages.py``; a close relative is used with a warning; anything else becomes
  ``none`` with one warning per language per build (``confluence.unsupported_code_lang``).
* ``:linenos:`` -> ``linenumbers``; ``:lineno-start:`` -> ``firstline``.
* ``theme`` comes from a ``confluence-theme-<name>`` class or ``confluence_code_block_theme``.
* A caption (``code-block :caption:``, ``literalinclude :caption:``): on ``v1`` the
  ``title`` parameter; the Cloud editor ignores ``title``, so on ``v2`` the caption is a
  bold paragraph right above the macro.
* The ``collapse`` class: on ``v1`` the ``collapse`` parameter; on ``v2`` (which ignores
  it) the macro is wrapped in an ``expand`` macro titled with the caption.
* A parsed literal (a literal block holding inline markup) becomes ``<pre>`` with that
  markup, since a code macro body can only hold plain text.
* Math lives in ``math_blocks.py`` (``CodeMixin`` includes it).
"""

from __future__ import annotations

from docutils import nodes

from ..storage import macro_end, macro_start, plain_text_body
from .fragments import rich_macro_end, rich_macro_start, strong_paragraph
from .languages import resolve_language
from .math_blocks import MathMixin, build_memory

#: lower-case name -> the spelling the code macro expects
THEMES = {
    "default": "Default",
    "confluence": "Confluence",
    "django": "DJango",
    "eclipse": "Eclipse",
    "emacs": "Emacs",
    "fadetogrey": "FadeToGrey",
    "midnight": "Midnight",
    "rdark": "RDark",
}
_THEME_CLASS = "confluence-theme-"


class CodeMixin(MathMixin):
    """Translator methods for code blocks and math (see the module docstring)."""

    # -- code blocks ------------------------------------------------------------------

    def visit_container(self, node: nodes.Element) -> None:
        if not node.get("literal_block"):
            fallback = getattr(super(), "visit_container", self.unknown_visit)
            fallback(node)
            return
        caption = ""
        for child in node.children:
            if isinstance(child, nodes.caption):
                caption = child.astext()
        self.body.append(self.anchors_for(node))
        for child in node.children:
            if isinstance(child, nodes.literal_block):
                self._code_block(child, caption=caption, extra_classes=node["classes"])
            elif not isinstance(child, nodes.caption):
                child.walkabout(self)
        raise nodes.SkipNode

    def depart_container(self, node: nodes.Element) -> None:
        fallback = getattr(super(), "depart_container", self.unknown_departure)
        fallback(node)

    def visit_literal_block(self, node: nodes.literal_block) -> None:
        if node.rawsource != node.astext() and any(
            isinstance(child, nodes.Element) for child in node.children
        ):
            # parsed literal: keep the inline markup
            self.body.append(self.anchors_for(node) + "<pre>")
            return
        self._code_block(node)
        raise nodes.SkipNode

    def depart_literal_block(self, node: nodes.literal_block) -> None:
        self.body.append("</pre>")

    def visit_doctest_block(self, node: nodes.doctest_block) -> None:
        self._code_block(node, language="python")
        raise nodes.SkipNode

    def _code_block(
        self,
        node: nodes.Element,
        *,
        caption: str = "",
        extra_classes: list[str] | None = None,
        language: str | None = None,
    ) -> None:
        classes = list(node.get("classes", ())) + list(extra_classes or ())
        if language is None:
            language = self._code_language(node)
        params: dict[str, object] = {"language": language}
        if node.get("linenos"):
            params["linenumbers"] = "true"
            start = (node.get("highlight_args") or {}).get("linenostart")
            if start is not None:
                params["firstline"] = start
        params["theme"] = self._code_theme(node, classes)
        collapse = "collapse" in classes
        if self.editor != "v2":
            params["title"] = caption or None
            params["collapse"] = "true" if collapse else None
        macro = macro_start("code", params) + plain_text_body(node.astext()) + macro_end()
        if self.editor == "v2":
            if collapse:
                macro = rich_macro_start("expand", {"title": caption or None}) + macro
                macro += rich_macro_end()
            elif caption:
                macro = strong_paragraph(caption) + macro
        self.body.append(self.anchors_for(node) + macro)

    def _code_language(self, node: nodes.Element) -> str:
        requested = node.get("language") or "default"
        overrides = getattr(self.config, "confluence_lang_overrides", None)
        language, exact = resolve_language(requested, self.editor, overrides)
        if not exact:
            warned = build_memory(self.builder, "_confluence_warned_code_langs")
            if requested not in warned:
                warned.add(requested)
                if language == "none":
                    detail = "it is shown without highlighting"
                else:
                    detail = f"it is highlighted as {language!r}"
                self.warn(
                    f"code language {requested!r} is not supported by Confluence "
                    f"(editor {self.editor}); {detail}. Map it with confluence_lang_overrides.",
                    node,
                    subtype="unsupported_code_lang",
                )
        return language

    def _code_theme(self, node: nodes.Element, classes: list[str]) -> str | None:
        for cls in classes:
            if cls.startswith(_THEME_CLASS):
                name = cls[len(_THEME_CLASS) :]
                if name.lower() in THEMES:
                    return THEMES[name.lower()]
                self.warn(
                    f"unknown code block theme {name!r} (known: {', '.join(THEMES.values())})",
                    node,
                    subtype="unsupported_code_block_theme",
                )
        configured = getattr(self.config, "confluence_code_block_theme", None)
        if configured:
            return THEMES.get(str(configured).lower(), str(configured))
        return None


__all__ = ["THEMES", "CodeMixin"]
