"""Scheduling of a plan's work on the thread pool.

A page starts as soon as its parent page exists, a page's attachments as soon as the
page exists; finished results are recorded in plan order, so log lines and events come
out in a stable order whatever the timing. The first write of a publish runs alone.

New pages under one parent are created one after the other in toctree (plan) order:
Confluence puts a new child after its siblings, so the pages land in order and a first
publish needs no move. Pages under different parents, updates and uploads still run
side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Protocol

from ..errors import ConfluenceConnectionError, ConfluencePublishError
from .plantypes import PageChange, PageDone, Plan


class Applier(Protocol):
    """What the driver uses of :class:`.apply.Applier` (a protocol, so the applier and
    its scheduler do not import each other)."""

    plan: Plan
    gated: bool
    ids: dict[str, str]
    done: dict[str, PageDone]

    def writes(self, kind: str, change: PageChange) -> bool: ...

    def page_step(self, change: PageChange) -> PageDone: ...

    def attachment_step(self, change: PageChange) -> PageDone: ...

    def guard(self, step: Callable[[PageChange], PageDone], change: PageChange
              ) -> PageDone: ...

    def fail(self, failures: list[BaseException]) -> None: ...

    def record_page(self, change: PageChange, done: PageDone, count: int,
                    total: int) -> None: ...

    def record_attachments(self, change: PageChange, done: PageDone) -> None: ...


class Driver:
    """Schedules the work of a plan: a page as soon as its parent page exists, a page's
    attachments as soon as the page exists; results are recorded in plan order.

    The first write of the publish runs alone before anything else is started."""

    def __init__(self, applier: Applier, pool: ThreadPoolExecutor) -> None:
        self.applier = applier
        self.pool = pool
        self.pages = list(applier.plan.pages)
        self.with_files = [p for p in self.pages if p.attachment_work]
        self.children: dict[str | None, list[PageChange]] = {}
        for page in self.pages:
            self.children.setdefault(page.parent_doc, []).append(page)
        self.pending: dict[Future[PageDone], tuple[str, PageChange]] = {}
        self.results: dict[tuple[str, str], PageDone] = {}
        self.failures: list[BaseException] = []
        self.position = {p.docname: i for i, p in enumerate(self.pages)}
        self.next_page = 0
        self.next_files = 0
        #: sibling group -> the creates waiting for the create before them
        self.waiting: dict[tuple[str | None, str | None], list[PageChange]] = {}

    def run(self) -> None:
        self.start_children(None)
        while self.pending:
            finished, _ = wait(list(self.pending), return_when=FIRST_COMPLETED)
            for future in finished:
                kind, change = self.pending.pop(future)
                try:
                    done = future.result()
                except (ConfluencePublishError, ConfluenceConnectionError) as exc:
                    self.failures.append(exc)
                    continue
                self.complete(kind, change, done)
        if self.failures:
            self.applier.fail(self.failures)

    def submit(self, kind: str, change: PageChange) -> None:
        if self.failures:
            return  # stop starting work; what runs finishes
        applier = self.applier
        step = applier.page_step if kind == "page" else applier.attachment_step
        if not applier.gated and applier.writes(kind, change):
            applier.gated = True
            try:
                done = applier.guard(step, change)
            except (ConfluencePublishError, ConfluenceConnectionError) as exc:
                self.failures.append(exc)
                return
            self.complete(kind, change, done)
        elif kind == "page" and not applier.writes(kind, change):
            self.complete(kind, change, step(change))      # no request: nothing to wait for
        else:
            self.pending[self.pool.submit(applier.guard, step, change)] = (kind, change)

    def complete(self, kind: str, change: PageChange, done: PageDone) -> None:
        applier = self.applier
        self.results[(kind, change.docname)] = done
        if kind == "page":
            applier.ids[change.docname] = done.page_id
            applier.done[change.docname] = done
            if not self.failures:
                if change.action == "create":
                    self.next_sibling(change)
                self.start_children(change.docname)
                if change.attachment_work:
                    self.submit("attachments", change)
        self.flush()

    def start_children(self, parent: str | None) -> None:
        """Start the pages below ``parent`` (None: the top-level ones); the creates of
        each sibling group one at a time, in plan order."""
        for child in self.children.get(parent, []):
            if child.action == "create":
                group = _siblings(child)
                if group in self.waiting:
                    self.waiting[group].append(child)
                    continue
                self.waiting[group] = []
            self.submit("page", child)

    def next_sibling(self, created: PageChange) -> None:
        """A create finished: start the next create of its sibling group."""
        queue = self.waiting.get(_siblings(created))
        if queue:
            self.submit("page", queue.pop(0))
        else:
            self.waiting.pop(_siblings(created), None)

    def flush(self) -> None:
        """Record finished results in plan order (ordered logs and events)."""
        applier, total = self.applier, len(self.pages)
        while self.next_page < total:
            change = self.pages[self.next_page]
            done = self.results.get(("page", change.docname))
            if done is None:
                break
            self.next_page += 1
            applier.record_page(change, done, self.next_page, total)
        while self.next_files < len(self.with_files):
            change = self.with_files[self.next_files]
            done = self.results.get(("attachments", change.docname))
            if done is None or self.position[change.docname] >= self.next_page:
                break
            self.next_files += 1
            applier.record_attachments(change, done)


def _siblings(change: PageChange) -> tuple[str | None, str | None]:
    """The sibling group of a page: its parent document, or its fixed parent id."""
    return (change.parent_doc, None) if change.parent_doc is not None else (
        None, change.parent_id)
