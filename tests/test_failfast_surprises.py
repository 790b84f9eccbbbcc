"""No surprise publishing: `demo` never leaves its own emulator, and a misspelt option
is named with the closest known one; a misspelt safety option stops before any write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from connection_helpers import tiny_server
from sphinx.cmd.build import build_main
from test_conntest_support import clean_environment

from sphinxcontrib.confluencebuilder.demo import main as demo_main
from sphinxcontrib.confluencebuilder.spelling import closest_option


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def _project(directory: Path, conf: str) -> Path:
    directory.mkdir(parents=True)
    (directory / "conf.py").write_text(
        "extensions = ['sphinxcontrib.confluencebuilder']\nproject = 'Surprise'\n" + conf,
        encoding="utf-8")
    (directory / "index.rst").write_text("Surprise Home\n=============\n\nHello.\n",
                                         encoding="utf-8")
    return directory


def _writes(server: Any) -> list[dict[str, Any]]:
    return [r for r in server.requests if r["method"] not in ("GET", "HEAD")]


def test_demo_sends_the_server_in_conf_py_nothing(tmp_path: Path, capsys: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with tiny_server(lambda got: (200, {"Content-Type": "application/json"}, b"{}")) as real:
        conf = (f"confluence_publish = True\nconfluence_server_url = {real.url!r}\n"
                "confluence_space_key = 'REAL'\nconfluence_server_user = 'me@example.com'\n"
                "confluence_api_token = 'real-token-do-not-send'\n"
                f"confluence_proxy = {real.url!r}\n"
                "confluence_publish_headers = {'X-Real': 'real-header-value'}\n")
        src = _project(tmp_path / "docs", conf)
        # the environment names the real server too; it must not matter either
        monkeypatch.setenv("CONFLUENCE_SERVER_URL", real.url)
        monkeypatch.setenv("CONFLUENCE_PUBLISH_TOKEN", "env-token-do-not-send")
        # and a proxy from the environment must not see the demo's requests either
        monkeypatch.setenv("HTTP_PROXY", real.url)
        code = demo_main([str(src), "--out", str(tmp_path / "out")])
        out = capsys.readouterr().out
        assert real.received == [], "the server named in conf.py was contacted"
    assert code == 0, out
    assert "publishing to the throwaway emulator" in out
    assert "the demo ignores it" in out
    assert "- Surprise Home" in out  # published to the demo's own emulator
    assert "real-token-do-not-send" not in out


@pytest.mark.parametrize(("name", "expected"), [
    ("confluence_publish_dry_run", "confluence_publish_dryrun"),
    ("confluence_dryrun", "confluence_publish_dryrun"),
    ("confluence_publish_only_new", "confluence_publish_onlynew"),
    ("confluence_sever_url", "confluence_server_url"),
    ("confluence_cleanup_maxdeletes", "confluence_cleanup_max_deletes"),
    ("confluence_nothing_like_it", None),
])
def test_closest_option(name: str, expected: str | None) -> None:
    assert closest_option(name) == expected


def _conf_for(server: Any) -> str:
    return (f"confluence_publish = True\nconfluence_server_url = {server.url!r}\n"
            f"confluence_space_key = {server.space_key!r}\nconfluence_cloud = True\n"
            f"confluence_server_user = {server.user!r}\n"
            f"confluence_api_token = {server.api_token!r}\n")


def test_misspelt_dry_run_makes_no_write(tmp_path: Path, capsys: Any,
                                         confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    src = _project(tmp_path / "docs", _conf_for(server) + "confluence_publish_dry_run = True\n")
    out = tmp_path / "out"
    code = build_main(["-b", "confluence", str(src), str(out)])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code != 0
    assert _writes(server) == []
    assert server.requests == []  # stopped at configuration time, before the probe
    assert not (out / "index.conf").exists()
    assert "did you mean confluence_publish_dryrun?" in text
    assert "Publishing stopped before the first write" in text
    assert "Traceback" not in text and "sphinx-doc/sphinx/issues" not in text


def test_misspelt_safety_option_in_the_environment(tmp_path: Path, capsys: Any,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    src = _project(tmp_path / "docs", _conf_for(server))
    monkeypatch.setenv("CONFLUENCE_PUBLISH_DRY_RUN", "1")
    code = build_main(["-b", "confluence", str(src), str(tmp_path / "out")])
    text = "".join(capsys.readouterr())
    assert code != 0
    assert server.requests == []
    assert "CONFLUENCE_PUBLISH_DRY_RUN: (from the environment) is not an option; did you " \
           "mean CONFLUENCE_PUBLISH_DRYRUN?" in text


def test_unknown_harmless_option_only_warns(tmp_path: Path, capsys: Any) -> None:
    src = _project(tmp_path / "docs", "confluence_pubish_prefix = 'X'\n"
                   "confluence_sever_url = 'https://example.invalid/'\n")
    code = build_main(["-b", "confluence", str(src), str(tmp_path / "out")])
    text = "".join(capsys.readouterr())
    assert code == 0, text
    assert "confluence_sever_url (from conf.py) is not a confluence option; did you mean " \
           "confluence_server_url?" in text
    assert "did you mean confluence_publish_prefix?" in text
    assert (tmp_path / "out" / "index.conf").is_file()


def test_options_of_other_extensions_are_known(tmp_path: Path, capsys: Any) -> None:
    src = _project(tmp_path / "docs", "extensions.append('ext_with_option')\n"
                   "confluence_theme_colour = 'blue'\n")
    (src / "ext_with_option.py").write_text(
        "def setup(app):\n    app.add_config_value('confluence_theme_colour', 'red', '')\n"
        "    return {'parallel_read_safe': True}\n", encoding="utf-8")
    (src / "conf.py").write_text("import sys, os\nsys.path.insert(0, os.path.dirname("
                                 "__file__))\n" + (src / "conf.py").read_text("utf-8"),
                                 encoding="utf-8")
    code = build_main(["-b", "confluence", str(src), str(tmp_path / "out")])
    text = "".join(capsys.readouterr())
    assert code == 0, text
    assert "confluence_theme_colour" not in text


def test_misspelt_safety_option_on_the_command_line(tmp_path: Path, capsys: Any,
                                                   confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    src = _project(tmp_path / "docs", _conf_for(server))
    code = build_main(["-b", "confluence", "-D", "confluence_publish_only_new=1", str(src),
                       str(tmp_path / "out")])
    text = "".join(capsys.readouterr())
    assert code != 0 and server.requests == []
    assert "confluence_publish_only_new: (from -D) is not an option; did you mean " \
           "confluence_publish_onlynew?" in text
