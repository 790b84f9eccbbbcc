"""The emulator's OAuth 2.0 token endpoint and the identity-aware proxies that use it.

:class:`TokenIssuer` answers the client-credentials grant (RFC 6749 section 4.4) at
``/oauth/token`` (Atlassian's path; Data Center's ``[context]/rest/oauth2/latest/token``
too) with JWT-shaped access tokens, and knows which tokens are still valid. Its knobs
(``oauth_*``, set with ``configure``) give short lifetimes, a refused client, scope or
audience, an HTML answer, a skewed clock, revocation after N API calls, and a
Confluence that refuses a token its gateway accepted.

:class:`ProxyGate` is an identity-aware front end of Data Center: ``entra-proxy``
(Microsoft Entra ID application proxy: the token in ``Authorization: Bearer``, its
header-based single sign-on logs the user in) and ``oauth2-proxy`` (a generic OAuth2
proxy reading the token from ``oauth_proxy_header``; Confluence then wants its own
personal access token in Authorization).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

from .auth import GateResult
from .faults import html_page
from .protocol import ApiResponse

PROXY_MODES = ("entra-proxy", "oauth2-proxy")
ENTRA_LOGIN = "https://login.microsoftonline.com"


@dataclass
class OAuthKnobs:
    oauth_lifetime: float = 3600.0           # seconds an access token lives
    oauth_fail: str | None = None            # 'html': the endpoint answers a login page
    oauth_audience: str | None = None        # the only audience granted (None: any)
    oauth_scopes: tuple[str, ...] | None = None  # scopes the client may have (None: any)
    oauth_client_auth: str | None = None     # accept only this client authentication
    oauth_clock_offset: float = 0.0          # the issuer's clock runs ahead by this much
    oauth_confluence_refuses: bool = False   # gateway accepts the token, Confluence does not
    oauth_expire_after: int | None = None    # revoke every token after N API calls (once)
    oauth_proxy_header: str = "X-Forwarded-Access-Token"  # where oauth2-proxy reads it


def _error(status: int, code: str, description: str, **headers: str) -> ApiResponse:
    body = {"error": code, "error_description": description}
    return ApiResponse(status, body, dict(headers, **{"Cache-Control": "no-store"}))


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@dataclass
class TokenIssuer:
    """The one OAuth 2.0 client the emulator knows, and the tokens it handed out."""

    client_id: str = field(default_factory=lambda: "svc-" + secrets.token_hex(8))
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    knobs: OAuthKnobs = field(default_factory=OAuthKnobs)
    issued: int = 0
    _tokens: dict[str, float] = field(default_factory=dict)
    #: every access token handed out (tests scan outputs for them)
    history: list[str] = field(default_factory=list)
    _api_calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- the token endpoint ------------------------------------------------------------
    def token(self, method: str, headers: dict[str, str], body: bytes) -> ApiResponse:
        if method != "POST":
            return _error(405, "invalid_request", "Use POST.")
        knobs = self.knobs
        if knobs.oauth_fail == "html":
            return html_page(200, "Sign in", "<form action='/login'>Sign in to continue"
                             "</form>")
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "client_credentials":
            return _error(400, "unsupported_grant_type", "Only client_credentials is enabled.")
        problem = self._client_problem(headers, form)
        if problem is not None:
            return problem
        scopes = form.get("scope", "").split()
        if knobs.oauth_scopes is not None and set(scopes) - set(knobs.oauth_scopes):
            bad = " ".join(sorted(set(scopes) - set(knobs.oauth_scopes)))
            return _error(400, "invalid_scope", f"The requested scope is invalid: {bad}")
        audience = form.get("audience")
        if knobs.oauth_audience is not None and audience != knobs.oauth_audience:
            return _error(403, "access_denied", f"Service not found: {audience}")
        return ApiResponse(200, self._issue(scopes, audience), {"Cache-Control": "no-store"})

    def _client_problem(self, headers: dict[str, str], form: dict[str, str]
                        ) -> ApiResponse | None:
        scheme, _, value = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                pair = base64.b64decode(value.strip()).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                pair = ""
            cid, _, secret = pair.partition(":")
            method, cid, secret = "client_secret_basic", unquote(cid), unquote(secret)
        else:
            method = "client_secret_post"
            cid, secret = form.get("client_id", ""), form.get("client_secret", "")
        wanted = self.knobs.oauth_client_auth
        if cid != self.client_id or secret != self.client_secret or \
                (wanted is not None and wanted != method):
            return _error(401, "invalid_client", "Client authentication failed.",
                          **{"WWW-Authenticate": 'Basic realm="oauth"'})
        return None

    def _issue(self, scopes: list[str], audience: str | None) -> dict[str, Any]:
        lifetime = self.knobs.oauth_lifetime
        now = int(time.time() + self.knobs.oauth_clock_offset)
        claims = {"iss": "https://issuer.emulator.test/", "sub": self.client_id,
                  "aud": audience or "api.atlassian.com", "iat": now,
                  "exp": now + max(1, round(lifetime)), "jti": str(uuid.uuid4()),
                  "scope": " ".join(scopes)}
        token = ".".join((_b64({"alg": "RS256", "typ": "JWT"}), _b64(claims),
                          secrets.token_urlsafe(32)))
        with self._lock:
            self._tokens[token] = time.monotonic() + lifetime
            self.history.append(token)
            self.issued += 1
        return {"access_token": token, "token_type": "Bearer", "expires_in": lifetime,
                "scope": " ".join(scopes)}

    # -- checks by the gateway, Confluence and the proxies -------------------------------
    def check(self, token: str) -> str:
        """'ok', 'invalid' (unknown, expired, revoked) or 'refused' (by Confluence)."""
        with self._lock:
            expiry = self._tokens.get(token)
        if expiry is None or time.monotonic() >= expiry:
            return "invalid"
        return "refused" if self.knobs.oauth_confluence_refuses else "ok"

    def api_check(self, token: str, gateway: bool) -> ApiResponse | None:
        """None when the API may serve the caller; else what the gateway or Confluence
        answers (on Cloud a service account's token works only through the gateway)."""
        verdict = self.check(token) if gateway else "invalid"
        return None if verdict == "ok" else gateway_refusal(verdict)

    def note_api_call(self) -> None:
        """Count an API call; after ``oauth_expire_after`` of them revoke every token once."""
        with self._lock:
            self._api_calls += 1
            limit = self.knobs.oauth_expire_after
            if limit is not None and self._api_calls == limit:
                self._tokens.clear()

    def revoke_all(self) -> None:
        with self._lock:
            self._tokens.clear()

    @property
    def valid_tokens(self) -> int:
        now = time.monotonic()
        with self._lock:
            return sum(1 for expiry in self._tokens.values() if expiry > now)


def gateway_refusal(verdict: str) -> ApiResponse:
    """What the Cloud gateway (invalid token) or Confluence (refused) answers."""
    if verdict == "refused":
        return ApiResponse(403, {"code": 403, "message": "The service account has no access "
                                 "to Confluence on this site"})
    return ApiResponse(401, {"code": 401, "message": "Unauthorized"},
                       {"WWW-Authenticate": 'Bearer error="invalid_token"'})


class ProxyGate:
    """An identity-aware proxy in front of Data Center that wants an OAuth 2.0 token."""

    def __init__(self, kind: str, issuer: TokenIssuer, site: str) -> None:
        self.kind = kind
        self.issuer = issuer
        self.site = site

    def check(self, url: str, headers: dict[str, str], proxied: bool) -> GateResult:
        if self.kind == "entra-proxy":
            scheme, _, token = headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer":
                query = urlencode({"client_id": "confluence-app-proxy", "response_type":
                                   "code", "redirect_uri": url})
                location = f"{ENTRA_LOGIN}/emulator-tenant/oauth2/v2.0/authorize?{query}"
                return GateResult(ApiResponse(302, b"", {"Location": location},
                                              "text/html;charset=UTF-8"))
            if self.issuer.check(token.strip()) == "invalid":
                return GateResult(_proxy_401("Microsoft Entra application proxy"))
            return GateResult(negotiated=True)  # header-based SSO signs the user in
        name = self.issuer.knobs.oauth_proxy_header.lower()
        value = headers.get(name, "")
        token = value.split(" ", 1)[1] if value.lower().startswith("bearer ") else value
        if not token or self.issuer.check(token.strip()) == "invalid":
            return GateResult(_proxy_401("oauth2-proxy"))
        return GateResult()


def _proxy_401(who: str) -> ApiResponse:
    return html_page(401, "401 Unauthorized", f"{who}: a valid access token is required.",
                     {"WWW-Authenticate": 'Bearer error="invalid_token"'})
