"""Links: external URLs, same-page anchors, other pages (by title), downloads."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from ..storage import cdata, end_tag, escape, start_tag
from .structure import INLINE_CLASS_TAGS

if TYPE_CHECKING:
    from .base import TranslatorBase

    _Base = TranslatorBase
else:
    _Base = object


def link_start(anchor: str | None = None) -> str:
    return start_tag("ac:link", {"ac:anchor": anchor})


def link_body(text: str | None, markup: str) -> str:
    """The body of an ``ac:link``: plain text in CDATA, or rich markup."""
    if text is not None:
        return "<ac:plain-text-link-body>" + cdata(text) + "</ac:plain-text-link-body>"
    return "<ac:link-body>" + markup + "</ac:link-body>"


def _plain_text(node: nodes.Element) -> str | None:
    """The node's text if it has no formatting (only text and plain ``inline``), else None."""
    for child in node.children:
        if isinstance(child, nodes.Text):
            continue
        if type(child) is nodes.inline and _plain_text(child) is not None:
            if not set(child.get("classes", ())) & set(INLINE_CLASS_TAGS):
                continue
        return None
    return str(node.astext())


class ReferencesMixin(_Base):
    """``reference``, ``download_reference`` and friends."""

    # -- reference -----------------------------------------------------------------

    def visit_reference(self, node: nodes.reference) -> None:
        # a reference directly at block level (e.g. an image with :target:) gets a paragraph
        block = not isinstance(node.parent, nodes.TextElement)
        opening, closing = ("<p>", "</p>") if block else ("", "")
        if self._is_citation(node):  # as footnote references: a superscript
            opening, closing = opening + "<sup>", "</sup>" + closing
        # a reference with ids (a citation reference) is the target of back-links
        self.body.append(opening + self.anchors_for(node))
        if "refid" in node:
            self._write_link(node, None, self.link_anchor(self.docname, node["refid"]))
        elif node.get("internal") or "refdocname" in node:
            target, _, anchor = node.get("refuri", "").partition("#")
            if not target or target == self.docname:
                # an anchor on this page; without one, the page itself (by title): an
                # ac:link with neither points nowhere
                title = None if anchor else self.title_of(self.docname)
                self._write_link(node, title, self._anchor(self.docname, anchor))
            else:
                title = self.title_of(target)
                if title is None:
                    self.warn(
                        f"reference to {target!r}, which has no Confluence page; "
                        "its text is kept without a link",
                        node,
                        subtype="missing-reference",
                    )
                    self.push_end(closing)  # children are rendered as plain content
                    return
                self.add_link(target)
                self._write_link(node, title, self._anchor(target, anchor))
        elif "refuri" in node:
            self.body.append(start_tag("a", {"href": node["refuri"]}))
            self.push_end(end_tag("a") + closing)
            return
        else:
            self.push_end(closing)  # a reference without target: keep its text
            return
        self.body.append(closing)
        raise nodes.SkipNode

    def depart_reference(self, node: nodes.reference) -> None:
        self.pop_end()

    def _is_citation(self, node: nodes.Element) -> bool:
        """Whether a reference points at a citation (Sphinx resolves citation
        references to ordinary references)."""
        refid = node.get("refid")
        if refid:
            return isinstance(self.document.ids.get(refid), nodes.citation)
        docname, _, anchor = node.get("refuri", "").partition("#")
        if not (anchor and node.get("internal")):
            return False
        citations = self.builder.env.domaindata.get("citation", {}).get("citations", {})
        return any(doc == docname and ident == anchor for doc, ident, _ in citations.values())

    def _anchor(self, docname: str, ident: str) -> str | None:
        return self.link_anchor(docname, ident) if ident else None

    def _link_text(self, node: nodes.Element) -> tuple[str | None, str]:
        text = _plain_text(node)
        if text is not None:
            if "secnumber" in node and self.option("confluence_add_secnumbers", True):
                numbers = ".".join(str(n) for n in node["secnumber"])
                text = numbers + self.option("confluence_secnumber_suffix", ". ") + text
            return text, ""
        return None, self.render_children(node)

    def _write_link(self, node: nodes.Element, title: str | None, anchor: str | None) -> None:
        text, markup = self._link_text(node)
        if title is None and anchor and self.editor == "v2":
            # the Cloud editor: a same-page anchor link is a plain HTML link, as the
            # existing extension writes it
            inner = escape(text) if text is not None else markup
            self.body.append(start_tag("a", {"href": "#" + anchor}) + inner + end_tag("a"))
            return
        self.body.append(link_start(anchor))
        if title is not None:
            self.body.append(start_tag("ri:page", {"ri:content-title": title}, empty=True))
        self.body.append(link_body(text, markup) + end_tag("ac:link"))

    # -- downloads -------------------------------------------------------------------

    def _download_source(self, node: nodes.Element) -> str | None:
        unique = node.get("filename")
        if not unique:
            return None
        for rel, (_docs, dest) in self.builder.env.dlfiles.items():
            if str(dest) == str(unique):
                return os.path.join(self.builder.srcdir, rel)
        return None

    def visit_download_reference(self, node: addnodes.download_reference) -> None:
        if "refuri" in node:  # a remote file: an ordinary link
            self.body.append(start_tag("a", {"href": node["refuri"]}))
            self.push_end(end_tag("a"))
            return
        source = self._download_source(node)
        if source is None or not os.path.isfile(source):
            self.warn(
                f"download file {node.get('reftarget', '')!r} not found; its text is kept "
                "without a link",
                node,
                subtype="missing-download",
            )
            self.push_end("")
            return
        name = self.add_attachment(source)
        text, markup = self._link_text(node)
        self.body.append(
            link_start()
            + start_tag("ri:attachment", {"ri:filename": name}, empty=True)
            + link_body(text, markup)
            + end_tag("ac:link")
        )
        raise nodes.SkipNode

    def depart_download_reference(self, node: addnodes.download_reference) -> None:
        self.pop_end()

    # -- pending cross-references Sphinx could not resolve -----------------------------

    def visit_pending_xref(self, node: addnodes.pending_xref) -> None:
        pass  # Sphinx already warned; keep the text

    def depart_pending_xref(self, node: addnodes.pending_xref) -> None:
        pass

    def visit_number_reference(self, node: addnodes.number_reference) -> None:
        self.visit_reference(node)

    def depart_number_reference(self, node: addnodes.number_reference) -> None:
        self.depart_reference(node)
