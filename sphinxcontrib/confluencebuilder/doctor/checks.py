"""Checks that need no network: which options and environment variables are set, and
whether the configuration makes sense before a single request is sent."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from requests.utils import should_bypass_proxies

from .. import config as options
from ..configguard import configured_secrets
from ..credentials import SECRET_OPTIONS, Credentials
from ..redaction import redact_url
from .report import Report, Setting

#: the options that decide how a publish connects, in the order they are printed
RELEVANT_OPTIONS = (
    "confluence_publish", "confluence_server_url", "confluence_space_key",
    "confluence_cloud", "confluence_api_mode", "confluence_server_user",
    "confluence_api_token", "confluence_api_token_scoped", "confluence_server_pass",
    "confluence_publish_token", "confluence_publish_credential_provider",
    "confluence_server_auth", "confluence_server_cookies", "confluence_publish_headers",
    "confluence_request_session_override", "confluence_proxy", "confluence_ca_cert",
    "confluence_client_cert", "confluence_client_cert_pass",
    "confluence_disable_ssl_validation", "confluence_publish_override_api_prefix",
    "confluence_timeout", "confluence_request_deadline", "confluence_response_size_limit",
    "confluence_publish_delay", "confluence_ask_user",
    "confluence_ask_password", "confluence_parent_page", "confluence_publish_root",
)
#: options whose values are never printed, on top of config.SECRET_OPTIONS
_HIDDEN_VALUES = frozenset({"confluence_publish_credential_provider"})

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
CA_VARS = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")


def _env(name: str) -> str | None:
    for variant in (name, name.lower()):
        if variant in os.environ:
            return os.environ[variant]
    return None


def _printable(name: str, value: Any) -> str:
    """A value safe to print with --no-sanitize (secret values never)."""
    if name in ("confluence_publish_headers", "confluence_server_cookies"):
        if isinstance(value, dict):
            return "names " + ", ".join(sorted(map(str, value))) + " (values hidden)"
        return "(a cookies file; contents hidden)"
    if name in options.SECRET_OPTIONS or name in _HIDDEN_VALUES:
        return ""
    if name == "confluence_server_auth":
        return f"an instance of {type(value).__name__}"
    if callable(value) and not isinstance(value, type):
        return "(a function)"
    if isinstance(value, str) and "://" in value:
        return redact_url(value)
    return repr(value)


#: for other commands (``report``): a value safe to print, never a secret
printable_value = _printable


def describe_options(config: Any) -> list[Setting]:
    items = []
    for name in RELEVANT_OPTIONS:
        if not hasattr(config, name):
            continue
        value = getattr(config, name)
        default = options.BY_NAME[name].default if name in options.BY_NAME else None
        source = options.option_source(config, name)
        if value is None or (value == default and not source):
            items.append(Setting(name, "not set"))
        elif value in ("", {}, [], ()):
            items.append(Setting(name, "set (empty)", source=source))
        else:
            items.append(Setting(name, "set", _printable(name, value), source))
    return items


def describe_environment() -> list[Setting]:
    items = []
    for name in PROXY_VARS + CA_VARS:
        value = _env(name)
        if value is None:
            items.append(Setting(name, "not set"))
        elif not value.strip():
            items.append(Setting(name, "set (empty)"))
        else:
            shown = redact_url(value) if "://" in value else value
            items.append(Setting(name, "set", shown))
    return items


def environment_secrets() -> list[str]:
    """Passwords inside proxy URLs of the environment (for redaction)."""
    found = []
    for name in PROXY_VARS:
        value = _env(name) or ""
        if "://" in value:
            password = urlsplit(value).password
            if password:
                found.append(password)
    return found


def config_secrets(config: Any) -> list[str]:
    """Every secret value the configuration holds (for redaction)."""
    found = configured_secrets(config)
    for name in _HIDDEN_VALUES:
        value = getattr(config, name, None)
        if isinstance(value, str) and len(value) >= 3:
            found.append(value)
    return found


# -- sanity checks ----------------------------------------------------------------------

def _local(host: str) -> bool:
    return host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost")


def check_url(config: Any, settings: Any, report: Report) -> None:
    url = settings.server_url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "http" and not _local(host):
        report.add("sanity", "warn", "the URL uses plain http: credentials travel unencrypted",
                   fix="Use https:// unless this is a test instance.",
                   options=("confluence_server_url",), cause="plain-http")
    else:
        report.add("sanity", "ok", f"URL {url} (scheme {parts.scheme})")
    if settings.gateway:
        report.add("sanity", "info", "the URL is the api.atlassian.com gateway (scoped tokens "
                   "and OAuth)")
    elif settings.cloud:
        how = "confluence_cloud" if getattr(config, "confluence_cloud", None) is not None \
            else "the host name"
        report.add("sanity", "info", f"Atlassian Cloud (from {how})")
        if not parts.path.rstrip("/").endswith("/wiki"):
            report.add("sanity", "fail", "a Confluence Cloud URL must end in /wiki/",
                       detail=f"The path is {parts.path!r}; Cloud serves Confluence and its "
                       "API below /wiki.", cause="cloud-url-missing-wiki",
                       fix=f"Set confluence_server_url = '{parts.scheme}://{parts.netloc}/wiki/'",
                       options=("confluence_server_url",))
    else:
        report.add("sanity", "info", "Confluence Data Center / Server (set confluence_cloud = "
                   "True for Cloud on a custom domain)")
    mode = "explicitly" if settings.api_mode_explicit else "automatically"
    report.add("sanity", "info", f"REST API {settings.api_mode} chosen {mode}: "
               f"{settings.api_root()}")


def check_space(settings: Any, report: Report) -> None:
    key = settings.space_key or ""
    if key.startswith("~"):
        report.add("sanity", "ok", f"space key {key} (a personal space)")
    elif key != key.upper():
        report.add("sanity", "warn", f"space key {key!r} is not upper case; keys are "
                   "case-sensitive (use the key, not the space name)", cause="space-key-case",
                   options=("confluence_space_key",))
    else:
        report.add("sanity", "ok", f"space key {key}")


#: how the doctor names the credential a conflict keeps
_KEPT = {"confluence_api_token": "the API token", "confluence_server_pass": "the password",
         "confluence_ask_password": "the secret typed at the prompt",
         "confluence_publish_token": "the personal access token"}


def _secret_format(creds: Credentials, report: Report) -> None:
    """Quotes or whitespace around a secret option (one finding per option)."""
    for name in SECRET_OPTIONS:
        causes = {f.cause for f in creds.findings if name in f.options}
        if "quoted-secret" in causes:
            report.add("sanity", "warn", f"{name} is wrapped in quotes; the quotes become part "
                       "of the credential", cause="quoted-secret", options=(name,),
                       fix="Remove the quotes (often added by CI variable quoting).")
        elif "whitespace-secret" in causes:
            report.add("sanity", "warn", f"{name} has leading or trailing whitespace (removed "
                       "before sending)", cause="whitespace-secret", options=(name,))


def _conflicts(creds: Credentials, report: Report) -> None:
    """The precedence conflicts the resolver settled (credentials.py), in the doctor's
    words: the same findings a build warns about."""
    if creds.of("pat-on-cloud"):
        report.add("sanity", "fail", "a Data Center personal access token is configured for a "
                   "Cloud URL", cause="pat-on-cloud",
                   detail="Confluence Cloud does not know personal access tokens.",
                   fix="Unset confluence_publish_token; set confluence_server_user (your "
                   "e-mail) and confluence_api_token.",
                   options=("confluence_publish_token", "confluence_server_user",
                            "confluence_api_token"))
    for finding in creds.of("pat-and-secret"):
        report.add("sanity", "warn", f"both a personal access token and a user secret are "
                   f"set; {_KEPT[finding.kept]} is used", cause="conflicting-credentials",
                   options=("confluence_publish_token", "confluence_api_token",
                            "confluence_server_pass"))
    if creds.of("token-and-password"):
        report.add("sanity", "warn", "both confluence_api_token and confluence_server_pass are "
                   "set; the API token is used", cause="conflicting-credentials",
                   options=("confluence_api_token", "confluence_server_pass"))
    if creds.of("header-replaces"):
        report.add("sanity", "warn", "confluence_publish_headers sets Authorization, which "
                   "replaces the token/password options", cause="conflicting-credentials",
                   options=("confluence_publish_headers",))


def check_credentials(config: Any, settings: Any, report: Report, creds: Credentials) -> None:
    _secret_format(creds, report)
    _conflicts(creds, report)
    report.add("sanity", "info", f"credential sent: {settings.credential_kind}")
    asked = getattr(settings, "asked", ())
    if asked:
        report.add("sanity", "info", f"answered on the terminal: {', '.join(asked)}")
    skipped = [name for name in ("confluence_ask_user", "confluence_ask_password")
               if getattr(config, name, False) and name not in asked]
    if skipped:
        report.add("sanity", "info", f"no terminal to ask on: {', '.join(skipped)} skipped; "
                   "the configured credentials are used")
    if settings.credential_kind == "no credentials":
        report.add("sanity", "warn", "no credentials are configured; requests are anonymous",
                   cause="no-credentials", options=settings.credential_options,
                   fix="Cloud: confluence_server_user + confluence_api_token. Data Center: "
                   "confluence_publish_token.")
    if settings.cookies or settings.cookies_file:
        report.add("sanity", "info", "session cookies are sent (confluence_server_cookies)")
    if settings.headers:
        report.add("sanity", "info", f"{len(settings.headers)} extra header(s) are sent "
                   "(confluence_publish_headers)")
    if settings.session_override is not None:
        report.add("sanity", "info", "confluence_request_session_override may change the "
                   "session; the checks below run after it")


def check_transport(settings: Any, report: Report) -> None:
    scheme = urlsplit(settings.server_url).scheme
    host = urlsplit(settings.server_url).hostname or ""
    if settings.proxy:
        report.add("sanity", "info", f"proxy from confluence_proxy: {redact_url(settings.proxy)}")
    else:
        env = _env(f"{scheme.upper()}_PROXY") or _env("ALL_PROXY")
        no_proxy = _env("NO_PROXY") or ""
        if env and no_proxy and should_bypass_proxies(settings.server_url, no_proxy):
            report.add("sanity", "info", f"a {scheme} proxy is set in the environment, but "
                       f"NO_PROXY lists {host}: requests go direct")
        elif env:
            report.add("sanity", "info", f"proxy from the environment ({scheme.upper()}_PROXY): "
                       f"{redact_url(env)}")
        else:
            report.add("sanity", "info", "no proxy: requests go direct")
    if not settings.verify_ssl:
        report.add("sanity", "warn", "TLS certificate validation is off",
                   cause="tls-validation-off", options=("confluence_disable_ssl_validation",),
                   fix="Set confluence_ca_cert to your organisation's CA instead.")
    elif settings.ca_cert:
        report.add("sanity", "info", f"extra CA certificates from confluence_ca_cert: "
                   f"{settings.ca_cert}")


def sanity_checks(config: Any, settings: Any, report: Report, creds: Credentials) -> None:
    check_url(config, settings, report)
    check_space(settings, report)
    check_credentials(config, settings, report, creds)
    check_transport(settings, report)
