"""The seam between the emulator's HTTP shell and its REST handlers.

The HTTP shell (``server.py``) owns sockets, base paths per mode, authentication,
SSO front ends, fault injection, rate limits, logging and admin paths. Once a request
has passed all of that, it becomes an :class:`ApiRequest` and is handed to
:func:`sphinxcontrib.confluencebuilder.testing.api.dispatch`, which returns an
:class:`ApiResponse`. Handlers never see sockets; the shell never sees state.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApiRequest:
    method: str                      # 'GET', 'POST', 'PUT', 'DELETE'
    api: str                         # 'v1' or 'v2'
    path: str                        # path below the API root, e.g. '/content/123' or '/pages'
    query: dict[str, list[str]]      # parsed query string (parse_qs, keep_blank_values=True)
    headers: dict[str, str]          # header names lower-cased
    body: bytes
    user: str | None                 # account id of the authenticated user, None = anonymous
    base_url: str                    # absolute site root as clients see it, e.g. http://127.0.0.1:5000/wiki
    context_path: str                # '/wiki', '/confluence' or ''
    api_root: str                    # absolute URL of this API's root, e.g. .../wiki/rest/api

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """Parsed JSON body; raises ValueError on malformed JSON (the shell answers 400)."""
        return json.loads(self.body.decode("utf-8") or "null")


@dataclass
class ApiResponse:
    status: int = 200
    body: Any = None                 # JSON-able value, or bytes (sent as is), or None (empty)
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json;charset=UTF-8"
    #: the body as pieces sent one after another (hostile answers: slow or huge);
    #: ``length`` bytes in all (0: unknown, the closed connection ends it). When set,
    #: ``body`` is ignored.
    stream: Iterable[bytes] | None = None
    length: int = 0
