"""REST clients for Confluence: ``make_client(settings)`` returns a ``ConfluenceClient``.

The API mode comes from the settings (explicit ``confluence_api_mode``, else v2 for Cloud,
scoped tokens and the gateway, else v1). Scoped Cloud tokens are sent to the
``api.atlassian.com`` gateway, whose cloud id is looked up at ``<site>/_edge/tenant_info``.
When a v1 client on Cloud meets ``410 Gone`` it switches to v2 once, with a warning.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import requests
from sphinx.util import logging

from ..errors import ConfluenceBadResponseError, ConfluenceConnectionError, ConfluenceGoneError
from ..settings import ConnectionSettings
from .base import ConfluenceClient, RemoteAttachment, RemotePage, Space
from .transport import Transport
from .v1 import V1Client
from .v2 import V2Client

logger = logging.getLogger(__name__)

__all__ = ["ConfluenceClient", "RemoteAttachment", "RemotePage", "Space", "Transport",
           "V1Client", "V2Client", "SwitchingClient", "lookup_cloud_id", "make_client"]


def lookup_cloud_id(transport: Transport) -> str:
    """The Cloud site's id from ``<site>/_edge/tenant_info`` (needed by scoped tokens)."""
    url = transport.settings.origin + "/_edge/tenant_info"
    try:
        data = transport.request("GET", url).data
    except ConfluenceConnectionError as exc:
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


if TYPE_CHECKING:
    _ClientBase = ConfluenceClient
else:
    _ClientBase = object


class SwitchingClient(_ClientBase):
    """Delegates to a v1 or v2 client; swaps v1 for v2 once when Cloud answers 410 Gone."""

    def __init__(self, transport: Transport, impl: V1Client) -> None:
        self.transport = transport
        self._impl = impl
        self._lock = threading.Lock()
        self.switched = False

    @property
    def impl(self) -> V1Client:
        return self._impl

    @property
    def api_mode(self) -> str:
        return self._impl.api_mode

    @property
    def base_url(self) -> str:
        return self._impl.base_url

    @property
    def request_count(self) -> int:
        return self.transport.request_count

    def close(self) -> None:
        """End of run: report deprecated endpoints the server flagged (once)."""
        self.transport.report_deprecations()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._impl, name)
        if not callable(attr) or name.startswith("_"):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            impl = self._impl
            try:
                return getattr(impl, name)(*args, **kwargs)
            except ConfluenceGoneError:
                if not self._switch(impl):
                    raise
                return getattr(self._impl, name)(*args, **kwargs)

        call.__name__ = name
        return call

    def _switch(self, failed: V1Client) -> bool:
        with self._lock:
            if self._impl is not failed:
                return True  # another thread switched already
            if failed.api_mode != "v1" or not self.transport.settings.cloud:
                return False
            self._impl = V2Client(self.transport, failed.base_url)
            self.switched = True
        logger.warning("confluence: Confluence Cloud removed the v1 REST API used here (410 "
                       "Gone); switched to v2 for the rest of this run. Set "
                       "confluence_api_mode = 'v2' to skip this", type="confluence",
                       subtype="api_mode")
        return True


def make_client(settings: ConnectionSettings, session: requests.Session | None = None, *,
                sleep: Callable[[float], None] = time.sleep) -> SwitchingClient:
    """A client for ``settings`` (builds the session unless one is given).

    Raises ConfluenceConfigError for bad settings before any request is sent. The only
    request made here is the cloud-id lookup for scoped tokens.
    """
    transport = Transport(settings, session, sleep=sleep)
    base = settings.server_url
    if settings.scoped_token and not settings.gateway:
        base = f"{settings.gateway_root}{lookup_cloud_id(transport)}/wiki/"
        transport.allow_origin(base)
        logger.info("confluence: scoped API token: using the gateway %s", base)
    impl: V1Client = V2Client(transport, base) if settings.api_mode == "v2" else \
        V1Client(transport, base)
    return SwitchingClient(transport, impl)
