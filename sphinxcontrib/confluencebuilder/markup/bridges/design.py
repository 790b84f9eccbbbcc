"""sphinx-design: dropdowns become ``expand`` macros, tab sets tabs (see ``tabs.py``),
cards ``panel`` macros titled with the card title, and badges ``status`` macros.

Outside HTML, sphinx-design leaves its components as containers marked with a
``design_component`` attribute, a rubric holding a dropdown's or a tab's title. A card's
title and its ``:link:`` come wrapped in a ``PassthroughTextElement``: unwrapped here (the
link becomes a paragraph at the end of the panel). A link of a card, button or badge to
its own document points to the page's first anchor (or is left as plain text when the
page has none), so no ``ac:link`` is written without a page or an anchor. Icons
(octicons, Material and Font Awesome icons) are images without text: they are left out.
"""

from __future__ import annotations

from docutils import nodes

from ..nodes import (
    confluence_expand,
    confluence_panel,
    confluence_status,
    confluence_tab,
    confluence_tabs,
)
from .base import BridgeTransform, located, of_class

#: sphinx-design semantic colours -> status macro colours
BADGE_COLOURS = {
    "primary": "Blue", "secondary": "Grey", "success": "Green", "info": "Blue",
    "warning": "Yellow", "danger": "Red", "light": "Grey", "muted": "Grey", "dark": "Grey",
    "black": "Grey", "white": "Grey",
}


def _component(node: nodes.Node, name: str) -> bool:
    return isinstance(node, nodes.Element) and node.get("design_component") == name


def _title(node: nodes.Element) -> tuple[str, list[nodes.Node]]:
    """The text of a leading rubric and the remaining children."""
    children = list(node.children)
    if children and isinstance(children[0], nodes.rubric):
        return children[0].astext().strip(), children[1:]
    return "", children


def _badge_status(node: nodes.Element) -> confluence_status:
    colour, subtle = None, False
    for cls in node.get("classes", ()):
        for prefix, outline in (("sd-bg-text-", False), ("sd-text-", True)):
            if cls.startswith(prefix) and cls[len(prefix):] in BADGE_COLOURS:
                colour, subtle = BADGE_COLOURS[cls[len(prefix):]], outline
    text = node.astext()
    return confluence_status(node.rawsource, title=text, colour=colour, subtle=subtle)


class Bridge(BridgeTransform):
    extensions = ("sphinx_design",)

    def bridge(self) -> None:
        doc = self.document
        self._unwrap_passthrough()
        self._fix_self_links()
        for icon in list(doc.findall(lambda n: of_class(n, "sphinx_design", "sd_icon")
                                     or of_class(n, "sphinx_design", "fontawesome"))):
            icon.parent.remove(icon)
        for node in reversed(list(doc.findall(lambda n: _component(n, "dropdown")))):
            title, rest = _title(node)
            expand = located(confluence_expand(title=title), node)
            expand.extend(rest)
            node.replace_self(expand)
        for node in reversed(list(doc.findall(lambda n: _component(n, "tab-set")))):
            node.replace_self(self._tabs(node))
        for node in reversed(list(doc.findall(lambda n: _component(n, "card")))):
            node.replace_self(self._card(node))
        for node in list(doc.findall(nodes.inline)):
            if of_class(node, "sphinx_design", "sd_badge"):
                node.replace_self(located(_badge_status(node), node))

    def _unwrap_passthrough(self) -> None:
        for node in list(self.document.findall(
                lambda n: of_class(n, "sphinx_design", "PassthroughTextElement"))):
            if isinstance(node.parent, nodes.TextElement):
                node.replace_self(node.children)
            else:  # at block level (a card's link): a paragraph of its own
                node.replace_self(located(nodes.paragraph("", "", *node.children), node))

    def _fix_self_links(self) -> None:
        """An internal link of a component to its own document, with no anchor."""
        top = next((s["ids"][0] for s in self.document.findall(nodes.section)
                    if s.get("ids")), None)
        for ref in list(self.document.findall(nodes.reference)):
            if "refid" in ref or not ref.get("internal"):
                continue
            if not any(c.startswith("sd-") for c in ref.get("classes", ())):
                continue
            target, _, anchor = ref.get("refuri", "").partition("#")
            if anchor or target not in ("", self.env.docname):
                continue
            if top is not None:
                ref["refid"] = top
                del ref["refuri"]
            else:
                ref.replace_self(ref.children)

    def _tabs(self, node: nodes.Element) -> confluence_tabs:
        tabs = located(confluence_tabs(), node)
        for item in node.children:
            if not _component(item, "tab-item"):
                continue
            title, rest = _title(item)
            tab = confluence_tab(title=title)
            for part in rest:
                tab.extend(part.children if _component(part, "tab-content") else [part])
            tabs += tab
        return tabs

    def _card(self, node: nodes.Element) -> confluence_panel:
        title = ""
        for part in list(node.findall(lambda n: _component(n, "card-title"))):
            title = title or part.astext().strip()
            part.parent.remove(part)
        panel = located(confluence_panel(params={"title": title} if title else {}), node)
        for part in node.children:
            if _component(part, "card-overlay"):
                panel.extend(part.children)
            elif isinstance(part, nodes.container) and part.get("design_component"):
                panel.extend(part.children)  # header, body, footer
            else:
                panel += part
        return panel
