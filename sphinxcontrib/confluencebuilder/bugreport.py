"""``report``: an environment and configuration report to paste into a bug report.

Versions of Python, the platform and the packages that matter; which ``confluence_*``
options are set and where from; the proxy/CA environment; and, unless ``--offline``,
what the server says it is. By default option values are hidden too (a server URL or a
space key can be private); ``--no-sanitize`` shows values that are not secret. Secrets
(tokens, passwords, header and cookie values, proxy passwords) are never shown: the
finished text is scanned for every secret the configuration, the environment and the
session hold, and each is replaced before anything is printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Sequence
from importlib import metadata
from typing import Any

from . import redaction
from .cliutil import add_project_arguments, program_name
from .errors import ConfluenceError

PACKAGES = ("sphinxcontrib-confluencebuilder", "sphinx", "docutils", "requests", "urllib3",
            "pygments", "jinja2")
REDACTED = redaction.REDACTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=program_name("report"),
        description="Print a report of the environment and the configuration for a bug "
        "report. Secrets are never printed.")
    add_project_arguments(parser)
    parser.add_argument("--offline", action="store_true",
                        help="do not ask the Confluence server for its type and version")
    parser.add_argument("--no-sanitize", action="store_true",
                        help="show the values of options that are not secret (secrets are "
                        "never shown)")
    return parser


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _versions() -> list[str]:
    lines = [f"  Python: {platform.python_version()} ({platform.python_implementation()})",
             f"  Platform: {platform.platform()}"]
    lines += [f"  {name}: {_version(name)}" for name in PACKAGES]
    return lines


def _options(config: Any, sanitize: bool) -> list[str]:
    from . import config as options
    from .doctor.checks import printable_value

    lines = []
    for opt in options.OPTIONS:
        from_user = options.is_set_by_user(config, opt.name)
        from_env = not getattr(config, "confluence_disable_env_conf", False) and \
            opt.env_name in os.environ
        if not (from_user or from_env):
            continue
        source = "conf.py or -D" if from_user else f"environment {opt.env_name}"
        text = f"  {opt.name}: set (from {source})"
        value = getattr(config, opt.name, None)
        shown = "" if sanitize else printable_value(opt.name, value)
        if shown:
            text += f": {shown}"
        lines.append(text)
    return lines or ["  (no confluence_* option is set)"]


def _environment(sanitize: bool) -> list[str]:
    from .doctor.checks import describe_environment

    lines = []
    for item in describe_environment():
        text = f"  {item.name}: {item.state}"
        if item.value and not sanitize:
            text += f": {item.value}"
        lines.append(text)
    return lines


def _server(config: Any, work_dir: str) -> tuple[list[str], list[str]]:
    """What the server says it is, and the secrets the session learnt."""
    from .rest import make_client
    from .session import SECRETS
    from .settings import from_config

    if getattr(config, "confluence_ask_user", False) or \
            getattr(config, "confluence_ask_password", False):
        return ["  not asked: the credentials are typed at a prompt (confluence_ask_user / "
                "confluence_ask_password); connection-test asks and checks the server"], []
    try:
        settings = from_config(config, base_dir=work_dir)
        with make_client(settings) as client:
            info = client.server_info()
    except ConfluenceError as exc:
        return [f"  could not ask the server: {exc.message}"], list(SECRETS.values())
    kind = {"cloud": "Confluence Cloud", "dc": "Confluence Data Center"}.get(
        str(info.get("type")), "unknown")
    lines = [f"  type: {kind}", f"  version: {info.get('version') or 'not reported'}",
             f"  REST API: {client.api_mode}"]
    return lines, [*settings.secret_values(), *SECRETS.values()]


def build_report(args: argparse.Namespace) -> tuple[str, list[str]]:
    """The report text (not yet redacted) and every secret known while making it."""
    from .doctor.checks import config_secrets, environment_secrets
    from .project import load_project_config, parse_overrides

    sanitize = not args.no_sanitize
    lines = ["Confluence builder report", "=========================", "",
             "Versions"] + _versions()
    loaded = load_project_config(args.work_dir, parse_overrides(args.define))
    config = loaded.config
    secrets = config_secrets(config) + environment_secrets()
    extensions = ", ".join(str(e) for e in getattr(config, "extensions", ()))
    lines += ["", "Project", f"  conf.py: {loaded.conf_py if not sanitize else 'found'}",
              f"  extensions: {extensions or '(none)'}", "",
              "Options (values hidden; --no-sanitize shows the ones that are not secret)"
              if sanitize else "Options (secrets are never shown)"]
    lines += _options(config, sanitize)
    lines += ["", "Proxy and CA environment"] + _environment(sanitize)
    if args.offline:
        lines += ["", "Server: not asked (--offline)"]
    else:
        found, more = _server(config, str(loaded.conf_py.parent))
        lines += ["", "Server"] + found
        secrets += more
    return "\n".join(lines) + "\n", secrets


def redact(text: str, secrets: Sequence[str]) -> str:
    """The report through the project's one redaction (any case, URL-encoded)."""
    return redaction.redact(text, secrets, marker=REDACTED)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        text, secrets = build_report(args)
    except ConfluenceError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    sys.stdout.write(redact(text, secrets))
    return 0
