"""connection-test for OAuth 2.0 client credentials: the token step and its readings.

Before the usual live checks, :class:`OAuth2LiveChecks` asks the token endpoint for a
token exactly as a publish would (same TLS, proxy, client authentication) and names
what went wrong: the endpoint cannot be reached, the client is refused, the scope or
audience is refused, the answer is not a token (an HTML login page). A token issued
with a clock far from this machine's is reported too (clock skew). Afterwards a 401 or
403 is read with the token in mind: the gateway or front end refused the token itself,
or it accepted the token and Confluence refused the caller.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from ..oauth2 import (
    OAuth2ClientCredentials,
    OAuth2TokenError,
    jwt_claims,
    post_token,
    read_token_answer,
    token_lifetime,
)
from ..redaction import register as register_secrets
from .advice import Answer, Diagnosis
from .live import STEPS, LiveChecks

#: more than this between the identity provider's clock and ours is reported
SKEW_LIMIT = 120.0


def _issued_at(token: str, response: requests.Response) -> float | None:
    """When the provider says it issued the token: the JWT's ``iat``, else ``Date``."""
    iat = jwt_claims(token).get("iat")
    if isinstance(iat, (int, float)) and not isinstance(iat, bool):
        return float(iat)
    try:
        return parsedate_to_datetime(response.headers["Date"]).timestamp()
    except (KeyError, TypeError, ValueError):
        return None


class OAuth2LiveChecks(LiveChecks):
    """The live checks, preceded by the token step and reading answers for OAuth 2.0."""

    def run(self, steps: tuple[str, ...] | None = None) -> None:
        if self.step_token():
            super().run(steps)
            return
        for name, title in STEPS:
            if steps is None or name in steps:
                self.report.add("skipped", "skip", f"{title}: not checked (no access token)")

    def step_token(self) -> bool:
        oauth = self.settings.oauth2
        auth = self.session.auth
        # a session override replaced our auth: ask the token endpoint on a session of
        # our own, closed when the answer is read
        own: requests.Session | None = None
        if isinstance(auth, OAuth2ClientCredentials):
            fetcher = auth.fetcher
        else:
            own = fetcher = requests.Session()
        started = time.monotonic()
        try:
            response = post_token(oauth, fetcher, self.settings.timeout or 30.0)
            data = read_token_answer(response, oauth)
        except OAuth2TokenError as exc:
            self.report.add("token", "fail", exc.message, cause=exc.cause, fix=exc.hint,
                            options=exc.options)
            return False
        finally:
            if own is not None:
                own.close()
        token = data["access_token"]
        register_secrets([token])
        self.report.secrets.append(token)
        lifetime = token_lifetime(data)
        if isinstance(auth, OAuth2ClientCredentials):  # the live checks reuse this token
            with auth.cache.lock:
                auth.cache.reasons.append("first")
                auth.cache.store(token, lifetime, started, oauth.refresh_margin)
        self.report.add("token", "ok", f"the token endpoint issued an access token "
                        f"(lives {lifetime:.0f} s; {oauth.client_auth}; scopes: "
                        f"{' '.join(oauth.scopes) or 'none asked'})")
        return self._clock(token, response)

    def _clock(self, token: str, response: requests.Response) -> bool:
        issued = _issued_at(token, response)
        if issued is None:
            return True
        skew = issued - time.time()
        if abs(skew) <= SKEW_LIMIT:
            return True
        ahead = "ahead of" if skew > 0 else "behind"
        self.report.add(
            "token", "fail", f"clock skew: the identity provider's clock is {abs(skew):.0f} s "
            f"{ahead} this machine's", cause="oauth2-clock-skew",
            fix="Tokens look not yet valid or already expired to whoever compares them "
            "with another clock, and renewal before expiry is mistimed. Synchronise this "
            "machine's clock (NTP, w32time); until then raise "
            "confluence_oauth2_refresh_margin above the skew.",
            options=("confluence_oauth2_refresh_margin",))
        return False

    def read_answer(self, answer: Answer) -> Diagnosis | None:
        return oauth2_reading(answer, self.settings) or super().read_answer(answer)


def live_checks(settings: Any, session: requests.Session, report: Any,
                **options: Any) -> LiveChecks:
    """The live checks for ``settings``: with the token step when OAuth 2.0 is set."""
    kind = OAuth2LiveChecks if settings.oauth2 is not None else LiveChecks
    return kind(settings, session, report, **options)


def oauth2_reading(answer: Answer, settings: Any) -> Diagnosis | None:
    """A 401/403 explained for a request that carried an OAuth 2.0 access token."""
    if answer.status not in (401, 403) or (answer.html and answer.status == 403):
        return None
    challenge = answer.www_authenticate.lower()
    if "SCOPE_CHECK" in answer.failure_category.upper():
        return Diagnosis("oauth2-scope-check", "the access token's scopes do not allow this "
                         "call (X-Failure-Category: FAILURE_CLIENT_SCOPE_CHECK)",
                         "Ask for (and grant the service account) the read and write scopes "
                         "for spaces, pages, attachments and labels.",
                         ("confluence_oauth2_scopes",))
    if challenge.startswith("bearer") and "invalid_token" in challenge:
        return Diagnosis("oauth2-token-refused", f"the gateway or front end refused the "
                         f"access token (HTTP {answer.status}, invalid_token)",
                         "The token is not one this gateway accepts: check the audience it "
                         "is issued for and that the token endpoint belongs to the identity "
                         "provider the gateway trusts.",
                         ("confluence_oauth2_audience", "confluence_oauth2_token_url"))
    if getattr(settings, "cloud", False):
        return Diagnosis("oauth2-confluence-refused", f"the gateway accepted the access "
                         f"token but Confluence refused the service account (HTTP "
                         f"{answer.status})", "Give the service account access to Confluence "
                         "on this site and permission in the space (site administration: "
                         "service accounts, product access), and the scopes the publish "
                         "needs.", ("confluence_oauth2_client_id", "confluence_oauth2_scopes"))
    return Diagnosis("oauth2-confluence-refused", f"the front end accepted the access token "
                     f"but Confluence refused the request (HTTP {answer.status})",
                     "Confluence wants its own credential behind the front end: set "
                     "confluence_publish_token (a personal access token) and send the "
                     "access token in the header the front end reads "
                     "(confluence_oauth2_header).",
                     ("confluence_publish_token", "confluence_oauth2_header"))
