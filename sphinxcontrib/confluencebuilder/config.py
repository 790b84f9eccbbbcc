"""Configuration: the registration of the ``confluence_*`` options of the option table
(:mod:`.optiontable`), the ``CONFLUENCE_<OPTION>`` environment fallback and validation at
``config-inited``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

from sphinx.util import logging

from .errors import ConfluenceConfigError

# the table and its readers live in optiontable.py (pure values the lower layers may
# read); the ``X as X`` ones are re-exported for the modules that import them from config
from .optiontable import BY_NAME as BY_NAME
from .optiontable import KIND_TYPES, Option
from .optiontable import LIVE_OPTIONS as LIVE_OPTIONS
from .optiontable import OPTIONS as OPTIONS
from .optiontable import SECRET_OPTIONS as SECRET_OPTIONS
from .optiontable import default_of as default_of
from .optiontable import is_set_by_user as is_set_by_user
from .optiontable import option_source as option_source

logger = logging.getLogger(__name__)


def register(app: Any) -> None:
    """Register every option with Sphinx and hook env fallback + validation."""
    for opt in OPTIONS:
        app.add_config_value(opt.name, opt.default, opt.rebuild, types=opt.types())
    # before Sphinx's own type check (priority 800) so our messages come first
    app.connect("config-inited", _on_config_inited, priority=400)


def defaults(**overrides: Any) -> SimpleNamespace:
    """A namespace holding every option's default, with ``overrides`` applied.

    For code and tests that need a config-like object without a Sphinx application.
    """
    values = {opt.name: opt.default for opt in OPTIONS}
    for key, value in overrides.items():
        name = key if key in BY_NAME else "confluence_" + key
        if name not in BY_NAME:
            raise KeyError(f"unknown option {key!r}")
        values[name] = value
    return SimpleNamespace(**values)


# -- environment fallback ---------------------------------------------------

_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}


def parse_env_value(opt: Option, raw: str, source: str | None = None) -> Any:
    """Turn an environment (or ``-D``) string into a value of the option's kind.

    ``source`` names where the string came from in messages (default: the option's
    environment variable): booleans take true/false/yes/no/on/off/1/0, numbers
    ``int``/``float`` text, lists comma-separated items, dictionaries JSON.
    """
    if source is not None:
        try:
            return parse_env_value(opt, raw)
        except ConfluenceConfigError as exc:
            message = exc.message.split(": ", 1)[1].replace(
                f"environment variable {opt.env_name}", source)
            raise ConfluenceConfigError(opt.name, message, hint=exc.hint) from None
    text = raw.strip()
    kind = opt.kind
    if kind == "bool" or (kind == "str" and "bool" in opt.alt and text.lower() in _TRUE | _FALSE
                          and not opt.choices):
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        if "str" in opt.alt:
            return text
        raise ConfluenceConfigError(opt.name, f"environment variable {opt.env_name}={raw!r} is "
                                    "not a boolean", hint="Use one of: true, false, yes, no, 1, 0.")
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            if "str" in opt.alt:
                return text
            raise ConfluenceConfigError(opt.name, f"environment variable {opt.env_name}={raw!r} "
                                        "is not a whole number") from None
    if kind == "number":
        try:
            return float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            raise ConfluenceConfigError(opt.name, f"environment variable {opt.env_name}={raw!r} "
                                        "is not a number") from None
    if kind == "list":
        if "path" in opt.alt and os.path.isfile(text):
            return text
        return [item.strip() for item in text.split(",") if item.strip()]
    if kind == "dict":
        if "path" in opt.alt and not text.startswith("{"):
            return text
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfluenceConfigError(opt.name, f"environment variable {opt.env_name} is not "
                                        f"valid JSON ({exc.msg})",
                                        hint='Give a JSON object, e.g. {"Name": "value"}.') from None
        if not isinstance(value, dict):
            raise ConfluenceConfigError(opt.name, f"environment variable {opt.env_name} must hold "
                                        "a JSON object")
        return value
    return raw if opt.secret else text


def apply_env(config: Any, environ: dict[str, str] | None = None) -> list[str]:
    """Fill options the user did not set from ``CONFLUENCE_<OPTION>`` variables.

    Returns the names of the options taken from the environment.
    """
    env = os.environ if environ is None else environ
    if getattr(config, "confluence_disable_env_conf", False):
        return []
    taken = []
    for opt in OPTIONS:
        if opt.name == "confluence_disable_env_conf" or opt.env_name not in env:
            continue
        if is_set_by_user(config, opt.name):
            continue
        setattr(config, opt.name, parse_env_value(opt, env[opt.env_name]))
        taken.append(opt.name)
    if taken:
        logger.info("confluence: options taken from the environment: %s",
                    ", ".join(o.upper() for o in taken))
    return taken


# -- validation ---------------------------------------------------------------

def _kind_ok(kind: str, value: Any) -> bool:
    if kind == "callable":
        return callable(value)
    if kind == "any":
        return True
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("int", "number") and isinstance(value, bool):
        return False
    return isinstance(value, KIND_TYPES[kind])


_EXPECT = {"bool": "True or False", "int": "a whole number", "number": "a number",
           "str": "a string", "list": "a list", "dict": "a dictionary", "path": "a file path",
           "callable": "a function", "any": "any value"}


def validate_option(opt: Option, value: Any) -> None:
    """Raise ConfluenceConfigError when ``value`` does not fit ``opt``."""
    if value is None:
        return
    kinds = (opt.kind, *opt.alt)
    if not any(_kind_ok(kind, value) for kind in kinds):
        expected = " or ".join(_EXPECT[k] for k in kinds)
        # a secret in the wrong place is still a secret: show only its type
        got = f"a value of type {type(value).__name__}" if opt.secret else \
            f"{value!r:.60} ({type(value).__name__})"
        raise ConfluenceConfigError(opt.name, f"got {got}; expected {expected}")
    if opt.choices and isinstance(value, str) and value not in opt.choices:
        raise ConfluenceConfigError(opt.name, f"got {value!r}; expected one of "
                                    + ", ".join(repr(c) for c in opt.choices))
    if opt.kind in ("int", "number") and isinstance(value, (int, float)) and value < 0:
        raise ConfluenceConfigError(opt.name, f"got {value!r}; expected a value of 0 or more")


#: cross-option checks and normalisations, each ``(config) -> None``; raise
#: ConfluenceConfigError for errors and log warnings for suspicious values
EXTRA_CHECKS: list[Callable[[Any], None]] = []


def _check_labels(config: Any) -> None:
    labels = config.confluence_global_labels
    for label in labels or ():
        if not isinstance(label, str) or not label or any(ch.isspace() for ch in label):
            raise ConfluenceConfigError("confluence_global_labels", f"label {label!r} is not "
                                        "valid", hint="Labels are non-empty strings without "
                                        "spaces.")


def _check_cleanup(config: Any) -> None:
    if config.confluence_cleanup_purge and config.confluence_cleanup_archive:
        raise ConfluenceConfigError("confluence_cleanup_archive", "cannot be used together with "
                                    "confluence_cleanup_purge", hint="Choose one of them.")
    if config.confluence_publish_root is not None and config.confluence_parent_page is not None:
        raise ConfluenceConfigError("confluence_publish_root", "cannot be used together with "
                                    "confluence_parent_page", hint="Set only one of them.")


def _check_suffix(config: Any) -> None:
    suffix = config.confluence_file_suffix
    if not suffix or suffix.endswith(".") or "/" in suffix or "\\" in suffix:
        raise ConfluenceConfigError("confluence_file_suffix", f"got {suffix!r}; expected a file "
                                    "suffix such as '.conf'")


def _check_publish_debug(config: Any) -> None:
    value = config.confluence_publish_debug
    if isinstance(value, bool):
        logger.warning("confluence_publish_debug: a boolean is deprecated; use 'headers' or "
                       "'all'", type="confluence", subtype="deprecated")
        config.confluence_publish_debug = "headers" if value else "none"


def _check_adv_cloud(config: Any) -> None:
    if config.confluence_adv_cloud is not None:
        logger.warning("confluence_adv_cloud is deprecated; use confluence_cloud",
                       type="confluence", subtype="deprecated")
        if config.confluence_cloud is None:
            config.confluence_cloud = config.confluence_adv_cloud


def _check_required_for_publish(config: Any) -> None:
    if not config.confluence_publish:
        return
    for name in ("confluence_server_url", "confluence_space_key"):
        if not getattr(config, name):
            raise ConfluenceConfigError(name, "is required when confluence_publish is True",
                                        hint=f"Set {name} in conf.py or the environment "
                                        f"variable {name.upper()}.")


#: options the earlier sphinxcontrib-confluencebuilder removed -> what to use instead
REMOVED_OPTIONS: dict[str, str] = {
    "confluence_asset_force_standalone": "nothing: attachments always live on their page",
    "confluence_lang_transform": "confluence_lang_overrides",
    "confluence_master_homepage": "confluence_root_homepage",
    "confluence_parent_page_id_check": "confluence_parent_page with the page id",
    "confluence_publish_disable_api_prefix": "confluence_publish_override_api_prefix",
    "confluence_publish_subset": "confluence_publish_allowlist",
    "confluence_purge_from_master": "confluence_cleanup_from_root",
    "confluence_purge_from_root": "confluence_cleanup_from_root",
    "confluence_space_name": "confluence_space_key",
}


def _check_removed(config: Any) -> None:
    given = set(getattr(config, "_raw_config", None) or ()) | \
        set(getattr(config, "_overrides", None) or ())
    for name in sorted(given & set(REMOVED_OPTIONS)):
        logger.warning("%s was removed and has no effect; use %s instead", name,
                       REMOVED_OPTIONS[name], type="confluence", subtype="unsupported_option")


EXTRA_CHECKS += [_check_removed, _check_labels, _check_cleanup, _check_suffix, _check_publish_debug,
                 _check_adv_cloud, _check_required_for_publish]


def validate(config: Any, options: Iterable[Option] = OPTIONS) -> None:
    """Check every option's value, then the cross-option rules."""
    permit_editor = bool(getattr(config, "confluence_adv_permit_editor", False))
    for opt in options:
        value = getattr(config, opt.name, opt.default)
        if opt.name == "confluence_editor" and permit_editor:
            opt = Option(opt.name, opt.kind, opt.default, opt.rebuild)  # any editor name
        validate_option(opt, value)
        if not opt.supported and value != opt.default and is_set_by_user(config, opt.name):
            logger.warning("%s is accepted for compatibility but has no effect in this version",
                           opt.name, type="confluence", subtype="unsupported_option", once=True)
    for check in EXTRA_CHECKS:
        check(config)


def _on_config_inited(app: Any, config: Any) -> None:
    try:
        apply_env(config)
        validate(config)
    except ConfluenceConfigError as exc:
        from .userstop import ConfluenceConfigStop

        raise ConfluenceConfigStop(f"confluence: {exc}", exc) from None
