"""``confluence_publish_skip_commented_pages``: pages carrying inline comments are not
overwritten (an update would detach the comments from their text).

``True`` skips a page with any inline comment; ``'ignored-resolved'`` only when an open
or reopened one is left. A skipped page is left as it is (like only-new leaves pages),
with a ``confluence.inline-comment`` warning naming it.
"""

from __future__ import annotations

from dataclasses import replace

from sphinx.util import logging

from ..rest.base import ConfluenceClient
from .plan import Plan

logger = logging.getLogger(__name__)

OPEN = ("open", "reopened")


def skip_commented(client: ConfluenceClient, plan: Plan, mode: bool | str) -> Plan:
    """The plan with updates of commented pages turned into 'skip'."""
    if not mode:
        return plan
    changes = []
    for change in plan.pages:
        if change.page_id is None or change.action not in ("update", "move"):
            changes.append(change)
            continue
        statuses = client.inline_comment_statuses(change.page_id)
        blocking = [s for s in statuses if s in OPEN] if mode == "ignored-resolved" \
            else statuses
        if not blocking:
            changes.append(change)
            continue
        logger.warning("page %r (id %s) has %d inline comment(s); it is not updated "
                       "(confluence_publish_skip_commented_pages)", change.title,
                       change.page_id, len(blocking), type="confluence",
                       subtype="inline-comment")
        changes.append(replace(change, action="skip", attachments=(), labels_changed=False,
                               appearance_changed=False))
    return replace(plan, pages=tuple(changes))
