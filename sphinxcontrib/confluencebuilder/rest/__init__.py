"""REST clients for Confluence: ``make_client(settings)`` returns a ``ConfluenceClient``.

The API mode comes from the settings (explicit ``confluence_api_mode``, else v2 for Cloud,
scoped tokens and the gateway, else v1). Scoped Cloud tokens are sent to the
``api.atlassian.com`` gateway, whose cloud id is looked up at ``<site>/_edge/tenant_info``.
When a v1 client on Cloud meets ``410 Gone`` it switches to v2 once, with a warning.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import requests
from sphinx.util import logging

from ..errors import ConfluenceBadResponseError, ConfluenceConnectionError, ConfluenceGoneError
from ..session import redact_text
from ..settings import ConnectionSettings
from .base import ConfluenceClient, NewAttachment, RemoteAttachment, RemotePage, Space
from .transport import Transport
from .v1 import V1Client
from .v2 import V2Client

logger = logging.getLogger(__name__)

#: what reading a malformed answer can raise beyond the typed checks
_UNREADABLE = (TypeError, KeyError, AttributeError, IndexError, ValueError, OverflowError,
               RecursionError)

__all__ = ["ConfluenceClient", "NewAttachment", "RemoteAttachment", "RemotePage", "Space", "Transport",
           "V1Client", "V2Client", "SwitchingClient", "lookup_cloud_id", "make_client"]


def lookup_cloud_id(transport: Transport) -> str:
    """The Cloud site's id from ``<site>/_edge/tenant_info`` (needed by scoped tokens)."""
    url = transport.settings.origin + "/_edge/tenant_info"
    try:
        data = transport.request("GET", url).data
    except ConfluenceConnectionError as exc:
        if str(getattr(exc, "cause", "")).startswith("oauth2"):
            raise  # the token endpoint failed, not the lookup
        exc.hint = ("Could not look up the cloud id for the scoped token. Set "
                    "confluence_server_url to https://api.atlassian.com/ex/confluence/"
                    "<cloudId>/wiki/ directly. " + exc.hint).strip()
        raise
    cloud_id = data.get("cloudId") if isinstance(data, dict) else None
    if not isinstance(cloud_id, str) or not cloud_id:
        raise ConfluenceBadResponseError(
            f"{url} did not return a cloudId; is confluence_server_url a Cloud site?",
            hint="confluence_api_token_scoped is for Confluence Cloud only.",
            options=("confluence_server_url", "confluence_api_token_scoped"), url=url)
    return cloud_id


class SwitchingClient:
    """The ConfluenceClient handed out by :func:`make_client`.

    Delegates to a v1 or v2 client; when a v1 client on Cloud meets 410 Gone it is
    replaced by a v2 client once (with one warning) and the call is repeated.
    """

    def __init__(self, transport: Transport, impl: V1Client) -> None:
        self.transport = transport
        self._impl = impl
        self._lock = threading.Lock()
        self.switched = False
        #: 'v1' or 'v2' (changes when a 410 Gone makes the client switch)
        self.api_mode: str = impl.api_mode
        self.base_url: str = impl.base_url

    @property
    def impl(self) -> V1Client:
        return self._impl

    @property
    def create_carries_properties(self) -> bool:
        """Whether a page create writes its content properties in the same request."""
        return self._impl.create_carries_properties

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far (assign 0 to restart counting)."""
        return self.transport.request_count

    @request_count.setter
    def request_count(self, value: int) -> None:
        self.transport.request_count = value

    def close(self) -> None:
        """End of run: report deprecated endpoints the server flagged (once)."""
        self.transport.report_deprecations()

    def _run(self, name: str, *args: Any, **kwargs: Any) -> Any:
        impl = self._impl
        try:
            try:
                return getattr(impl, name)(*args, **kwargs)
            except ConfluenceGoneError:
                if not self._switch(impl):
                    raise
                return getattr(self._impl, name)(*args, **kwargs)
        except _UNREADABLE as exc:
            # the last line of defence: rest/shape.py checks the fields the client reads;
            # whatever an answer still breaks is the server's fault, said as such
            raise ConfluenceBadResponseError(
                f"{name.replace('_', ' ')}: the server's answer could not be read "
                f"({type(exc).__name__}: {redact_text(str(exc))[:120]})",
                hint="This is not what Confluence sends. Check confluence_server_url and "
                     "any proxy or gateway in between.",
                options=("confluence_server_url",)) from None

    def _switch(self, failed: V1Client) -> bool:
        with self._lock:
            if self._impl is not failed:
                return True  # another thread switched already
            if failed.api_mode != "v1" or not self.transport.settings.cloud:
                return False
            self._impl = V2Client(self.transport, failed.base_url)
            self.api_mode = self._impl.api_mode
            self.switched = True
        logger.warning("confluence: Confluence Cloud removed the v1 REST API used here (410 "
                       "Gone); switched to v2 for the rest of this run. Set "
                       "confluence_api_mode = 'v2' to skip this", type="confluence",
                       subtype="api_mode")
        return True

    # -- the ConfluenceClient protocol ---------------------------------------------------

    def current_user(self) -> dict[str, Any]:
        return self._run("current_user")  # type: ignore[no-any-return]

    def server_info(self) -> dict[str, Any]:
        return self._run("server_info")  # type: ignore[no-any-return]

    def get_space(self, key: str) -> Space:
        return self._run("get_space", key)  # type: ignore[no-any-return]

    def get_page(self, page_id: str, *, body: bool = False,
                 properties: tuple[str, ...] = ()) -> RemotePage:
        return self._run("get_page", page_id, body=body,  # type: ignore[no-any-return]
                         properties=properties)

    def find_page_by_title(self, space: Space, title: str, *,
                           properties: tuple[str, ...] = (),
                           status: str = "current") -> RemotePage | None:
        return self._run("find_page_by_title", space, title,  # type: ignore[no-any-return]
                         properties=properties, status=status)

    def list_pages(self, space: Space, *, ancestor_id: str | None = None,
                   properties: tuple[str, ...] = ()) -> list[RemotePage]:
        return self._run("list_pages", space,  # type: ignore[no-any-return]
                         ancestor_id=ancestor_id, properties=properties)

    def create_page(self, space: Space, title: str, body: str, parent_id: str | None, *,
                    properties: dict[str, Any] | None = None, labels: tuple[str, ...] = (),
                    version_message: str = "") -> RemotePage:
        return self._run("create_page", space, title, body,  # type: ignore[no-any-return]
                         parent_id, properties=properties, labels=labels,
                         version_message=version_message)

    def update_page(self, page: RemotePage, title: str, body: str, parent_id: str | None, *,
                    version_message: str = "", minor_edit: bool = True) -> RemotePage:
        return self._run("update_page", page, title, body,  # type: ignore[no-any-return]
                         parent_id, version_message=version_message, minor_edit=minor_edit)

    def list_children(self, page_id: str) -> list[RemotePage]:
        return self._run("list_children", page_id)  # type: ignore[no-any-return]

    def move_page(self, page_id: str, position: str, target_id: str) -> None:
        self._run("move_page", page_id, position, target_id)

    def delete_page(self, page_id: str, *, purge: bool = False) -> None:
        self._run("delete_page", page_id, purge=purge)

    def archive_pages(self, page_ids: list[str]) -> None:
        self._run("archive_pages", page_ids)

    def get_property(self, page_id: str, key: str) -> Any | None:
        return self._run("get_property", page_id, key)

    def set_property(self, page_id: str, key: str, value: Any, *,
                     version: int | None = None) -> int:
        return self._run("set_property", page_id, key, value,  # type: ignore[no-any-return]
                         version=version)

    def get_labels(self, page_id: str) -> tuple[str, ...]:
        return self._run("get_labels", page_id)  # type: ignore[no-any-return]

    def add_labels(self, page_id: str, labels: tuple[str, ...]) -> None:
        self._run("add_labels", page_id, labels)

    def remove_label(self, page_id: str, label: str) -> None:
        self._run("remove_label", page_id, label)

    def list_attachments(self, page_id: str) -> list[RemoteAttachment]:
        return self._run("list_attachments", page_id)  # type: ignore[no-any-return]

    def upload_attachment(self, page_id: str, name: str, data: bytes, media_type: str, *,
                          comment: str = "", existing: RemoteAttachment | None = None,
                          minor_edit: bool = True) -> RemoteAttachment:
        return self._run("upload_attachment", page_id, name,  # type: ignore[no-any-return]
                         data, media_type, comment=comment, existing=existing,
                         minor_edit=minor_edit)

    def upload_attachments(self, page_id: str, files: Sequence[NewAttachment], *,
                           minor_edit: bool = True) -> list[RemoteAttachment]:
        return self._run("upload_attachments", page_id,  # type: ignore[no-any-return]
                         files, minor_edit=minor_edit)

    def delete_attachment(self, attachment_id: str) -> None:
        self._run("delete_attachment", attachment_id)

    def unwatch(self, content_id: str) -> None:
        self._run("unwatch", content_id)

    def set_homepage(self, space: Space, page_id: str) -> None:
        self._run("set_homepage", space, page_id)

    def inline_comment_statuses(self, page_id: str) -> list[str]:
        return self._run("inline_comment_statuses", page_id)  # type: ignore[no-any-return]


def make_client(settings: ConnectionSettings, session: requests.Session | None = None, *,
                sleep: Callable[[float], None] = time.sleep) -> SwitchingClient:
    """A client for ``settings`` (builds the session unless one is given).

    Raises ConfluenceConfigError for bad settings before any request is sent. The only
    request made here is the cloud-id lookup for scoped tokens.
    """
    transport = Transport(settings, session, sleep=sleep)
    base = settings.server_url
    service_account = settings.oauth2 is not None and settings.cloud
    # the cloud id is given when the URL already is a gateway path (any host: tests, mirrors)
    given = settings.gateway or "/ex/confluence/" in settings.server_url
    if (settings.scoped_token or service_account) and not given:
        base = f"{settings.gateway_root}{lookup_cloud_id(transport)}/wiki/"
        transport.allow_origin(base)
        what = "OAuth 2.0 service account" if service_account else "scoped API token"
        logger.info("confluence: %s: using the gateway %s", what, base)
    impl: V1Client = V2Client(transport, base) if settings.api_mode == "v2" else \
        V1Client(transport, base)
    return SwitchingClient(transport, impl)
