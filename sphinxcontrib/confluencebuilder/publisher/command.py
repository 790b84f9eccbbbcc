"""``python -m sphinxcontrib.confluencebuilder publish OUTDIR``: publish a built output
directory without running Sphinx. Settings come from the project's ``conf.py`` (found
in ``--work-dir``), the ``CONFLUENCE_*`` environment and ``-D name=value`` overrides."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..cliutil import add_project_arguments, program_name
from ..errors import ConfluenceError
from ..project import parse_overrides

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=program_name("publish"),
        description="Publish the output of `sphinx-build -b confluence` to Confluence.")
    parser.add_argument("outdir", help="the builder's output directory")
    add_project_arguments(parser)
    parser.add_argument("--dry-run", action="store_true",
                        help="plan only: write confluence-plan.json, change nothing")
    return parser


def _load_config(work_dir: Path, overrides: dict[str, Any]) -> Any:
    """The project's configuration (conf.py, environment, ``-D``), without a build."""
    from ..project import load_project_config

    loaded = load_project_config(work_dir, overrides)
    for line in getattr(loaded, "warnings", ()):
        if "already registered" not in line:  # noise of a second Sphinx start in a process
            # Sphinx's own lines already start with "WARNING:"; never say it twice
            shown = line if line.lower().startswith("warning:") else f"WARNING: {line}"
            print(shown, file=sys.stderr)
    return loaded.config


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    from sphinx.util.console import nocolor

    from ..pages import read_bundle
    from ..rest import make_client
    from ..settings import from_config as connection_from_config
    from . import Publisher, from_config, log_report

    if not sys.stdout.isatty():
        nocolor()
    try:
        overrides: dict[str, Any] = parse_overrides(args.define)
        if args.dry_run:
            overrides["confluence_publish_dryrun"] = True
        work_dir = Path(args.work_dir).resolve()
        bundle = read_bundle(Path(args.outdir))
        config = _load_config(work_dir, overrides)
        settings = from_config(config, confdir=work_dir)
        _setup_logging()  # after loading: a Sphinx start-up resets the handlers
        client = make_client(connection_from_config(config, base_dir=work_dir))
        try:
            report = Publisher(client, settings).publish(bundle)
        finally:
            client.close()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConfluenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", EXIT_FAILED)
    log_report(report)
    return EXIT_OK


def _setup_logging() -> None:
    """Route sphinx.util.logging output to the terminal without a Sphinx application."""
    import logging as std_logging

    from sphinx.util import logging as sphinx_logging

    logger = std_logging.getLogger(sphinx_logging.NAMESPACE)
    if any(getattr(h, "_scb_cli", False) for h in logger.handlers):
        return
    handler = std_logging.StreamHandler(sys.stdout)
    handler.setFormatter(std_logging.Formatter("%(message)s"))
    handler._scb_cli = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(std_logging.INFO)
    logger.propagate = False
    from ..redaction import install_log_filter

    install_log_filter()  # every line redacted, as in a build
