"""Roles of Confluence-native markup.

A role that cannot use its text (an unknown status colour or emoticon) logs a Sphinx
warning at its document and line (``type='confluence'``, ``subtype='markup'``) and
keeps the text.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from docutils.utils import unescape
from sphinx.roles import XRefRole
from sphinx.util import logging

from . import nodes as cn
from .latex import latex_to_math
from .values import EMOTICONS, STATUS_COLOURS

logger = logging.getLogger(__name__)

RoleResult = tuple[list[nodes.Node], list[nodes.system_message]]

_STATUS = re.compile(r"^(?P<title>.*?)\s*(?:<(?P<colour>[^<>]*)>|\[(?P<subtle>[^\[\]]*)\])?\s*$",
                     re.DOTALL)


def _warn(inliner: Any, lineno: int, message: str) -> None:
    env = inliner.document.settings.env
    logger.warning(message, location=(env.docname, lineno), type="confluence", subtype="markup")


def _located(node: nodes.Node, inliner: Any, lineno: int) -> nodes.Node:
    node.source, node.line = inliner.reporter.get_source_and_line(lineno)
    return node


def emoticon_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
                  options: Any = None, content: Any = None) -> RoleResult:
    value = unescape(text).strip()
    if value not in EMOTICONS:
        _warn(inliner, lineno, f"unknown emoticon {value!r}; known: {', '.join(EMOTICONS)}")
        return [nodes.Text(value)], []
    return [_located(cn.confluence_emoticon(rawtext, name=value), inliner, lineno)], []


def latex_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
               options: Any = None, content: Any = None) -> RoleResult:
    latex = latex_to_math(unescape(text, restore_backslashes=True))
    return [_located(nodes.math(rawtext, latex), inliner, lineno)], []


def link_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
              options: Any = None, content: Any = None) -> RoleResult:
    url = unescape(text).strip()
    node = cn.confluence_card_inline(rawtext)
    node += nodes.reference(url, url, refuri=url)
    return [_located(node, inliner, lineno)], []


def mention_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
                 options: Any = None, content: Any = None) -> RoleResult:
    user = unescape(text).strip()
    return [_located(cn.confluence_mention(rawtext, user=user), inliner, lineno)], []


def status_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
                options: Any = None, content: Any = None) -> RoleResult:
    match = _STATUS.match(unescape(text))
    assert match is not None  # the pattern matches every string
    title = match.group("title").strip()
    colour = match.group("colour") if match.group("colour") is not None else match.group("subtle")
    subtle = match.group("subtle") is not None
    if colour is not None and colour.strip().lower() not in STATUS_COLOURS:
        _warn(inliner, lineno, f"unknown status colour {colour!r}; use one of "
              f"{', '.join(STATUS_COLOURS)}")
        colour = None
    node = cn.confluence_status(rawtext, title=title or text,
                                colour=colour.strip().capitalize() if colour else None,
                                subtle=subtle)
    return [_located(node, inliner, lineno)], []


def strike_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
                options: Any = None, content: Any = None) -> RoleResult:
    value = unescape(text)
    return [nodes.inline(rawtext, value, classes=["strike"])], []


def jira_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
              options: Any = None, content: Any = None) -> RoleResult:
    key = unescape(text).strip()
    node = cn.jira_inline(rawtext, params={"key": key, "showSummary": "false"})
    return [_located(node, inliner, lineno)], []


class DocCardRole(XRefRole):
    """``:confluence_doc:`` -- Sphinx's ``:doc:`` cross-reference, shown as a smart link."""

    def __init__(self) -> None:
        super().__init__(warn_dangling=True, innernodeclass=nodes.inline)

    def run(self) -> RoleResult:
        self.refdomain, self.reftype = "std", "doc"
        self.classes = ["xref", "std", "std-doc"]
        return self.create_xref_node()

    def result_nodes(self, document: nodes.document, env: Any, node: nodes.Element,
                     is_ref: bool) -> RoleResult:
        card = cn.confluence_card_inline(self.rawtext)
        card += node
        card.source, card.line = node.source, node.line
        return [card], []


ROLES: dict[str, Any] = {
    "confluence_doc": DocCardRole(),
    "confluence_emoticon": emoticon_role,
    "confluence_latex": latex_role,
    "confluence_link": link_role,
    "confluence_mention": mention_role,
    "confluence_status": status_role,
    "confluence_strike": strike_role,
    "jira": jira_role,
}
