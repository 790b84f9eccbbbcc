"""What a publish did (or, on a dry run, would do): counts, summary line, plan JSON."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.util import logging

from ..redaction import redact
from .plan import Plan

logger = logging.getLogger(__name__)


@dataclass
class Report:
    dryrun: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: 'docname/name' of uploaded, unchanged and deleted attachments
    uploaded: list[str] = field(default_factory=list)
    attachments_unchanged: list[str] = field(default_factory=list)
    attachments_deleted: list[str] = field(default_factory=list)
    #: ids of removed (deleted or archived) pages
    removed: list[str] = field(default_factory=list)
    #: docnames of pages moved among their siblings into toctree order (a dry run: the
    #: parent documents or ids whose children would be put in order)
    reordered: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: "'title' (id N)" of pages of ours whose document is gone (cleanup is off)
    left_behind: list[str] = field(default_factory=list)
    #: docname -> page id of every page this publish knows
    page_ids: dict[str, str] = field(default_factory=dict)
    #: docname -> web address of the page, when the server told it
    page_urls: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0
    url: str = ""
    plan_file: str = ""

    def summary(self) -> str:
        """What changed on the server (only what did), then what was left as it was."""
        moved = "parent(s) to put in toctree order" if self.dryrun else \
            "reordered among siblings"
        changes = [(self.created, "created"), (self.updated, "updated"),
                   (self.moved, "moved"), (self.removed, "removed"), (self.reordered, moved),
                   (self.uploaded, "attachment(s) uploaded"),
                   (self.attachments_deleted, "attachment(s) deleted")]
        parts = [f"{len(items)} {what}" for items, what in changes if items]
        kept = [f"{len(self.unchanged)} page(s) unchanged"]
        if self.skipped:
            kept.append(f"{len(self.skipped)} left alone (only-new)")
        if self.attachments_unchanged:
            kept.append(f"{len(self.attachments_unchanged)} attachment(s) unchanged")
        head = "dry run (nothing written), planned" if self.dryrun else "published"
        return (f"{head}: {', '.join(parts) or 'nothing changed'} ({', '.join(kept)}); "
                f"{self.requests} requests in {self.seconds:.2f} s")

    def left_behind_note(self) -> str:
        """Pages of removed documents that stay, and the option that removes them."""
        if not self.left_behind:
            return ""
        names = ", ".join(self.left_behind[:10]) + (" ..." if len(self.left_behind) > 10
                                                     else "")
        return (f"{len(self.left_behind)} page(s) of removed documents were left in place: "
                f"{names}. Set confluence_cleanup_purge = True (or confluence_cleanup_archive "
                "= True on Cloud) to remove them on the next publish.")

    def to_json(self) -> dict[str, Any]:
        return {
            "dryrun": self.dryrun,
            "created": self.created, "updated": self.updated, "moved": self.moved,
            "unchanged": self.unchanged, "skipped": self.skipped,
            "uploaded": self.uploaded, "attachments_unchanged": self.attachments_unchanged,
            "attachments_deleted": self.attachments_deleted, "removed": self.removed,
            "reordered": self.reordered, "left_behind": self.left_behind,
            "warnings": self.warnings, "requests": self.requests,
            "seconds": round(self.seconds, 3), "url": self.url,
        }


def report_from_plan(plan: Plan) -> Report:
    """The report a dry run gives: what apply would do."""
    report = Report(dryrun=True)
    report.left_behind = left_behind_names(plan)
    for page in plan.pages:
        target = {"create": report.created, "update": report.updated, "move": report.moved,
                  "unchanged": report.unchanged, "skip": report.skipped}[page.action]
        target.append(page.docname)
        if page.action == "update" and "moved" in page.reasons:
            report.moved.append(page.docname)
        if page.page_id:
            report.page_ids[page.docname] = page.page_id
        for att in page.attachments:
            key = f"{att.docname}/{att.name}"
            {"upload": report.uploaded, "unchanged": report.attachments_unchanged,
             "delete": report.attachments_deleted}[att.action].append(key)
    report.removed = [r.page_id for r in plan.removals]
    report.reordered = [r.parent_doc or f"id:{r.parent_id}" for r in plan.reorders]
    report.warnings = list(plan.warnings)
    return report


def log_plan(plan: Plan) -> None:
    """One line per planned change, the way a dry run shows them."""
    for page in plan.pages:
        if page.action in ("unchanged", "skip"):
            continue
        why = f" ({', '.join(page.reasons)})" if page.reasons else ""
        where = f" under {page.parent_doc!r}" if page.parent_doc else (
            f" under page id {page.parent_id}" if page.parent_id else " at the space root")
        logger.info("[dryrun] %s %r%s%s", page.action, page.title, where, why)
        for att in page.attachments:
            if att.action != "unchanged":
                logger.info("[dryrun]   %s attachment %s", att.action, att.name)
    for stale in plan.vacate:
        logger.info("[dryrun] rename stale page %r (id %s) to free its title", stale.title,
                    stale.id)
    for reorder in plan.reorders:
        logger.info("[dryrun] reorder children of %s into toctree order (%s; the moves are "
                    "known once the pages exist)", reorder.where(), reorder.reason)
    for removal in plan.removals:
        logger.info("[dryrun] %s page %r (id %s)", removal.mode, removal.title, removal.page_id)


def write_plan(plan: Plan, report: Report, outdir: str | os.PathLike[str], name: str) -> Path:
    """Write the plan (and its summary) as JSON into the output directory, redacted
    (titles, URLs and warnings may carry what a server sent back)."""
    path = Path(outdir) / name
    data = plan.to_json()
    data["report"] = report.to_json()
    tmp = path.with_name(path.name + ".tmp")
    text = redact(json.dumps(data, indent=1, ensure_ascii=False))
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def left_behind_names(plan: Plan) -> list[str]:
    return [f"{page.title!r} (id {page.id})" for page in plan.left_behind]


def plan_line(plan: Plan) -> str:
    """What the publish is about to change (only what it changes), then what stays."""
    parts = [(len(plan.creates), "to create"), (len(plan.updates), "to update"),
             (len(plan.moves), "to move"),
             (len(plan.attachment_changes("upload")), "attachment(s) to upload"),
             (len(plan.removals), "page(s) to remove")]
    changes = ", ".join(f"{count} {what}" for count, what in parts if count)
    return f"{changes or 'nothing to change'} ({len(plan.unchanged)} page(s) unchanged)"
