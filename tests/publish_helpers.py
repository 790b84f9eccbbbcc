"""Helpers for the publishing tests: bundles written by hand, clients for the emulator."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinxcontrib.confluencebuilder import errors, pages
from sphinxcontrib.confluencebuilder.publisher import Publisher, Report
from sphinxcontrib.confluencebuilder.publisher.settings import IDENTITY_KEY, PublishSettings
from sphinxcontrib.confluencebuilder.rest.base import RemoteAttachment, RemotePage, Space
from sphinxcontrib.confluencebuilder.testing.state import EmulatorError, State


@dataclass
class Doc:
    """One document of a hand-written bundle."""

    docname: str
    title: str
    parent: str | None = None
    body: str = ""
    labels: tuple[str, ...] = ()
    #: attachment name -> file content
    files: Mapping[str, bytes] = field(default_factory=dict)


def write_bundle(outdir: Path, docs: Iterable[Doc], *, project: str = "Proj",
                 root: str = "index") -> Path:
    """Write the builder's on-disk output for ``docs`` (parents before children)."""
    outdir.mkdir(parents=True, exist_ok=True)
    src = outdir.parent / (outdir.name + "-src")
    src.mkdir(exist_ok=True)
    docs = list(docs)
    metas: dict[str, pages.PageMeta] = {}
    for doc in docs:
        atts = []
        for name, data in doc.files.items():
            path = src / hashlib.sha256(data).hexdigest()
            path.write_bytes(data)
            atts.append(pages.store_attachment(outdir, name, path))
        body = doc.body or f"<p>{doc.title} body</p>"
        meta = pages.PageMeta(docname=doc.docname, title=doc.title, parent=doc.parent,
                              labels=tuple(doc.labels), attachments=tuple(atts))
        pages.write_page(outdir, ".conf", body, meta)
        metas[doc.docname] = meta
    info = {"project": project, "version": "1", "release": "1", "editor": "v2",
            "generated": "2026-01-01T00:00:00Z", "root": root}
    # drop pages of earlier writes that are not in this bundle
    for old in outdir.glob("*.meta.json"):
        name = old.name[: -len(pages.META_SUFFIX)]
        if name not in metas:
            pages.remove_page(outdir, name, ".conf")
    pages.write_manifest(outdir, info=info, order=[d.docname for d in docs], metas=metas,
                         suffix=".conf")
    return outdir


def tree_docs(n: int, *, image: bool = False) -> list[Doc]:
    """index with ``n - 1`` children."""
    docs = [Doc("index", "Home Doc")]
    for i in range(1, n):
        files = {f"img{i}.png": f"png-{i}".encode()} if image else {}
        docs.append(Doc(f"p{i}", f"Page {i}", "index", files=files))
    return docs


# -- an in-process client over the emulator state (fast unit tests of plan and apply) ----

_ERRORS = {400: errors.ConfluenceBadRequestError, 403: errors.ConfluencePermissionError,
           404: errors.ConfluenceNotFoundError, 409: errors.ConfluenceConflictError}


class StateClient:
    """The ConfluenceClient protocol straight on an EmulatorState, no HTTP."""

    api_mode = "v2"
    base_url = "http://emulator.invalid/wiki/"
    #: create_page stores the properties with the page (in one call)
    create_carries_properties = True

    def __init__(self, state: State, user: str | None = None) -> None:
        self.state = state
        self.user = user or next(iter(state.users), None)
        self.request_count = 0
        self._lock = threading.Lock()

    def _count(self) -> None:
        with self._lock:
            self.request_count += 1

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        self._count()
        try:
            with self.state.lock:
                return fn(*args, **kwargs)
        except EmulatorError as exc:
            cls = _ERRORS.get(exc.status, errors.ConfluenceServerError)
            raise cls(exc.message, status=exc.status) from None

    def _page(self, c: Any, properties: tuple[str, ...] = (), body: bool = False
              ) -> RemotePage:
        props = {k: c.properties[k].value for k in properties if k in c.properties}
        return RemotePage(c.id, c.title, c.space_key, c.parent_id, c.version.number,
                          c.status, props, tuple(lb.name for lb in c.labels),
                          c.body if body else None, f"{self.base_url}pages/{c.id}",
                          position=c.position)

    def current_user(self) -> dict[str, Any]:
        return {"accountId": self.user}

    def server_info(self) -> dict[str, Any]:
        return {"type": "cloud"}

    def get_space(self, key: str) -> Space:
        s = self._call(self.state.get_space, key)
        return Space(str(s.id), s.key, s.name, s.homepage_id)

    def get_page(self, page_id: str, *, body: bool = False,
                 properties: tuple[str, ...] = ()) -> RemotePage:
        c = self._call(self.state.get_content, page_id, ("current",))
        return self._page(c, properties, body)

    def find_page_by_title(self, space: Space, title: str, *,
                           properties: tuple[str, ...] = (),
                           status: str = "current") -> RemotePage | None:
        found = self._call(self.state.find_pages, space.key, None, (status,))
        for c in found:
            if c.title.casefold() == title.casefold():
                return self._page(c, properties)
        return None

    def list_pages(self, space: Space, *, ancestor_id: str | None = None,
                   properties: tuple[str, ...] = ()) -> list[RemotePage]:
        found = self._call(self.state.find_pages, space.key)
        return [self._page(c, properties) for c in found]

    def create_page(self, space: Space, title: str, body: str, parent_id: str | None, *,
                    properties: dict[str, Any] | None = None, labels: tuple[str, ...] = (),
                    version_message: str = "") -> RemotePage:
        def create() -> Any:
            c = self.state.create_page(space.key, title, body, parent_id, by=self.user,
                                       message=version_message)
            for k, v in (properties or {}).items():
                self.state.set_property(c, k, v, version=1, by=self.user)
            for label in labels:
                self.state.add_label(c, label)
            c.watchers.add(self.user)
            return c
        return self._page(self._call(create), tuple(properties or ()))

    def update_page(self, page: RemotePage, title: str, body: str, parent_id: str | None, *,
                    version_message: str = "", minor_edit: bool = True) -> RemotePage:
        def update() -> Any:
            c = self.state.get_content(page.id, ("current",))
            c.watchers.add(self.user)
            return self.state.update_page(c, version=page.version + 1, by=self.user,
                                          title=title, body=body, parent_id=parent_id,
                                          message=version_message, minor_edit=minor_edit)
        return self._page(self._call(update))

    def list_children(self, page_id: str) -> list[RemotePage]:
        return [self._page(c) for c in self._call(self.state.children, page_id)]

    def move_page(self, page_id: str, position: str, target_id: str) -> None:
        self._call(lambda: self.state.move_page(self.state.get_content(page_id),
                                                self.state.get_content(target_id), position))

    def delete_page(self, page_id: str, *, purge: bool = False) -> None:
        self._call(lambda: self.state.trash(self.state.get_content(page_id, ("current",))))

    def archive_pages(self, page_ids: list[str]) -> None:
        self._call(lambda: self.state.archive(
            [self.state.get_content(i) for i in page_ids], self.user))

    def get_property(self, page_id: str, key: str) -> Any | None:
        c = self._call(self.state.get_content, page_id)
        prop = c.properties.get(key)
        return None if prop is None else prop.value

    def set_property(self, page_id: str, key: str, value: Any, *,
                     version: int | None = None) -> int:
        def write() -> int:
            c = self.state.get_content(page_id)
            prop = c.properties.get(key)
            return int(self.state.set_property(
                c, key, value, by=self.user,
                version=1 if prop is None else prop.version.number + 1).version.number)
        return int(self._call(write))

    def get_labels(self, page_id: str) -> tuple[str, ...]:
        c = self._call(self.state.get_content, page_id)
        return tuple(lb.name for lb in c.labels)

    def add_labels(self, page_id: str, labels: tuple[str, ...]) -> None:
        def add() -> None:
            c = self.state.get_content(page_id)
            for label in labels:
                self.state.add_label(c, label)
        self._call(add)

    def remove_label(self, page_id: str, label: str) -> None:
        def remove() -> None:
            c = self.state.get_content(page_id)
            c.labels = [lb for lb in c.labels if lb.name != label]
        self._call(remove)

    def _att(self, a: Any) -> RemoteAttachment:
        return RemoteAttachment(a.id, a.title, a.parent_id, a.version.number, a.media_type,
                                a.comment, len(a.data))

    def list_attachments(self, page_id: str) -> list[RemoteAttachment]:
        found = self._call(self.state.children, page_id, "attachment")
        return [self._att(a) for a in found]

    def upload_attachment(self, page_id: str, name: str, data: bytes, media_type: str, *,
                          comment: str = "", existing: RemoteAttachment | None = None,
                          minor_edit: bool = True) -> RemoteAttachment:
        def upload() -> Any:
            page = self.state.get_content(page_id)
            old = self.state.get_content(existing.id) if existing else None
            if old is None and self.state.attachment_named(page, name) is not None:
                raise EmulatorError(400, "Cannot add a new attachment with same file name "
                                    f"as an existing attachment: {name}")
            return self.state.attach(page, name, data, media_type, by=self.user,
                                     comment=comment, minor_edit=minor_edit, existing=old)
        return self._att(self._call(upload))

    def upload_attachments(self, page_id: str, files: Any, *,
                           minor_edit: bool = True) -> list[RemoteAttachment]:
        def upload() -> Any:
            page = self.state.get_content(page_id)
            for f in files:
                if self.state.attachment_named(page, f.name) is not None:
                    raise EmulatorError(400, "Cannot add a new attachment with same file "
                                        f"name as an existing attachment: {f.name}")
            return [self.state.attach(page, f.name, f.data, f.media_type, by=self.user,
                                      comment=f.comment, minor_edit=minor_edit)
                    for f in files]
        return [self._att(a) for a in self._call(upload)]

    def delete_attachment(self, attachment_id: str) -> None:
        self._call(lambda: self.state.trash(self.state.get_content(attachment_id)))

    def unwatch(self, content_id: str) -> None:
        self._call(lambda: self.state.get_content(content_id).watchers.discard(self.user))

    def inline_comment_statuses(self, page_id: str) -> list[str]:
        return [status for _id, status in self.state.get_content(page_id).inline_comments]

    def set_homepage(self, space: Space, page_id: str) -> None:
        def put() -> None:
            self.state.spaces[space.key].homepage_id = page_id
        self._call(put)


# -- reading the emulator's state back -------------------------------------------------------

def current_pages(state: State, space: str = "DOCS") -> dict[str, Any]:
    """title -> Content of every current page of the space."""
    return {c.title: c for c in state.find_pages(space)}


def identity(content: Any) -> dict[str, Any]:
    prop = content.properties.get(IDENTITY_KEY)
    return {} if prop is None else dict(prop.value)


def snapshot(state: State, space: str = "DOCS") -> dict[str, Any]:
    """A comparable view of the space: per title, parent title, body, labels, attachments
    and the titles of the child pages in their order."""
    with state.lock:
        by_id = {c.id: c for c in state.find_pages(space)}
        out = {}
        for c in by_id.values():
            parent = by_id.get(c.parent_id) if c.parent_id else None
            atts = sorted((a.title, hashlib.sha256(a.data).hexdigest())
                          for a in state.children(c.id, "attachment"))
            out[c.title] = {"parent": parent.title if parent else None, "body": c.body,
                            "labels": sorted(lb.name for lb in c.labels),
                            "attachments": atts,
                            "children": [k.title for k in state.children(c.id)],
                            "docname": identity(c).get("docname")}
        return out


def publish(client: Any, outdir: Path, **overrides: Any) -> Report:
    settings = PublishSettings(space_key=overrides.pop("space_key", "DOCS"),
                               project=overrides.pop("project", "Proj"), **overrides)
    return Publisher(client, settings).publish(pages.read_bundle(outdir))


# -- clients for a running emulator ----------------------------------------------------------

def emulator_config(server: Any, **overrides: Any) -> Any:
    """A config namespace pointing at ``server`` (Cloud token or DC PAT)."""
    from sphinxcontrib.confluencebuilder.config import defaults

    creds: dict[str, Any] = {"server_url": server.url, "space_key": server.space_key,
                             "publish_retry_duration": 0.01, "publish_retry_attempts": 6,
                             "timeout": 5}
    if server.mode == "cloud":
        creds.update(server_user=server.user, api_token=server.api_token, cloud=True)
    else:
        creds.update(publish_token=server.pat)
    creds.update(overrides)
    return defaults(**creds)


def client_for(server: Any, **overrides: Any) -> Any:
    """The real REST client talking HTTP to ``server``.

    ``SCB_TEST_STATE_CLIENT=1`` swaps in :class:`StateClient` (no HTTP) while the REST
    client is being written; acceptance runs must not set it.
    """
    import os

    if os.environ.get("SCB_TEST_STATE_CLIENT") == "1":
        return StateClient(server.state, server.creds.account_id)
    from sphinxcontrib.confluencebuilder.rest import make_client
    from sphinxcontrib.confluencebuilder.settings import from_config

    return make_client(from_config(emulator_config(server, **overrides)))


def writes(server: Any) -> list[dict[str, Any]]:
    """Logged requests that are not reads."""
    return [r for r in server.requests if r.get("method") not in ("GET", "HEAD")]
