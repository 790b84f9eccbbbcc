"""load_project_config: conf.py loaded as a build would, every failure a plain exit-2 error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_conntest_support import clean_environment

from sphinxcontrib.confluencebuilder.project import ProjectLoadError, load_project_config


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def _conf(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "conf.py").write_text(text, encoding="utf-8")
    return directory


def test_overrides_environment_and_local_extension(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    project = _conf(tmp_path / "p", (
        "import os, sys\n"
        "sys.path.insert(0, os.path.abspath('ext'))\n"
        "extensions = ['sphinxcontrib.confluencebuilder', 'localext']\n"
        "confluence_space_key = 'FROMCONF'\n"))
    (project / "ext").mkdir()
    (project / "ext" / "localext.py").write_text(
        "def setup(app):\n    app.add_config_value('local_flag', 'default', '')\n",
        encoding="utf-8")
    monkeypatch.setenv("CONFLUENCE_SERVER_URL", "https://docs.example.test/")
    monkeypatch.setenv("CONFLUENCE_SPACE_KEY", "FROMENV")
    saved = list(sys.path)
    loaded = load_project_config(project, {
        "confluence_timeout": "7", "confluence_publish": "yes", "local_flag": "on",
        "confluence_publish_headers.X-Gateway-Key": "abc"})
    config = loaded.config
    assert config.confluence_space_key == "FROMCONF"  # conf.py wins over the environment
    assert config.confluence_server_url == "https://docs.example.test/"
    assert config.confluence_timeout == 7 and config.confluence_publish is True
    assert config.local_flag == "on"  # the project's own extension was really loaded
    assert config.confluence_publish_headers == {"X-Gateway-Key": "abc"}
    assert sys.path == saved
    assert loaded.notes == []


def test_extension_not_listed_is_added_with_a_note(tmp_path: Path) -> None:
    loaded = load_project_config(_conf(tmp_path / "p", "project = 'x'\n"), {})
    assert loaded.config.confluence_publish is False
    assert "does not list 'sphinxcontrib.confluencebuilder'" in loaded.notes[0]
    assert loaded.warnings == []


@pytest.mark.parametrize(("text", "words"), [
    ("import sys\nsys.exit(3)\n", ["called sys.exit()"]),
    ("extensions = ['sphinxcontrib.confluencebuilder']\n\nraise RuntimeError('no token file')\n",
     ["RuntimeError at line 3: no token file", "3 | raise RuntimeError('no token file')"]),
    ("extensions = ['missing_ext_for_test']\n",
     ["'missing_ext_for_test'", "could not be imported"]),
    ("extensions = ['sphinxcontrib.confluencebuilder']\nconfluence_publish = True\n",
     ["confluence_server_url: is required when confluence_publish is True"]),
])
def test_failures_are_plain_exit_2(tmp_path: Path, text: str, words: list[str]) -> None:
    with pytest.raises(ProjectLoadError) as info:
        load_project_config(_conf(tmp_path / "p", text), {})
    assert info.value.exit_code == 2
    for word in words:
        assert word in str(info.value)
    assert "Traceback" not in str(info.value)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ProjectLoadError, match="does not exist"):
        load_project_config(tmp_path / "nowhere", {})
