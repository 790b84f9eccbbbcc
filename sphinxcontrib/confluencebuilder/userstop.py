"""End a build with a user's mistake said plainly: message, hint, non-zero exit.

Sphinx 7 printed a :class:`~sphinx.errors.SphinxError` as its category and message.
Sphinx 8.1 and later treat every exception as a crash: a version table, the loaded
extensions, a traceback saved to a file and "please open an issue at sphinx-doc/sphinx".
For a wrong token or a misspelt option that reads like a bug in Sphinx. So errors that
are the user's to fix are raised as :class:`ConfluenceStop` (a ``SphinxError``), and
:func:`install` wraps Sphinx's command-line exception handler so that exactly these are
printed as ``Confluence error:`` plus message and hint. Everything else, and everything
when ``-T`` or ``-v`` asks for tracebacks, goes to Sphinx's own handler unchanged.
"""

from __future__ import annotations

import sys
from typing import Any

from sphinx.errors import ConfigError, SphinxError

from .errors import ConfluenceError


class ConfluenceStop(SphinxError):
    """A configuration or connection problem the user fixes; printed without traceback."""

    category = "Confluence error"

    def __init__(self, message: str, error: ConfluenceError | None = None) -> None:
        super().__init__(message)
        #: the typed error behind it (options, hint), when there is one
        self.error = error


class ConfluenceConfigStop(ConfigError, ConfluenceStop):
    """An invalid ``confluence_*`` option (still a ``ConfigError`` for Sphinx's sake)."""

    category = "Confluence configuration error"


def user_error(exc: BaseException) -> BaseException | None:
    """The exception to print plainly when ``exc`` is the user's to fix, else None.

    That is a :class:`ConfluenceStop`, one of our typed errors raised straight from the
    builder (``init``, ``finish``), or a Sphinx error whose cause is one (an event
    handler's error wrapped by Sphinx)."""
    if isinstance(exc, (ConfluenceStop, ConfluenceError)):
        return exc
    for inner in (getattr(exc, "orig_exc", None), exc.__cause__):
        if isinstance(inner, ConfluenceError) and isinstance(exc, SphinxError):
            return exc if str(inner) in str(exc) else inner
    return None


def format_stop(exc: BaseException) -> str:
    text = str(exc).strip()
    if text.startswith("confluence: "):
        text = text.removeprefix("confluence: ")
    category = getattr(exc, "category", "") if isinstance(exc, ConfluenceStop) else ""
    return f"{category or 'Confluence error'}: {text}"


def _print(exc: BaseException, stderr: Any) -> None:
    stream = stderr or sys.stderr
    print(file=stream)
    print(format_stop(exc), file=stream)


def _wrap_cli(original: Any) -> Any:
    """``sphinx._cli.util.errors.handle_exception`` (Sphinx 8.1 and later)."""
    def handle_exception(exception: BaseException, /, *args: Any, **kwargs: Any) -> Any:
        shown = user_error(exception)
        if shown is not None and not kwargs.get("print_traceback") and \
                not kwargs.get("use_pdb"):
            _print(shown, kwargs.get("stderr"))
            return None
        return original(exception, *args, **kwargs)

    handle_exception.__wrapped_by_confluence__ = True  # type: ignore[attr-defined]
    return handle_exception


def _wrap_cmd(original: Any) -> Any:
    """``sphinx.cmd.build.handle_exception(app, args, exception, stderr)`` (all versions)."""
    def handle_exception(app: Any, args: Any, exception: BaseException,
                         stderr: Any = None) -> Any:
        asked = getattr(args, "verbosity", 0) or getattr(args, "traceback", False) or \
            getattr(args, "pdb", False)
        shown = user_error(exception)
        if shown is not None and not asked:
            _print(shown, stderr)
            return None
        if stderr is None:
            return original(app, args, exception)
        return original(app, args, exception, stderr)

    handle_exception.__wrapped_by_confluence__ = True  # type: ignore[attr-defined]
    return handle_exception


def install() -> None:
    """Wrap Sphinx's command-line exception handlers once (idempotent)."""
    from sphinx.cmd import build as cmd_build

    current = getattr(cmd_build, "handle_exception", None)
    if current is not None and not getattr(current, "__wrapped_by_confluence__", False):
        cmd_build.handle_exception = _wrap_cmd(current)
    try:
        from sphinx._cli.util import errors as cli_errors  # Sphinx 8.1 and later
    except ImportError:
        return
    current = getattr(cli_errors, "handle_exception", None)
    if current is not None and not getattr(current, "__wrapped_by_confluence__", False):
        cli_errors.handle_exception = _wrap_cli(current)
