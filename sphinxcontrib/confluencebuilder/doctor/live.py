"""Checks that talk to the server, through the session and client a publish would use.

The REST client (``rest.make_client``) answers the questions a publish asks (instance,
current user, space); raw GETs through the same session, with redirects not followed,
probe what the client has no call for (is this Confluence at all, page listing,
permitted operations). Failures are classified by the REST layer (:mod:`..rest.classify`)
and read again by :mod:`.advice`, which names the cause and the options to set. The
doctor's client does not retry or wait: it reports the first answer. The first failing
step ends the live checks; later steps are listed as skipped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from ..errors import ConfluenceConnectionError, ConfluenceNotFoundError
from ..rest import make_client
from ..rest.bounded import bounded_request
from ..rest.classify import classify_exception, classify_response
from .advice import Answer, Diagnosis, from_transport_error, read_answer
from .placement import check_placement
from .report import Report
from .scheme import from_plain_answer, scheme_mismatch

STEPS = (
    ("reach", "reach the server"),
    ("instance", "instance type and version"),
    ("identity", "who the server thinks we are"),
    ("space", "the space is visible"),
    ("pages", "pages of the space can be listed"),
    ("permission", "permission to create pages"),
    ("placement", "the parent, root and orphan container pages exist"),
)


class StepFailed(Exception):
    """A live step failed; the finding is already in the report."""


class LiveChecks:
    def __init__(self, settings: Any, session: requests.Session, report: Report, *,
                 placement: Any = None) -> None:
        self.settings = settings
        #: publisher settings naming the parent / root / container pages (or None)
        self.placement = placement
        self.space: Any = None
        self.session = session
        self.report = report
        self.space_id: str | None = None
        self.user_name = ""
        self.client: Any = None
        self.base = settings.server_url
        self.mode = settings.api_mode

    # -- plumbing ---------------------------------------------------------------------
    def raw_get(self, url: str) -> requests.Response:
        """One GET through the session, redirects not followed, within the bounds of a
        publish's requests (confluence_timeout, request deadline, size cap)."""
        s = self.settings
        return bounded_request(self.session, "GET", url, timeout=s.timeout,
                               deadline=s.deadline, max_bytes=s.max_bytes,
                               allow_redirects=False)

    def get(self, step: str, url: str) -> requests.Response:
        """GET ``url`` through the session; any HTTP answer is returned, a failure below
        HTTP is reported (and raises StepFailed)."""
        try:
            response = self.raw_get(url)
        except requests.RequestException as exc:
            error = classify_exception(exc, self.settings, method="GET", url=url)
            self.fail(step, error, scheme_mismatch(exc, url, self.settings.timeout)
                      or from_transport_error(exc, self.settings))
        except Exception as exc:  # noqa: BLE001 - user code (auth object, session hook)
            self.user_code_failed(step, exc)
        return response

    def user_code_failed(self, step: str, exc: Exception) -> None:
        self.report.add(step, "fail", f"the request could not be sent: {type(exc).__name__}: "
                        f"{str(exc)[:200]}", cause="client-error",
                        fix="Code from the configuration raised this while preparing the "
                        "request: check the auth object, the session override and the "
                        "credential provider.",
                        options=("confluence_server_auth", "confluence_request_session_override",
                                 "confluence_publish_credential_provider"))
        raise StepFailed(step)

    def check(self, step: str, response: requests.Response, subject: str = "") -> None:
        error = classify_response(response, self.settings, subject=subject)
        if error is not None:
            answer = Answer.from_response(response)
            self.fail(step, error, from_plain_answer(answer.status, answer.body, response.url)
                      or self.read_answer(answer))

    def call(self, step: str, function: Callable[..., Any], *args: Any) -> Any:
        """A client call; a failure is diagnosed, reported and raises StepFailed."""
        try:
            return function(*args)
        except ConfluenceConnectionError as exc:
            self.fail(step, exc, self.diagnose(exc))
        except Exception as exc:  # noqa: BLE001 - user code runs inside requests
            self.user_code_failed(step, exc)

    def diagnose(self, exc: ConfluenceConnectionError) -> Diagnosis | None:
        """Read the failed answer again (redirects not followed) for the doctor's advice."""
        if exc.status is None or not exc.url:
            return scheme_mismatch(exc, exc.url or self.settings.server_url, self.settings.timeout) \
                or from_transport_error(exc, self.settings)
        try:
            response = self.raw_get(exc.url)
        except requests.RequestException as again:
            return from_transport_error(again, self.settings)
        return self.read_answer(Answer.from_response(response))

    def read_answer(self, answer: Answer) -> Diagnosis | None:
        return read_answer(answer, self.settings)

    def fail(self, step: str, error: Any, diagnosis: Diagnosis | None) -> None:
        # the doctor's reading is more specific than the REST layer's; use its options
        options = tuple(diagnosis.options if diagnosis else getattr(error, "options", ()))
        title = diagnosis.summary if diagnosis else str(getattr(error, "message", error))
        detail = str(getattr(error, "message", ""))
        fix = diagnosis.fix if diagnosis else getattr(error, "hint", "")
        kind = diagnosis.cause if diagnosis else getattr(error, "kind", "error")
        self.report.add(step, "fail", title, detail=detail if detail != title else "",
                        cause=kind, fix=fix, options=options)
        raise StepFailed(step)

    def api(self, mode: str, path: str) -> str:
        root: str = self.settings.api_root(mode, self.base)
        return root + path

    # -- steps ------------------------------------------------------------------------
    def run(self, steps: tuple[str, ...] | None = None) -> None:
        """Run ``steps`` (default: all of :data:`STEPS`) in order; stop at the first failure."""
        chosen = [item for item in STEPS if steps is None or item[0] in steps]
        quiet = dataclasses.replace(self.settings, rate_limit_retries=0, retry_attempts=0,
                                    retry_after_cap=0.0)
        try:
            self.client = make_client(quiet, self.session, sleep=lambda _seconds: None)
        except ConfluenceConnectionError as exc:  # the cloud-id lookup of scoped tokens
            try:
                self.fail("reach", exc, self.diagnose(exc))
            except StepFailed:
                return
        self.base, self.mode = self.client.base_url, self.client.api_mode
        for number, (step, _) in enumerate(chosen):
            try:
                getattr(self, "step_" + step)()
            except StepFailed:
                for _, title in chosen[number + 1:]:
                    self.report.add("skipped", "skip", f"{title}: not checked (an earlier "
                                    "step failed)")
                break
        self._deprecations()

    def _deprecations(self) -> None:
        seen = getattr(getattr(self.client, "transport", None), "deprecations", None) or {}
        for endpoint, note in sorted(seen.items()):
            self.report.add("deprecation", "info", f"the server marks {endpoint} as {note}; "
                            "confluence_api_mode = 'v2' avoids it on Cloud")

    def step_reach(self) -> None:
        probe = self.api(self.mode, "spaces?limit=1" if self.mode == "v2" else "space?limit=1")
        response = self.get("reach", probe)
        ctype = response.headers.get("Content-Type", "?").split(";")[0]
        via = self._route()
        self.report.add("reach", "ok", f"the server answered (HTTP {response.status_code}, "
                        f"{ctype}) {via}")
        if response.status_code == 404:
            self._not_found_api(response)
        self.check("access", response)
        self._rate_headers(response)

    def _rate_headers(self, response: requests.Response) -> None:
        headers = response.headers
        remaining, limit = headers.get("X-RateLimit-Remaining"), headers.get("X-RateLimit-Limit")
        if remaining is None:
            return
        try:
            low = int(float(remaining)) < 0.2 * int(float(limit or 0))
        except ValueError:
            low = False
        text = f"rate limit: {remaining} of {limit or '?'} requests left"
        if low or headers.get("X-RateLimit-NearLimit", "").lower() == "true":
            self.report.add("reach", "warn", f"{text}; the server is close to throttling",
                            cause="rate-limit-near", options=("confluence_publish_delay",),
                            fix="Publish later, or slow down with confluence_publish_delay.")
        else:
            self.report.add("reach", "info", text)

    def _route(self) -> str:
        proxies = self.session.proxies or {}
        scheme = urlsplit(self.settings.server_url).scheme
        if proxies.get(scheme):
            return "through the proxy from confluence_proxy"
        env = requests.utils.get_environ_proxies(self.settings.server_url) \
            if self.session.trust_env else {}
        return "through a proxy from the environment" if env.get(scheme) else "directly"

    def _not_found_api(self, response: requests.Response) -> None:
        parts = urlsplit(self.settings.server_url)
        error = classify_response(response, self.settings, subject="the REST API")
        if not parts.path.rstrip("/").endswith("/wiki"):
            alternative = f"{parts.scheme}://{parts.netloc}{parts.path}wiki/"
            prefix = self.settings.api_prefixes.get(self.mode, "")
            try:
                probe = "spaces?limit=1" if self.mode == "v2" else "space?limit=1"
                again = self.raw_get(alternative + prefix + probe)
                found = again.status_code != 404
            except requests.RequestException:
                found = False
            if found or self.settings.cloud:
                self.fail("access", error, Diagnosis(
                    "cloud-url-missing-wiki", "the REST API is not at this URL; Confluence "
                    "Cloud serves it below /wiki" + (f" ({alternative} answers)" if found
                                                     else ""),
                    f"Set confluence_server_url = '{alternative}'", ("confluence_server_url",)))
        self.fail("access", error, Diagnosis(
            "api-not-found", "the REST API was not found at this URL",
            "Check confluence_server_url: Data Center often needs a context path such as "
            "https://host/confluence/; a rewriting proxy may need "
            "confluence_publish_override_api_prefix.",
            ("confluence_server_url", "confluence_publish_override_api_prefix")))

    def step_instance(self) -> None:
        info = self.call("instance", self.client.server_info)
        if info.get("type") == "cloud":
            where = "the api.atlassian.com gateway" if self.base != self.settings.server_url \
                or self.settings.gateway else "the site URL"
            self.report.add("instance", "ok", f"Confluence Cloud through {where}; REST API "
                            f"{self.mode} (Cloud has no version number)")
        elif info.get("version"):
            self.report.add("instance", "ok", f"Confluence Data Center {info['version']}; "
                            f"REST API {self.mode}")
        elif self._looks_like_cloud():
            self.report.add("instance", "warn", "this server answers like Confluence Cloud "
                            "(it reports a cloud id) but is treated as Data Center",
                            cause="cloud-not-detected",
                            detail="Cloud is recognised by an atlassian.net host name; a Cloud "
                            "site on a custom domain must be declared.",
                            fix="Set confluence_cloud = True so the Cloud REST API (v2) and "
                            "the Cloud editor are used.",
                            options=("confluence_cloud",))
        else:
            self.report.add("instance", "info", "Confluence Data Center/Server; the version "
                            "was not reported (the application-links manifest is missing)")

    def _looks_like_cloud(self) -> bool:
        """A Cloud site answers ``/_edge/tenant_info`` with its cloud id (read-only probe)."""
        parts = urlsplit(self.settings.server_url)
        url = f"{parts.scheme}://{parts.netloc}/_edge/tenant_info"
        try:
            response = self.raw_get(url)
            data = response.json() if response.status_code == 200 else None
        except Exception:  # noqa: BLE001 - a probe: any failure means "no"
            return False
        return isinstance(data, dict) and bool(data.get("cloudId"))

    def step_identity(self) -> None:
        data = self.call("identity", self.client.current_user)
        if not isinstance(data, dict) or data.get("type") == "anonymous":
            none = self.settings.credential_kind == "no credentials"
            self.report.add(
                "identity", "fail", "the server treats us as anonymous" +
                ("" if none else f" although {self.settings.credential_kind} was sent"),
                cause="no-credentials" if none else "credentials-ignored",
                detail="" if none else "The credentials were ignored: a front end may strip "
                "the Authorization header, or the server fell back to anonymous access.",
                fix="Cloud: confluence_server_user + confluence_api_token; Data Center: "
                "confluence_publish_token. Behind SSO see confluence_server_cookies / "
                "confluence_publish_headers / confluence_server_auth.",
                options=tuple(self.settings.credential_options))
            raise StepFailed("identity")
        name = data.get("displayName") or data.get("publicName") or "?"
        login = data.get("email") or data.get("username") or data.get("accountId") or ""
        self.user_name = name
        # the login (e-mail, user name) is personal data: shown with --no-sanitize only
        shown = f" ({login})" if login and not self.report.sanitize else ""
        self.report.add("identity", "ok", f"logged in as {name}{shown}")

    def step_space(self) -> None:
        key = self.settings.space_key or ""
        try:
            space = self.client.get_space(key)
            found: dict[str, Any] | None = {"id": space.id, "name": space.name}
            self.space = space
        except ConfluenceNotFoundError:
            found = None
        except ConfluenceConnectionError as exc:
            self.fail("space", exc, self.diagnose(exc))
        if not found:
            who = self.user_name or "this account"
            self.report.add(
                "space", "fail", f"space {key} was not found, or {who} may not see it",
                cause="space-not-found",
                detail="Confluence answers the same for a missing space and a space hidden by "
                "permissions.",
                fix="Check confluence_space_key (the key, not the name; case-sensitive). If it "
                f"exists, ask a space admin to give {who} View and Add Page permissions.",
                options=("confluence_space_key",))
            raise StepFailed("space")
        self.space_id = str(found.get("id", ""))
        self.report.add("space", "ok", f"space {key} ({found.get('name', '?')}) is visible")

    def step_pages(self) -> None:
        key = self.settings.space_key or ""
        if self.mode == "v2":
            url = self.api("v2", f"spaces/{self.space_id}/pages?limit=1")
        else:
            url = self.api("v1", f"content?spaceKey={quote(key)}&type=page&limit=1")
        response = self.get("pages", url)
        if response.status_code == 410 and self.mode == "v1" and self.settings.cloud:
            # the publishing client switches to v2 at the first 410; say so and check v2
            self.report.add("pages", "warn", "Confluence Cloud removed the v1 REST API for "
                            "pages (410 Gone); publishing switches to v2 with a warning",
                            cause="v1-gone", options=("confluence_api_mode",),
                            fix="Set confluence_api_mode = 'v2' (or leave it unset on Cloud).")
            self.mode = "v2"
            response = self.get("pages", self.api("v2", f"spaces/{self.space_id}/pages?limit=1"))
        self.check("pages", response, f"pages of space {key!r}")
        self.report.add("pages", "ok", f"pages of {key} can be listed (REST API {self.mode})")

    def step_permission(self) -> None:
        key = self.settings.space_key or ""
        if self.mode == "v2":
            url = self.api("v2", f"spaces/{self.space_id}/operations")
        else:
            url = self.api("v1", f"space/{quote(key)}?expand=operations")
        response = self.get("permission", url)
        operations = None
        if response.status_code == 200:
            try:
                data = response.json()
                operations = data.get("operations") if isinstance(data, dict) else None
            except ValueError:
                operations = None
        if not isinstance(operations, list):
            self.report.add("permission", "info", "permission to create pages: not verified "
                            "(the server does not report permitted operations); the first "
                            "publish will show it")
            return
        allowed = {(o.get("operation"), o.get("targetType")) for o in operations
                   if isinstance(o, dict)}
        if ("create", "page") in allowed:
            self.report.add("permission", "ok", f"may create pages in {key}")
            return
        self.report.add("permission", "fail", f"{self.user_name or 'this account'} may view "
                        f"but not create pages in {key}", cause="no-create-permission",
                        fix="Ask a space admin for the Add Page (and Add Attachment) "
                        "permission, or publish to another space.",
                        options=("confluence_space_key",))
        raise StepFailed("permission")

    def step_placement(self) -> None:
        if self.placement is None or self.space is None:
            return
        check_placement(self, self.placement, self.space)
