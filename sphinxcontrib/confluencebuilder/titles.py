"""Page titles: computed once, from the environment, before any page is written.

The rules, in order, for each document (documents are processed parents-first so the
root keeps its natural title when two documents collide):

1. ``confluence_title_overrides[docname]`` if set, else the document's first heading;
   a document without a heading gets ``autogen-<docname>`` unless
   ``confluence_disable_autogen_title`` is set (then it gets no page, with a warning).
2. section number of a ``:numbered:`` toctree (``confluence_add_secnumbers``), joined
   with ``confluence_secnumber_suffix``.
3. ``confluence_publish_prefix`` + title + ``confluence_publish_postfix`` (the postfix
   may use ``{hash}``, sha1 of docname + hash modifier, with a format spec such as
   ``{hash:.5}``); not on the root document with
   ``confluence_ignore_titlefix_on_index``.
4. at most 255 characters (the core title is trimmed, prefix and postfix are kept).
5. case-insensitive duplicates get `` (2)``, `` (3)`` ... with a warning.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sphinx.util import logging

from .errors import ConfluenceConfigError

logger = logging.getLogger(__name__)

#: Confluence's maximum page title length
MAX_TITLE = 255
#: the text Sphinx stores in env.titles for a document without any heading
NO_TITLE = "<no title>"


@dataclass(frozen=True)
class TitleOptions:
    """The configuration values title computation depends on."""

    root_doc: str = "index"
    overrides: Mapping[str, str] = field(default_factory=dict)
    prefix: str = ""
    postfix: str = ""
    hash_modifier: str = ""
    ignore_titlefix_on_index: bool = False
    add_secnumbers: bool = True
    secnumber_suffix: str = ". "
    disable_autogen_title: bool = False

    @classmethod
    def from_config(cls, config: Any) -> TitleOptions:
        def get(name: str, default: Any) -> Any:
            value = getattr(config, name, default)
            return default if value is None else value

        modifier = getattr(config, "confluence_publish_postfix_hash_modifier", None)
        if modifier is None:
            modifier = (
                str(getattr(config, "project", ""))
                + str(getattr(config, "confluence_parent_page", None))
                + str(getattr(config, "confluence_publish_root", None))
            )
        overrides = get("confluence_title_overrides", {})
        if not isinstance(overrides, Mapping):
            raise ConfluenceConfigError(
                "confluence_title_overrides",
                f"expected a dict of docname -> title, got {type(overrides).__name__}",
            )
        return cls(
            root_doc=get("root_doc", "index"),
            overrides=dict(overrides),
            prefix=str(get("confluence_publish_prefix", "")),
            postfix=str(get("confluence_publish_postfix", "")),
            hash_modifier=str(modifier),
            ignore_titlefix_on_index=bool(get("confluence_ignore_titlefix_on_index", False)),
            add_secnumbers=bool(get("confluence_add_secnumbers", True)),
            secnumber_suffix=str(get("confluence_secnumber_suffix", ". ")),
            disable_autogen_title=bool(get("confluence_disable_autogen_title", False)),
        )


def format_postfix(postfix: str, docname: str, modifier: str) -> str:
    """Expand ``{hash}`` (with an optional format spec) in the title postfix."""
    if "{" not in postfix:
        return postfix
    digest = hashlib.sha1((docname + modifier).encode("utf-8")).hexdigest()
    try:
        return postfix.format(hash=digest)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfluenceConfigError(
            "confluence_publish_postfix",
            f"cannot format {postfix!r}: {exc}",
            hint="Only the {hash} placeholder is available (e.g. ' ({hash:.5})'); "
            "write literal braces as {{ and }}.",
        ) from exc


def secnumber_text(numbers: Iterable[int] | None, suffix: str) -> str:
    if not numbers:
        return ""
    return ".".join(str(n) for n in numbers) + suffix


def compute_titles(
    order: Iterable[str],
    headings: Mapping[str, str | None],
    secnumbers: Mapping[str, tuple[int, ...]],
    options: TitleOptions,
) -> dict[str, str]:
    """Title of every document in ``order``; documents without a page are left out.

    ``headings`` maps docname -> first heading text (None when there is none);
    ``secnumbers`` maps docname -> the document's own section number.
    """
    titles: dict[str, str] = {}
    used: dict[str, str] = {}  # casefolded title -> docname that owns it
    for docname in order:
        core = options.overrides.get(docname) or headings.get(docname)
        if not core:
            if options.disable_autogen_title:
                logger.warning(
                    "document %r has no title and confluence_disable_autogen_title is set: "
                    "no page is generated for it (add a heading or a "
                    "confluence_title_overrides entry)",
                    docname,
                    location=docname,
                    type="confluence",
                    subtype="title",
                )
                continue
            core = f"autogen-{docname}"
        if options.add_secnumbers and docname not in options.overrides:
            core = secnumber_text(secnumbers.get(docname), options.secnumber_suffix) + core
        prefix, postfix = options.prefix, options.postfix
        if options.ignore_titlefix_on_index and docname == options.root_doc:
            prefix, postfix = "", ""
        postfix = format_postfix(postfix, docname, options.hash_modifier)
        title = _fit(prefix, core, postfix, docname)
        title = _dedupe(title, prefix, core, postfix, docname, used)
        used[title.casefold()] = docname
        titles[docname] = title
    return titles


def _fit(prefix: str, core: str, postfix: str, docname: str, extra: str = "") -> str:
    title = prefix + core + extra + postfix
    if len(title) <= MAX_TITLE:
        return title
    room = max(MAX_TITLE - len(prefix) - len(postfix) - len(extra), 0)
    trimmed = (prefix + core[:room] + extra + postfix)[:MAX_TITLE]
    if not extra:
        logger.warning(
            "title of %r is longer than %d characters and was shortened to %r",
            docname,
            MAX_TITLE,
            trimmed,
            location=docname,
            type="confluence",
            subtype="title",
        )
    return trimmed


def _dedupe(
    title: str, prefix: str, core: str, postfix: str, docname: str, used: Mapping[str, str]
) -> str:
    if title.casefold() not in used:
        return title
    other = used[title.casefold()]
    n = 2
    while True:
        candidate = _fit(prefix, core, postfix, docname, extra=f" ({n})")
        if candidate.casefold() not in used:
            break
        n += 1
    logger.warning(
        "title %r of %r is already used by %r (titles are case-insensitive in "
        "Confluence); using %r instead",
        title,
        docname,
        other,
        candidate,
        location=docname,
        type="confluence",
        subtype="title",
    )
    return candidate
