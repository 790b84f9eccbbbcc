"""The cheap connection probe a publishing build runs before Sphinx reads a source.

It is the connection doctor's own live checks, fewer of them: the server answers as
Confluence, the credentials are accepted, the space is visible, pages may be created
there and the parent / root pages exist. A failure is worded exactly as
``connection-test`` words it (same cause, fix and options), because it is the same code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

from ..cliutil import MODULE
from .oauth2 import live_checks
from .report import Finding, Report

if TYPE_CHECKING:
    from ..credentials import Credentials

#: the live steps of the probe, in order (connection-test runs these and more)
PROBE_STEPS = ("reach", "identity", "space", "permission", "placement")


def _report(settings: Any) -> Report:
    from ..session import SECRETS

    report = Report()
    report.secrets = [*settings.secret_values(), *SECRETS.values()]
    return report


def run_sanity(config: Any, settings: Any, creds: Credentials) -> Report:
    """connection-test's checks that send no request (a Cloud URL without /wiki, a
    personal access token on Cloud, ...); ``creds`` as :func:`settings.read_settings`
    resolved them."""
    from .checks import sanity_checks

    report = _report(settings)
    sanity_checks(config, settings, report, creds)
    return report


def run_probe(settings: Any, session: requests.Session, placement: Any = None) -> Report:
    """Run the probe steps; the report holds one finding per step (or the failure)."""
    report = _report(settings)
    live_checks(settings, session, report, placement=placement).run(PROBE_STEPS)
    return report


def first_failure(report: Report) -> Finding | None:
    return next((f for f in report.findings if f.status == "fail"), None)


def explain(finding: Finding, report: Report | None = None, *, lead: str = "") -> str:
    """A failure in connection-test's words, ending with where to learn more."""
    lines = [f"{lead}{finding.title}"]
    if finding.detail:
        lines.append(finding.detail)
    if finding.cause:
        lines.append(f"cause: {finding.cause}")
    if finding.fix:
        lines.append(f"fix: {finding.fix}")
    if finding.options:
        lines.append("options: " + ", ".join(finding.options))
    # a build runs under sphinx-build or python -m sphinx: name the command in full
    lines.append(f"For the full diagnosis run: python -m {MODULE} connection-test")
    text = "\n".join(lines)
    return report.redact(text) if report is not None else text
