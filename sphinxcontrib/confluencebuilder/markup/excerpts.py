"""Which documents hold which excerpts, so an ``excerpt-include`` of a local document
that holds no (such) excerpt is reported at the include, for every builder.

Kept on the environment (``env.confluence_excerpts`` / ``env.confluence_includes``),
purged per document and merged from parallel readers.
"""

from __future__ import annotations

from typing import Any

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: docname -> names of its excerpts ('' for an unnamed one)
Excerpts = dict[str, list[str]]
#: docname -> (target docname, excerpt name or '', line) of its includes
Includes = dict[str, list[tuple[str, str, int]]]


def _stores(env: Any) -> tuple[Excerpts, Includes]:
    if not hasattr(env, "confluence_excerpts"):
        env.confluence_excerpts = {}
        env.confluence_includes = {}
    return env.confluence_excerpts, env.confluence_includes


def note_excerpt(env: Any, name: str) -> None:
    _stores(env)[0].setdefault(env.docname, []).append(name)


def note_include(env: Any, target: str, name: str, line: int) -> None:
    _stores(env)[1].setdefault(env.docname, []).append((target, name, line))


def purge(app: Any, env: Any, docname: str) -> None:
    excerpts, includes = _stores(env)
    excerpts.pop(docname, None)
    includes.pop(docname, None)


def merge(app: Any, env: Any, docnames: set[str], other: Any) -> None:
    excerpts, includes = _stores(env)
    theirs_excerpts, theirs_includes = _stores(other)
    for docname in docnames:
        if docname in theirs_excerpts:
            excerpts[docname] = theirs_excerpts[docname]
        if docname in theirs_includes:
            includes[docname] = theirs_includes[docname]


def check(app: Any, env: Any) -> None:
    """``env-check-consistency``: every include of a local document finds an excerpt."""
    excerpts, includes = _stores(env)
    for docname in sorted(includes):
        for target, name, line in includes[docname]:
            problem = _problem(env, excerpts, target, name)
            if problem:
                logger.warning("confluence_excerpt_include: %s", problem,
                               location=(docname, line), type="confluence", subtype="markup")


def _problem(env: Any, excerpts: Excerpts, target: str, name: str) -> str:
    if target not in env.found_docs:
        return f"document {target!r} does not exist"
    found = excerpts.get(target, [])
    if not found:
        return (f"document {target!r} holds no confluence_excerpt; add one there or fix "
                "the name")
    if name and name not in found:
        named = ", ".join(repr(n) for n in found if n) or "only unnamed ones"
        return f"document {target!r} has no excerpt named {name!r} (it has {named})"
    return ""
