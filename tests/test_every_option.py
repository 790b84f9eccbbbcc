"""A conf.py setting every option the earlier extension documents builds with -W and
without ``unsupported_option`` warnings; removed options say what replaces them.

No option is marked ``supported=False`` any more, so the build runs with -W."""

from __future__ import annotations

import io
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from sphinxcontrib.confluencebuilder.config import OPTIONS

CONF = '''
project = "Every"
extensions = ["sphinxcontrib.confluencebuilder"]
confluence_publish = False
confluence_server_url = "https://docs.example.com/"
confluence_space_key = "DOCS"
confluence_server_user = "me"
confluence_api_token = None
confluence_api_token_scoped = False
confluence_publish_token = None
confluence_server_pass = None
confluence_cloud = False
confluence_api_mode = "v1"
confluence_publish_override_api_prefix = {"v1": "rest/api/"}
confluence_ask_user = False
confluence_ask_password = False
confluence_server_auth = None
confluence_server_cookies = {"session": "x"}
confluence_publish_headers = {"X-Team": "docs"}
confluence_request_session_override = lambda session: None
confluence_ca_cert = None
confluence_client_cert = None
confluence_client_cert_pass = None
confluence_disable_ssl_validation = False
confluence_proxy = "http://proxy.example:3128"
confluence_timeout = 30
confluence_publish_delay = 0.1
confluence_publish_retry_attempts = 2
confluence_publish_retry_duration = 4
confluence_publish_debug = "none"
confluence_page_search_mode = "search"
confluence_parent_page = "Parent"
confluence_publish_root = None
confluence_page_hierarchy = True
confluence_root_homepage = True
confluence_publish_orphan = True
confluence_publish_orphan_container = None
confluence_parent_override_transform = lambda docname, parent: parent
confluence_title_overrides = {"index": "Every Home"}
confluence_publish_prefix = "E: "
confluence_publish_postfix = " ({hash:.4})"
confluence_publish_postfix_hash_modifier = "salt"
confluence_ignore_titlefix_on_index = True
confluence_disable_autogen_title = False
confluence_remove_title = True
confluence_add_secnumbers = True
confluence_secnumber_suffix = ". "
confluence_publish_dryrun = True
confluence_publish_force = False
confluence_publish_onlynew = False
confluence_publish_trample = False
confluence_publish_allowlist = ["index"]
confluence_publish_denylist = []
confluence_publish_skip_commented_pages = "ignored-resolved"
confluence_cleanup_purge = True
confluence_cleanup_archive = False
confluence_cleanup_from_root = True
confluence_cleanup_search_mode = "direct"
confluence_global_labels = ["docs"]
confluence_append_labels = True
confluence_disable_notifications = True
confluence_watch = False
confluence_version_comment = "built"
confluence_full_width = True
confluence_publish_intersphinx = True
confluence_asset_override = None
confluence_additional_mime_types = ["image/webp"]
confluence_manifest_data = True
confluence_editor = "v2"
confluence_default_alignment = "left"
confluence_default_table_width = "80%"
confluence_code_block_theme = "Midnight"
confluence_lang_overrides = {"toml": "yaml"}
confluence_domain_indices = ["py-modindex"]
confluence_use_index = True
confluence_include_search = True
confluence_header_file = "header.tpl"
confluence_header_data = {"who": "docs team"}
confluence_footer_file = "footer.xml"
confluence_footer_data = None
confluence_page_generation_notice = True
confluence_prev_next_buttons_location = "both"
confluence_navdocs_transform = lambda builder, docnames: docnames
confluence_sourcelink = {"type": "github", "owner": "me", "repo": "every", "version": "main"}
confluence_mentions = {"me": "557058:abc"}
confluence_jira_servers = {"main": {"id": "1b3a8e8c-0000-0000-0000-000000000000",
                                    "name": "Main Jira"}}
confluence_latex_macro = None
confluence_mathjax = False
confluence_html_macro = "html"
confluence_permit_raw_html = True
confluence_tab_macro = {"macro-name": "tabs"}
confluence_mermaid_html_macro = True
confluence_file_suffix = ".conf"
confluence_link_suffix = ".html"
singleconfluence_toctree = True
confluence_adv_admonition_overrides = {}
confluence_adv_bulk_archiving = True
confluence_adv_disable_anchor_fix = True
confluence_adv_disable_cloud_prop_delay = True
confluence_adv_disable_init = False
confluence_adv_embedded_certs = True
confluence_adv_ignore_nodes = []
confluence_adv_inlined_images = True
confluence_adv_node_handler = {}
confluence_adv_permit_editor = False
confluence_adv_restricted = ["ext-graphviz"]
confluence_adv_win32_imgmath_hack = True
confluence_disable_env_conf = True
'''


def _project(tmp_path: Path, extra: str = "") -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF + extra, encoding="utf-8")
    (src / "header.tpl").write_text("<p>By {{ who }}</p>")
    (src / "footer.xml").write_text("<p>footer</p>")
    (src / "index.rst").write_text("Every\n=====\n\n.. toctree::\n\n   page\n   genindex\n"
                                   "   search\n")
    (src / "page.rst").write_text("Page\n====\n\n.. py:module:: every\n\nText.\n")
    return src


def _build(src: Path, out: Path, strict: bool) -> str:
    warning = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "confluence",
                     confoverrides={}, status=io.StringIO(), warning=warning,
                     freshenv=True, warningiserror=strict)
        app.build()
    return warning.getvalue()


def test_every_documented_option_builds_cleanly(tmp_path: Path) -> None:
    set_in_conf = {line.split(" =")[0] for line in CONF.splitlines() if " = " in line
                   and line.startswith(("confluence_", "singleconfluence_"))}
    table = {o.name for o in OPTIONS}
    # the conf.py covers the whole table except options new in this project and the
    # deprecated alias confluence_adv_cloud
    new_here = {"confluence_publish_credential_provider", "confluence_publish_concurrency",
                "confluence_cleanup_max_deletes", "confluence_cleanup_force",
                "confluence_request_deadline", "confluence_response_size_limit",
                "confluence_adv_cloud", *(o.name for o in OPTIONS if "_oauth2_" in o.name)}
    assert table - new_here <= set_in_conf, sorted(table - new_here - set_in_conf)
    remaining = {o.name for o in OPTIONS if not o.supported}
    assert not remaining, sorted(remaining)
    warnings = _build(_project(tmp_path), tmp_path / "out", strict=True)
    lines = [ln for ln in warnings.splitlines() if ln.strip()]
    unexpected = [ln for ln in lines
                  if not any(f"{name} is accepted" in ln for name in remaining)]
    assert not unexpected, unexpected
    assert (tmp_path / "out" / "genindex.conf").exists()


def test_removed_options_say_what_to_use_instead(tmp_path: Path) -> None:
    src = _project(tmp_path, "confluence_master_homepage = True\n"
                             "confluence_purge_from_root = True\n")
    warnings = _build(src, tmp_path / "out", strict=False)
    assert ("confluence_master_homepage was removed and has no effect; use "
            "confluence_root_homepage instead") in warnings
    assert "confluence_purge_from_root was removed" in warnings
    assert "confluence_cleanup_from_root instead" in warnings
    assert "[confluence.unsupported_option]" in warnings
