"""``PublishSettings``: every publishing option, read once from a config-like object."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import ConfluenceConfigError
from ..optiontable import default_of

#: content property that names the project and document of every page we publish
IDENTITY_KEY = "sphinxcontrib-confluencebuilder"
#: content property of the root document's page: the documents whose attachments a
#: publish that has not finished recorded before uploading them (see journal.py)
JOURNAL_KEY = "sphinxcontrib-confluencebuilder-journal"
#: content properties Confluence uses for the page width
APPEARANCE_KEYS = ("content-appearance-published", "content-appearance-draft")

TRANSFORM_OPTION = "confluence_parent_override_transform"

#: confluence_cleanup_search_mode: where cleanup looks for stale pages; the aggressive
#: modes also look below pages this project did not publish
CleanupSearchMode = Literal["direct", "search", "direct-aggressive", "search-aggressive"]
CLEANUP_SEARCH_MODES: tuple[CleanupSearchMode, ...] = (
    "direct", "search", "direct-aggressive", "search-aggressive")
#: confluence_publish_skip_commented_pages: off, on, or on unless every comment is resolved
SkipCommented = bool | Literal["ignored-resolved"]

#: the orphan container value meaning "the space root"
SPACE_ROOT = "0"

#: pages and attachments written at the same time (doc/publishing.rst says why 8: about
#: what one browser tab sends to Confluence, below the HTTP pool of 10 connections, and
#: the shared rate limiter backs off when Cloud's burst limit comes near)
DEFAULT_CONCURRENCY: int = default_of("publish_concurrency")


@dataclass(frozen=True)
class PublishSettings:
    """What the publisher needs to know; no secrets live here."""

    space_key: str
    project: str = ""
    #: parent page by title, or by id (``parent_page_id``); at most one is set
    parent_page_title: str | None = None
    parent_page_id: str | None = None
    #: existing page whose content the root document replaces
    publish_root: str | None = None
    page_hierarchy: bool = default_of("page_hierarchy")
    publish_orphan: bool = default_of("publish_orphan")
    #: page id holding orphans; ``SPACE_ROOT`` for the space root; None = like the root doc
    orphan_container: str | None = None
    dryrun: bool = default_of("publish_dryrun")
    force: bool = default_of("publish_force")
    onlynew: bool = default_of("publish_onlynew")
    trample: bool = default_of("publish_trample")
    allowlist: frozenset[str] | None = None
    denylist: frozenset[str] | None = None
    cleanup_purge: bool = default_of("cleanup_purge")
    cleanup_archive: bool = default_of("cleanup_archive")
    cleanup_from_root: bool = default_of("cleanup_from_root")
    cleanup_max_deletes: int = default_of("cleanup_max_deletes")
    cleanup_force: bool = default_of("cleanup_force")
    global_labels: tuple[str, ...] = ()
    append_labels: bool = default_of("append_labels")
    minor_edit: bool = default_of("disable_notifications")
    watch: bool = default_of("watch")
    version_comment: str = ""
    full_width: bool | None = None
    #: None: upload when the hash differs; True: always; False: never
    asset_override: bool | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    #: attach an intersphinx ``objects.inv`` of the published pages to the root page
    publish_intersphinx: bool = default_of("publish_intersphinx")
    #: make the root page the space homepage after publishing
    root_homepage: bool = default_of("root_homepage")
    #: archive every stale page in one request (confluence_adv_bulk_archiving)
    bulk_archiving: bool = default_of("adv_bulk_archiving")
    cleanup_search_mode: CleanupSearchMode = default_of("cleanup_search_mode")
    skip_commented: SkipCommented = default_of("publish_skip_commented_pages")
    #: name of the plan file written in the output directory on a dry run
    plan_file: str = "confluence-plan.json"
    #: confluence_parent_override_transform: (docname, parent page id) -> page id or None
    parent_transform: Callable[[str, str | None], Any] | None = field(default=None,
                                                                       compare=False)

    def parent_for(self, docname: str, parent_id: str | None) -> str | None:
        """The parent page id after confluence_parent_override_transform; an answer that
        is not None or a page id (a positive whole number) is a configuration error."""
        if self.parent_transform is None:
            return parent_id
        try:
            chosen = self.parent_transform(docname, parent_id)
        except Exception as exc:  # noqa: BLE001 - user code: report it, no traceback
            raise ConfluenceConfigError(TRANSFORM_OPTION, f"raised {type(exc).__name__} for "
                                        f"document {docname!r}: {exc}") from None
        if chosen is None:
            return parent_id
        text = str(chosen).strip() if isinstance(chosen, (int, str)) and \
            not isinstance(chosen, bool) else ""
        if not text.isdigit() or int(text) <= 0 or len(text) > 20:
            raise ConfluenceConfigError(
                TRANSFORM_OPTION, f"returned {chosen!r:.60} ({type(chosen).__name__}) for "
                f"document {docname!r}; expected a page id (a positive whole number) or None",
                hint="Return the id of an existing page (e.g. 65539 or '65539'), or None to "
                     "keep the computed parent.")
        return text

    @property
    def cleanup(self) -> bool:
        """Cleanup runs only when asked for and no allow/deny list narrows the publish."""
        return ((self.cleanup_purge or self.cleanup_archive)
                and self.allowlist is None and self.denylist is None and not self.onlynew)

    def selected(self, docname: str) -> bool:
        if self.allowlist is not None and docname not in self.allowlist:
            return False
        return not (self.denylist is not None and docname in self.denylist)


def _docnames(option: str, value: Any, base: Path | None) -> frozenset[str] | None:
    """A list of docnames, or a file with one docname a line ('#' comments allowed)."""
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)):
        path = Path(value)
        if not path.is_absolute() and base is not None:
            path = base / path
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfluenceConfigError(option, f"cannot read {path}: {exc.strerror or exc}",
                                        hint="Give a list of docnames or the path of a file "
                                        "holding one docname a line.") from None
        value = [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]
    names = set()
    for item in value:
        if not isinstance(item, str):
            raise ConfluenceConfigError(option, f"entry {item!r} is not a docname string")
        name = item.replace("\\", "/").strip()
        for suffix in (".rst", ".md", ".txt"):
            name = name.removesuffix(suffix)
        names.add(name)
    return frozenset(names)


def _cleanup_mode(value: Any) -> CleanupSearchMode:
    """The search mode named by ``value`` (validated by config.py); the table's when unset."""
    wanted = value or default_of("cleanup_search_mode")
    for mode in CLEANUP_SEARCH_MODES:
        if mode == wanted:
            return mode
    raise ConfluenceConfigError("confluence_cleanup_search_mode", f"got {value!r}; expected "
                                f"one of {', '.join(CLEANUP_SEARCH_MODES)}")


def _page_ref(value: Any) -> tuple[str | None, str | None]:
    """(title, id) of a parent page option; an int or a digit string is an id."""
    if value is None or value == "":
        return None, None
    if isinstance(value, int) and not isinstance(value, bool):
        return None, str(value)
    text = str(value).strip()
    if text.isdigit():
        return None, text
    return text, None


def from_config(config: Any, *, confdir: str | os.PathLike[str] | None = None,
                project: str | None = None) -> PublishSettings:
    """Build the settings from a Sphinx config (or ``config.defaults()``)."""

    def get(name: str) -> Any:
        return getattr(config, "confluence_" + name, default_of(name))

    base = Path(confdir) if confdir is not None else None
    title, page_id = _page_ref(get("parent_page"))
    root = get("publish_root")
    container = get("publish_orphan_container")
    concurrency = get("publish_concurrency")
    if concurrency is None or int(concurrency) < 1:
        raise ConfluenceConfigError("confluence_publish_concurrency",
                                    f"got {concurrency!r}; expected 1 or more")
    max_deletes = get("cleanup_max_deletes")
    return PublishSettings(
        space_key=str(get("space_key") or ""),
        project=project if project is not None else str(getattr(config, "project", "") or ""),
        parent_page_title=title,
        parent_page_id=page_id,
        publish_root=None if root in (None, "") else str(root),
        page_hierarchy=bool(get("page_hierarchy")),
        publish_orphan=bool(get("publish_orphan")),
        orphan_container=None if container is None else str(container),
        dryrun=bool(get("publish_dryrun")),
        force=bool(get("publish_force")),
        onlynew=bool(get("publish_onlynew")),
        trample=bool(get("publish_trample")),
        allowlist=_docnames("confluence_publish_allowlist", get("publish_allowlist"), base),
        denylist=_docnames("confluence_publish_denylist", get("publish_denylist"), base),
        cleanup_purge=bool(get("cleanup_purge")),
        cleanup_archive=bool(get("cleanup_archive")),
        cleanup_from_root=bool(get("cleanup_from_root")),
        cleanup_max_deletes=int(default_of("cleanup_max_deletes") if max_deletes is None
                                else max_deletes),
        cleanup_force=bool(get("cleanup_force")),
        global_labels=tuple(get("global_labels") or ()),
        append_labels=bool(get("append_labels")),
        minor_edit=bool(get("disable_notifications")),
        watch=bool(get("watch")),
        version_comment=str(get("version_comment") or ""),
        full_width=get("full_width"),
        asset_override=get("asset_override"),
        concurrency=int(concurrency),
        publish_intersphinx=bool(get("publish_intersphinx")),
        root_homepage=bool(get("root_homepage")),
        bulk_archiving=bool(get("adv_bulk_archiving")),
        cleanup_search_mode=_cleanup_mode(get("cleanup_search_mode")),
        skip_commented=get("publish_skip_commented_pages") or False,
        parent_transform=get("parent_override_transform"),
    )
