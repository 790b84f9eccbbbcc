"""Guards around the configuration, hooked next to the option table's own validation.

* Before ``config-inited``: :func:`seal` keeps secrets and objects from ``conf.py`` out
  of Sphinx's pickled environment and its ``-vv`` trace (``liveconfig.py``), and every
  log line goes through the redaction (``redaction.install_log_filter``).
* ``config-inited``, first: ``-D`` strings get the option's type (:func:`convert_overrides`).
* ``config-inited``, after the environment fallback and validation: every configured
  secret is registered for redaction, and values that would only fail at the first
  request (a port out of range, an unparsable URL, a number that overflows a timer, a
  parent transform that is not a function) are refused, naming the option.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

from .config import BY_NAME, LIVE_OPTIONS, OPTIONS, SECRET_OPTIONS, parse_env_value
from .errors import ConfluenceConfigError
from .liveconfig import seal
from .oauth2_settings import check_token_url, oauth2_from_config
from .redaction import install_log_filter
from .redaction import register as register_secrets
from .urls import check_url
from .userstop import ConfluenceConfigStop


def register(app: Any) -> None:
    """Call right after ``config.register(app)``."""
    # before config-inited, whose -vv trace prints the configuration
    seal(app.config, LIVE_OPTIONS)
    install_log_filter()
    app.connect("config-inited", _before_validation, priority=390)
    app.connect("config-inited", _after_validation, priority=410)


def _before_validation(app: Any, config: Any) -> None:
    register_secrets(configured_secrets(config))  # conf.py and -D (the environment: later)
    try:
        convert_overrides(config)
    except ConfluenceConfigError as exc:
        raise ConfluenceConfigStop(f"confluence: {exc}", exc) from None


def _after_validation(app: Any, config: Any) -> None:
    register_secrets(configured_secrets(config))
    try:
        for check in (_check_numbers, _check_urls, _check_transform, _check_oauth2):
            check(config)
    except ConfluenceConfigError as exc:
        raise ConfluenceConfigStop(f"confluence: {exc}", exc) from None


#: the largest sensible value of options counted in seconds or attempts: a larger one
#: is a typo (or 1e308) that would overflow a timer or wait for ever
_LIMITS: dict[str, float] = {
    "confluence_timeout": 3600, "confluence_publish_delay": 3600,
    "confluence_publish_retry_duration": 3600, "confluence_publish_retry_attempts": 100,
    "confluence_publish_concurrency": 64,
}


def _check_numbers(config: Any) -> None:
    for opt in OPTIONS:
        value = getattr(config, opt.name, None)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfluenceConfigError(opt.name, f"got {value!r}; expected a finite number")
        limit = _LIMITS.get(opt.name)
        if limit is not None and value > limit:
            raise ConfluenceConfigError(opt.name, f"got {value!r}; expected at most {limit:g}",
                                        hint="Give a value in seconds (or a count), e.g. 30.")


def _check_urls(config: Any) -> None:
    """Server and proxy URLs parse, with a host and a port in 1-65535, at config time."""
    for name, schemes in (("confluence_server_url", ("http", "https")),
                          ("confluence_proxy", None)):
        value = getattr(config, name, None)
        if isinstance(value, str) and value.strip():
            check_url(name, value, schemes)


def _check_oauth2(config: Any) -> None:
    """OAuth 2.0 options: the token URL (https unless loopback) always; the rest (a
    client secret, scopes ...) when publishing, before anything is written."""
    url = getattr(config, "confluence_oauth2_token_url", None)
    if url:
        check_token_url(url)
    if getattr(config, "confluence_publish", False):
        oauth2_from_config(config)


def _check_transform(config: Any) -> None:
    transform = getattr(config, "confluence_parent_override_transform", None)
    if transform is not None and not callable(transform):
        raise ConfluenceConfigError("confluence_parent_override_transform",
                                    f"got a {type(transform).__name__}; expected a function "
                                    "(docname, parent page id) -> page id or None")


#: kinds whose ``-D`` string is the value as given
TEXT_KINDS = ("str", "path", "any", "callable")


def convert_overrides(config: Any) -> list[str]:
    """Give ``-D name=value`` strings of our options the option's type, the way the
    environment fallback does (numbers, booleans, comma-separated lists, JSON objects).

    Sphinx itself converts only some of them and drops others with a warning; a value
    that cannot be converted is an error naming the option. Returns the names converted.
    """
    converted = []
    for name, raw in (getattr(config, "_overrides", None) or {}).items():
        opt = BY_NAME.get(name)
        if opt is None or not isinstance(raw, str) or opt.kind in TEXT_KINDS:
            continue
        setattr(config, name, parse_env_value(opt, raw, source=f"-D {name}"))
        converted.append(name)
    return converted


def configured_secrets(config: Any) -> list[str]:
    """Every secret value the configuration holds (tokens, passwords, header and cookie
    values, the proxy password), in the spellings a user may have given."""
    found: list[str] = []
    for name in SECRET_OPTIONS:
        value = getattr(config, name, None)
        if isinstance(value, str):
            found += [value, value.strip(), value.strip().strip("'\"")]
        elif isinstance(value, dict):
            found += [str(v) for v in value.values()]
    proxy = getattr(config, "confluence_proxy", None)
    if isinstance(proxy, str) and "://" in proxy:
        try:
            found.append(urlsplit(proxy).password or "")
        except ValueError:
            pass
    return [s for s in found if s and len(s.strip()) >= 3]
