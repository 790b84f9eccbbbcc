"""``python -m sphinxcontrib.confluencebuilder connection-test``: the connection doctor.

Loads ``conf.py`` as a build would (without building), prints the relevant options and
the proxy/CA environment, runs sanity checks, then live checks through the session a
publish would use, and explains every failure. Exit codes: 0 all good, 1 a check
failed, 2 a configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from ..cliutil import add_project_arguments, program_name
from ..errors import ConfluenceError
from ..project import LoadedProject, ProjectLoadError, load_project_config, parse_overrides
from . import checks
from .report import Printer, Report

if TYPE_CHECKING:
    from ..credentials import Credentials
    from ..settings import ConnectionSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=program_name("connection-test"), description="Check the connection a publish "
        "would use and explain failures. Nothing is written to Confluence.")
    add_project_arguments(parser)
    parser.add_argument("--no-sanitize", action="store_true",
                        help="print the values of options that are not secret "
                        "(secrets are never printed)")
    parser.add_argument("--json", metavar="FILE",
                        help="also write the findings as a redacted JSON report")
    return parser


def _config_error(report: Report, printer: Printer, error: ConfluenceError) -> None:
    option = getattr(error, "option", None) or (error.options[0] if error.options else None)
    report.error = {"message": error.message, "hint": error.hint, "option": option}
    printer.line()
    printer.line(f"Configuration error: {error.message}")
    if error.hint:
        printer.line(f"  {error.hint}")


def _build_settings(project: LoadedProject, report: Report
                    ) -> tuple[ConnectionSettings, Credentials]:
    """The settings a build would read, and the credentials with their findings."""
    from sphinx.util import logging as sphinx_logging

    from ..settings import read_settings

    collector = sphinx_logging.LogCollector()
    with collector.collect():
        settings, creds = read_settings(project.config, base_dir=project.conf_py.parent)
    for record in collector.logs:
        if record.levelname in ("WARNING", "ERROR"):
            report.add("sanity", "info", f"while reading the options: {record.getMessage()}")
    return settings, creds


def run(argv: Sequence[str], out: TextIO) -> Report:
    args = _parser().parse_args(list(argv))
    report = Report(sanitize=not args.no_sanitize)
    printer = Printer(report, out)
    printer.line("Confluence connection test")
    try:
        project = load_project_config(args.work_dir, parse_overrides(args.define))
    except ProjectLoadError as exc:
        report.project = os.path.abspath(args.work_dir)
        _config_error(report, printer, exc)
        return _finish(report, printer, args.json)
    config = project.config
    report.project = str(project.conf_py)
    report.secrets = checks.config_secrets(config) + checks.environment_secrets()
    printer.line(f"Configuration: {project.conf_py} (loaded as a build would, not built)")
    for note in project.notes:
        printer.line(f"  note: {note}")
    if not getattr(config, "confluence_publish", False):
        report.notes.append("confluence_publish is not set: builds will write pages but will "
                            "not publish until confluence_publish = True. The checks run "
                            "anyway.")

    _describe(config, report, printer)
    printer.heading(3, "Sanity checks (no request sent)")
    shown = len(report.findings)
    try:
        settings, creds = _build_settings(project, report)
        if not getattr(settings, "space_key", None):
            from ..errors import ConfluenceConfigError

            raise ConfluenceConfigError("confluence_space_key", "is not set",
                                        hint="Set it to the key of the space to publish to.")
        from ..session import build_session

        checks.sanity_checks(config, settings, report, creds)
        shown = _show(printer, report, shown)
        session = build_session(settings)
        report.secrets += _session_secrets(settings)
    except ConfluenceError as exc:
        _show(printer, report, shown)
        _config_error(report, printer, exc)
        return _finish(report, printer, args.json)
    except Exception as exc:  # noqa: BLE001 - a session override or provider from conf.py
        _show(printer, report, shown)
        _config_error(report, printer, ProjectLoadError(
            f"building the session failed: {type(exc).__name__}: {exc}",
            hint="confluence_request_session_override or "
                 "confluence_publish_credential_provider raised this."))
        return _finish(report, printer, args.json)

    from .oauth2 import live_checks

    printer.heading(4, "Live checks (through the session a publish would use; read-only)")
    with session:
        live_checks(settings, session, report, placement=_placement(project)).run()
    _show(printer, report, shown)
    return _finish(report, printer, args.json)


def _describe(config: object, report: Report, printer: Printer) -> None:
    """The options and the proxy / CA environment, as read (secrets hidden)."""
    report.options = checks.describe_options(config)
    printer.heading(1, "Options" + ("" if not report.sanitize else
                                    " (values hidden; --no-sanitize shows non-secret values)"))
    printer.settings(report.options)
    report.environment = checks.describe_environment()
    printer.heading(2, "Proxy and CA environment")
    printer.settings(report.environment)


def _placement(project: LoadedProject) -> object | None:
    """Publisher settings naming the placement pages (None when they cannot be read;
    the sanity checks have reported why)."""
    from ..publisher.settings import from_config as publish_settings

    try:
        return publish_settings(project.config, confdir=project.conf_py.parent)
    except ConfluenceError:
        return None


def _session_secrets(settings: ConnectionSettings) -> list[str]:
    """Secrets the settings hold plus those the session learnt (cookie files, providers)."""
    from ..session import SECRETS

    return [*settings.secret_values(), *SECRETS.values()]


def _show(printer: Printer, report: Report, start: int) -> int:
    for finding in report.findings[start:]:
        printer.finding(finding)
    return len(report.findings)


def _finish(report: Report, printer: Printer, json_path: str | None) -> Report:
    printer.summary()
    if json_path:
        try:
            report.write_json(json_path)
            printer.line(f"JSON report written to {json_path}")
        except OSError as exc:
            printer.line(f"could not write the JSON report {json_path}: {exc.strerror}")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        report = run(args, sys.stdout)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 1
    return report.exit_code
