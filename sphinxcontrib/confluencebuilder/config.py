"""Configuration: one table of ``confluence_*`` options, their registration, the
``CONFLUENCE_<OPTION>`` environment fallback and validation at ``config-inited``.

Option names and meanings follow the long-standing sphinxcontrib-confluencebuilder so
existing ``conf.py`` files keep working. Each option has a real default and a kind that
drives Sphinx's ``types=``, the parsing of environment values and validation.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sphinx.util import logging

from .errors import ConfluenceConfigError

logger = logging.getLogger(__name__)

# kinds of option value; each maps to the Python types it accepts
_KIND_TYPES: dict[str, tuple[type, ...]] = {
    "bool": (bool,),
    "int": (int,),
    "number": (int, float),
    "str": (str,),
    "list": (list, tuple),
    "dict": (dict,),
    "path": (str, os.PathLike),
    "callable": (object,),
    "any": (object,),
}


@dataclass(frozen=True)
class Option:
    name: str
    kind: str
    default: Any = None
    #: Sphinx rebuild flag: 'env' when the value changes generated pages, else ''
    rebuild: str = ""
    #: the value is a credential: never printed, never logged
    secret: bool = False
    #: allowed values for enumerations (checked after type)
    choices: tuple[Any, ...] = ()
    #: extra accepted kinds (e.g. a parent page may be a str or an int)
    alt: tuple[str, ...] = ()
    #: False for options accepted for compatibility that have no effect yet
    supported: bool = True

    @property
    def env_name(self) -> str:
        return self.name.upper()

    @property
    def live(self) -> bool:
        """A secret, or an object from conf.py (auth class, hook) that only the running
        process may hold: never pickled with the environment, never printed."""
        return self.secret or (not self.rebuild and
                               bool({self.kind, *self.alt} & {"callable", "any"}))

    def types(self) -> tuple[type, ...]:
        """Types for Sphinx's check; empty (no check) for callables and free-form values."""
        if {self.kind, *self.alt} & {"callable", "any"}:
            return ()
        found: list[type] = []
        for kind in (self.kind, *self.alt):
            for item in _KIND_TYPES[kind]:
                if item not in found:
                    found.append(item)
        if self.default is None:
            found.append(type(None))
        return tuple(found)


def _o(name: str, kind: str, default: Any = None, **kw: Any) -> Option:
    return Option("confluence_" + name, kind, default, **kw)


_ENV = "env"
_DEBUG_CHOICES = ("none", "headers", "headers-and-data", "urllib3", "deprecated", "all")

OPTIONS: tuple[Option, ...] = (
    # -- essentials: connection and authentication (prior art 2.1)
    _o("publish", "bool", False),
    _o("server_url", "str"),
    _o("space_key", "str"),
    _o("server_user", "str"),
    _o("api_token", "str", secret=True),
    _o("api_token_scoped", "bool", False),
    _o("publish_token", "str", secret=True),
    _o("server_pass", "str", secret=True),
    _o("cloud", "bool"),
    # -- transport, TLS, proxies, custom auth, debugging, pacing (2.2)
    _o("api_mode", "str", choices=("v1", "v2")),
    _o("publish_override_api_prefix", "dict"),
    _o("ask_user", "bool", False),
    _o("ask_password", "bool", False),
    _o("server_auth", "any"),
    _o("server_cookies", "dict", alt=("path",), secret=True),
    _o("publish_headers", "dict", secret=True),
    _o("request_session_override", "callable"),
    _o("ca_cert", "path"),
    _o("client_cert", "path", alt=("list",)),
    _o("client_cert_pass", "str", secret=True),
    _o("disable_ssl_validation", "bool", False),
    _o("proxy", "str"),
    _o("timeout", "number"),
    _o("publish_delay", "number"),
    _o("publish_retry_attempts", "int", 2),
    _o("publish_retry_duration", "number", 4),
    _o("publish_debug", "str", alt=("bool",), choices=_DEBUG_CHOICES),
    _o("page_search_mode", "str", choices=("default", "content", "search")),
    # -- connection extras (new in this project; append connection options here)
    _o("publish_credential_provider", "callable", alt=("str",)),
    _o("request_deadline", "number"),
    _o("response_size_limit", "int"),
    *(_o("oauth2_" + n, "str") for n in ("token_url", "client_id", "audience")),  # sso.rst
    _o("oauth2_client_secret", "str", secret=True), _o("oauth2_scopes", "list", alt=("str",)),
    _o("oauth2_client_auth", "str", "client_secret_basic"),  # checked in oauth2_settings.py
    _o("oauth2_header", "str", "Authorization"), _o("oauth2_refresh_margin", "number", 60),
    # -- page hierarchy, placement and titles (2.3)
    _o("parent_page", "str", alt=("int",)),
    _o("publish_root", "int"),
    _o("page_hierarchy", "bool", True),
    _o("root_homepage", "bool", False),
    _o("publish_orphan", "bool", True),
    _o("publish_orphan_container", "int"),
    _o("parent_override_transform", "callable"),
    _o("title_overrides", "dict", rebuild=_ENV),
    _o("publish_prefix", "str", rebuild=_ENV),
    _o("publish_postfix", "str", rebuild=_ENV),
    _o("publish_postfix_hash_modifier", "str", rebuild=_ENV),
    _o("ignore_titlefix_on_index", "bool", False, rebuild=_ENV),
    _o("disable_autogen_title", "bool", False, rebuild=_ENV),
    _o("remove_title", "bool", True, rebuild=_ENV),
    _o("add_secnumbers", "bool", True, rebuild=_ENV),
    _o("secnumber_suffix", "str", ". ", rebuild=_ENV),
    # -- publishing behaviour (2.4)
    _o("publish_dryrun", "bool", False),
    _o("publish_force", "bool", False),
    _o("publish_onlynew", "bool", False),
    _o("publish_trample", "bool", False),
    _o("publish_allowlist", "list", alt=("path",)),
    _o("publish_denylist", "list", alt=("path",)),
    _o("publish_skip_commented_pages", "bool", False, alt=("str",),
       choices=("ignored-resolved",)),
    _o("cleanup_purge", "bool", False),
    _o("cleanup_archive", "bool", False),
    _o("cleanup_from_root", "bool", False),
    _o("cleanup_search_mode", "str",
       choices=("direct", "search", "direct-aggressive", "search-aggressive")),
    _o("global_labels", "list", rebuild=_ENV),
    _o("append_labels", "bool", True),
    _o("disable_notifications", "bool", True),
    _o("watch", "bool", False),
    _o("version_comment", "str"),
    _o("full_width", "bool"),
    _o("publish_intersphinx", "bool", True),
    _o("asset_override", "bool"),
    # -- publishing extras (new in this project; append publish options here)
    _o("publish_concurrency", "int", 8),      # why 8: doc/publishing.rst, Concurrency
    _o("cleanup_max_deletes", "int", 25),
    _o("cleanup_force", "bool", False),
    # -- attachments and images (2.5)
    _o("additional_mime_types", "list", rebuild=_ENV),
    _o("manifest_data", "bool", False),
    # -- content and formatting (2.6)
    _o("editor", "str", rebuild=_ENV, choices=("v1", "v2")),
    _o("default_alignment", "str", rebuild=_ENV, choices=("left", "center", "right")),
    _o("default_table_width", "int", alt=("str",), rebuild=_ENV),
    _o("code_block_theme", "str", rebuild=_ENV),
    _o("lang_overrides", "dict", alt=("callable",), rebuild=_ENV),
    _o("domain_indices", "bool", False, alt=("list",), rebuild=_ENV),
    _o("use_index", "bool", rebuild=_ENV),
    _o("include_search", "bool", rebuild=_ENV),
    _o("header_file", "path", rebuild=_ENV),
    _o("footer_file", "path", rebuild=_ENV),
    _o("header_data", "dict", rebuild=_ENV),
    _o("footer_data", "dict", rebuild=_ENV),
    _o("page_generation_notice", "bool", False, alt=("str",), rebuild=_ENV),
    _o("prev_next_buttons_location", "str", rebuild=_ENV,
       choices=("top", "bottom", "both")),
    _o("navdocs_transform", "callable"),
    _o("sourcelink", "dict", rebuild=_ENV),
    _o("mentions", "dict", rebuild=_ENV),
    _o("jira_servers", "dict", rebuild=_ENV),
    _o("latex_macro", "str", alt=("dict",), rebuild=_ENV),
    _o("mathjax", "bool", False, rebuild=_ENV),
    _o("html_macro", "str", "html", rebuild=_ENV),
    _o("permit_raw_html", "bool", False, alt=("str",), rebuild=_ENV),
    _o("tab_macro", "dict", rebuild=_ENV),
    _o("mermaid_html_macro", "bool", False, rebuild=_ENV),
    _o("file_suffix", "str", ".conf"),
    _o("link_suffix", "str"),
    Option("singleconfluence_toctree", "bool", False),
    # -- advanced switches (2.7)
    _o("adv_admonition_overrides", "dict", rebuild=_ENV),
    _o("adv_bulk_archiving", "bool", False),
    _o("adv_disable_anchor_fix", "bool", False),
    _o("adv_disable_cloud_prop_delay", "bool", False),
    _o("adv_disable_init", "bool", False),
    _o("adv_embedded_certs", "bool", False),
    _o("adv_ignore_nodes", "list", rebuild=_ENV),
    _o("adv_inlined_images", "bool", False),
    _o("adv_node_handler", "dict"),
    _o("adv_permit_editor", "bool", False),
    _o("adv_restricted", "list"),
    _o("adv_win32_imgmath_hack", "bool", False),
    _o("adv_cloud", "bool"),
    # -- misc (2.8)
    _o("disable_env_conf", "bool", False),
)

BY_NAME: dict[str, Option] = {opt.name: opt for opt in OPTIONS}
SECRET_OPTIONS: frozenset[str] = frozenset(o.name for o in OPTIONS if o.secret)
LIVE_OPTIONS: frozenset[str] = frozenset(o.name for o in OPTIONS if o.live)


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


def is_set_by_user(config: Any, name: str) -> bool:
    """True when conf.py or ``-D`` gave the option a value."""
    raw = getattr(config, "_raw_config", None)
    overrides = getattr(config, "_overrides", None)
    if raw is None and overrides is None:
        default = BY_NAME[name].default if name in BY_NAME else None
        return getattr(config, name, default) != default
    return name in (raw or {}) or name in (overrides or {})


def option_source(config: Any, name: str) -> str:
    """Where an option got its value: 'conf.py or -D', 'environment <NAME>' or ''."""
    if is_set_by_user(config, name):
        return "conf.py or -D"
    if not getattr(config, "confluence_disable_env_conf", False) and name.upper() in os.environ:
        return "environment " + name.upper()
    return ""


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
    return isinstance(value, _KIND_TYPES[kind])


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
