"""Sphinx glue of publishing: the events the publisher emits and the publish that the
builder runs in ``finish``.

:mod:`.publisher` takes settings and pages and knows nothing of Sphinx; this module
(on the builder side) turns the Sphinx application into those values and the
publisher's callbacks into Sphinx events.
"""

from __future__ import annotations

from typing import Any

from sphinx.errors import SphinxError

from .errors import ConfluenceError, ConfluencePublishError
from .pages import Bundle, read_bundle
from .publisher import Publisher, Report, from_config, log_report

__all__ = ["EVENTS", "ConfluencePublishFailed", "override_page_ids", "publish_from_builder",
           "register"]

EVENTS = ("confluence-publish-override-pageid", "confluence-publish-page",
          "confluence-publish-attachment", "confluence-publish-point")


class ConfluencePublishFailed(SphinxError):
    category = "Confluence publishing failed"


def register(app: Any) -> None:
    """Declare the events the publisher emits (call from the extension's ``setup``)."""
    for name in EVENTS:
        if name not in app.events.events:
            app.add_event(name)


def publish_from_builder(app: Any, outdir: Any, connection: Any = None) -> Report:
    """Publish the builder's output directory; raise a Sphinx error on failure.

    ``connection``: the connection settings checked when the build started (so the
    credentials asked for then are not asked again); read from the config when None.
    """
    from .rest import make_client
    from .settings import from_config as connection_from_config

    register(app)
    try:
        bundle = read_bundle(outdir)
        page_ids = override_page_ids(app, bundle)
        settings = from_config(app.config, confdir=app.confdir)
        client = make_client(connection if connection is not None else
                             connection_from_config(app.config, base_dir=app.confdir))
        publisher = Publisher(
            client, settings,
            on_page=lambda doc, pid, meta: app.emit("confluence-publish-page", doc, pid, meta),
            on_attachment=lambda doc, key, aid, meta: app.emit(
                "confluence-publish-attachment", doc, key, aid, meta),
            page_ids=page_ids)
        try:
            report = publisher.publish(bundle)
        finally:
            client.close()
    except ConfluenceError as exc:
        raise ConfluencePublishFailed(str(exc)) from exc
    log_report(report)
    if report.url and not report.dryrun:
        app.emit("confluence-publish-point", report.url)
    return report


def override_page_ids(app: Any, bundle: Bundle) -> dict[str, str]:
    """Ask ``confluence-publish-override-pageid`` (docname, {guid, title}) for each page;
    the first handler that returns an id decides where the document is written."""
    found: dict[str, str] = {}
    for page in bundle.pages:
        meta = {"guid": page.meta.guid, "title": page.title}
        value = app.emit_firstresult("confluence-publish-override-pageid", page.docname, meta)
        if value is None or value == "":
            continue
        text = str(value).strip()
        if not text.isdigit():
            raise ConfluencePublishError(
                f"the confluence-publish-override-pageid event returned {value!r} for "
                f"document {page.docname!r}; expected a page id (digits) or None",
                hint="Return the numeric id of an existing page, or None.")
        found[page.docname] = text
    return found
