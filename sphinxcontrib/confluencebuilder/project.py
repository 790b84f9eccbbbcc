"""Load a project's Sphinx configuration the way a build would, without building.

``load_project_config(work_dir, overrides)`` starts a Sphinx application on the
project's ``conf.py`` with a no-op builder writing into a throw-away directory. That
loads the project's extensions, applies ``-D`` overrides, runs our ``config-inited``
handler (environment fallback and validation) and returns the resulting config.

Every way this can fail becomes a :class:`ProjectLoadError` (exit code 2) with a plain
message: no ``conf.py``, ``conf.py`` raising (exception type, message and line, never a
traceback), an extension that cannot be imported (named), or an invalid option.
"""

from __future__ import annotations

import io
import linecache
import re
import sys
import tempfile
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import config as options
from .configguard import TEXT_KINDS
from .errors import ConfluenceConfigError, ConfluenceError

EXTENSION = "sphinxcontrib.confluencebuilder"
#: the builder started while loading: Sphinx's own no-op builder
LOAD_BUILDER = "dummy"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ProjectLoadError(ConfluenceError):
    """The project configuration could not be loaded; exit code 2."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str = "", option: str | None = None) -> None:
        super().__init__(message, hint=hint, options=(option,) if option else ())
        self.option = option


@dataclass
class LoadedProject:
    """A loaded configuration plus what happened while loading it."""

    config: Any
    conf_py: Path
    #: warnings Sphinx or our validation printed while loading (plain lines)
    warnings: list[str] = field(default_factory=list)
    #: notes about the loading itself (e.g. our extension was added for the check)
    notes: list[str] = field(default_factory=list)


def parse_overrides(items: Sequence[str]) -> dict[str, str]:
    """``-D name=value`` arguments of the command-line tools as a dict."""
    result: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            # never echo the argument: a typo such as "-D confluence_api_token:SECRET"
            # would print the secret
            lead = re.match(r"[A-Za-z0-9_]*", item)
            shown = (lead.group(0) if lead else "") or "the argument"
            raise ProjectLoadError(f"-D {shown}...: expected the form name=value")
        result[name.strip()] = value
    return result


def _convert_overrides(overrides: dict[str, str]) -> dict[str, Any]:
    """Turn ``-D`` strings for our options into typed values (the build's own rules:
    :func:`config.convert_overrides`)."""
    converted: dict[str, Any] = {}
    for name, raw in overrides.items():
        opt = options.BY_NAME.get(name)
        if opt is None or not isinstance(raw, str) or opt.kind in TEXT_KINDS:
            converted[name] = raw
            continue
        try:
            converted[name] = options.parse_env_value(opt, raw, source=f"-D {name}")
        except ConfluenceConfigError as exc:
            raise ProjectLoadError(exc.message, hint=exc.hint, option=name) from None
    return converted


def _conf_py_line(exc: BaseException, conf_py: Path) -> tuple[int | None, str]:
    """The line of ``conf.py`` where ``exc`` was raised (deepest frame in that file)."""
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename) == conf_py:
        return exc.lineno, (exc.text or "").strip()
    found: tuple[int | None, str] = (None, "")
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename and Path(frame.filename).resolve() == conf_py.resolve():
            line = frame.line or linecache.getline(frame.filename, frame.lineno or 0)
            found = (frame.lineno, (line or "").strip())
    return found


def _describe_conf_error(exc: BaseException, conf_py: Path) -> ProjectLoadError:
    cause = exc.__cause__
    if isinstance(cause, SystemExit):
        return ProjectLoadError(f"{conf_py} called sys.exit() while being loaded",
                                hint="Remove the sys.exit() call from conf.py.")
    if cause is None:
        # a ConfigError raised by conf.py itself, passed through as is
        return ProjectLoadError(f"{conf_py} raised an error: {exc}")
    lineno, text = _conf_py_line(cause, conf_py)
    if isinstance(cause, SyntaxError):
        detail = cause.msg
    else:
        detail = str(cause) or "(no message)"
    where = f" at line {lineno}" if lineno else ""
    message = f"{conf_py} raised {type(cause).__name__}{where}: {detail}"
    if text:
        message += f"\n    {lineno} | {text}"
    return ProjectLoadError(message, hint="Fix conf.py; it must run on its own with Python "
                                          "before anything can be checked.")


def _describe_extension_error(exc: Any) -> ProjectLoadError:
    name = getattr(exc, "modname", None)
    orig = getattr(exc, "orig_exc", None)
    message = str(getattr(exc, "message", exc))
    if name is None and message.startswith("Could not import extension "):
        name = message.removeprefix("Could not import extension ").split()[0]
    if isinstance(orig, ImportError) or message.startswith("Could not import extension"):
        reason = f" ({type(orig).__name__}: {orig})" if orig else ""
        return ProjectLoadError(
            f"the extension {name!r} listed in conf.py could not be imported{reason}",
            hint=f"Install the package that provides {name!r} into this Python environment, "
                 "or remove it from `extensions` in conf.py.")
    reason = f": {orig}" if orig else ""
    label = f" {name!r}" if name else ""
    return ProjectLoadError(f"the extension{label} failed while loading: {message}{reason}",
                            hint="Check the extension's own documentation for its settings.")


def _config_error_message(exc: Exception) -> ProjectLoadError:
    text = str(exc)
    if text.startswith("confluence: "):
        text = text.removeprefix("confluence: ")
        option = text.split(":", 1)[0].strip()
        first, _, rest = text.partition("\n")
        hint = "\n".join(line for line in rest.splitlines() if not line.startswith("(options:"))
        return ProjectLoadError(first, hint=hint,
                                option=option if option in options.BY_NAME else None)
    return ProjectLoadError(f"invalid configuration: {text}")


def _start(work_dir: Path, overrides: dict[str, Any], scratch: Path, warnings: io.StringIO
           ) -> Any:
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    saved_path = list(sys.path)
    try:
        # docutils keeps directives, roles and nodes in module globals: register them
        # only for the duration of the load, as sphinx-build does
        with docutils_namespace():
            return Sphinx(str(work_dir), str(work_dir), str(scratch / "out"),
                          str(scratch / "doctrees"), LOAD_BUILDER,
                          confoverrides=dict(overrides), status=None, warning=warnings,
                          freshenv=True, verbosity=0)
    finally:
        sys.path[:] = saved_path


def load_project_config(work_dir: str | Path, overrides: dict[str, str] | None = None
                        ) -> LoadedProject:
    """Load ``work_dir/conf.py`` with ``overrides`` (``-D name=value``) applied.

    Raises :class:`ProjectLoadError` (``exit_code == 2``) for every failure.
    """
    from sphinx.errors import ConfigError, ExtensionError, SphinxError

    work = Path(work_dir).resolve()
    conf_py = work / "conf.py"
    if not work.is_dir():
        raise ProjectLoadError(f"the directory {work} does not exist",
                               hint="Pass the documentation source directory with --work-dir.")
    if not conf_py.is_file():
        raise ProjectLoadError(f"no conf.py in {work}",
                               hint="Run the command in the directory that holds conf.py, or "
                                    "pass it with --work-dir.")
    converted = _convert_overrides(dict(overrides or {}))
    notes: list[str] = []
    warnings = io.StringIO()
    with tempfile.TemporaryDirectory(prefix="confluence-conntest-") as tmp:
        scratch = Path(tmp)
        try:
            app = _start(work, converted, scratch, warnings)
            if EXTENSION not in app.extensions:
                notes.append(f"conf.py does not list {EXTENSION!r} in `extensions`; it was "
                             "added for this check, but a `-b confluence` build needs it there.")
                extensions = [*app.config.extensions, EXTENSION]
                warnings = io.StringIO()
                app = _start(work, {**converted, "extensions": extensions},
                             scratch / "again", warnings)
        except ConfigError as exc:
            if exc.__cause__ is not None or "configuration file" in str(exc):
                raise _describe_conf_error(exc, conf_py) from None
            raise _config_error_message(exc) from None
        except ExtensionError as exc:
            raise _describe_extension_error(exc) from None
        except ConfluenceError as exc:
            raise ProjectLoadError(exc.message, hint=exc.hint,
                                   option=getattr(exc, "option", None)) from None
        except SphinxError as exc:
            raise ProjectLoadError(f"Sphinx could not load the project: {exc}") from None
        except Exception as exc:  # an extension's setup() raising anything else
            raise ProjectLoadError(f"loading the project failed: {type(exc).__name__}: {exc}",
                                   hint="An extension's setup() raised this; check the "
                                        "extensions listed in conf.py.") from None
    plain = _ANSI.sub("", warnings.getvalue())
    lines = [line.strip() for line in plain.splitlines() if line.strip()]
    return LoadedProject(config=app.config, conf_py=conf_py, warnings=lines, notes=notes)
