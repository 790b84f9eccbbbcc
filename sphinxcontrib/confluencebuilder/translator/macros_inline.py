"""Confluence-native markup as storage format: inline nodes, smart-link cards, raw HTML.

* ``confluence_emoticon``: ``<ac:emoticon ac:name="..."/>``.
* ``confluence_mention``: ``<ac:link><ri:user .../></ac:link>``; the name goes through
  ``confluence_mentions`` first; a value with ``:`` is a Cloud account id, 32 characters
  a Data Center user key, anything else a user name.
* ``confluence_status``: ``status`` (``colour``, ``title``, ``subtle``).
* ``jira_inline``: ``jira`` (``key``, ``showSummary`` false).
* Cards (``confluence_doc`` / ``confluence_link``): on ``v2`` a smart link with
  ``ac:card-appearance`` (documents) or ``data-card-appearance`` (URLs), plus
  ``layout`` / ``width`` for embeds; ``v1`` has no smart links, so a block card is an
  ordinary link in a ``panel`` and an inline one an ordinary link.
* ``raw`` HTML with ``confluence_permit_raw_html``: ``True`` injects it as is, a macro
  name wraps it in that macro (plain body); otherwise it is left out with a warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..storage import (
    cdata,
    element,
    end_tag,
    escape,
    macro_end,
    macro_start,
    plain_text_body,
    start_tag,
)
from .fragments import rich_macro_end, rich_macro_start

if TYPE_CHECKING:
    from .base import TranslatorBase as _Base
else:
    _Base = object


def user_attribute(identifier: str) -> str:
    """The ``ri:user`` attribute naming a user by ``identifier``."""
    if ":" in identifier:
        return "ri:account-id"
    if len(identifier) == 32:
        return "ri:userkey"
    return "ri:username"


class InlineMacrosMixin(_Base):
    """Translator methods for the inline nodes of ``..markup`` and raw HTML."""

    def visit_confluence_emoticon(self, node: nodes.Element) -> None:
        self.body.append(start_tag("ac:emoticon", {"ac:name": node["name"]}, empty=True))
        raise nodes.SkipNode

    def visit_confluence_mention(self, node: nodes.Element) -> None:
        mentions = self.option("confluence_mentions") or {}
        identifier = str(mentions.get(node["user"], node["user"]))
        self.body.append("<ac:link>" + start_tag(
            "ri:user", {user_attribute(identifier): identifier}, empty=True) + "</ac:link>")
        raise nodes.SkipNode

    def visit_confluence_status(self, node: nodes.Element) -> None:
        params = {"colour": node.get("colour"), "title": node["title"],
                  "subtle": "true" if node.get("subtle") else None}
        self.body.append(macro_start("status", params) + macro_end())
        raise nodes.SkipNode

    def visit_jira_inline(self, node: nodes.Element) -> None:
        self.body.append(macro_start("jira", node.get("params", {})) + macro_end())
        raise nodes.SkipNode

    # -- smart-link cards ------------------------------------------------------------

    def _card_target(self, node: nodes.Element) -> tuple[str, str | None, str] | None:
        """('url', None, url) or ('doc', title, text), or None (warned) when unusable."""
        ref = next(iter(node.findall(nodes.reference)), None)
        if ref is None:  # an unresolved document: Sphinx already warned
            return None
        if not (ref.get("internal") or "refdocname" in ref):
            return "url", None, ref.get("refuri", "")
        docname = ref.get("refuri", "").partition("#")[0] or self.docname
        title = self.title_of(docname)
        if title is None:
            self.warn(f"document {docname!r} has no Confluence page; the card shows its "
                      "text only", node, subtype="markup")
            return None
        self.add_link(docname)
        return "doc", title, ref.astext()

    def _card_link(self, target: tuple[str, str | None, str], attrs: dict[str, Any],
                   text: bool) -> str:
        kind, title, value = target
        if kind == "url":
            html_attrs = {"href": value, **{f"data-{k}": v for k, v in attrs.items()}}
            return start_tag("a", html_attrs) + escape(value) + end_tag("a")
        link_attrs = {f"ac:{k}": v for k, v in attrs.items()}
        body = ("<ac:plain-text-link-body>" + cdata(value) + "</ac:plain-text-link-body>"
                if text else "")
        return (start_tag("ac:link", link_attrs)
                + start_tag("ri:page", {"ri:content-title": title}, empty=True)
                + body + end_tag("ac:link"))

    def visit_confluence_card(self, node: nodes.Element) -> None:
        target = self._card_target(node)
        if target is None:
            self.body.append(element("p", node.astext()))
            raise nodes.SkipNode
        if self.editor != "v2":
            link = self._card_link(target, {}, text=True)
            self.body.append(rich_macro_start("panel") + "<p>" + link + "</p>"
                             + rich_macro_end())
            raise nodes.SkipNode
        attrs = {"card-appearance": node.get("card"), "layout": node.get("layout"),
                 "width": node.get("width")}
        attrs = {k: v for k, v in attrs.items() if v is not None}
        if not attrs:
            self.body.append("<p>" + self._card_link(target, {}, text=True) + "</p>")
        else:
            self.body.append(self._card_link(target, attrs, text=False))
        raise nodes.SkipNode

    def visit_confluence_card_inline(self, node: nodes.Element) -> None:
        target = self._card_target(node)
        if target is None:
            self.body.append(escape(node.astext()))
        else:
            attrs = {"card-appearance": "inline"} if self.editor == "v2" else {}
            self.body.append(self._card_link(target, attrs, text=True))
        raise nodes.SkipNode

    # -- raw HTML ---------------------------------------------------------------------

    def visit_raw(self, node: nodes.Element) -> None:
        formats = node.get("format", "").split()
        permit = self.option("confluence_permit_raw_html", False)
        if "html" not in formats or not permit:
            super().visit_raw(node)
            return
        if permit is True:
            self.body.append(node.astext())
        else:
            self.body.append(macro_start(str(permit)) + plain_text_body(node.astext())
                             + macro_end())
        raise nodes.SkipNode
