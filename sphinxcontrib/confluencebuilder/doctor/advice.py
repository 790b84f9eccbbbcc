"""What a failed connection means and what to set: the doctor's diagnosis texts.

:func:`read_answer` recognises what answered a request (an identity provider, a login
page, a Kerberos challenge, a proxy, a gateway, Confluence itself) from the status,
headers and the start of the body, as seen through the publishing session with
redirects not followed. :func:`from_transport_error` does the same for failures below
HTTP (DNS, TLS, proxy tunnel). Each returns a :class:`Diagnosis` naming the cause and
the options that fix it; texts never contain header, cookie or credential values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..rest.classify import scheme_fix

SSO_OPTIONS = ("confluence_server_cookies", "confluence_publish_headers",
               "confluence_server_auth", "confluence_publish_credential_provider")

SSO_FIX = (
    "API calls must carry what the front end accepts instead of a browser login:\n"
    "- confluence_publish_headers: a service token the gateway accepts (e.g. Cloudflare "
    "Access CF-Access-Client-Id / CF-Access-Client-Secret, an API gateway key); best for CI.\n"
    "- confluence_server_cookies: the session cookie of a browser login (e.g. JSESSIONID, "
    "CF_Authorization); works until the session expires, fine for a quick manual publish.\n"
    "- confluence_server_auth: a requests auth object that performs the organisation's login "
    "(Kerberos/SPNEGO, NTLM, OAuth); when the front end supports such a login.\n"
    "- confluence_publish_credential_provider: a function or command that fetches a fresh "
    "token, cookie or header (e.g. an SSO CLI) before publishing; for short-lived sessions.\n"
    "If none is available, ask the IT team for a route that bypasses the SSO front end for "
    "REST calls (e.g. /rest/ allowed with personal access tokens).")


@dataclass(frozen=True)
class Diagnosis:
    #: short machine-readable name, e.g. 'sso-saml-redirect', 'tls-unknown-ca'
    cause: str
    #: one line: what happened, in plain words
    summary: str
    #: what to do about it
    fix: str
    #: the options that fix it, most likely first
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What came back for one request (no values of secret headers kept)."""

    status: int
    location: str = ""
    content_type: str = ""
    www_authenticate: str = ""
    failure_category: str = ""
    seraph_reason: str = ""
    denied_reason: str = ""
    retry_after: str = ""
    body: str = ""

    @classmethod
    def from_response(cls, response: Any) -> Answer:
        headers = response.headers
        try:
            text = response.content[:4000].decode("utf-8", "replace")
        except Exception:  # a streamed or broken body: judge by the headers alone
            text = ""
        return cls(status=int(response.status_code),
                   location=headers.get("Location", ""),
                   content_type=headers.get("Content-Type", "").lower(),
                   www_authenticate=headers.get("WWW-Authenticate", ""),
                   failure_category=headers.get("X-Failure-Category", ""),
                   seraph_reason=headers.get("X-Seraph-LoginReason", ""),
                   denied_reason=headers.get("X-Authentication-Denied-Reason", ""),
                   retry_after=headers.get("Retry-After", ""),
                   body=text)

    @property
    def html(self) -> bool:
        start = self.body.lstrip()[:200].lower()
        return "html" in self.content_type or start.startswith(("<!doctype", "<html"))

    @property
    def json(self) -> bool:
        return "json" in self.content_type


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _redirect(answer: Answer, server_url: str) -> Diagnosis:
    target = answer.location
    fixed = scheme_fix(target, server_url)
    if fixed is not None:
        return Diagnosis("scheme-mismatch", f"the server redirects "
                         f"{urlsplit(server_url).scheme} to {urlsplit(fixed).scheme} "
                         f"({answer.status}): confluence_server_url uses the wrong scheme",
                         f"Set confluence_server_url = {fixed!r}.", ("confluence_server_url",))
    host = _host(target)
    query = parse_qs(urlsplit(target).query)
    lowered = target.lower()
    if host and host != _host(server_url):
        if "SAMLRequest" in query or "saml" in lowered:
            kind, label = "sso-saml-redirect", "a SAML identity provider"
        elif "response_type" in query or "client_id" in query or "/authorize" in lowered:
            kind, label = "sso-oidc-redirect", "an OpenID Connect / OAuth identity provider"
        elif "cdn-cgi/access" in lowered or "cloudflareaccess" in host:
            kind, label = "sso-gateway-redirect", "Cloudflare Access"
        else:
            kind, label = "sso-redirect", "another site (most likely a login service)"
        return Diagnosis(kind, f"an SSO front end intercepts API calls: the server answered "
                         f"{answer.status} and redirects to {label} at {host}",
                         SSO_FIX, SSO_OPTIONS)
    path = urlsplit(target).path.lower()
    if any(word in path for word in ("login", "saml", "sso", "oidc", "auth")):
        return Diagnosis("sso-login-redirect", f"the request was redirected to the login page "
                         f"{path} instead of being answered: a session is required (an SSO "
                         "app or gateway in front of Confluence)", SSO_FIX, SSO_OPTIONS)
    return Diagnosis("redirect", f"the server redirects API calls ({answer.status}) to {path or '/'}"
                     "; the configured URL is probably not the Confluence base URL",
                     "Set confluence_server_url to the address the redirect points to (the "
                     "base of the site, e.g. https://host/confluence/ or "
                     "https://site.atlassian.net/wiki/).", ("confluence_server_url",))


def _login_page(answer: Answer) -> Diagnosis | None:
    body = answer.body.lower()
    if "samlrequest" in body:
        return Diagnosis("sso-login-page", "an SSO front end answered with a SAML login form "
                         "instead of the API", SSO_FIX, SSO_OPTIONS)
    if "<form" in body and any(w in body for w in ("os_username", "password", "login")):
        return Diagnosis("sso-login-page", f"a login page (HTML, status {answer.status}) "
                         "answered instead of the API: the credentials were not accepted "
                         "or never reached Confluence", SSO_FIX, SSO_OPTIONS)
    return None


def _unauthorized(answer: Answer, settings: Any) -> Diagnosis:
    scheme = answer.www_authenticate.split(" ", 1)[0].strip(",").lower()
    if scheme in ("negotiate", "ntlm", "kerberos"):
        return Diagnosis("sso-negotiate", f"the server asks for Windows/Kerberos login "
                         f"(WWW-Authenticate: {scheme.capitalize()})",
                         "Give confluence_server_auth a requests auth object that does "
                         "SPNEGO: requests_gssapi.HTTPSPNEGOAuth() or "
                         "requests_kerberos.HTTPKerberosAuth() (Linux/macOS, after kinit), "
                         "or requests_negotiate_sspi.HttpNegotiateAuth() on Windows; "
                         "requests_ntlm.HttpNtlmAuth for NTLM only.",
                         ("confluence_server_auth",))
    if "SCOPE_CHECK" in answer.failure_category.upper():
        return Diagnosis("scope-check", "the API token's scopes do not allow this call "
                         "(X-Failure-Category: FAILURE_CLIENT_SCOPE_CHECK)",
                         "A scoped API token only works through the api.atlassian.com gateway "
                         "with the v2 API: set confluence_api_token_scoped = True (the gateway "
                         "URL is derived) and leave confluence_api_mode unset or 'v2'. Give "
                         "the token the read/write scopes for spaces, pages, attachments and "
                         "labels, or use a classic (unscoped) API token.",
                         ("confluence_api_token_scoped", "confluence_api_mode",
                          "confluence_server_url"))
    if "passwords is deprecated" in answer.body:
        return Diagnosis("cloud-password", "Confluence Cloud refused a password: Cloud only "
                         "accepts API tokens with Basic auth",
                         "Create an API token at id.atlassian.com (Security > API tokens) and "
                         "set it in confluence_api_token (environment variable "
                         "CONFLUENCE_API_TOKEN) with confluence_server_user = your e-mail.",
                         ("confluence_api_token", "confluence_server_user"))
    sent = getattr(settings, "credential_kind", "the configured credentials")
    options = tuple(getattr(settings, "credential_options", ()))
    if getattr(settings, "cloud", False) and getattr(settings, "bearer_token", None):
        return Diagnosis("pat-on-cloud", "Confluence Cloud refused a Bearer personal access "
                         "token: PATs exist on Data Center only",
                         "Unset confluence_publish_token; set confluence_server_user (your "
                         "e-mail) and confluence_api_token (an API token from "
                         "id.atlassian.com).",
                         ("confluence_publish_token", "confluence_server_user",
                          "confluence_api_token"))
    if sent == "no credentials":
        return Diagnosis("no-credentials", "the server requires a login and no credentials "
                         "are configured",
                         "Cloud: set confluence_server_user (e-mail) and confluence_api_token. "
                         "Data Center: set confluence_publish_token (a personal access token).",
                         options)
    reason = f" ({answer.seraph_reason})" if answer.seraph_reason else ""
    return Diagnosis("auth-rejected", f"the server rejected the credentials{reason}: {sent}",
                     "Check that the user and secret belong together and have not expired "
                     "(Cloud API tokens expire after at most a year; Data Center PATs can be "
                     "revoked). Cloud wants the account e-mail with an API token; Data Center "
                     "wants a personal access token (confluence_publish_token) or user and "
                     "password.", options)


def _forbidden(answer: Answer, settings: Any) -> Diagnosis:
    body = answer.body
    if "Basic Authentication has been disabled" in body:
        return Diagnosis("basic-disabled", "Basic authentication is disabled on this "
                         "instance, so user and password (or token) are refused",
                         "Create a personal access token in Confluence (profile > Personal "
                         "Access Tokens) and set confluence_publish_token; remove "
                         "confluence_server_pass.",
                         ("confluence_publish_token", "confluence_server_pass"))
    if "CAPTCHA" in answer.denied_reason.upper():
        return Diagnosis("captcha", "Confluence locked the account behind a CAPTCHA after "
                         "failed logins; REST calls run anonymously until it is cleared",
                         "Log in once in a browser to clear the CAPTCHA, then fix the password "
                         "or switch to a personal access token.",
                         ("confluence_publish_token", "confluence_server_pass"))
    lowered = body.lower()
    if answer.html and "proxy" in lowered and ("direct" in lowered or "network" in lowered):
        return Diagnosis("proxy-required", "the network only lets requests out through a "
                         "proxy; this one went direct",
                         "Set confluence_proxy (e.g. http://user:password@proxy.example:3128) "
                         "or the HTTPS_PROXY/HTTP_PROXY environment variables, and check "
                         "NO_PROXY does not list the Confluence host.",
                         ("confluence_proxy",))
    if answer.html:
        login = _login_page(answer)
        if login:
            return login
        return Diagnosis("sso-gateway-forbidden", "a gateway or SSO front end (HTML 403, not "
                         "Confluence) refused the request", SSO_FIX, SSO_OPTIONS)
    return Diagnosis("permission", "the server refused the operation for this user (403)",
                     "Ask a space or site administrator for the permission, or use an "
                     "account that has it.", tuple(getattr(settings, "credential_options", ())))


def read_answer(answer: Answer, settings: Any) -> Diagnosis | None:
    """Interpret an answer that is not a plain success; None when it looks fine."""
    status = answer.status
    if 300 <= status < 400 and answer.location:
        return _redirect(answer, getattr(settings, "server_url", ""))
    if status == 407:
        return Diagnosis("proxy-auth", "the proxy demands authentication (407)",
                         "Put the proxy credentials into the proxy URL: confluence_proxy = "
                         "'http://user:password@proxy.example:3128' (or in HTTPS_PROXY). "
                         "For a Kerberos/NTLM proxy ask IT for a proxy exception.",
                         ("confluence_proxy",))
    if status == 401:
        return _unauthorized(answer, settings)
    if status == 403:
        return _forbidden(answer, settings)
    if status == 410:
        return Diagnosis("v1-gone", "the server removed this REST API generation (410 Gone)",
                         "Set confluence_api_mode = 'v2' (Cloud), or leave it unset so the "
                         "v2 API is chosen on Cloud.", ("confluence_api_mode",))
    if status == 429:
        wait = f"; it asks to wait {answer.retry_after} s" if answer.retry_after else ""
        return Diagnosis("rate-limited", f"the server is rate limiting requests (429){wait}",
                         "Wait and run again. If it happens during publishing, slow down with "
                         "confluence_publish_delay (seconds between requests) and publish "
                         "fewer pages at once.", ("confluence_publish_delay",))
    if 200 <= status < 300 and answer.html:
        return _login_page(answer) or Diagnosis(
            "html-answer", "an HTML page answered instead of the JSON API; a proxy or SSO "
            "front end is probably in the way, or the URL is not the Confluence base URL",
            SSO_FIX, ("confluence_server_url", *SSO_OPTIONS))
    if status >= 500:
        return Diagnosis("server-error", f"the server failed ({status})",
                         "Run again later; if it persists, the Confluence administrators need "
                         "to look at the server logs.", ())
    return None


_CERT_WORDS = ("certificate_verify_failed", "unable to get local issuer", "self-signed",
               "self signed", "unknown ca", "certificate verify failed")


def from_transport_error(exc: BaseException, settings: Any) -> Diagnosis | None:
    """A requests exception (or the message of one) turned into a diagnosis."""
    text = f"{type(exc).__name__}: {exc}"
    lowered = text.lower()
    host = _host(getattr(settings, "server_url", ""))
    if any(word in lowered for word in _CERT_WORDS):
        return Diagnosis("tls-unknown-ca", f"the TLS certificate of {host} is signed by a CA "
                         "this machine does not trust (a corporate TLS-inspection proxy or an "
                         "internal CA)",
                         "Set confluence_ca_cert to the PEM file of your organisation's CA "
                         "(relative to conf.py), or point REQUESTS_CA_BUNDLE at it. Do not "
                         "turn off validation.", ("confluence_ca_cert",))
    if "hostname" in lowered and ("mismatch" in lowered or "doesn't match" in lowered):
        return Diagnosis("tls-hostname", f"the TLS certificate is not valid for {host}",
                         "Use the host name the certificate was issued for in "
                         "confluence_server_url.", ("confluence_server_url",))
    if re.search(r"\b407\b", text) or "proxy authentication required" in lowered:
        return Diagnosis("proxy-auth", "the proxy demands authentication (407)",
                         "Put the proxy credentials into the proxy URL: confluence_proxy = "
                         "'http://user:password@proxy.example:3128' (or in HTTPS_PROXY).",
                         ("confluence_proxy",))
    if "proxyerror" in lowered or "tunnel connection failed" in lowered:
        return Diagnosis("proxy-failed", "the proxy could not be used or refused the "
                         "connection", "Check confluence_proxy and the HTTP(S)_PROXY / "
                         "NO_PROXY environment variables.", ("confluence_proxy",))
    if any(w in lowered for w in ("name or service not known", "failed to resolve",
                                  "cannot be resolved", "nodename nor servname",
                                  "getaddrinfo failed", "name resolution", "no address")):
        return Diagnosis("dns", f"the host name {host} could not be resolved",
                         "Check the spelling of confluence_server_url; inside a company "
                         "network you may need VPN or a proxy (confluence_proxy).",
                         ("confluence_server_url", "confluence_proxy"))
    if "request deadline" in lowered:
        return Diagnosis("deadline", f"{host} sent its answer too slowly: it did not "
                         "complete within the request deadline",
                         "Check the network path (VPN, proxy); raise "
                         "confluence_request_deadline if the server is just slow.",
                         ("confluence_request_deadline", "confluence_timeout"))
    if "too large" in lowered or "larger than" in lowered:
        return Diagnosis("answer-too-large", f"{host} sent an answer larger than "
                         "confluence_response_size_limit",
                         "Confluence does not send answers this large: check "
                         "confluence_server_url and any proxy in between.",
                         ("confluence_server_url", "confluence_response_size_limit"))
    if "timeout" in lowered or "timed out" in lowered:
        return Diagnosis("timeout", f"{host} did not answer in time",
                         "Check the network path (VPN, proxy); raise confluence_timeout if the "
                         "server is just slow.", ("confluence_timeout", "confluence_proxy"))
    if "sslerror" in lowered or "ssl" in lowered:
        return Diagnosis("tls", "the TLS handshake failed", "Check that the URL scheme "
                         "matches the server (https vs http) and the CA settings.",
                         ("confluence_server_url", "confluence_ca_cert"))
    if "connection" in lowered or "refused" in lowered:
        return Diagnosis("unreachable", f"no connection to {host}",
                         "Check confluence_server_url (host and port) and whether a proxy "
                         "is needed (confluence_proxy, HTTPS_PROXY).",
                         ("confluence_server_url", "confluence_proxy"))
    return None
