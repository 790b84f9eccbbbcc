"""The journal: what lets a first publish record attachments before it uploads them.

On v1 a page's create carries its identity property, and on a first publish that
property already names the files the page is about to get, so no property write
follows the upload (create, upload, unwatch: the request floor). Until the uploads
are done those records are *claims*. The root document's page, created first, carries
the journal (:data:`.settings.JOURNAL_KEY`) in its own create: the documents whose
pages claim files. The journal is emptied (one request) once every claim is confirmed.

A publish stopped in between (a failure, a killed process) leaves the journal behind;
the next publish reads it with the space listing (no extra request) and does not trust
those pages' attachment records: it lists their attachments, uploads what is missing
and records what is there, then empties the journal.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..rest.base import RemotePage
from .identity import identity_of
from .plantypes import Journal, PageChange, Plan
from .settings import JOURNAL_KEY


def read_journal(remote: Iterable[RemotePage], root: str, project: str) -> Journal | None:
    """The journal on our page of the root document, if the listing found one."""
    for page in remote:
        ident = identity_of(page)
        if ident is None or ident.project != project or ident.docname != root:
            continue
        value = page.properties.get(JOURNAL_KEY)
        if not isinstance(value, dict) or value.get("project") != project:
            continue
        docs = value.get("unconfirmed")
        unconfirmed = tuple(str(d) for d in docs) if isinstance(docs, list) else ()
        return Journal(page.id, page.property_versions.get(JOURNAL_KEY), unconfirmed)
    return None


def distrust(plan: Plan, journal: Journal | None) -> Plan:
    """The plan with the attachments of the journal's documents checked again: each
    file the record says is there is looked at (and uploaded when missing)."""
    if journal is None:
        return plan
    if not journal.unconfirmed:
        return replace(plan, journal=journal)
    doubtful = set(journal.unconfirmed)
    pages = tuple(
        replace(p, attachments=tuple(replace(a, action="upload") if a.action == "unchanged"
                                     else a for a in p.attachments))
        if p.docname in doubtful and p.action != "skip" else p for p in plan.pages)
    return replace(plan, pages=pages, journal=journal)


def claiming(plan: Plan) -> set[str]:
    """Documents whose create may record its files before the upload: on a publish that
    creates the root document's page, the new pages with files at or below it (a page
    starts once its parent page exists: these once the journal exists)."""
    changes = {p.docname: p for p in plan.pages}
    root = changes.get(plan.root_docname)
    if root is None or root.action != "create":
        return set()
    return {p.docname for p in plan.pages if p.action == "create" and p.attachment_work
            and _under(p.docname, changes, plan.root_docname)}


def _under(doc: str, changes: Mapping[str, PageChange], root: str) -> bool:
    seen: set[str] = set()
    current: str | None = doc
    while current is not None and current not in seen:
        if current == root:
            return True
        seen.add(current)
        current = changes[current].parent_doc if current in changes else None
    return False


def journal_value(project: str, docs: Collection[str]) -> dict[str, Any]:
    return {"project": project, "unconfirmed": sorted(docs)}


def settled(plan: Plan, docs: Collection[str], verified: Collection[str]) -> bool:
    """Whether every journal document is now known to hold what its page records: its
    attachments were handled by this publish, it has none to handle, or it is gone."""
    changes = {p.docname: p for p in plan.pages}
    for doc in docs:
        change = changes.get(doc)
        if change is None or doc in verified:
            continue
        if change.action == "skip" or change.attachment_work:
            return False
    return True


def pending(plan: Plan, claims: Sequence[str]) -> set[str]:
    """Every document the journal must account for at the end of this publish."""
    return set(claims) | set(plan.journal.unconfirmed if plan.journal else ())
