"""REST client for Confluence: ``make_client(settings)`` returns a ``ConfluenceClient``.

The API mode comes from the settings (explicit ``confluence_api_mode``, else v2 for Cloud,
scoped tokens and the gateway, else v1); it picks the dialect the one client
(:class:`~.client.RestClient`) starts with. Scoped Cloud tokens are sent to the
``api.atlassian.com`` gateway, whose cloud id is looked up at ``<site>/_edge/tenant_info``.
When the v1 dialect on Cloud meets ``410 Gone`` the client swaps it for v2 once, with a
warning.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests
from sphinx.util import logging

from ..errors import ConfluenceBadResponseError, ConfluenceConnectionError
from ..settings import ConnectionSettings
from .base import ConfluenceClient, NewAttachment, RemoteAttachment, RemotePage, Space
from .client import RestClient
from .transport import Transport

logger = logging.getLogger(__name__)

__all__ = ["ConfluenceClient", "NewAttachment", "RemoteAttachment", "RemotePage",
           "RestClient", "Space", "Transport", "lookup_cloud_id", "make_client"]


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


def make_client(settings: ConnectionSettings, session: requests.Session | None = None, *,
                sleep: Callable[[float], None] = time.sleep) -> RestClient:
    """A client for ``settings`` (builds the session unless one is given; ``close()``
    or a ``with`` block closes only a session built here).

    Raises ConfluenceConfigError for bad settings before any request is sent. The only
    request made here is the cloud-id lookup for scoped tokens.
    """
    transport = Transport(settings, session, sleep=sleep)
    base = settings.server_url
    service_account = settings.oauth2 is not None and settings.cloud
    # the cloud id is given when the URL already is a gateway path (any host: tests, mirrors)
    given = settings.gateway or "/ex/confluence/" in settings.server_url
    if (settings.scoped_token or service_account) and not given:
        try:
            base = f"{settings.gateway_root}{lookup_cloud_id(transport)}/wiki/"
        except BaseException:
            transport.close()
            raise
        transport.allow_origin(base)
        what = "OAuth 2.0 service account" if service_account else "scoped API token"
        logger.info("confluence: %s: using the gateway %s", what, base)
    return RestClient(transport, base, "v2" if settings.api_mode == "v2" else "v1")
