"""Call the emulator's REST dispatcher directly (no sockets) the way the HTTP shell does."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from sphinxcontrib.confluencebuilder.testing.api import ApiOptions, dispatch
from sphinxcontrib.confluencebuilder.testing.protocol import ApiRequest, ApiResponse
from sphinxcontrib.confluencebuilder.testing.state import State

ORIGIN = "http://127.0.0.1:8090"
NO_CHECK = {"x-atlassian-token": "no-check"}


class Api:
    """A seeded state (user ``u1``, space ``DS``) plus request helpers for v1 and v2."""

    def __init__(self, mode: str = "cloud", *, max_limit: int = 25, lenient: bool = False
                 ) -> None:
        self.state = State()
        self.state.add_user("u1", "User One", email="u1@example.com", username="user1")
        self.space = self.state.create_space("DS", "Demo Space", by="u1")
        self.home = self.space.homepage_id
        self.options = ApiOptions(mode=mode, max_limit=max_limit, lenient_entities=lenient)
        self.context = "/wiki" if mode == "cloud" else "/confluence"
        self.base = ORIGIN + self.context

    def root(self, api: str) -> str:
        return self.base + ("/rest/api" if api == "v1" else "/api/v2")

    def call(self, method: str, target: str, body: Any = None, *, api: str = "v1",
             headers: dict[str, str] | None = None, raw: bytes | None = None,
             user: str | None = "u1") -> ApiResponse:
        path, _, query = target.partition("?")
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        request = ApiRequest(method, api, path, parse_qs(query, keep_blank_values=True),
                             {k.lower(): v for k, v in (headers or {}).items()}, data, user,
                             self.base, self.context, self.root(api))
        return dispatch(self.state, request, self.options)

    def ok(self, method: str, target: str, body: Any = None, **kwargs: Any) -> Any:
        rsp = self.call(method, target, body, **kwargs)
        assert 200 <= rsp.status < 300, (rsp.status, rsp.body)
        return rsp.body

    def page(self, title: str, parent: str | None = None, body: str = "<p>x</p>") -> str:
        data: dict[str, Any] = {"type": "page", "title": title, "space": {"key": "DS"},
                                "body": {"storage": {"value": body,
                                                     "representation": "storage"}}}
        if parent:
            data["ancestors"] = [{"id": parent}]
        return str(self.ok("POST", "/content", data)["id"])

    def upload(self, page_id: str, name: str, data: bytes, *, method: str = "POST",
               suffix: str = "", comment: str = "", headers: dict[str, str] | None = None,
               ) -> ApiResponse:
        prepared = requests.Request(
            "POST", "http://x/", files={"file": (name, data, "image/png")},
            data={"comment": comment} if comment else None).prepare()
        hdrs = dict(NO_CHECK if headers is None else headers)
        hdrs["content-type"] = prepared.headers["Content-Type"]
        return self.call(method, f"/content/{page_id}/child/attachment{suffix}",
                         raw=prepared.body, headers=hdrs)

    def follow(self, target: str, api: str = "v1") -> tuple[list[Any], int]:
        """Every result reachable through ``_links.next``; also the number of requests."""
        results: list[Any] = []
        calls = 0
        strip = urlsplit(self.root(api)).path if api == "v2" else \
            self.root(api)[len(self.base):]
        while target:
            body = self.ok("GET", target, api=api)
            calls += 1
            results.extend(body["results"])
            nxt = body["_links"].get("next")
            assert nxt is None or nxt.startswith(strip), nxt
            target = nxt[len(strip):] if nxt else ""
        return results, calls
