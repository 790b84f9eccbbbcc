"""Publishing: read the builder's output, plan every change, then apply it.

``Publisher(client, settings)`` has no Sphinx in it: ``preflight()`` checks the space
and the placement pages and lists the space once; ``plan(bundle)`` decides every write;
``apply(plan)`` makes them. The Sphinx glue (the events it emits, publishing from the
builder's ``finish``) lives on the builder side, in :mod:`..publishglue`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from sphinx.util import logging

from ..errors import (
    ConfluenceBuildError,
    ConfluenceConfigError,
    ConfluenceNotFoundError,
    ConfluencePublishError,
)
from ..pages import Bundle, sha256_file
from ..rest.base import ConfluenceClient, RemotePage, Space
from .apply import Applier, AttachmentEvent, PageEvent
from .comments import skip_commented
from .intersphinx import publish_inventory
from .journal import distrust, read_journal
from .names import attachment_names, rename_references
from .plan import Placement, Plan, make_plan, title_matches
from .report import Report, log_plan, report_from_plan, write_plan
from .settings import (
    IDENTITY_KEY,
    JOURNAL_KEY,
    SPACE_ROOT,
    TRANSFORM_OPTION,
    PublishSettings,
    from_config,
)

__all__ = ["Publisher", "PublishSettings", "Report", "Plan", "from_config", "log_report"]

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class Remote:
    """What preflight learnt: the space, where pages go and every page of the space."""

    placement: Placement
    pages: tuple[RemotePage, ...]


class Publisher:
    def __init__(self, client: ConfluenceClient, settings: PublishSettings, *,
                 on_page: PageEvent | None = None,
                 on_attachment: AttachmentEvent | None = None,
                 page_ids: dict[str, str] | None = None) -> None:
        self.client = client
        #: docname -> page id to write it to (confluence-publish-override-pageid)
        self.page_ids = dict(page_ids or {})
        self.settings = settings
        self.on_page = on_page
        self.on_attachment = on_attachment

    # -- preflight -------------------------------------------------------------------

    def preflight(self) -> Remote:
        """Space, parent / root / container pages and the listing; no write."""
        settings, client = self.settings, self.client
        if not settings.space_key:
            raise ConfluencePublishError("no space to publish to",
                                         hint="Set confluence_space_key.",
                                         options=("confluence_space_key",))
        try:
            space = client.get_space(settings.space_key)
        except ConfluenceNotFoundError as exc:
            raise ConfluencePublishError(
                f"space {settings.space_key!r} does not exist or is not visible to the "
                "publishing user",
                hint="Check confluence_space_key (keys are case-sensitive) and that the user "
                     "may view the space.", options=("confluence_space_key",)) from exc
        # v1 reads the journal with the same listing; v2 never writes one (journal.py)
        keys = (IDENTITY_KEY, JOURNAL_KEY) if client.create_carries_properties else (
            IDENTITY_KEY,)
        pages = tuple(client.list_pages(space, properties=keys))
        by_id = {p.id: p for p in pages}
        base: str | None = None
        root_page: RemotePage | None = None
        if settings.publish_root:
            root_page = self._page_by_id(space, by_id, settings.publish_root,
                                         "confluence_publish_root")
            if root_page.id == space.homepage_id:
                raise ConfluencePublishError(
                    f"confluence_publish_root {root_page.id} is the space homepage, which is "
                    "never overwritten", hint="Choose a page below the homepage.",
                    options=("confluence_publish_root",))
            base = root_page.parent_id
        elif settings.parent_page_id:
            base = self._page_by_id(space, by_id, settings.parent_page_id,
                                    "confluence_parent_page").id
        elif settings.parent_page_title:
            base = self._page_by_title(space, pages, settings.parent_page_title).id
        top = root_page.id if root_page is not None else base
        container = settings.orphan_container
        if container is None:
            orphan_parent = top
        elif container == SPACE_ROOT:
            orphan_parent = None
        else:
            orphan_parent = self._page_by_id(space, by_id, container,
                                             "confluence_publish_orphan_container").id
        return Remote(Placement(space, base, root_page, orphan_parent), pages)

    def _page_by_id(self, space: Space, by_id: dict[str, RemotePage], page_id: str,
                    option: str) -> RemotePage:
        page = by_id.get(page_id)
        if page is not None:
            return page
        try:
            page = self.client.get_page(page_id)
        except ConfluenceNotFoundError:
            page = None
        if page is None or page.space_key != space.key:
            raise ConfluencePublishError(
                f"{option}: page id {page_id} does not exist in space {space.key!r} "
                "(or is not visible to the publishing user)",
                hint="Give the id of an existing page of the space.", options=(option,))
        return page

    def _page_by_title(self, space: Space, pages: tuple[RemotePage, ...], title: str
                       ) -> RemotePage:
        for page in pages:
            if page.title == title:
                return page
        found = self.client.find_page_by_title(space, title)
        if found is None:
            raise ConfluencePublishError(
                f"confluence_parent_page: no page titled {title!r} in space {space.key!r}",
                hint="Create the parent page first, or fix its title (or give its id).",
                options=("confluence_parent_page",))
        return found

    # -- plan and apply ----------------------------------------------------------------

    def plan(self, bundle: Bundle, remote: Remote | None = None) -> Plan:
        remote = remote if remote is not None else self.preflight()
        plan = make_plan(bundle.pages, root=bundle.root, outdir=str(bundle.outdir),
                         remote=remote.pages, placement=remote.placement,
                         settings=self.settings, adoptable=self._adoptable(bundle, remote),
                         page_ids=self.page_ids)
        plan = distrust(plan, read_journal(remote.pages, bundle.root, self.settings.project))
        plan = skip_commented(self.client, plan, self.settings.skip_commented)
        _check_uploads(plan)
        _check_parent_transform(plan, remote, self.settings)
        if any(r.mode == "archive" for r in plan.removals) and \
                self.client.server_info().get("type") != "cloud":
            raise ConfluencePublishError(
                "confluence_cleanup_archive needs Confluence Cloud; this server cannot "
                "archive pages through its API",
                hint="Use confluence_cleanup_purge on Data Center, or turn cleanup off.",
                options=("confluence_cleanup_archive", "confluence_cleanup_purge"))
        return plan

    def _adoptable(self, bundle: Bundle, remote: Remote) -> set[str]:
        """Unclaimed same-titled pages that hold exactly what we would publish, at
        version 1: our own creates whose identity property was lost (interrupted run)."""
        found = set()
        for page, match in title_matches(bundle.pages, remote.pages, self.settings):
            if match.version != 1 or match.id == remote.placement.space.homepage_id:
                continue
            full = self.client.get_page(match.id, body=True)
            ours = rename_references(page.body, attachment_names(page))
            if full.body is not None and full.body.strip() == ours.strip():
                found.add(match.id)
        return found

    def apply(self, plan: Plan) -> Report:
        return Applier(self.client, self.settings, plan, on_page=self.on_page,
                       on_attachment=self.on_attachment).run()

    def publish(self, bundle: Bundle) -> Report:
        """Preflight, plan and apply (or, on a dry run, write the plan instead)."""
        if not self.settings.project:
            self.settings = replace(self.settings,
                                    project=str(bundle.manifest.get("project", "")))
        if bundle.manifest.get("partial") and self.settings.cleanup:
            logger.info("confluence: the output holds part of the documentation only "
                        "(a partial build); cleanup is skipped")
            self.settings = replace(self.settings, cleanup_purge=False, cleanup_archive=False)
        start = time.monotonic()
        first = self.client.request_count
        plan = self.plan(bundle)
        if self.settings.dryrun:
            report = report_from_plan(plan)
            log_plan(plan)
            for text in plan.warnings:
                logger.warning(text, type="confluence", subtype="publish")
            report.plan_file = str(write_plan(plan, report, bundle.outdir,
                                              self.settings.plan_file))
            report.requests = self.client.request_count - first
            report.seconds = time.monotonic() - start
            root = next((p for p in plan.pages if p.docname == plan.root_docname), None)
            report.url = root.url if root is not None else ""
            return report
        report = self.apply(plan)
        self._after_apply(bundle, report)
        report.requests = self.client.request_count - first
        report.seconds = time.monotonic() - start
        if not report.url and plan.root_docname in report.page_ids:
            report.url = page_url(self.client, report.page_ids[plan.root_docname])
        return report


    def _after_apply(self, bundle: Bundle, report: Report) -> None:
        """Steps that need the page ids: the intersphinx inventory, the homepage."""
        root_id = report.page_ids.get(bundle.root)
        if self.settings.publish_intersphinx and not bundle.manifest.get("partial"):
            # a partial output knows part of the objects: the inventory stays as it is
            publish_inventory(self.client, bundle, report.page_ids, report.page_urls,
                              replace=not self.settings.onlynew)
        if self.settings.root_homepage and root_id is not None:
            space = self.client.get_space(self.settings.space_key)
            if space.homepage_id != root_id:
                self.client.set_homepage(space, root_id)
                logger.info("confluence: the root page is now the homepage of space %s",
                            space.key)


def _check_uploads(plan: Plan) -> None:
    """Every file the plan uploads is in the output directory as it was built: a
    missing or changed file stops the publish before the first write."""
    for att in plan.attachment_changes("upload"):
        try:
            digest = sha256_file(att.path)
        except OSError as exc:
            raise ConfluenceBuildError(
                f"attachment {att.name!r} of document {att.docname!r} is missing or "
                f"unreadable: {att.path} ({exc.strerror or exc})",
                hint="Rebuild the documentation (the output directory is incomplete).",
            ) from None
        if digest != att.sha256:
            raise ConfluenceBuildError(
                f"{att.path} (attachment {att.name!r} of document {att.docname!r}) does not "
                "match the sha256 recorded at build time",
                hint="The output was changed after the build; rebuild it.")


def _check_parent_transform(plan: Plan, remote: Remote, settings: PublishSettings) -> None:
    """Ask confluence_parent_override_transform, before the first write, about every page
    whose parent exists already: its answer must be a page of the space. (A page whose
    parent is created by this publish is asked once that parent exists.)"""
    if settings.parent_transform is None:
        return
    known = {p.id for p in remote.pages}
    ids = {c.docname: c.page_id for c in plan.pages}
    for change in plan.pages:
        if change.keep_parent or change.action == "skip":
            continue
        parent = change.parent_id if change.parent_doc is None else ids.get(change.parent_doc)
        if change.parent_doc is not None and parent is None:
            continue
        chosen = settings.parent_for(change.docname, parent)
        if chosen is not None and chosen != parent and chosen not in known:
            raise ConfluenceConfigError(
                TRANSFORM_OPTION, f"returned page id {chosen} for document "
                f"{change.docname!r}, which is not a page of space {plan.space.key!r}",
                hint="Return the id of an existing page of the space, or None.")


def page_url(client: ConfluenceClient, page_id: str) -> str:
    base = getattr(client, "base_url", "") or ""
    if not base.endswith("/"):
        base += "/"
    return f"{base}pages/viewpage.action?pageId={page_id}"


def log_report(report: Report) -> None:
    logger.info("confluence: %s", report.summary())
    if report.left_behind:
        logger.info("confluence: %s", report.left_behind_note())
    if report.plan_file:
        logger.info("confluence: plan written to %s", report.plan_file)
    if report.url:
        logger.info("Publish point: %s", report.url)
