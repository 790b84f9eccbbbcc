"""Credentials: the documented precedence of the authentication options, in one place.

:func:`resolve` reads the user, API token, password, personal access token, custom
``requests`` auth, OAuth 2.0 client credentials and an ``Authorization`` header from
confluence_publish_headers (plus what was typed at the prompts) and returns
:class:`Credentials`: what the session sends, where each credential option got its value,
and a :class:`CredentialFinding` for every conflict it resolved. It logs nothing and
touches no network: :mod:`.settings` logs the findings' warnings during a build, and
``connection-test`` (:mod:`.doctor.checks`) words the same findings as its own, so a build
and the doctor always tell the same story. No secret is ever part of a finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .errors import ConfluenceConfigError
from .oauth2_settings import OAuth2Settings, oauth2_from_config, reconcile
from .optiontable import option_source
from .prompts import ASK_PASSWORD

if TYPE_CHECKING:
    from requests.auth import AuthBase

__all__ = ["SECRET_OPTIONS", "Configured", "CredentialFinding", "Credentials", "PasswordOption",
           "clean_secret", "resolve"]

TOKEN, PASSWORD, PAT = "confluence_api_token", "confluence_server_pass", "confluence_publish_token"
USER, AUTH = "confluence_server_user", "confluence_server_auth"
#: the options holding a user secret or token, in the order they are checked
SECRET_OPTIONS: tuple[str, ...] = (TOKEN, PASSWORD, PAT)
#: where a value came from, besides :func:`config.option_source`'s answers
TYPED = "the terminal prompt"

#: the option a Basic-auth secret came from ('' when none is sent)
PasswordOption = Literal["", "confluence_api_token", "confluence_server_pass",
                         "confluence_ask_password"]

#: what a finding is about (the doctor's cause names where it has one)
Cause = Literal[
    "quoted-secret",            # a secret wrapped in quotes (sent with them)
    "whitespace-secret",        # a secret with surrounding whitespace (removed)
    "prompt-replaces",          # the secret typed at the prompt replaces configured ones
    "auth-replaces",            # confluence_server_auth replaces the token/password
    "token-and-password",       # both confluence_api_token and confluence_server_pass
    "pat-and-secret",           # a personal access token next to a Basic-auth secret
    "user-ignored",             # a user next to a personal access token
    "pat-on-cloud",             # a Data Center personal access token for a Cloud URL
    "oauth2-replaces",          # the OAuth 2.0 access token takes the Authorization header
    "header-replaces",          # confluence_publish_headers sets Authorization
]


@dataclass(frozen=True)
class CredentialFinding:
    """One conflict or oddity the resolver met (never a secret value)."""

    cause: Cause
    #: the options involved
    options: tuple[str, ...] = ()
    #: the warning a build logs; '' when a build says nothing about it
    warning: str = ""
    #: the option whose value is used after the conflict (``pat-and-secret``)
    kept: str = ""


@dataclass(frozen=True)
class Configured:
    """A credential option that holds a value, and where the value came from."""

    option: str
    value: str = field(repr=False)
    #: 'conf.py or -D', 'environment CONFLUENCE_…' or :data:`TYPED`
    origin: str


@dataclass(frozen=True, repr=False)
class Credentials:
    """What the session sends, after every precedence rule (typed, values only)."""

    user: str | None = None
    #: Basic-auth secret (API token or password) and the option it came from
    password: str | None = None
    password_option: PasswordOption = ""
    #: sent as ``Authorization: Bearer``
    bearer_token: str | None = None
    auth: AuthBase | None = None
    oauth2: OAuth2Settings | None = None
    #: the user name and every configured secret option, cleaned, before precedence
    configured: tuple[Configured, ...] = ()
    findings: tuple[CredentialFinding, ...] = ()

    def origin_of(self, option: str) -> str:
        """Where ``option`` got the value the resolver read ('' when it holds none)."""
        return next((c.origin for c in self.configured if c.option == option), "")

    def value_of(self, option: str) -> str | None:
        """The cleaned value of a configured credential option (None when unset)."""
        return next((c.value for c in self.configured if c.option == option), None)

    def of(self, cause: Cause) -> list[CredentialFinding]:
        return [f for f in self.findings if f.cause == cause]

    def __repr__(self) -> str:
        return (f"Credentials(user={'set' if self.user else None}, password_option="
                f"{self.password_option!r}, bearer={bool(self.bearer_token)}, "
                f"auth={type(self.auth).__name__ if self.auth else None}, "
                f"findings={[f.cause for f in self.findings]})")


def _opt(config: Any, name: str, default: Any = None) -> Any:
    return getattr(config, "confluence_" + name, default)


def clean_secret(name: str, value: Any) -> tuple[str | None, list[CredentialFinding]]:
    """``value`` without surrounding whitespace (None when empty), and what was odd about
    it; a line break or NUL inside is a configuration error."""
    if value is None or value == "":
        return None, []
    if not isinstance(value, str):
        raise ConfluenceConfigError(name, "must be a string")
    found = []
    stripped = value.strip()
    if stripped != value:
        found.append(CredentialFinding(
            "whitespace-secret", (name,), f"{name} has leading or trailing whitespace (a "
            "newline from a file or CI variable?); it was removed"))
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'":
        found.append(CredentialFinding(
            "quoted-secret", (name,), f"{name} is wrapped in quotes; the quotes are sent as "
            "part of the credential. Remove them if they came from CI variable quoting"))
    if any(ch in stripped for ch in "\r\n\0"):
        raise ConfluenceConfigError(name, "contains a line break or NUL character")
    return stripped or None, found


def _configured(config: Any, asked: Mapping[str, str], found: list[CredentialFinding]
                ) -> list[Configured]:
    """The user and the secret options that hold a value (cleaned), with their origin."""
    out = []
    user = asked.get("user") or _opt(config, "server_user") or None
    if user:
        out.append(Configured(USER, user, TYPED if asked.get("user") else
                              option_source(config, USER)))
    for name in SECRET_OPTIONS:
        value, notes = clean_secret(name, getattr(config, name, None))
        found += notes
        if value:
            out.append(Configured(name, value, option_source(config, name)))
    if asked.get("secret"):
        out.append(Configured(ASK_PASSWORD, asked["secret"], TYPED))
    return out


def _secrets(given: Mapping[str, str], found: list[CredentialFinding]) -> dict[str, str]:
    """The secret options that count: a secret typed at the prompt replaces the API
    token, password and personal access token (and says so)."""
    if ASK_PASSWORD not in given:
        return {k: v for k, v in given.items() if k in SECRET_OPTIONS}
    dropped = [name for name in SECRET_OPTIONS if name in given]
    if dropped:
        verb = " is" if len(dropped) == 1 else " are"
        found.append(CredentialFinding(
            "prompt-replaces", (*dropped, ASK_PASSWORD), f"{' and '.join(dropped)}{verb} set "
            "as well; the secret typed at the confluence_ask_password prompt is used instead"))
    return {ASK_PASSWORD: given[ASK_PASSWORD]}


def _custom_auth(config: Any, secrets: Mapping[str, str], found: list[CredentialFinding]
                 ) -> AuthBase | None:
    """confluence_server_auth, checked; it replaces every secret option."""
    auth = _opt(config, "server_auth")
    if auth is None:
        return None
    from requests.auth import AuthBase

    if not isinstance(auth, AuthBase):
        raise ConfluenceConfigError(AUTH, "must be an instance of a requests.auth.AuthBase "
                                    "subclass", hint="For example "
                                    "requests_kerberos.HTTPKerberosAuth().")
    if secrets:
        found.append(CredentialFinding(
            "auth-replaces", (AUTH,), "confluence_server_auth is set; it takes precedence over "
            "the configured token/password, which will not be sent"))
    return auth


def _precedence(cloud: bool, user: str | None, secrets: Mapping[str, str],
                found: list[CredentialFinding]) -> dict[str, Any]:
    """The documented order of the secret options: what is sent."""
    token, password, pat = secrets.get(TOKEN), secrets.get(PASSWORD), secrets.get(PAT)
    if token and password:
        found.append(CredentialFinding("token-and-password", (TOKEN, PASSWORD),
                                       "both confluence_api_token and confluence_server_pass "
                                       "are set; the API token is used", kept=TOKEN))
    secret, option = (token, TOKEN) if token else \
        (secrets.get(ASK_PASSWORD), ASK_PASSWORD) if ASK_PASSWORD in secrets \
        else (password, PASSWORD)
    if pat and secret:
        kept = option if cloud else PAT
        found.append(CredentialFinding(
            "pat-and-secret", (PAT, option), f"both confluence_publish_token and {option} are "
            f"set; on Cloud the {option} is used" if cloud else "both confluence_publish_token "
            f"and {option} are set; on Data Center the personal access token (Bearer) is used",
            kept=kept))
        pat, secret = (None, secret) if cloud else (pat, None)
    if pat:
        if user:
            found.append(CredentialFinding(
                "user-ignored", (USER, PAT), "confluence_server_user is ignored: "
                "confluence_publish_token is sent as a Bearer token, which identifies the user "
                "by itself"))
        return {"user": None, "bearer_token": pat}
    if secret:
        if not user:
            raise ConfluenceConfigError(
                USER, f"is required when {option} is set",
                hint="Cloud: set it to the e-mail of the account that owns the API token. "
                "Data Center: set your user name, or use confluence_publish_token (a personal "
                "access token) without a user.")
        return {"user": user, "password": secret, "password_option": option}
    return {}


def _pat_on_cloud(cloud: bool, sent: Mapping[str, Any], given: Mapping[str, str]
                  ) -> list[CredentialFinding]:
    """A personal access token configured for Cloud: a build warns only when it is sent;
    the doctor fails either way."""
    if not (cloud and PAT in given):
        return []
    return [CredentialFinding(
        "pat-on-cloud", (PAT, USER, TOKEN), "confluence_publish_token is a Data Center "
        "personal access token, but the server looks like Confluence Cloud, which expects "
        "confluence_server_user (your e-mail) with confluence_api_token"
        if sent.get("bearer_token") else "")]


def resolve(config: Any, cloud: bool, asked: Mapping[str, str] | None = None, *,
            headers: Mapping[str, str] | None = None, scoped: bool = False) -> Credentials:
    """Apply the documented precedence rules; a finding for every conflict.

    ``asked`` holds the answers of :func:`prompts.ask_credentials`: a typed user replaces
    confluence_server_user, a typed secret is the Basic-auth password/API token and
    replaces confluence_api_token, confluence_server_pass and confluence_publish_token.
    """
    asked = asked or {}
    found: list[CredentialFinding] = []
    configured = _configured(config, asked, found)
    given = {c.option: c.value for c in configured}
    user = given.get(USER)
    secrets = _secrets(given, found)
    auth = _custom_auth(config, secrets, found)
    sent: dict[str, Any] = {"auth": auth} if auth is not None else \
        _precedence(cloud, user, secrets, found)
    found += _pat_on_cloud(cloud, sent, given)
    sent.setdefault("user", user)
    oauth2 = oauth2_from_config(config)
    if oauth2 is not None:
        sent = reconcile(oauth2, sent, lambda text: found.append(
            CredentialFinding("oauth2-replaces", ("confluence_oauth2_header",), text)))
    if scoped and not sent.get("password"):
        raise ConfluenceConfigError("confluence_api_token_scoped", "needs confluence_server_user "
                                    "and confluence_api_token (the scoped token)")
    if any(k.lower() == "authorization" for k in headers or {}) and (
            sent.get("password") or sent.get("bearer_token") or sent.get("auth")):
        found.append(CredentialFinding(
            "header-replaces", ("confluence_publish_headers",), "confluence_publish_headers "
            "sets Authorization; it replaces the credential from the other authentication "
            "options"))
        sent = {"user": sent.get("user")}
    return Credentials(**sent, oauth2=oauth2, configured=tuple(configured),
                       findings=tuple(found))
