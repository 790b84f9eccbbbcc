"""The emulator's HTTP shell: a threaded server on 127.0.0.1 speaking Confluence's REST API.

``ConfluenceEmulator`` owns the sockets and everything in front of the REST handlers: the
proxy and SSO gates, faults and rate limits, authentication, routing per mode, the request
log and the admin paths under ``/__emulator__/``. The handlers live in ``api.py``.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import faults, views
from .actions import move_page
from .admin import handle_admin
from .api import ApiOptions, dispatch
from .auth import (
    Authenticator,
    AuthKnobs,
    Credentials,
    SsoGate,
    anonymous_answer,
    mask_headers,
)
from .hostguard import refuse_foreign
from .httpserver import Handler, Server, pipe
from .oauth import PROXY_MODES, OAuthKnobs, ProxyGate, TokenIssuer
from .protocol import ApiRequest, ApiResponse
from .routing import (
    Route,
    bad_request,
    body_problem,
    endpoint_name,
    is_page_update,
    is_property_update,
    manifest,
    not_found,
    resolve,
    still_v1,
)
from .state import State

ADMIN_PREFIX = "/__emulator__/"
_FAULT_FIELDS = {f.name for f in fields(faults.FaultKnobs)}
_AUTH_FIELDS = {f.name for f in fields(AuthKnobs)}
_OAUTH_FIELDS = {f.name for f in fields(OAuthKnobs)}
_LOG_LIMIT = 10000


class _Drop(Exception):
    """Close the connection without answering."""


class ConfluenceEmulator:
    """A stateful Confluence (Cloud or Data Center) listening on 127.0.0.1.

    Use it as a context manager; ``server.url`` is what a user puts in
    ``confluence_server_url``. Keyword knobs (latency, rate limits, faults, auth switches)
    can be changed while running with :meth:`configure`.
    """

    def __init__(self, mode: str = "cloud", *, host: str = "127.0.0.1", port: int = 0,
                 context_path: str = "", space_key: str = "DOCS",
                 space_name: str = "Documentation", max_limit: int = 25,
                 lenient_entities: bool = False, persist: str | os.PathLike[str] | None = None,
                 sso: str | None = None, tls: tuple[str, str] | None = None,
                 user: str | None = None, api_token: str | None = None,
                 password: str | None = None, pat: str | None = None,
                 cloud_id: str | None = None, **knobs: Any) -> None:
        if mode not in ("cloud", "dc"):
            raise ValueError(f"mode must be 'cloud' or 'dc', not {mode!r}")
        if context_path and (mode == "cloud" or not context_path.startswith("/")):
            raise ValueError("context_path is for dc mode and must start with '/'")
        self.mode = mode
        self.host = host
        self.context_path = context_path.rstrip("/")
        self.space_key = space_key
        self.space_name = space_name
        self.persist = Path(persist) if persist else None
        self.tls = tls
        self.cloud_id = cloud_id or str(uuid.uuid4())
        self.creds = Credentials.generate(mode, user=user, api_token=api_token,
                                          password=password, pat=pat)
        self.options = ApiOptions(mode=mode, max_limit=max_limit,
                                  lenient_entities=lenient_entities)
        self.state = State()
        self.errors: list[BaseException] = []
        self._requested_port = port
        self._httpd: Server | None = None
        self._thread: threading.Thread | None = None
        self._log: deque[dict[str, Any]] = deque(maxlen=_LOG_LIMIT)
        self._by_endpoint: Counter[str] = Counter()
        self._by_status: Counter[int] = Counter()
        self._log_lock = threading.Lock()
        self._fault_knobs = faults.FaultKnobs()
        self._faults = faults.FaultInjector(self._fault_knobs, mode)
        self._auth = Authenticator(mode, self.creds, "")
        self.oauth = TokenIssuer()  # the OAuth 2.0 token endpoint (testing/oauth.py)
        self._auth.bearer_check = self.oauth.api_check
        self._tunnels: set[tuple[str, int]] = set()  # our own ends of CONNECT tunnels
        self._sso: str | None = None
        self._gate: SsoGate | ProxyGate | None = None
        self._load_or_seed()
        self.configure(sso=sso, **knobs)

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> ConfluenceEmulator:
        if self._httpd is not None:
            return self
        context = None
        if self.tls:  # before binding, so a bad certificate leaves no open socket
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
        httpd = Server((self.host, self._requested_port), Handler)
        httpd.emulator = self
        httpd.tls_context = context
        self._httpd = httpd
        self._auth.site = self.site
        self.configure(sso=self._sso)  # the gate needs the real site URL
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"confluence-emulator-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.persist:
            self.save()

    def __enter__(self) -> ConfluenceEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses and credentials ----------------------------------------------------
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return int(self._httpd.server_address[1])

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    @property
    def site(self) -> str:
        """Absolute site root (``_links.base``): ``…/wiki`` on Cloud, ``…[context]`` on DC."""
        return self.origin + ("/wiki" if self.mode == "cloud" else self.context_path)

    @property
    def site_path(self) -> str:
        """The site root as a path: ``/wiki`` on Cloud, the context path on DC."""
        return "/wiki" if self.mode == "cloud" else self.context_path

    @property
    def home_url(self) -> str:
        """The page view of the space home (open it in a browser)."""
        return views.home_url(self.origin, self.site_path, self.mode == "cloud", self.space_key)

    @property
    def url(self) -> str:
        return self.site + "/"

    @property
    def gateway_url(self) -> str:
        """Cloud API gateway root for scoped tokens (``…/ex/confluence/<cloudId>/wiki/``)."""
        return f"{self.origin}/ex/confluence/{self.cloud_id}/wiki/"

    user = property(lambda self: self.creds.user)
    api_token = property(lambda self: self.creds.api_token)
    password = property(lambda self: self.creds.password)
    pat = property(lambda self: self.creds.pat)
    account_id = property(lambda self: self.creds.account_id)
    sso_cookie = property(lambda self: self.creds.sso_cookie)
    sso_cookie_name = property(lambda self: self.creds.sso_cookie_name)
    negotiate_token = property(lambda self: self.creds.negotiate_token)

    @property
    def token_url(self) -> str:
        """The OAuth 2.0 token endpoint (``confluence_oauth2_token_url``)."""
        return self.origin + "/oauth/token"

    @property
    def sso_headers(self) -> dict[str, str]:
        """The service-token headers the ``header`` gate wants."""
        return {"CF-Access-Client-Id": self.creds.sso_client_id,
                "CF-Access-Client-Secret": self.creds.sso_client_secret}

    @property
    def proxy_url(self) -> str:
        """For ``proxies={'http': server.proxy_url}`` when ``sso='proxy'``."""
        return f"http://{self.creds.proxy_user}:{self.creds.proxy_password}@{self.host}:{self.port}"

    # -- knobs -------------------------------------------------------------------------
    def configure(self, **knobs: Any) -> None:
        """Change knobs at run time (fault, rate-limit, auth knobs, ``sso``, ``max_limit``)."""
        fault = {k: knobs.pop(k) for k in list(knobs) if k in _FAULT_FIELDS}
        auth = {k: knobs.pop(k) for k in list(knobs) if k in _AUTH_FIELDS}
        oauth = {k: knobs.pop(k) for k in list(knobs) if k in _OAUTH_FIELDS}
        if oauth:
            self.oauth.knobs = replace(self.oauth.knobs, **oauth)
        if "sso" in knobs:
            sso = knobs.pop("sso")
            site = self._site_or_blank()
            gate: SsoGate | ProxyGate | None = (ProxyGate(sso, self.oauth, site) if sso in
                                                PROXY_MODES else SsoGate(sso, self.creds, site)
                                                ) if sso else None
            self._sso, self._gate = sso, gate
        for name in ("max_limit", "lenient_entities", "rest_move"):
            if name in knobs:
                self.options = replace(self.options, **{name: knobs.pop(name)})
        if knobs:
            raise TypeError(f"unknown emulator knob(s): {', '.join(sorted(knobs))}")
        if fault:
            self._fault_knobs = replace(self._fault_knobs, **fault)
            self._faults = faults.FaultInjector(self._fault_knobs, self.mode)
        if auth:
            self._auth.knobs = replace(self._auth.knobs, **auth)

    def knobs(self) -> dict[str, Any]:
        values: dict[str, Any] = {f: getattr(self._fault_knobs, f) for f in _FAULT_FIELDS}
        values.update({f: getattr(self._auth.knobs, f) for f in _AUTH_FIELDS})
        values.update({f: getattr(self.oauth.knobs, f) for f in _OAUTH_FIELDS})
        values.update(sso=self._sso, max_limit=self.options.max_limit,
                      lenient_entities=self.options.lenient_entities,
                      rest_move=self.options.rest_move)
        return values

    def _site_or_blank(self) -> str:
        return self.site if self._httpd is not None else ""

    # -- state, persistence, observability ----------------------------------------------
    def _load_or_seed(self) -> None:
        if self.persist and self.persist.exists():
            self.state.load(json.loads(self.persist.read_text("utf-8")))
            if self.state.find_user(self.creds.account_id) is None:
                self._add_user()
            return
        self._seed()

    def _add_user(self) -> None:
        cloud = self.mode == "cloud"
        self.state.add_user(self.creds.account_id, self.creds.display_name,
                            email=self.creds.user if cloud else "",
                            username=self.creds.user if not cloud else self.creds.account_id)

    def _seed(self) -> None:
        self._add_user()
        self.state.create_space(self.space_key, self.space_name, by=self.creds.account_id)

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        target = Path(path) if path else self.persist
        if target is None:
            raise ValueError("no persist file configured")
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(self.state.to_json()), "utf-8")
        os.replace(tmp, target)
        return target

    def reset(self) -> None:
        """Empty the site (back to the seeded user and space) and the request log."""
        with self.state.lock:
            self.state.reset()
            self._seed()
        with self._log_lock:
            self._log.clear()
            self._by_endpoint.clear()
            self._by_status.clear()
        self._auth.reset()

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._log_lock:
            return list(self._log)

    def counts(self) -> dict[str, dict[Any, int]]:
        with self._log_lock:
            return {"endpoints": dict(self._by_endpoint), "statuses": dict(self._by_status),
                    "faults": {"mutated": self._faults.mutated}}

    def tree(self, space_key: str | None = None) -> dict[str, Any]:
        return self.state.page_tree(space_key or self.space_key)

    def _record(self, entry: dict[str, Any]) -> None:
        with self._log_lock:
            self._log.append(entry)
            self._by_endpoint[entry["endpoint"]] += 1
            self._by_status[entry["status"]] += 1

    # -- one request -------------------------------------------------------------------
    def handle(self, h: Handler, body: bytes) -> ApiResponse | None:
        """Answer one request; None means: drop the connection."""
        target = urlsplit(h.path)
        tunnelled = h.client_address in self._tunnels  # the proxy checked it at CONNECT
        proxied = bool(target.scheme) or tunnelled
        path, query = target.path or "/", target.query
        admin = path.startswith(ADMIN_PREFIX)
        foreign = refuse_foreign({k.lower(): v for k, v in h.headers.items()}, self.host,
                                 self.port, admin=admin)
        if foreign is not None:
            return foreign
        if admin:
            return handle_admin(self, h.command, path[len(ADMIN_PREFIX):], query, body)
        started = time.monotonic()
        headers = {k.lower(): v for k, v in h.headers.items()}
        route = resolve(path, self.mode, self.origin, self.context_path, self.cloud_id)
        entry: dict[str, Any] = {
            "time": time.time(), "method": h.command, "path": path, "query": query,
            "bytes": len(body),
            "headers": mask_headers(dict(h.headers.items())), "proxied": proxied,
            "endpoint": endpoint_name(h.command, path, route), "api": route.api or None}
        try:
            rsp, user = self._answer(h.command, path, query, headers, body, route, proxied,
                                     tunnelled)
        except _Drop:
            entry.update(status=0, user=None, dropped=True)
            self._record(entry)
            return None
        except Exception as exc:  # a server bug: answer 500 and keep it for the test
            self.errors.append(exc)
            rsp, user = faults.server_error(500, self.mode, route.api or "v1"), None
        entry.update(status=rsp.status, user=user, dropped=False,
                     ms=round((time.monotonic() - started) * 1000, 2))
        self._record(entry)
        return rsp

    def tunnel(self, h: Handler) -> None:
        """``CONNECT`` through the ``proxy`` front end: proxy auth, then a byte pipe to us."""
        headers = {k.lower(): v for k, v in h.headers.items()}
        entry: dict[str, Any] = {
            "time": time.time(), "method": "CONNECT", "path": h.path, "query": "",
            "headers": mask_headers(dict(h.headers.items())), "proxied": True,
            "endpoint": "CONNECT", "api": None, "user": None, "dropped": False}
        gate = self._gate if self._sso == "proxy" else None
        rsp = gate.check(h.path, headers, True).response if gate else faults.html_page(
            405, "Method Not Allowed", "This server is not a proxy.")
        if rsp is None and h.path != f"{self.host}:{self.port}":
            rsp = faults.html_page(502, "Bad Gateway", f"Cannot reach {h.path} from here.")
        self._record(dict(entry, status=rsp.status if rsp else 200))
        h.close_connection = True
        if rsp is not None:
            h.send_answer(rsp)
            return
        with socket.create_connection((self.host, self.port)) as upstream:
            self._tunnels.add(upstream.getsockname())
            h.send_response(200, "Connection established")
            h.end_headers()
            try:
                pipe(h.connection, upstream)
            finally:
                self._tunnels.discard(upstream.getsockname())

    def _answer(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes,
                route: Route, proxied: bool, tunnelled: bool = False
                ) -> tuple[ApiResponse, str | None]:
        injector, gate = self._faults, self._gate
        knobs = injector.knobs
        if injector.roll(knobs.drop_rate):
            raise _Drop
        if knobs.latency > 0:
            time.sleep(knobs.latency)
        extra: dict[str, str] = {}
        negotiated = False
        if gate is not None and not tunnelled and route.kind != "token":
            full_url = self.origin + path + (f"?{query}" if query else "")
            result = gate.check(full_url, headers, proxied)
            if result.response is not None:
                return result.response, None
            extra.update(result.headers)
            negotiated = result.negotiated
        decision = injector.rate()
        if decision is not None:
            extra.update(decision.headers)
            if not decision.allowed:
                return self._finish(faults.rate_limited(self.mode, route.api), extra), None
        rsp, user = self._route(method, path, query, headers, body, route, negotiated, injector)
        rsp = injector.hostile(rsp, method, self.origin + path + (f"?{query}" if query else ""))
        return self._finish(rsp, extra, route, user), user

    def _route(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes,
               route: Route, negotiated: bool, injector: faults.FaultInjector
               ) -> tuple[ApiResponse, str | None]:
        if route.kind == "tenant":
            return ApiResponse(200, {"cloudId": self.cloud_id}), None
        if route.kind == "token":
            return self.oauth.token(method, headers, body), None
        if route.kind == "api":
            self.oauth.note_api_call()
        if route.kind == "manifest":
            return manifest(self.site, headers.get("accept", "")), None
        if route.kind == "missing":
            view = views.answer(self.state, method, path, query, site=self.site_path,
                                cloud=self.mode == "cloud", space_key=self.space_key)
            return view or not_found(self.mode, path), None
        auth = self._auth.check(headers, gateway=route.gateway, v1_content=route.v1_content,
                                negotiated=negotiated)
        if auth.response is not None:
            return auth.response, None
        if auth.account_id is None and not self._auth.knobs.anonymous_access:
            hidden = anonymous_answer(method, route.api, route.sub, self.mode, route.base_url)
            if hidden is not None:
                return hidden, None
        if route.kind == "action":
            if method != "POST":
                return faults.html_page(405, "HTTP Status 405 – Method Not Allowed", ""), None
            if headers.get("x-atlassian-token", "").lower() not in ("no-check", "nocheck"):
                return ApiResponse(403, b"XSRF check failed", {}, "text/plain"), auth.username
            args = {k: v[0] for k, v in parse_qs(query).items()}
            return move_page(self.state, args, auth.account_id), auth.username
        knobs = injector.knobs
        if injector.roll(knobs.error_rate):
            return faults.server_error(injector.pick_error(), self.mode, route.api), auth.username
        if injector.roll(knobs.empty_rate):  # what a Seraph logout looks like to REST
            return ApiResponse(200, None, {}, "text/html;charset=UTF-8"), auth.username
        if method == "PUT" and is_page_update(route) and injector.roll(knobs.conflict_rate):
            page_id = route.sub.strip("/").split("/")[1]
            return faults.spurious_conflict(self.mode, route.api, page_id), auth.username
        if method == "PUT" and is_property_update(route) and \
                injector.roll(knobs.property_conflict_rate):
            page_id = route.sub.strip("/").split("/")[1]
            return faults.spurious_conflict(self.mode, route.api, page_id), auth.username
        if knobs.v1_gone and route.v1_content and not still_v1(route.sub):
            return faults.gone(self.mode), auth.username
        problem = body_problem(method, headers, body, route, self.mode)
        if problem is not None:
            return problem, auth.username
        request = ApiRequest("GET" if method == "HEAD" else method, route.api, route.sub or "/",
                             parse_qs(query, keep_blank_values=True), headers, body,
                             auth.account_id, route.base_url, route.context, route.api_root)
        try:
            return dispatch(self.state, request, self.options), auth.username
        except (ValueError, UnicodeDecodeError) as exc:
            return bad_request(route, self.mode, f"Could not read the request: {exc}"), None

    def _finish(self, rsp: ApiResponse, extra: dict[str, str], route: Route | None = None,
                username: str | None = None) -> ApiResponse:
        headers = dict(extra)
        if self.mode == "cloud":
            headers["Atl-Request-Id"] = str(uuid.uuid4())
            if (route is not None and route.api == "v1" and self._fault_knobs.deprecation_headers
                    and route.sub.startswith(("/content", "/space"))
                    and not still_v1(route.sub)):
                headers.update(faults.DEPRECATION_HEADERS)
        else:
            headers["X-AUSERNAME"] = username or "anonymous"
        headers.update(rsp.headers)
        return replace(rsp, headers=headers)
