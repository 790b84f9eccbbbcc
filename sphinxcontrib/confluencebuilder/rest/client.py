"""The one Confluence REST client: the :class:`~.base.ConfluenceClient` calls over a
dialect (v1 or v2) that builds the requests and reads the answers.

When Cloud answers a v1 call with ``410 Gone`` the client swaps its v1 dialect for a v2
one (keeping the v1 dialect for what Cloud still serves through v1), warns once and
repeats the call. What both dialects share stays here: the last-resort check of
unreadable answers and the end of the run (``close`` or a ``with`` block). Retries are
the transport's alone (:mod:`.retrypolicy`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, TypeVar

from sphinx.util import logging

from ..errors import ConfluenceBadResponseError, ConfluenceGoneError
from ..session import redact_text
from .base import ApiMode, NewAttachment, RemoteAttachment, RemotePage, Space
from .dialect import Dialect
from .dialect_v1 import V1Dialect
from .dialect_v2 import V2Dialect
from .transport import Transport
from .wire import Wire

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: what reading a malformed answer can raise beyond the typed checks
UNREADABLE = (TypeError, KeyError, AttributeError, IndexError, ValueError, OverflowError,
              RecursionError)


class RestClient:
    """The ConfluenceClient :func:`~.make_client` hands out (safe to share by threads)."""

    def __init__(self, transport: Transport, base_url: str, api_mode: ApiMode) -> None:
        self.transport = transport
        self.wire = Wire(transport, base_url)
        #: site base URL, e.g. https://x.atlassian.net/wiki/ (or the gateway's)
        self.base_url = base_url
        v1 = V1Dialect(self.wire)
        #: the dialect spoken now (swapped for a v2 one on 410 Gone)
        self.dialect: Dialect = V2Dialect(v1) if api_mode == "v2" else v1
        #: whether a 410 Gone made this client switch from v1 to v2
        self.switched = False
        self._lock = threading.Lock()

    @property
    def api_mode(self) -> ApiMode:
        """'v1' or 'v2' (changes when a 410 Gone swaps the dialect)."""
        return self.dialect.api_mode

    @property
    def create_carries_properties(self) -> bool:
        """Whether a page create writes its content properties in the same request."""
        return self.dialect.create_carries_properties

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far (assign 0 to restart counting)."""
        return self.transport.request_count

    @request_count.setter
    def request_count(self, value: int) -> None:
        self.transport.request_count = value

    def close(self) -> None:
        """End of run: report deprecated endpoints the server flagged (once) and close
        the session the transport made (a session handed in stays open)."""
        self.transport.report_deprecations()
        self.transport.close()

    def __enter__(self) -> RestClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    # -- one call, with the 410 switch -------------------------------------------------

    def _run(self, name: str, call: Callable[[Dialect], T]) -> T:
        dialect = self.dialect
        try:
            try:
                return call(dialect)
            except ConfluenceGoneError:
                if not self._switch(dialect):
                    raise
                return call(self.dialect)
        except UNREADABLE as exc:
            # the last line of defence: rest/shape.py checks the fields the dialects
            # read; whatever an answer still breaks is the server's fault, said as such
            raise ConfluenceBadResponseError(
                f"{name.replace('_', ' ')}: the server's answer could not be read "
                f"({type(exc).__name__}: {redact_text(str(exc))[:120]})",
                hint="This is not what Confluence sends. Check confluence_server_url and "
                     "any proxy or gateway in between.",
                options=("confluence_server_url",)) from None

    def _switch(self, failed: Dialect) -> bool:
        """Swap a v1 dialect that met 410 Gone on Cloud for v2 (once, whichever thread
        meets it first); False when there is nothing to switch to."""
        with self._lock:
            if self.dialect is not failed:
                return True  # another thread switched already
            if not isinstance(failed, V1Dialect) or not self.transport.settings.cloud:
                return False
            self.dialect = V2Dialect(failed)
            self.switched = True
        logger.warning("confluence: Confluence Cloud removed the v1 REST API used here (410 "
                       "Gone); switched to v2 for the rest of this run. Set "
                       "confluence_api_mode = 'v2' to skip this", type="confluence",
                       subtype="api_mode")
        return True

    # -- the ConfluenceClient protocol ---------------------------------------------------

    def current_user(self) -> dict[str, Any]:
        return self._run("current_user", lambda d: d.current_user())

    def server_info(self) -> dict[str, Any]:
        return self._run("server_info", lambda d: d.server_info())

    def get_space(self, key: str) -> Space:
        return self._run("get_space", lambda d: d.get_space(key))

    def set_homepage(self, space: Space, page_id: str) -> None:
        self._run("set_homepage", lambda d: d.set_homepage(space, page_id))

    def get_page(self, page_id: str, *, body: bool = False,
                 properties: tuple[str, ...] = ()) -> RemotePage:
        return self._run("get_page", lambda d: d.get_page(page_id, body=body,
                                                          properties=properties))

    def find_page_by_title(self, space: Space, title: str, *,
                           properties: tuple[str, ...] = (),
                           status: str = "current") -> RemotePage | None:
        return self._run("find_page_by_title", lambda d: d.find_page_by_title(
            space, title, properties=properties, status=status))

    def list_pages(self, space: Space, *, ancestor_id: str | None = None,
                   properties: tuple[str, ...] = ()) -> list[RemotePage]:
        return self._run("list_pages", lambda d: d.list_pages(
            space, ancestor_id=ancestor_id, properties=properties))

    def create_page(self, space: Space, title: str, body: str, parent_id: str | None, *,
                    properties: dict[str, Any] | None = None, labels: tuple[str, ...] = (),
                    version_message: str = "") -> RemotePage:
        return self._run("create_page", lambda d: d.create_page(
            space, title, body, parent_id, properties=properties, labels=labels,
            version_message=version_message))

    def update_page(self, page: RemotePage, title: str, body: str, parent_id: str | None, *,
                    version_message: str = "", minor_edit: bool = True) -> RemotePage:
        return self._run("update_page", lambda d: d.update_page(
            page, title, body, parent_id, version_message, minor_edit))

    def list_children(self, page_id: str) -> list[RemotePage]:
        return self._run("list_children", lambda d: d.list_children(page_id))

    def move_page(self, page_id: str, position: str, target_id: str) -> None:
        self._run("move_page", lambda d: d.move_page(page_id, position, target_id))

    def delete_page(self, page_id: str, *, purge: bool = False) -> None:
        self._run("delete_page", lambda d: d.delete_page(page_id, purge=purge))

    def archive_pages(self, page_ids: list[str]) -> None:
        self._run("archive_pages", lambda d: d.archive_pages(page_ids))

    def unwatch(self, content_id: str) -> None:
        self._run("unwatch", lambda d: d.unwatch(content_id))

    def inline_comment_statuses(self, page_id: str) -> list[str]:
        return self._run("inline_comment_statuses",
                         lambda d: d.inline_comment_statuses(page_id))

    def get_property(self, page_id: str, key: str) -> Any | None:
        return self._run("get_property", lambda d: d.get_property(page_id, key))

    def set_property(self, page_id: str, key: str, value: Any, *,
                     version: int | None = None) -> int:
        return self._run("set_property", lambda d: d.set_property(page_id, key, value,
                                                                  version=version))

    def get_labels(self, page_id: str) -> tuple[str, ...]:
        return self._run("get_labels", lambda d: d.get_labels(page_id))

    def add_labels(self, page_id: str, labels: tuple[str, ...]) -> None:
        self._run("add_labels", lambda d: d.add_labels(page_id, labels))

    def remove_label(self, page_id: str, label: str) -> None:
        self._run("remove_label", lambda d: d.remove_label(page_id, label))

    def list_attachments(self, page_id: str) -> list[RemoteAttachment]:
        return self._run("list_attachments", lambda d: d.list_attachments(page_id))

    def upload_attachment(self, page_id: str, name: str, data: bytes, media_type: str, *,
                          comment: str = "", existing: RemoteAttachment | None = None,
                          minor_edit: bool = True) -> RemoteAttachment:
        return self._run("upload_attachment", lambda d: d.upload_attachment(
            page_id, name, data, media_type, comment=comment, existing=existing,
            minor_edit=minor_edit))

    def upload_attachments(self, page_id: str, files: Sequence[NewAttachment], *,
                           minor_edit: bool = True) -> list[RemoteAttachment]:
        return self._run("upload_attachments", lambda d: d.upload_attachments(
            page_id, files, minor_edit=minor_edit))

    def delete_attachment(self, attachment_id: str) -> None:
        self._run("delete_attachment", lambda d: d.delete_attachment(attachment_id))


__all__ = ["UNREADABLE", "RestClient"]
