"""The live check of the pages a publish hangs its tree on: ``confluence_parent_page``
(by title or id), ``confluence_publish_root`` and ``confluence_publish_orphan_container``
must exist in the space, or the publish would stop after the build."""

from __future__ import annotations

from typing import Any

from ..errors import ConfluenceConnectionError, ConfluenceNotFoundError

#: the orphan container value meaning "the space root" (publisher.settings.SPACE_ROOT)
_SPACE_ROOT = "0"


def _references(placement: Any) -> list[tuple[str, str | None, str | None]]:
    """``(option, page id, title)`` of every page the publish needs to exist."""
    refs: list[tuple[str, str | None, str | None]] = []
    if getattr(placement, "publish_root", None):
        refs.append(("confluence_publish_root", str(placement.publish_root), None))
    if getattr(placement, "parent_page_id", None):
        refs.append(("confluence_parent_page", str(placement.parent_page_id), None))
    if getattr(placement, "parent_page_title", None):
        refs.append(("confluence_parent_page", None, str(placement.parent_page_title)))
    container = getattr(placement, "orphan_container", None)
    if container and str(container) != _SPACE_ROOT:
        refs.append(("confluence_publish_orphan_container", str(container), None))
    return refs


def _missing(checks: Any, option: str, what: str, key: str) -> None:
    from .live import StepFailed

    checks.report.add(
        "placement", "fail", f"{option}: {what} does not exist in space {key}, or the "
        "account cannot see it", cause="parent-page-not-found",
        detail="Pages are placed below this page; without it nothing can be published.",
        fix=f"Create the page in space {key} first, or correct {option} (the exact title, or "
        "the numeric page id from the page's URL).", options=(option, "confluence_space_key"))
    raise StepFailed("placement")


def check_placement(checks: Any, placement: Any, space: Any) -> None:
    """Report each placement page as found, or fail the step naming the option."""
    key = space.key
    for option, page_id, title in _references(placement):
        if page_id is not None:
            try:
                page = checks.client.get_page(page_id)
            except ConfluenceNotFoundError:
                page = None
            except ConfluenceConnectionError as exc:
                checks.fail("placement", exc, checks.diagnose(exc))
            what = f"page id {page_id}"
        else:
            page = checks.call("placement", checks.client.find_page_by_title, space, title)
            what = f"a page titled {title!r}"
        if page is None or getattr(page, "space_key", key) != key:
            _missing(checks, option, what, key)
        checks.report.add("placement", "ok", f"{option}: {what} found in {key}")
