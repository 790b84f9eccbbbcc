"""Asking for credentials on the terminal (``confluence_ask_user``,
``confluence_ask_password``): once per run, before the session exists, never echoed or
logged. Used by :mod:`.settings`.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from sphinx.util import logging

from .errors import ConfluenceConfigError

logger = logging.getLogger(__name__)

ASK_USER = "confluence_ask_user"
ASK_PASSWORD = "confluence_ask_password"


def _opt(config: Any, name: str, default: Any = None) -> Any:
    return getattr(config, "confluence_" + name, default)


_NO_TERMINAL_HINT = ("No terminal is attached to answer the prompt (CI?). Give the credential "
                     "through the environment instead: CONFLUENCE_SERVER_USER with "
                     "CONFLUENCE_API_TOKEN (Cloud, or a Data Center password), or "
                     "CONFLUENCE_PUBLISH_TOKEN (a Data Center personal access token). A "
                     "credential configured that way is used without asking.")


def has_terminal() -> bool:
    """True when standard input is a terminal someone can answer a prompt on."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):  # closed or replaced stdin
        return False


def _configured_secret(config: Any) -> str | None:
    """The option that already holds a credential the prompt could stand in for."""
    for name in ("api_token", "server_pass", "publish_token", "publish_credential_provider",
                 "server_auth"):
        if _opt(config, name):
            return "confluence_" + name
    return None


def _read_line(prompt: str, option: str) -> str:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise ConfluenceConfigError(option, "no answer: the input ended at the prompt")
    return line.rstrip("\r\n")


def _read_secret(prompt: str) -> str:
    try:
        return getpass.getpass(prompt, stream=sys.stderr)
    except EOFError:
        raise ConfluenceConfigError(ASK_PASSWORD, "no answer: the input ended at the "
                                    "prompt") from None


def ask_credentials(config: Any, url: str, cloud: bool) -> dict[str, str]:
    """Prompt for what confluence_ask_user / confluence_ask_password request.

    Returns ``{'user': ..., 'secret': ...}`` with the answers given (either may be
    missing). Without a terminal, a user or credential configured otherwise is used
    and nothing is asked; when there is none, ConfluenceConfigError names the option.
    Answers are never logged or echoed.
    """
    ask_user, ask_password = bool(_opt(config, "ask_user")), bool(_opt(config, "ask_password"))
    if not (ask_user or ask_password):
        return {}
    configured = _opt(config, "server_user") or None
    if ask_password and not ask_user and not configured:
        raise ConfluenceConfigError(ASK_PASSWORD, "needs a user name to go with the password",
                                    hint="Set confluence_server_user, or also set "
                                    "confluence_ask_user = True to be asked for it. (A Data "
                                    "Center personal access token is not asked for: give it in "
                                    "CONFLUENCE_PUBLISH_TOKEN.)")
    if not has_terminal():
        if ask_user and not configured:
            raise ConfluenceConfigError(ASK_USER, "cannot ask for the user name",
                                        hint=_NO_TERMINAL_HINT)
        if ask_password and not _configured_secret(config):
            raise ConfluenceConfigError(ASK_PASSWORD, "cannot ask for the password or API "
                                        "token", hint=_NO_TERMINAL_HINT)
        logger.info("confluence: no terminal to ask on; using the configured credentials "
                    "instead of confluence_ask_user/confluence_ask_password")
        return {}
    answers: dict[str, str] = {}
    sys.stderr.write(f"Confluence credentials for {url}\n")
    user = configured
    if ask_user:
        default = f" [{configured}]" if configured else ""
        user = _read_line(f"  User name{default}: ", ASK_USER).strip() or configured
        if not user:
            raise ConfluenceConfigError(ASK_USER, "no user name was entered")
        answers["user"] = user
    if ask_password:
        what = "API token" if cloud else "Password"
        secret = _read_secret(f"  {what} for {user}: ")
        if not secret:
            raise ConfluenceConfigError(ASK_PASSWORD, f"no {what.lower()} was entered")
        answers["secret"] = secret
    return answers
