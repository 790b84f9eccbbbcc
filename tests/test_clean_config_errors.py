"""Every configuration mistake, whichever part of the extension finds it, ends a
``sphinx-build`` run with the plain message naming the option: no traceback, no Sphinx
crash report ("please open an issue"), a non-zero exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CASES = {
    # generated/chrome.py
    "confluence_header_file": "confluence_header_file = 'missing.tpl'\n",
    "confluence_prev_next_buttons_location": "confluence_prev_next_buttons_location = 'left'\n",
    # generated/__init__.py
    "confluence_domain_indices": "confluence_domain_indices = ['py-nothing']\n",
    # markup/options.py
    "confluence_jira_servers": "confluence_jira_servers = {'main': 'not a mapping'}\n",
    # configguard.py
    "confluence_publish_delay": "confluence_publish_delay = 1e308\n",
    # config.py
    "confluence_editor": "confluence_editor = 'v9'\n",
}


@pytest.mark.parametrize("option", sorted(CASES))
def test_config_mistake_is_said_plainly(tmp_path: Path, option: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("extensions = ['sphinxcontrib.confluencebuilder']\n"
                                 + CASES[option], encoding="utf-8")
    (src / "index.rst").write_text("Title\n=====\n\nText.\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-b", "confluence", "-q",
                          str(src), str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=120)
    text = run.stdout + run.stderr
    assert run.returncode != 0, text
    assert option in text, text
    assert "Traceback" not in text and "open an issue" not in text, text
    assert not (tmp_path / "out" / "index.conf").exists()
