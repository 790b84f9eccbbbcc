"""Authentication of the emulator: Confluence's own checks and the SSO front ends before them.

Order inside the shell: the SSO gate (``sso=``) runs first, exactly like a proxy or an SSO
app that sits in front of Confluence; a request that passes it still needs ordinary
Confluence credentials (except ``negotiate``, where the Kerberos ticket *is* the login).
"""

from __future__ import annotations

import base64
import re
import secrets
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import requests.auth

from .faults import html_page, v1_error, v2_error
from .protocol import ApiResponse

SSO_MODES = ("saml-redirect", "oidc-redirect", "login-page", "cookie", "header", "negotiate",
             "proxy")

#: Header names whose values never appear in the request log.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie",
                            "cf-access-client-id", "cf-access-client-secret"})
#: Other header names that look like they carry a secret (custom gateway keys, tokens ...).
_SECRETISH = re.compile(r"auth|token|secret|passw|key|cookie|session|credential|signature", re.I)
_NOT_SECRET = frozenset({"x-atlassian-token"})  # always "no-check"

CLOUD_PASSWORD_MESSAGE = (
    "Basic authentication with passwords is deprecated.  For more information, see: "
    "https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/")
BASIC_DISABLED_MESSAGE = "Basic Authentication has been disabled on this instance."
IDP_ORIGIN = "https://idp.example.test"


@dataclass
class Credentials:
    """The one account the emulator knows, plus the secrets of its front ends."""

    user: str                  # e-mail on Cloud, username on DC
    display_name: str
    account_id: str            # Cloud accountId / DC userKey (the id handed to the API)
    api_token: str             # Cloud
    password: str              # DC Basic (and the Cloud account password, which is refused)
    pat: str                   # DC personal access token (Bearer)
    sso_cookie_name: str = "JSESSIONID"
    sso_cookie: str = field(default_factory=lambda: secrets.token_hex(16).upper())
    sso_client_id: str = field(default_factory=lambda: secrets.token_hex(16) + ".access")
    sso_client_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    negotiate_token: str = field(
        default_factory=lambda: base64.b64encode(secrets.token_bytes(48)).decode())
    proxy_user: str = "proxyuser"
    proxy_password: str = field(default_factory=lambda: secrets.token_urlsafe(12))

    @classmethod
    def generate(cls, mode: str, **overrides: str | None) -> Credentials:
        cloud = mode == "cloud"
        values: dict[str, str] = {
            "user": "publisher@example.com" if cloud else "publisher",
            "display_name": "Docs Publisher",
            "account_id": ("5b10ac8d82e05b22cc7d4ef5" if cloud
                           else "8a7f808a" + secrets.token_hex(12)),
            "api_token": "ATATT3xFfGF0" + secrets.token_urlsafe(36),
            "password": secrets.token_urlsafe(12),
            "pat": base64.b64encode(secrets.token_bytes(33)).decode(),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass
class AuthKnobs:
    basic_disabled: bool = False       # DC: Basic answers 403, Bearer still works
    scoped_token: bool = False         # Cloud: the API token is scoped (gateway only)
    scope_check_v1: bool = False       # Cloud gateway: v1 content fails the scope check
    captcha_after: int | None = None   # DC: failed Basic logins before CAPTCHA lock-out
    anonymous_access: bool = False     # let credential-less callers reach the API as anonymous


@dataclass
class GateResult:
    response: ApiResponse | None = None        # answer now (the request stops here)
    headers: dict[str, str] = field(default_factory=dict)  # added to the final answer
    negotiated: bool = False                   # Kerberos login stands for Confluence auth


@dataclass
class AuthResult:
    account_id: str | None = None
    username: str | None = None
    response: ApiResponse | None = None


def parse_cookies(header: str) -> dict[str, str]:
    jar: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep:
            jar[name] = value
    return jar


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return ("", "")
    return (user, password) if sep else ("", "")


class NegotiateTicket(requests.auth.AuthBase):
    """A client auth for the emulator's ``negotiate`` gate: sends the ticket the sandbox
    printed, standing in for ``requests_gssapi.HTTPSPNEGOAuth()`` (importable, so a
    conf.py using it can be pickled with the environment)."""

    def __init__(self, ticket: str) -> None:
        self.ticket = ticket

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = "Negotiate " + self.ticket
        return request

    def __repr__(self) -> str:
        return "NegotiateTicket(<redacted>)"


#: gates a browser login gets through; afterwards its session cookie does
_BROWSER_LOGINS = ("saml-redirect", "oidc-redirect", "login-page")


class SsoGate:
    """One SSO front end; :meth:`check` returns a GateResult for each request."""

    def __init__(self, kind: str, creds: Credentials, site: str) -> None:
        if kind not in SSO_MODES:
            raise ValueError(f"unknown sso mode {kind!r}; expected one of {', '.join(SSO_MODES)}")
        self.kind = kind
        self.creds = creds
        self.site = site  # absolute site root, e.g. http://127.0.0.1:P/wiki

    def check(self, url: str, headers: dict[str, str], proxied: bool) -> GateResult:
        if self.kind in _BROWSER_LOGINS and self._has_session(headers):
            return GateResult()  # the session cookie a browser login would have set
        result: GateResult = getattr(self, "_" + self.kind.replace("-", "_"))(url, headers, proxied)
        return result

    def _has_session(self, headers: dict[str, str]) -> bool:
        jar = parse_cookies(headers.get("cookie", ""))
        return jar.get(self.creds.sso_cookie_name) == self.creds.sso_cookie

    def _saml_redirect(self, url: str, headers: dict[str, str], proxied: bool) -> GateResult:
        request_id = "_" + secrets.token_hex(16)
        authn = (f'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
                 f'ID="{request_id}" Version="2.0" AssertionConsumerServiceURL='
                 f'"{self.site}/plugins/servlet/samlconsumer"/>')
        packed = zlib.compress(authn.encode())[2:-4]  # raw DEFLATE, as the redirect binding
        query = urlencode({"SAMLRequest": base64.b64encode(packed).decode(), "RelayState": url})
        return self._redirect(f"{IDP_ORIGIN}/saml2/sso?{query}")

    def _oidc_redirect(self, url: str, headers: dict[str, str], proxied: bool) -> GateResult:
        query = urlencode({"client_id": "confluence-emulator", "response_type": "code",
                           "scope": "openid email profile",
                           "redirect_uri": f"{self.site}/plugins/servlet/oidc/callback",
                           "state": secrets.token_urlsafe(12)})
        return self._redirect(f"{IDP_ORIGIN}/oauth2/v1/authorize?{query}")

    def _login_page(self, url: str, headers: dict[str, str], proxied: bool) -> GateResult:
        body = ("<!DOCTYPE html><html><head><title>Log in - Confluence</title></head><body>"
                f'<form id="loginform" method="post" action="{self.site}/dologin.action">'
                '<input type="text" name="os_username" id="os_username"/>'
                '<input type="password" name="os_password" id="os_password"/>'
                f'<input type="hidden" name="os_destination" value="{quote(url)}"/>'
                '<input type="submit" id="loginButton" value="Log in"/></form></body></html>')
        return GateResult(ApiResponse(200, body.encode(), {"Cache-Control": "no-cache"},
                                      "text/html;charset=UTF-8"))

    def _cookie(self, url: str, headers: dict[str, str], proxied: bool) -> GateResult:
        jar = parse_cookies(headers.get("cookie", ""))
        if jar.get(self.creds.sso_cookie_name) == self.creds.sso_cookie:
            return GateResult()
        return self._redirect(f"{self.site}/login.action?os_destination={quote(url, safe='')}")

    def _header(self, url: str, headers: dict[str, str], proxied: bool) -> GateResult:
        jar = parse_cookies(headers.get("cookie", ""))
        if jar.get("CF_Authorization") == self.creds.sso_cookie:
            return GateResult()
        if (headers.get("cf-access-client-id") == self.creds.sso_client_id
                and headers.get("cf-access-client-secret") == self.creds.sso_client_secret):
            cookie = f"CF_Authorization={self.creds.sso_cookie}; Path=/; HttpOnly"
            return GateResult(headers={"Set-Cookie": cookie})
        return GateResult(html_page(403, "Forbidden", "You don't have permission to view this "
                                    "application. Access is protected by an identity gateway."))

    def _negotiate(self, url: str, headers: dict[str, str], proxied: bool) -> GateResult:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "negotiate" and token.strip() == self.creds.negotiate_token:
            mutual = base64.b64encode(secrets.token_bytes(24)).decode()
            return GateResult(headers={"WWW-Authenticate": f"Negotiate {mutual}"}, negotiated=True)
        page = html_page(401, "HTTP Status 401 – Unauthorized", "Kerberos authentication "
                         "is required.", {"WWW-Authenticate": "Negotiate"})
        return GateResult(page)

    def _proxy(self, url: str, headers: dict[str, str], proxied: bool) -> GateResult:
        if not proxied:
            return GateResult(html_page(403, "Forbidden", "Direct connections are blocked by "
                                        "network policy; send requests through the proxy."))
        if _basic(headers.get("proxy-authorization", "")) == (self.creds.proxy_user,
                                                               self.creds.proxy_password):
            return GateResult()
        return GateResult(html_page(407, "407 Proxy Authentication Required",
                                    "Proxy authentication is required.",
                                    {"Proxy-Authenticate": 'Basic realm="emulator-proxy"'}))

    @staticmethod
    def _redirect(location: str) -> GateResult:
        body = f'<html><body>Redirecting to <a href="{location}">login</a></body></html>'
        return GateResult(ApiResponse(302, body.encode(), {"Location": location},
                                      "text/html;charset=UTF-8"))


class Authenticator:
    """Confluence's own authentication for one mode (Cloud or DC)."""

    def __init__(self, mode: str, creds: Credentials, site: str) -> None:
        self.mode = mode
        self.creds = creds
        self.site = site
        self.knobs = AuthKnobs()
        #: OAuth 2.0 access tokens (token, through gateway) -> None or the refusal
        self.bearer_check: Callable[[str, bool], ApiResponse | None] | None = None
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()

    def check(self, headers: dict[str, str], *, gateway: bool, v1_content: bool,
              negotiated: bool) -> AuthResult:
        if negotiated:
            return self._ok()
        header = headers.get("authorization", "")
        if not header:
            return AuthResult()  # anonymous: the API decides what it may see
        if self.mode == "cloud":
            return self._cloud(header, gateway=gateway, v1_content=v1_content)
        return self._dc(header)

    def _ok(self) -> AuthResult:
        return AuthResult(self.creds.account_id, self.creds.user)

    # -- Cloud ---------------------------------------------------------------------------
    def _cloud(self, header: str, *, gateway: bool, v1_content: bool) -> AuthResult:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and self.bearer_check is not None:
            # service accounts: only through the gateway; invalid tokens stop at the gateway
            refusal = self.bearer_check(value.strip(), gateway)
            return self._ok() if refusal is None else AuthResult(response=refusal)
        pair = _basic(header)
        if pair is None or pair[0].lower() != self.creds.user.lower():
            return AuthResult(response=_cloud_unauthorized(gateway))
        password = pair[1]
        if password == self.creds.password:
            return AuthResult(response=ApiResponse(401, CLOUD_PASSWORD_MESSAGE.encode(), {},
                                                   "text/plain;charset=UTF-8"))
        if password != self.creds.api_token:
            return AuthResult(response=_cloud_unauthorized(gateway))
        if gateway != self.knobs.scoped_token:
            # scoped tokens only work through the gateway, classic tokens only on the site
            return AuthResult(response=_cloud_unauthorized(gateway))
        if gateway and v1_content and self.knobs.scope_check_v1:
            body = {"code": 401, "message": "Unauthorized; scope does not match"}
            return AuthResult(response=ApiResponse(
                401, body, {"X-Failure-Category": "FAILURE_CLIENT_SCOPE_CHECK"}))
        return self._ok()

    # -- Data Center ---------------------------------------------------------------------
    def _dc(self, header: str) -> AuthResult:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            if value.strip() == self.creds.pat or (self.bearer_check is not None and
                                                    self.bearer_check(value.strip(), True) is None):
                return self._ok()  # a PAT, or a token of Data Center's own OAuth 2.0
            return AuthResult(response=self._tomcat_401("Unauthorized", None))
        pair = _basic(header)
        if pair is None:
            return AuthResult(response=self._tomcat_401("Unauthorized", None))
        if self.knobs.basic_disabled:
            return AuthResult(response=ApiResponse(403, BASIC_DISABLED_MESSAGE.encode(), {},
                                                   "text/plain;charset=UTF-8"))
        user, password = pair
        with self._lock:
            failures = self._failures.get(user, 0)
            limit = self.knobs.captcha_after
            if limit is not None and failures >= limit:
                return AuthResult(response=ApiResponse(403, None, {
                    "X-Seraph-LoginReason": "AUTHENTICATION_DENIED",
                    "X-Authentication-Denied-Reason":
                        f"CAPTCHA_CHALLENGE; login-url={self.site}/login.action"}))
            if user == self.creds.user and password == self.creds.password:
                self._failures.pop(user, None)
                return self._ok()
            self._failures[user] = failures + 1
        return AuthResult(response=self._tomcat_401(
            "Basic Authentication Failure - Reason : AUTHENTICATED_FAILED",
            "AUTHENTICATED_FAILED"))

    def _tomcat_401(self, message: str, reason: str | None) -> ApiResponse:
        headers = {"WWW-Authenticate": f'OAuth realm="{quote(self.site, safe="")}"'}
        if reason:
            headers["X-Seraph-LoginReason"] = reason
        body = ("<!doctype html><html lang=\"en\"><head><title>HTTP Status 401 – Unauthorized"
                "</title></head><body><h1>HTTP Status 401 – Unauthorized</h1><hr class=\"line\""
                f" /><p><b>Type</b> Status Report</p><p><b>Message</b> {message}</p><p><b>"
                "Description</b> No valid credentials came with this request, so it was "
                "not carried out.</p><hr class=\"line\" /><h3>Apache Tomcat/9.0.82</h3>"
                "</body></html>")
        return ApiResponse(401, body.encode(), headers, "text/html;charset=utf-8")


def _cloud_unauthorized(gateway: bool) -> ApiResponse:
    if gateway:
        return ApiResponse(401, {"code": 401, "message": "Unauthorized"})
    return ApiResponse(401, b"", {}, "text/plain;charset=UTF-8")


def mask_headers(headers: dict[str, str]) -> dict[str, str]:
    """Copy of ``headers`` with secrets replaced (the auth scheme is kept for debugging).

    Besides the known secret headers, any header whose name looks secret (``X-Gateway-Key``,
    ``X-Provider-Token`` ...) is masked too: the log cannot know what a user injected.
    """
    masked: dict[str, str] = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower in SECRET_HEADERS or (_SECRETISH.search(lower) and lower not in _NOT_SECRET):
            scheme, sep, _ = value.partition(" ")
            keep = sep and lower in ("authorization", "proxy-authorization")
            masked[name] = f"{scheme} ********" if keep else "********"
        else:
            masked[name] = value
    return masked


_ITEM = re.compile(r"^/(?P<kind>space|content|spaces|pages|blogposts|attachments)/(?P<id>[^/]+)")


def anonymous_answer(method: str, api: str, sub: str, mode: str, base: str
                     ) -> ApiResponse | None:
    """What a caller without credentials meets when anonymous access is off.

    ``user/current`` answers normally (``type: anonymous``); single spaces and pages are
    hidden behind the usual 404, lists come back empty and writes are refused.
    """
    if api == "v1" and sub.rstrip("/") == "/user/current":
        return None
    if method not in ("GET", "HEAD"):
        if api == "v2":
            return v2_error(401, "UNAUTHORIZED", "This request requires authentication")
        return v1_error(403, "Current user not permitted to use Confluence", mode,
                        authorized=False)
    m = _ITEM.match(sub)
    if m is None:
        if api == "v2":
            return ApiResponse(200, {"results": [], "_links": {"base": base}})
        return ApiResponse(200, {"results": [], "start": 0, "limit": 25, "size": 0,
                                 "_links": {"base": base, "context": urlsplit(base).path}})
    if api == "v2":
        return v2_error(404, "NOT_FOUND", "Not Found")
    if m.group("kind") == "space":
        return v1_error(404, _java(mode, "NotFoundException")
                        + f"No space found with key : {m.group('id')}", mode)
    return v1_error(404, _java(mode, "NotFoundException")
                    + f"No content found with id : ContentId{{id={m.group('id')}}}", mode)


def _java(mode: str, name: str) -> str:
    return f"com.atlassian.confluence.api.service.exceptions.{name}: " if mode == "cloud" else ""
