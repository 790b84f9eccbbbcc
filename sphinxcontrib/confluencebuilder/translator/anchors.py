"""Anchor naming, in one place: the names pages get, and the names links use.

Teams switching from the existing extension have bookmarks and cross-page links to its
anchors, so a page carries every name the existing extension gave a place, plus the
reST ids we always wrote:

* every element with ids: one anchor per id (``my-label``, ``term-Widget``,
  ``mod.func``, ``hook-pytest_foo``, ``f1``); with the Cloud editor (v2) also
  ``<PageTitleWithoutSpaces>-<id>``, the form Cloud uses for links from other pages;
* every section also gets its *title target*, the name Confluence itself derives from
  the heading text: without spaces on Data Center / the v1 editor (``SectionTwo``),
  spaces turned into dashes on the Cloud editor (``Section-Two``); a repeated heading
  text on the same page gets ``.1``, ``.2`` ... appended; and the same prefixed with
  the page title without spaces (``UserGuide-SectionTwo``).

Links to a section (``:ref:`` to its label, toctree entries, ``:numref:``) use its
title target, as the existing extension's links do; links to any other element use
its id. Everything here is a pure function of a doctree and a few strings, so the
single-page builder can reuse it (``section_targets`` per document, then
``anchor_names`` / ``link_anchor``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from docutils import nodes

Editor = Literal["v1", "v2"]

_ANCHOR_UNSAFE = re.compile(r"[^\w.\-:]+")


def id_anchor(ident: str) -> str:
    """Anchor name for a docutils id (stable, attribute-safe)."""
    return _ANCHOR_UNSAFE.sub("-", ident).strip("-") or "anchor"


def title_anchor(target: str, editor: str) -> str:
    """The anchor Confluence derives from a heading's text, for the given editor."""
    words = target.split()
    return ("-" if editor == "v2" else "").join(words)


def page_prefix(page_title: str | None) -> str:
    """The page-title prefix of anchors as other pages address them."""
    return "".join((page_title or "").split())


def section_targets(doctree: nodes.Node) -> dict[str, str]:
    """Title target of every section id of a document: the heading's text (without a
    section number, as the existing extension names it), ``.N`` appended to the N-th
    repeat of a text on the page."""
    targets: dict[str, str] = {}
    used: dict[str, int] = {}
    for section in doctree.findall(nodes.section):
        title = next(iter(section.findall(nodes.title)), None)
        ids = section.get("ids", ())
        if title is None or not ids:
            continue
        text = title.astext()
        seen = used.get(text, 0)
        used[text] = seen + 1
        target = f"{text}.{seen}" if seen else text
        for ident in ids:
            targets[ident] = target
    return targets


def anchor_names(ids: list[str] | tuple[str, ...], editor: str, page_title: str | None,
                 title_target: str | None = None, *, prefixed: bool = True) -> list[str]:
    """Every anchor name an element with ``ids`` (a section when ``title_target`` is
    given) carries on the page titled ``page_title``; without repeats, in a stable order.
    ``prefixed=False`` leaves out the page-title-prefixed forms."""
    prefix = page_prefix(page_title) if prefixed else ""
    names: list[str] = []
    for ident in ids:
        name = id_anchor(ident)
        names.append(name)
        if editor == "v2" and prefix:
            names.append(f"{prefix}-{name}")
    if title_target:
        name = title_anchor(title_target, editor)
        names.append(name)
        if prefix:
            names.append(f"{prefix}-{name}")
    return list(dict.fromkeys(n for n in names if n))


def link_anchor(ident: str, targets: Mapping[str, str], editor: str) -> str:
    """The anchor a link to the element with id ``ident`` uses: a section's title
    target, any other element's id anchor."""
    target = targets.get(ident)
    if target:
        return title_anchor(target, editor)
    return id_anchor(ident)
