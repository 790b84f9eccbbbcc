"""The option table: registration, environment fallback by type, validation."""

from __future__ import annotations

import pytest
from sphinx.errors import ConfigError

from sphinxcontrib.confluencebuilder import config
from sphinxcontrib.confluencebuilder.errors import ConfluenceConfigError


def _project(tmp_path, conf: str = ""):
    (tmp_path / "conf.py").write_text(
        "extensions = ['sphinxcontrib.confluencebuilder']\n" + conf, encoding="utf-8")
    (tmp_path / "index.rst").write_text("Title\n=====\n\ntext\n", encoding="utf-8")
    return tmp_path


def _app(make_app, srcdir, **overrides):
    return make_app("confluence", srcdir=srcdir, confoverrides=overrides)


def test_every_prior_art_option_is_registered(make_app, tmp_path):
    app = _app(make_app, _project(tmp_path))
    for opt in config.OPTIONS:
        assert opt.name in app.config, opt.name
        assert getattr(app.config, opt.name) == opt.default


def test_names_are_unique_and_secrets_flagged():
    names = [opt.name for opt in config.OPTIONS]
    assert len(names) == len(set(names))
    for secret in ("confluence_api_token", "confluence_publish_token", "confluence_server_pass",
                   "confluence_publish_headers", "confluence_server_cookies",
                   "confluence_client_cert_pass"):
        assert secret in config.SECRET_OPTIONS


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("confluence_publish", "yes", True),
        ("confluence_publish", "0", False),
        ("confluence_timeout", "2.5", 2.5),
        ("confluence_publish_retry_attempts", "7", 7),
        ("confluence_global_labels", "a, b,,c", ["a", "b", "c"]),
        ("confluence_publish_headers", '{"X-Key": "v"}', {"X-Key": "v"}),
        ("confluence_parent_page", "12345", "12345"),
        ("confluence_api_token", " tok ", " tok "),
    ],
)
def test_env_values_are_parsed_by_type(name, raw, expected):
    ns = config.defaults()
    taken = config.apply_env(ns, {name.upper(): raw})
    assert taken == [name]
    assert getattr(ns, name) == expected


@pytest.mark.parametrize(
    ("name", "raw", "words"),
    [
        ("confluence_publish", "maybe", "not a boolean"),
        ("confluence_publish_retry_attempts", "many", "not a whole number"),
        ("confluence_publish_headers", "{bad json", "not valid JSON"),
        ("confluence_publish_headers", "[1, 2]", "JSON object"),
    ],
)
def test_bad_env_values_name_the_option(name, raw, words):
    with pytest.raises(ConfluenceConfigError) as info:
        config.apply_env(config.defaults(), {name.upper(): raw})
    assert info.value.option == name
    assert words in str(info.value)
    assert name.upper() in str(info.value)


def test_conf_py_wins_over_environment(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLUENCE_SPACE_KEY", "FROMENV")
    monkeypatch.setenv("CONFLUENCE_PUBLISH_PREFIX", "env-")
    app = _app(make_app, _project(tmp_path, "confluence_space_key = 'FROMCONF'\n"))
    assert app.config.confluence_space_key == "FROMCONF"
    assert app.config.confluence_publish_prefix == "env-"


def test_command_line_override_wins_over_environment(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLUENCE_SPACE_KEY", "FROMENV")
    app = _app(make_app, _project(tmp_path), confluence_space_key="FROMCLI")
    assert app.config.confluence_space_key == "FROMCLI"


def test_disable_env_conf(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLUENCE_SPACE_KEY", "FROMENV")
    app = _app(make_app, _project(tmp_path, "confluence_disable_env_conf = True\n"))
    assert app.config.confluence_space_key is None


def test_invalid_value_stops_the_build_naming_the_option(make_app, tmp_path):
    with pytest.raises(ConfigError) as info:
        _app(make_app, _project(tmp_path, "confluence_timeout = 'soon'\n"))
    text = str(info.value)
    assert "confluence_timeout" in text
    assert "'soon'" in text
    assert "expected a number" in text


def test_invalid_choice_lists_the_choices(make_app, tmp_path):
    with pytest.raises(ConfigError) as info:
        _app(make_app, _project(tmp_path, "confluence_editor = 'v3'\n"))
    assert "confluence_editor" in str(info.value)
    assert "'v1', 'v2'" in str(info.value)


def test_publish_requires_url_and_space(make_app, tmp_path):
    with pytest.raises(ConfigError) as info:
        _app(make_app, _project(tmp_path, "confluence_publish = True\n"))
    assert "confluence_server_url" in str(info.value)
    assert "CONFLUENCE_SERVER_URL" in str(info.value)


@pytest.mark.parametrize(
    ("conf", "option"),
    [
        ("confluence_global_labels = ['has space']\n", "confluence_global_labels"),
        ("confluence_cleanup_purge = True\nconfluence_cleanup_archive = True\n",
         "confluence_cleanup_archive"),
        ("confluence_publish_root = 5\nconfluence_parent_page = 'X'\n",
         "confluence_publish_root"),
        ("confluence_file_suffix = '.conf.'\n", "confluence_file_suffix"),
        ("confluence_publish_retry_attempts = -1\n", "confluence_publish_retry_attempts"),
        ("confluence_publish_retry_attempts = True\n", "confluence_publish_retry_attempts"),
    ],
)
def test_cross_option_and_range_rules(make_app, tmp_path, conf, option):
    with pytest.raises(ConfigError) as info:
        _app(make_app, _project(tmp_path, conf))
    assert option in str(info.value)


def test_unsupported_option_warns_once(make_app, tmp_path):
    # every option has its effect now; the warning is left for options the earlier
    # extension removed, and names what to use instead
    app = _app(make_app, _project(tmp_path, "confluence_master_homepage = True\n"))
    text = app.warning.getvalue()
    assert "confluence_master_homepage" in text
    assert "no effect" in text and "use confluence_root_homepage instead" in text
    assert text.count("confluence_master_homepage") == 1
    assert "unsupported_option" in text


def test_deprecated_alias_is_copied_with_a_warning(make_app, tmp_path):
    app = _app(make_app, _project(tmp_path, "confluence_adv_cloud = True\n"))
    assert app.config.confluence_cloud is True
    assert "confluence_adv_cloud is deprecated" in app.warning.getvalue()
