"""Turn HTTP answers and transport exceptions into typed errors that say what to set.

Public helpers (also used by the connection doctor):

* :func:`classify_response` - a ``requests.Response`` -> an error, or None when the answer
  is a usable Confluence answer (2xx with JSON, or an allowed empty body);
* :func:`classify_exception` - a ``requests`` exception -> an error;
* :func:`describe_redirect` - what a 3xx ``Location`` means (identity provider, protocol);
* :func:`server_message` - the message of a v1/v2 error body, redacted and shortened;
* :func:`looks_like_login_page`, :func:`is_login_redirect`, :func:`is_dropped_connection`.

No function here sends a request or reads a secret: messages name the *kind* of
credential (``ConnectionSettings.credential_kind``), never its value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests

from .. import errors as E
from ..session import redact_text
from ..settings import ConnectionSettings
from .failures import (  # re-exported: callers import them from here
    classify_exception,
    error_body,
    is_dropped_connection,
    shorten,
    speaks_plain_http,
)

__all__ = ["SSO_OPTIONS", "Redirect", "classify_exception", "classify_response",
           "describe_redirect", "error_body", "is_dropped_connection", "is_html",
           "is_login_redirect", "looks_like_login_page", "scheme_fix", "server_message",
           "shorten", "speaks_plain_http"]

SSO_OPTIONS = ("confluence_server_cookies", "confluence_publish_headers",
               "confluence_server_auth", "confluence_publish_credential_provider")
_IDP_HOSTS = ("login.microsoftonline.com", "okta.com", "oktapreview.com", "cloudflareaccess.com",
              "accounts.google.com", "auth0.com", "onelogin.com", "pingidentity.com",
              "pingone.com", "duosecurity.com", "id.atlassian.com", "adfs", "sts.", "sso.",
              "login.", "auth.", "idp.", "keycloak")
_LOGIN_PATH = re.compile(r"login|logon|signin|sign-in|samlsso|saml|sso|oauth|authorize|"
                         r"openid|auth/realms|cdn-cgi/access", re.I)
_LOGIN_PAGE = re.compile(r"<form|samlrequest|os_username|name=\"?password|login|sign in|"
                         r"single sign-on", re.I)


@dataclass(frozen=True)
class Redirect:
    """What a redirect points at."""

    location: str
    host: str
    #: 'SAML', 'OIDC' or '' when unknown
    protocol: str
    #: True when it leads to a login page / identity provider
    login: bool
    same_origin: bool


def describe_redirect(location: str, settings: ConnectionSettings) -> Redirect:
    """Explain a ``Location`` header relative to the configured server."""
    absolute = requests.compat.urljoin(settings.server_url, location or "")
    parts = urlsplit(absolute)
    host = (parts.hostname or "").lower()
    query = parse_qs(parts.query)
    protocol = ""
    if "SAMLRequest" in absolute or "/saml" in parts.path.lower():
        protocol = "SAML"
    elif parts.path.rstrip("/").lower().endswith("/authorize") or "response_type" in query \
            or "openid" in parts.path.lower():
        protocol = "OIDC"
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    same = origin == settings.origin
    login = bool(protocol) or bool(_LOGIN_PATH.search(parts.path)) or \
        (not same and any(mark in host for mark in _IDP_HOSTS))
    return Redirect(absolute, host, protocol, login, same)


def scheme_fix(location: str, server_url: str) -> str | None:
    """The server URL to configure when a redirect only changes the scheme (http to
    https, same host): ``server_url`` with the redirect's scheme and host:port; else
    None. A scheme mismatch, not a login: build errors and connection-test say so."""
    target = urlsplit(requests.compat.urljoin(server_url, location or ""))
    configured = urlsplit(server_url)
    if not target.scheme or target.scheme.lower() == configured.scheme.lower() or \
            (target.hostname or "").lower() != (configured.hostname or "").lower() or \
            target.scheme.lower() not in ("http", "https"):
        return None
    return f"{target.scheme.lower()}://{target.netloc}{configured.path or '/'}"


def _scheme_error(response: requests.Response, fixed: str) -> E.ConfluenceConnectionError:
    old = urlsplit(response.url or "").scheme or "http"
    new = urlsplit(fixed).scheme
    return _make(E.ConfluenceBadResponseError, response,
                 f"the server redirects {old} to {new}: confluence_server_url uses the wrong "
                 "scheme (this is not a login)",
                 f"Set confluence_server_url = {fixed!r}. Redirects are not followed, so "
                 "credentials never travel over a redirect.", ("confluence_server_url",))


def is_login_redirect(response: requests.Response, settings: ConnectionSettings) -> bool:
    if not 300 <= response.status_code < 400:
        return False
    return describe_redirect(response.headers.get("Location", ""), settings).login


def looks_like_login_page(text: str) -> bool:
    return bool(_LOGIN_PAGE.search(text[:20000]))


def is_html(response: requests.Response) -> bool:
    ctype = response.headers.get("Content-Type", "").lower()
    head = response.content[:200].lstrip().lower()
    return "html" in ctype or head.startswith((b"<!doctype html", b"<html"))


def server_message(response: requests.Response, limit: int = 300) -> str:
    """The error message in a v1 (``message``) or v2 (``errors[].title``) body."""
    try:
        data = response.json()
    except ValueError:
        data = None
    text = ""
    if isinstance(data, dict):
        if isinstance(data.get("message"), str):
            text = data["message"]
        elif isinstance(data.get("errors"), list) and data["errors"]:
            first = data["errors"][0]
            if isinstance(first, dict):
                text = str(first.get("title") or first.get("detail") or first.get("code") or "")
        elif isinstance(data.get("errorMessages"), list) and data["errorMessages"]:
            text = str(data["errorMessages"][0])
    elif not is_html(response):
        text = response.text.strip()
    else:
        match = re.search(r"<title>(.*?)</title>", response.text, re.I | re.S)
        text = match.group(1).strip() if match else ""
    text = redact_text(" ".join(text.split()))
    return text[:limit] + ("..." if len(text) > limit else "")


def _where(response: requests.Response) -> str:
    request = response.request
    method = request.method if request is not None else "GET"
    url = (request.url if request is not None else response.url) or ""
    return f"{method} {url.split('?', 1)[0]}"


def _make(cls: type[E.ConfluenceConnectionError], response: requests.Response, text: str,
          hint: str, options: tuple[str, ...]) -> E.ConfluenceConnectionError:
    message = f"{_where(response)} -> HTTP {response.status_code}: {text}"
    detail = server_message(response)
    if detail and detail not in text:
        message += f" (server said: {detail})"
    url = ((response.request.url if response.request is not None else response.url) or "")
    return cls(message, hint=hint, options=options, status=response.status_code,
               url=url.split("?", 1)[0])


def _redirect_error(response: requests.Response, settings: ConnectionSettings
                    ) -> E.ConfluenceConnectionError:
    fixed = scheme_fix(response.headers.get("Location", ""), settings.server_url)
    if fixed is not None:
        return _scheme_error(response, fixed)
    target = describe_redirect(response.headers.get("Location", ""), settings)
    if target.login or not target.same_origin:
        proto = f" ({target.protocol} single sign-on)" if target.protocol else ""
        return _make(E.ConfluenceSsoError, response,
                     f"the request was redirected to a login at {target.host}{proto}; a single "
                     "sign-on front end intercepted the API call",
                     "API calls cannot complete a browser login. Give the front end what it "
                     "needs without a browser: a session cookie (confluence_server_cookies), a "
                     "gateway header or service token (confluence_publish_headers), an auth "
                     "handler such as Kerberos (confluence_server_auth), or a command that "
                     "fetches a short-lived credential (confluence_publish_credential_provider). "
                     "Credentials are never sent to the redirect target.", SSO_OPTIONS)
    return _make(E.ConfluenceBadResponseError, response,
                 f"the server redirected the API call to {target.location.split('?', 1)[0]}",
                 "Redirects are not followed. Set confluence_server_url to the address the "
                 "server redirects to (for example https instead of http, or with the context "
                 "path such as /confluence/).", ("confluence_server_url",))


def _auth_error(response: requests.Response, settings: ConnectionSettings
                ) -> E.ConfluenceConnectionError:
    headers = response.headers
    sent = settings.credential_kind
    opts = settings.credential_options
    body = response.text[:2000].lower()
    challenge = headers.get("WWW-Authenticate", "")
    reason = headers.get("X-Seraph-LoginReason", "")
    if "scope_check" in headers.get("X-Failure-Category", "").lower() or \
            "scope does not match" in body:
        return _make(E.ConfluenceAuthError, response,
                     f"the scoped API token is missing a scope needed for this call (sent: {sent})",
                     "Create the token with the scopes listed in the documentation "
                     "(read/write page, attachment, label, space; read content details) and "
                     "set confluence_api_token_scoped = True.",
                     ("confluence_api_token", "confluence_api_token_scoped"))
    if "basic authentication with passwords is deprecated" in body:
        return _make(E.ConfluenceAuthError, response,
                     "Confluence Cloud refuses account passwords",
                     "Create an API token at https://id.atlassian.com/manage-profile/security/"
                     "api-tokens and set confluence_api_token (with your e-mail in "
                     "confluence_server_user).", ("confluence_api_token", "confluence_server_user"))
    text = f"authentication failed; the server did not accept {sent}"
    hint = ""
    if sent == "no credentials":
        text = "authentication is required but no credentials were sent"
        hint = ("Cloud: set confluence_server_user (e-mail) and confluence_api_token. Data "
                "Center: set confluence_publish_token (a personal access token).")
    elif reason:
        text += f" (X-Seraph-LoginReason: {reason})"
        hint = ("Data Center rejected the user name and password or token. Check them; if "
                "the account was locked by too many failures, log in once in a browser.")
    elif challenge and re.search(r"negotiate|ntlm|kerberos", challenge, re.I) and \
            settings.auth is None:
        text += f" (the server asks for {challenge.split(',')[0].split()[0]})"
        hint = ("The server wants Kerberos/SPNEGO or NTLM: install requests-gssapi, "
                "requests-kerberos or requests-ntlm and set confluence_server_auth.")
        opts = ("confluence_server_auth",)
    elif settings.bearer_token and settings.cloud:
        hint = ("confluence_publish_token is a Data Center personal access token; Cloud "
                "expects confluence_server_user (e-mail) with confluence_api_token.")
    elif settings.scoped_token is False and settings.cloud and settings.password:
        hint = ("Check the e-mail and API token, and whether the token expired (Cloud tokens "
                "last at most a year). A scoped token needs confluence_api_token_scoped = True.")
    elif settings.password and not settings.cloud:
        hint = ("If this Data Center uses personal access tokens, set confluence_publish_token "
                "instead of a user and password.")
    else:
        hint = "Check that the credential is valid and has not expired."
    if challenge and "the server asks" not in text:
        text += f"; WWW-Authenticate: {redact_text(challenge)[:80]}"
    return _make(E.ConfluenceAuthError, response, text, hint, opts)


def _anonymous(response: requests.Response) -> bool:
    return response.headers.get("X-AUSERNAME", "").lower() == "anonymous"


def _anonymous_error(response: requests.Response, settings: ConnectionSettings
                     ) -> E.ConfluenceConnectionError:
    """Data Center ran the call as ``anonymous`` (header ``X-AUSERNAME``)."""
    sent = settings.credential_kind
    if sent == "no credentials":
        return _make(E.ConfluenceAuthError, response,
                     "no credentials were sent, so the server treats the call as anonymous",
                     "Set confluence_publish_token (a personal access token), or "
                     "confluence_server_user with confluence_server_pass.",
                     settings.credential_options)
    return _make(E.ConfluenceAuthError, response,
                 f"the server treated the call as anonymous although {sent} was sent: the "
                 "credential was ignored",
                 "A front end may strip the Authorization header, or the server does not "
                 "accept this kind of credential (Basic vs. personal access token). Check "
                 "confluence_request_session_override and any proxy in between.",
                 settings.credential_options)


def _permission_error(response: requests.Response, settings: ConnectionSettings,
                      subject: str) -> E.ConfluenceConnectionError:
    body = response.text[:4000].lower()
    headers = response.headers
    if "basic auth" in body and "disabled" in body:
        if settings.cloud:
            hint = ("Your organisation disabled API-token Basic auth. Use an OAuth 2.0 access "
                    "token or service account: confluence_publish_credential_provider or an "
                    "Authorization header in confluence_publish_headers.")
            opts: tuple[str, ...] = ("confluence_publish_credential_provider",
                                     "confluence_publish_headers")
        else:
            hint = ("Create a personal access token in your Confluence profile and set "
                    "confluence_publish_token (and remove confluence_server_user/_pass).")
            opts = ("confluence_publish_token",)
        return _make(E.ConfluencePermissionError, response,
                     "Basic authentication is disabled on this server", hint, opts)
    if "xsrf" in body:
        return _make(E.ConfluencePermissionError, response,
                     "the XSRF check failed: the X-Atlassian-Token header did not arrive",
                     "A proxy may strip X-Atlassian-Token; ask for it to be passed through, or "
                     "set it in confluence_publish_headers.", ("confluence_publish_headers",))
    if "authentication_denied" in headers.get("X-Seraph-LoginReason", "").lower() or \
            "captcha" in headers.get("X-Authentication-Denied-Reason", "").lower():
        return _make(E.ConfluencePermissionError, response,
                     "the account is locked behind a CAPTCHA after failed logins",
                     "Log in once in a browser to clear the CAPTCHA, then retry.",
                     settings.credential_options)
    if _anonymous(response):
        return _anonymous_error(response, settings)
    if is_html(response):
        return _make(E.ConfluenceSsoError, response,
                     "a front end answered with an HTML page instead of Confluence JSON",
                     "A gateway or single sign-on proxy is probably in the way; give it the "
                     "cookie or header it expects.", SSO_OPTIONS)
    what = f" to access {subject}" if subject else " for this operation"
    hint = (f"Ask a space administrator to grant the account ({settings.credential_kind}) "
            "the needed permissions (view, add and delete pages and attachments).")
    if settings.bearer_token:
        hint += " An expired or revoked personal access token can also answer 403."
    return _make(E.ConfluencePermissionError, response, f"permission denied{what}", hint,
                 ("confluence_space_key", *settings.credential_options))


def _not_found_error(response: requests.Response, settings: ConnectionSettings,
                     subject: str) -> E.ConfluenceConnectionError:
    url = (response.request.url if response.request is not None else response.url) or ""
    host = (urlsplit(url).hostname or "").lower()
    path = urlsplit(url).path
    if settings.cloud and not settings.gateway and "/wiki/" not in path and (
            "/rest/api" in path or "/api/v2" in path):
        origin = settings.origin if host == urlsplit(settings.origin).hostname else \
            f"https://{host}"
        return _make(E.ConfluenceNotFoundError, response,
                     "the REST API was not found: Confluence Cloud serves it below /wiki",
                     f"Add /wiki to the server URL: confluence_server_url = '{origin}/wiki/'",
                     ("confluence_server_url",))
    if not server_message(response) or is_html(response):
        return _make(E.ConfluenceNotFoundError, response,
                     "the REST API was not found at this address",
                     "Check confluence_server_url (Data Center often needs a context path such "
                     "as /confluence/), confluence_api_mode and "
                     "confluence_publish_override_api_prefix.",
                     ("confluence_server_url", "confluence_api_mode",
                      "confluence_publish_override_api_prefix"))
    if _anonymous(response):
        return _anonymous_error(response, settings)
    if subject.startswith("space"):
        return _make(E.ConfluenceNotFoundError, response,
                     f"{subject} was not found, or the account cannot see it",
                     "Confluence answers 404 for spaces it hides from you. Check the key "
                     "(case-sensitive; not the space name) and the account's permissions.",
                     ("confluence_space_key", *settings.credential_options))
    return _make(E.ConfluenceNotFoundError, response,
                 f"{subject or 'the content'} was not found, or the account cannot see it",
                 "It may have been deleted, or restrictions hide it from this account.",
                 ("confluence_parent_page", "confluence_space_key"))


def classify_response(response: requests.Response, settings: ConnectionSettings, *,
                      subject: str = "", allow_empty: bool = False
                      ) -> E.ConfluenceConnectionError | None:
    """None when ``response`` is a usable Confluence answer, else the error to raise.

    ``subject`` names what was asked for (e.g. ``"space 'DOC'"``, ``"page 123"``).
    """
    status = response.status_code
    if 300 <= status < 400:
        return _redirect_error(response, settings)
    if 200 <= status < 300:
        return _success_error(response, settings, allow_empty or status == 204)
    if status == 401:
        return _auth_error(response, settings)
    if status == 403:
        return _permission_error(response, settings, subject)
    if status == 404:
        return _not_found_error(response, settings, subject)
    if status == 407:
        return _make(E.ConfluenceProxyError, response, "the proxy requires authentication",
                     "Put the proxy credentials in the proxy URL: confluence_proxy = "
                     "'http://user:password@proxy:port' (or HTTPS_PROXY).", ("confluence_proxy",))
    if status == 409:
        return _make(E.ConfluenceConflictError, response, f"conflict while changing "
                     f"{subject or 'the content'}", "Someone else changed it at the same "
                     "time; publish again.", ())
    if status == 410:
        return _make(E.ConfluenceGoneError, response, "this REST API generation was removed "
                     "by the server", "Set confluence_api_mode = 'v2' (Cloud).",
                     ("confluence_api_mode",))
    if status == 429:
        return _make(E.ConfluenceRateLimitError, response, "rate limited by the server after "
                     "every retry", "Publish less at once, or slow down with "
                     "confluence_publish_delay.", ("confluence_publish_delay",
                                                   "confluence_publish_retry_attempts"))
    if status >= 500:
        return _make(E.ConfluenceServerError, response, "the server failed (after retries)",
                     "Retry later; raise confluence_publish_retry_attempts or "
                     "confluence_publish_retry_duration for an unstable server.",
                     ("confluence_publish_retry_attempts", "confluence_publish_retry_duration"))
    return _make(E.ConfluenceBadRequestError, response, "the server rejected the request",
                 "The server message above says what it did not accept.", ())


def _success_error(response: requests.Response, settings: ConnectionSettings,
                   allow_empty: bool) -> E.ConfluenceConnectionError | None:
    content = response.content
    if not content.strip():
        if allow_empty:
            return None
        return _make(E.ConfluenceBadResponseError, response,
                     "the server answered with an empty body",
                     "Data Center does this when it ignored the credentials (a logged-out "
                     f"session); check {settings.credential_kind}.", settings.credential_options)
    if is_html(response):
        if looks_like_login_page(response.text):
            return _make(E.ConfluenceSsoError, response,
                         "the server answered with an HTML login page instead of JSON",
                         "A single sign-on front end intercepted the call; give it a cookie, "
                         "header or auth handler it accepts.", SSO_OPTIONS)
        return _make(E.ConfluenceBadResponseError, response,
                     "the server answered with HTML instead of Confluence JSON",
                     "Check confluence_server_url: it may point at a web page or a proxy "
                     "rather than Confluence.", ("confluence_server_url",))
    try:
        json.loads(content)
    except ValueError:
        return _make(E.ConfluenceBadResponseError, response,
                     "the server answer is not valid JSON",
                     "Check confluence_server_url and any proxy in between.",
                     ("confluence_server_url", "confluence_proxy"))
    return None
