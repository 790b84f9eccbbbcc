"""Unknown ``confluence_*`` names: a warning with the closest known option, and a stop
before the first write when that option is a safety switch.

Sphinx keeps any name ``conf.py`` defines and says nothing about a misspelt one, and
``-D`` only warns; the environment is not checked at all. A misspelt safety option is
worse than a typo: ``confluence_publish_dry_run = True`` is silently ignored and the
"dry run" writes to the space. So a name that looks like a safety option stops a
publishing build at configuration time, before anything is read or sent.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator, Mapping
from typing import Any

from sphinx.util import logging

from . import config as options
from .errors import ConfluenceConfigError

logger = logging.getLogger(__name__)

#: options that keep a publish from writing, or from writing too much; a misspelling of
#: one of them stops publishing before the first write
SAFETY_OPTIONS = frozenset({
    "confluence_publish_dryrun",
    "confluence_publish_onlynew",
    "confluence_publish_allowlist",
    "confluence_publish_denylist",
    "confluence_cleanup_max_deletes",
    "confluence_cleanup_from_root",
    "confluence_publish_root",
    "confluence_parent_page",
})

_PREFIXES = ("confluence_", "singleconfluence_")


def closest_option(name: str) -> str | None:
    """The known option whose name is closest to ``name`` (case-insensitive), if any."""
    known = list(options.BY_NAME)
    lowered = name.lower()
    if lowered in options.BY_NAME:
        return lowered
    cores = {_core(k): k for k in known}
    found = difflib.get_close_matches(_core(lowered), list(cores), n=1, cutoff=0.8)
    if found:
        return cores[found[0]]
    # a word dropped or added ("confluence_dryrun" for "confluence_publish_dryrun")
    core = _core(lowered)
    if len(core) >= 5:
        for key in known:
            other = _core(key)
            if core in other or (len(other) >= 5 and other in core):
                return key
    return None


def _core(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return name.replace("_", "")


def _registered(config: Any) -> set[str]:
    """Every option name Sphinx knows (ours, and any other extension's)."""
    names = set(options.BY_NAME)
    # removed options of the earlier extension have their own warning (config.py)
    names.update(options.REMOVED_OPTIONS)
    names.update(getattr(config, "_options", None) or ())
    return names


def unknown_names(config: Any, environ: Mapping[str, str] | None = None
                  ) -> Iterator[tuple[str, str]]:
    """``(name, where)`` for every ``confluence_*`` name that is not an option."""
    known = _registered(config)
    raw = getattr(config, "_raw_config", None) or {}
    overrides = getattr(config, "_overrides", None) or {}
    for source, where in ((raw, "conf.py"), (overrides, "-D")):
        for name in sorted(source):
            if isinstance(name, str) and name.startswith(_PREFIXES) and \
                    name not in known and "." not in name:
                yield name, where
    if getattr(config, "confluence_disable_env_conf", False):
        return
    env = os.environ if environ is None else environ
    known_env = {name.upper() for name in known}
    for variable in sorted(env):
        if variable.upper().startswith("CONFLUENCE_") and variable.upper() not in known_env:
            yield variable, "the environment"


def _suggestion(name: str, where: str) -> tuple[str | None, str]:
    option_like = name.lower() if where == "the environment" else name
    guess = closest_option(option_like)
    if guess is None:
        return None, ""
    shown = guess.upper() if where == "the environment" else guess
    return guess, f"; did you mean {shown}?"


def check_unknown_options(config: Any, environ: Mapping[str, str] | None = None) -> None:
    """Warn about every unknown name; raise when one is a misspelt safety option of a
    publishing build (the build then stops before reading a source)."""
    publishing = bool(getattr(config, "confluence_publish", False))
    for name, where in unknown_names(config, environ):
        guess, text = _suggestion(name, where)
        if guess in SAFETY_OPTIONS and publishing:
            error = ConfluenceConfigError(
                name, f"(from {where}) is not an option{text} Publishing stopped before "
                f"the first write: {guess} is a safety option, and its misspelt form would "
                "have been ignored.",
                hint=f"Correct the name to {guess} (or remove it), then run again.")
            error.options = (name, guess)
            raise error
        logger.warning("%s (from %s) is not a confluence option%s", name, where,
                       text or "; it is ignored", type="confluence", subtype="unknown_option")


def register(app: Any) -> None:
    """Check the names right after :mod:`.config` applied and validated the options
    (call right after ``config.register(app)``: same priority, so it runs next)."""
    app.connect("config-inited", _on_config_inited, priority=400)


def _on_config_inited(app: Any, config: Any) -> None:
    try:
        check_unknown_options(config)
    except ConfluenceConfigError as exc:
        from .userstop import ConfluenceConfigStop

        raise ConfluenceConfigStop(f"confluence: {exc}", exc) from None
