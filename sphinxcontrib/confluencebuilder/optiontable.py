"""The option table: every ``confluence_*`` option with its kind, its default and what
it is, in one place (seam S1).

Option names and meanings follow the long-standing sphinxcontrib-confluencebuilder so
existing ``conf.py`` files keep working. Each option has a real default and a kind that
drives Sphinx's ``types=``, the parsing of environment values and validation
(:mod:`.config`). The table is pure values: the settings (``settings.py``,
``publisher/settings.py``) read their defaults from it through :func:`default_of`, so
each default lives here and nowhere else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

# kinds of option value; each maps to the Python types it accepts
KIND_TYPES: dict[str, tuple[type, ...]] = {
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
    #: the value the settings use while the option holds None: the default stays None
    #: ("not set") so that conf.py, -D and the environment can still tell it apart
    unset: Any = None

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
            for item in KIND_TYPES[kind]:
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
    _o("timeout", "number", unset=30.0),
    _o("publish_delay", "number", unset=0.0),
    _o("publish_retry_attempts", "int", 2),
    _o("publish_retry_duration", "number", 4),
    _o("publish_debug", "str", alt=("bool",), choices=_DEBUG_CHOICES),
    _o("page_search_mode", "str", choices=("default", "content", "search"), unset="content"),
    # -- connection extras (new in this project; append connection options here)
    _o("publish_credential_provider", "callable", alt=("str",)),
    _o("request_deadline", "number", unset=300.0),
    _o("response_size_limit", "int", unset=256 * 1024 * 1024),
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
    _o("cleanup_search_mode", "str", unset="search-aggressive",
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



def default_of(name: str) -> Any:
    """The value the settings use for an option nobody set (``name`` with or without
    the ``confluence_`` prefix): its default, or its ``unset`` value."""
    opt = BY_NAME[name if name in BY_NAME else "confluence_" + name]
    return opt.unset if opt.default is None else opt.default


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
