"""`report` (never a secret, at any setting) and `wipe` (only our pages, guarded), plus
the command line's global options, help texts and program name."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

import pytest
from publish_helpers import current_pages
from sphinx.cmd.build import build_main
from test_conntest_support import clean_environment, write_project

from sphinxcontrib.confluencebuilder import cli
from sphinxcontrib.confluencebuilder.bugreport import main as report_main
from sphinxcontrib.confluencebuilder.wipe import main as wipe_main

HEADER_SECRET = "gateway-secret-123456"
COOKIE_SECRET = "cookie-secret-456789"
ENV_SECRET = "env-password-789012"
PROXY_SECRET = "proxy-password-345678"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


class TtyInput(io.StringIO):
    def isatty(self) -> bool:
        return True


def _secret_project(tmp: Path, server: Any, extra: str = "") -> Path:
    lines = (f"confluence_publish_headers = {{'X-Gateway-Key': {HEADER_SECRET!r}}}\n"
             f"confluence_server_cookies = {{'SESSION': {COOKIE_SECRET!r}}}\n" + extra)
    return write_project(tmp, server, extra=lines)


@pytest.mark.parametrize("flags", [[], ["--no-sanitize"], ["--offline", "--no-sanitize"]])
def test_report_never_prints_a_secret(tmp_path: Path, capsys: Any, flags: list[str],
                                      monkeypatch: pytest.MonkeyPatch,
                                      confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    extra = ""
    if "--offline" in flags:  # a proxy would carry the online question elsewhere
        extra = f"confluence_proxy = 'http://proxyuser:{PROXY_SECRET}@proxy.example:3128'\n"
        monkeypatch.setenv("HTTPS_PROXY", f"http://u:{PROXY_SECRET}x@proxy.example:8080")
    project = _secret_project(tmp_path / "p", server, extra)
    monkeypatch.setenv("CONFLUENCE_SERVER_PASS", ENV_SECRET)
    code = report_main(["--work-dir", str(project), *flags])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code == 0, text
    for secret in (server.api_token, HEADER_SECRET, COOKIE_SECRET, ENV_SECRET, PROXY_SECRET,
                   PROXY_SECRET + "x"):
        assert secret not in text, "a secret leaked into the report"
    assert "confluence_api_token: set (from conf.py or -D)" in text
    assert "confluence_server_pass: set (from environment CONFLUENCE_SERVER_PASS)" in text
    assert "sphinx: " in text and "Python: " in text
    if "--offline" in flags:
        assert "Server: not asked (--offline)" in text
        assert not server.requests
        assert "proxyuser" in text  # the proxy user is shown, its password is not
    else:
        assert "type: Confluence Cloud" in text
    if flags:
        assert server.url in text or "--offline" in flags
    else:
        assert server.url not in text and server.user not in text  # values hidden


def _publish(tmp: Path, server: Any, name: str, project: str, titles: list[str]) -> None:
    src = write_project(tmp / name, server, extra=f"project = {project!r}")
    body = "\n\n.. toctree::\n\n" + "".join(f"   doc{i}\n" for i in range(1, len(titles)))
    (src / "index.rst").write_text(f"{titles[0]}\n{'=' * len(titles[0])}\n{body}",
                                   encoding="utf-8")
    for i, title in enumerate(titles[1:], 1):
        (src / f"doc{i}.rst").write_text(f"{title}\n{'=' * len(title)}\n\nText.\n",
                                         encoding="utf-8")
    assert build_main(["-q", "-b", "confluence", str(src), str(tmp / f"{name}-out")]) == 0


@pytest.fixture
def space(tmp_path: Path, confluence_emulator_factory: Any) -> Any:
    server = confluence_emulator_factory(mode="cloud")
    _publish(tmp_path, server, "ours", "Ours", ["Our Home", "Our One", "Our Two"])
    _publish(tmp_path, server, "theirs", "Theirs", ["Their Home", "Their One"])
    home = server.state.spaces["DOCS"].homepage_id
    server.state.create_page("DOCS", "Hand Written", "<p>by a person</p>", home)
    return server


def _titles(server: Any) -> set[str]:
    return set(current_pages(server.state))


def test_wipe_refuses_without_danger(tmp_path: Path, capsys: Any, space: Any) -> None:
    before = _titles(space)
    assert wipe_main(["--work-dir", str(tmp_path / "ours")]) == 2
    assert "without --danger" in capsys.readouterr().err
    assert _titles(space) == before


def test_wipe_asks_and_a_wrong_answer_deletes_nothing(tmp_path: Path, capsys: Any,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     space: Any) -> None:
    before = _titles(space)
    monkeypatch.setattr(sys, "stdin", io.StringIO("3\n"))  # no terminal: no prompt at all
    assert wipe_main(["--work-dir", str(tmp_path / "ours"), "--danger"]) == 1
    monkeypatch.setattr(sys, "stdin", TtyInput("yes\n"))
    assert wipe_main(["--work-dir", str(tmp_path / "ours"), "--danger"]) == 1
    captured = capsys.readouterr()
    assert "3 page(s) of project 'Ours' in space DOCS will be deleted" in captured.out
    assert "Type 3 to delete 3 page(s) from space DOCS" in captured.err
    assert _titles(space) == before


def test_wipe_deletes_only_our_pages(tmp_path: Path, capsys: Any,
                                     monkeypatch: pytest.MonkeyPatch, space: Any) -> None:
    monkeypatch.setattr(sys, "stdin", TtyInput("3\n"))
    assert wipe_main(["--work-dir", str(tmp_path / "ours"), "--danger"]) == 0
    left = _titles(space)
    assert not {"Our Home", "Our One", "Our Two"} & left
    assert {"Their Home", "Their One", "Hand Written"} <= left
    assert "Deleted 3 page(s)" in capsys.readouterr().out
    # nothing of ours is left: a second run has nothing to do
    assert wipe_main(["--work-dir", str(tmp_path / "ours"), "--danger", "--yes"]) == 0
    assert "nothing to delete" in capsys.readouterr().out


def _parsers() -> dict[str, argparse.ArgumentParser]:
    from sphinxcontrib.confluencebuilder import bugreport, buildcmd, demo, wipe
    from sphinxcontrib.confluencebuilder.doctor import command as doctor
    from sphinxcontrib.confluencebuilder.publisher import command as publish
    from sphinxcontrib.confluencebuilder.testing import sandbox

    return {"build": buildcmd._parser(), "demo": demo._parser(), "report": bugreport._parser(), "wipe": wipe._parser(), "sandbox": sandbox._parser(),
            "connection-test": doctor._parser(), "publish": publish._parser()}


@pytest.mark.parametrize("command", ["build", "connection-test", "publish", "report", "wipe",
                                     "sandbox", "demo"])
def test_every_flag_is_documented(command: str, capsys: Any,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["/usr/bin/sphinx-build-confluence"])
    with pytest.raises(SystemExit) as info:
        cli.main([command, "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: sphinx-build-confluence {command}")
    parser = _parsers()[command]
    for action in parser._actions:
        assert action.help, f"{command}: {action.option_strings or action.dest} has no help"


def test_program_name_follows_how_it_was_run(capsys: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["/x/sphinxcontrib/confluencebuilder/__main__.py"])
    assert cli.main(["--help"]) == 0
    assert "usage: python -m sphinxcontrib.confluencebuilder [-V]" in capsys.readouterr().out


def test_global_verbose_and_color_reach_the_build(tmp_path: Path, capsys: Any) -> None:
    src = write_project(tmp_path / "p", publish=False)
    (src / "index.rst").write_text("Home\n====\n\nHi.\n", encoding="utf-8")
    assert cli.main(["-V", "--no-color", "build", "--work-dir", str(src)]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    assert "[app] setting up extension" in out or "reading sources" in out


def test_publish_warnings_are_not_prefixed_twice(tmp_path: Path, capsys: Any) -> None:
    from sphinxcontrib.confluencebuilder.publisher.command import main as publish

    src = write_project(tmp_path / "p", publish=False, extra="confluence_pubish_prefix = 'X'")
    (src / "index.rst").write_text("Home\n====\n\nHi.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert build_main(["-q", "-b", "confluence", str(src), str(out)]) == 0
    capsys.readouterr()
    publish([str(out), "--work-dir", str(src), "--dry-run"])
    err = capsys.readouterr().err
    assert "confluence_pubish_prefix (from conf.py) is not a confluence option" in err
    assert "warning: warning" not in err.lower()


def test_build_errors_name_the_module_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under sphinx-build the pointer still names a command that exists."""
    from sphinxcontrib.confluencebuilder.cliutil import program_name
    from sphinxcontrib.confluencebuilder.doctor.probe import explain
    from sphinxcontrib.confluencebuilder.doctor.report import Finding

    monkeypatch.setattr(sys, "argv", ["/usr/bin/sphinx-build", "-b", "confluence"])
    assert program_name("report") == "python -m sphinxcontrib.confluencebuilder report"
    text = explain(Finding("space", "fail", "space X was not found", cause="space-not-found"))
    assert text.endswith("run: python -m sphinxcontrib.confluencebuilder connection-test")
