"""Check before building: configuration, credentials and a connection probe run when a
publishing builder starts, before Sphinx reads a single source.

:func:`check_before_build` is the one hook a publishing builder calls from ``init``
(``confluence`` and any builder derived from it). It resolves the connection settings
(which asks on the terminal for ``confluence_ask_user`` / ``confluence_ask_password``,
once), validates the publish settings, and unless publishing is off or a dry run, runs
the connection doctor's probe. A problem ends the build with connection-test's
diagnosis, no traceback. :func:`explain_publish_failure` words a failure during the
publish itself the same way.
"""

from __future__ import annotations

from typing import Any

from sphinx.util import logging

from .errors import ConfluenceConnectionError, ConfluenceError
from .userstop import ConfluenceStop

logger = logging.getLogger(__name__)


def _sanity(config: Any, connection: Any, creds: Any) -> None:
    from .doctor.probe import explain, first_failure, run_sanity

    report = run_sanity(config, connection, creds)
    failure = first_failure(report)
    if failure is not None:
        raise ConfluenceStop(explain(failure, report, lead="the configuration check before "
                                     "the build failed: "))


def _probe(connection: Any, placement: Any) -> None:
    from .doctor.probe import explain, first_failure, run_probe
    from .session import build_session

    try:
        session = build_session(connection)
    except ConfluenceError:
        raise
    except Exception as exc:  # noqa: BLE001 - a session override or provider from conf.py
        raise ConfluenceStop(_redacted(
            f"building the session failed: {type(exc).__name__}: {exc}\nfix: "
            "confluence_request_session_override or confluence_publish_credential_provider "
            "raised this; check them.", connection.secret_values())) from None
    try:
        report = run_probe(connection, session, placement)
    finally:
        session.close()
    failure = first_failure(report)
    if failure is not None:
        raise ConfluenceStop(explain(failure, report, lead="the connection check before the "
                                     "build failed: "))
    passed = [f.step for f in report.findings if f.status == "ok"]
    logger.info("confluence: connection checked before the build (%s)", ", ".join(passed))


def check_before_build(builder: Any) -> Any:
    """The connection settings for this run (credentials asked once), or None when the
    build does not publish. Raises :class:`ConfluenceStop` with the diagnosis."""
    config = builder.config
    if not getattr(config, "confluence_publish", False):
        return None
    from .publisher.settings import from_config as publish_settings
    from .settings import read_settings

    confdir = builder.confdir
    try:
        placement = publish_settings(config, confdir=confdir)
        connection, creds = read_settings(config, base_dir=confdir)
        _sanity(config, connection, creds)
        if placement.dryrun:
            logger.info("confluence: dry run; the connection is checked when the plan is made")
            return connection
        _probe(connection, placement)
    except ConfluenceError as exc:
        from .doctor.checks import config_secrets

        raise ConfluenceStop(_redacted(str(exc), config_secrets(config)), exc) from None
    return connection


def _redacted(text: str, secrets: Any) -> str:
    from .redaction import redact

    return redact(text, list(secrets))


def explain_publish_failure(error: ConfluenceError, connection: Any) -> str:
    """A publish failure; a connection failure is diagnosed as connection-test does (the
    failed address read again without following redirects)."""
    text = str(error)
    if not isinstance(error, ConfluenceConnectionError) or connection is None:
        return text
    from .doctor.live import LiveChecks
    from .doctor.probe import explain
    from .doctor.report import Finding, Report
    from .session import SECRETS, build_session

    report = Report(secrets=[*connection.secret_values(), *SECRETS.values()])
    diagnosis = None
    try:
        with build_session(connection) as session:
            diagnosis = LiveChecks(connection, session, report).diagnose(error)
    except Exception:  # noqa: BLE001 - the diagnosis is a bonus; the error stands alone
        diagnosis = None
    if diagnosis is None:
        finding = Finding("publish", "fail", error.message, cause=error.kind, fix=error.hint,
                          options=error.options)
    else:
        finding = Finding("publish", "fail", diagnosis.summary, detail=error.message,
                          cause=diagnosis.cause, fix=diagnosis.fix, options=diagnosis.options)
    return explain(finding, report, lead="publishing failed: ")


def publish_after_build(builder: Any, connection: Any) -> None:
    """Publish the builder's output directory (``finish``), ending the build plainly on
    failure."""
    from .publishglue import publish_from_builder

    # Sphinx 9 keeps the application in ``_app``; earlier releases in ``app``
    app = getattr(builder, "_app", None) or builder.app
    try:
        publish_from_builder(app, builder.outdir, connection=connection)
    except Exception as exc:
        cause = exc.__cause__
        if isinstance(cause, ConfluenceError):
            raise ConfluenceStop(explain_publish_failure(cause, connection), cause) from None
        raise
