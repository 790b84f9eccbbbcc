"""confluence_ask_user / confluence_ask_password: prompts on a real pseudo-terminal.

Every prompt is answered through a pty the test creates (the child process gets it as
its controlling terminal, so getpass talks to it exactly as to a user's terminal).
"""

from __future__ import annotations

import fcntl
import io
import os
import select
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

import pytest
from publish_helpers import current_pages
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from sphinxcontrib.confluencebuilder.config import defaults
from sphinxcontrib.confluencebuilder.errors import ConfluenceConfigError
from sphinxcontrib.confluencebuilder.settings import from_config

CLI = [sys.executable, "-m", "sphinxcontrib.confluencebuilder"]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.upper().startswith("CONFLUENCE_") and "PROXY" not in k.upper()}
    env.update(TERM="dumb", NO_COLOR="1", **extra)
    return env


def _take_terminal() -> None:
    """In the child, after setsid: make the pty on stdin the controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def run_in_pty(argv: list[str], answers: list[tuple[str, str]], *, env: dict[str, str],
               timeout: float = 90) -> tuple[int, str]:
    """Run ``argv`` on a new pty; when the next prompt text shows up, type its answer.

    Returns the exit code and everything the terminal displayed.
    """
    master, slave = os.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True, preexec_fn=_take_terminal)
    os.close(slave)
    pending = list(answers)
    shown = b""
    searched_to = 0
    deadline = time.monotonic() + timeout
    try:
        while True:
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; the terminal showed:\n{shown.decode()}")
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                if proc.poll() is not None and not select.select([master], [], [], 0.2)[0]:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: every process closed the terminal
                break
            if not chunk:
                break
            shown += chunk
            if pending:
                at = shown.find(pending[0][0].encode(), searched_to)
                if at >= 0:
                    searched_to = at + len(pending[0][0])
                    os.write(master, pending.pop(0)[1].encode() + b"\n")
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert not pending, f"prompt {pending[0][0]!r} never shown:\n{shown.decode()}"
    return code, shown.decode("utf-8", "replace")


def make_project(root: Path, server: Any, extra: str) -> Path:
    src = root / "src"
    src.mkdir(parents=True)
    lines = ["project = 'Asked'", "extensions = ['sphinxcontrib.confluencebuilder']",
             "confluence_space_key = 'DOCS'", f"confluence_server_url = {server.url!r}",
             f"confluence_cloud = {server.mode == 'cloud'!r}", extra]
    (src / "conf.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    names = [f"page{i}" for i in range(5)]
    (src / "index.rst").write_text("Home\n====\n\n.. toctree::\n\n" + "".join(
        f"   {n}\n" for n in names), encoding="utf-8")
    for name in names:
        (src / f"{name}.rst").write_text(f"Title {name}\n=========\n\nText.\n",
                                         encoding="utf-8")
    return src


def build_only(src: Path, out: Path) -> None:
    # docutils keeps directives and roles in module globals: scope them to this build,
    # as sphinx-build does, so later tests in the process start clean
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "confluence",
                     status=io.StringIO(), warning=io.StringIO(), freshenv=True)
        app.build()


@pytest.fixture
def cloud(confluence_emulator_factory: Any) -> Any:
    return confluence_emulator_factory(mode="cloud")


@pytest.fixture
def dc(confluence_emulator_factory: Any) -> Any:
    return confluence_emulator_factory(mode="dc")


def test_publish_asks_once_and_never_shows_the_token(cloud: Any, tmp_path: Path) -> None:
    src = make_project(tmp_path, cloud, f"confluence_server_user = {cloud.user!r}\n"
                       "confluence_ask_user = True\nconfluence_ask_password = True")
    out = tmp_path / "out"
    build_only(src, out)
    assert cloud.requests == []
    code, shown = run_in_pty(
        [*CLI, "publish", str(out), "--work-dir", str(src),
         "-D", "confluence_publish_concurrency=4"],
        [(f"User name [{cloud.user}]: ", ""),           # Enter keeps the configured user
         (f"API token for {cloud.user}: ", cloud.api_token)],
        env=_clean_env())
    assert code == 0, shown
    assert cloud.api_token not in shown                 # not echoed, not logged
    assert shown.count(f"Confluence credentials for {cloud.url}") == 1
    assert shown.count("API token for") == 1            # once per run, not per thread
    assert "no effect" not in shown
    assert "6 created" in shown
    pages = current_pages(cloud.state)
    assert {f"Title page{i}" for i in range(5)} <= set(pages)


def test_sphinx_build_asks_for_user_and_password_on_data_center(dc: Any,
                                                                tmp_path: Path) -> None:
    src = make_project(tmp_path, dc, "confluence_publish = True\n"
                       "confluence_ask_user = True\nconfluence_ask_password = True")
    code, shown = run_in_pty(
        [sys.executable, "-m", "sphinx", "-b", "confluence", str(src), str(tmp_path / "out")],
        [("User name: ", dc.user), (f"Password for {dc.user}: ", dc.password)],
        env=_clean_env())
    assert code == 0, shown
    assert dc.password not in shown
    assert "Home" in current_pages(dc.state)
    # the typed password went out as Basic auth with the typed user
    assert all(r["status"] < 400 for r in dc.requests), dc.requests[:3]


def test_no_terminal_stops_before_any_request(cloud: Any, tmp_path: Path) -> None:
    src = make_project(tmp_path, cloud, f"confluence_server_user = {cloud.user!r}\n"
                       "confluence_ask_password = True")
    out = tmp_path / "out"
    build_only(src, out)
    done = subprocess.run([*CLI, "publish", str(out), "--work-dir", str(src)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=_clean_env(), timeout=90, check=False)
    text = done.stdout + done.stderr
    assert done.returncode == 2, text
    assert "confluence_ask_password" in text
    assert "CONFLUENCE_API_TOKEN" in text and "CONFLUENCE_PUBLISH_TOKEN" in text
    assert "Traceback" not in text
    assert cloud.requests == [] and cloud.counts()["statuses"] == {}


def test_no_terminal_connection_test_is_a_config_error(dc: Any, tmp_path: Path) -> None:
    src = make_project(tmp_path, dc, "confluence_ask_user = True")
    done = subprocess.run([*CLI, "connection-test", "--work-dir", str(src)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=_clean_env(), timeout=90, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "confluence_ask_user" in done.stdout and "CONFLUENCE_SERVER_USER" in done.stdout
    assert dc.requests == []


def test_no_terminal_uses_the_token_from_the_environment(cloud: Any, tmp_path: Path) -> None:
    src = make_project(tmp_path, cloud, f"confluence_server_user = {cloud.user!r}\n"
                       "confluence_ask_password = True")
    out = tmp_path / "out"
    build_only(src, out)
    done = subprocess.run([*CLI, "publish", str(out), "--work-dir", str(src)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=_clean_env(CONFLUENCE_API_TOKEN=cloud.api_token), timeout=90,
                          check=False)
    text = done.stdout + done.stderr
    assert done.returncode == 0, text
    assert "6 created" in text and cloud.api_token not in text
    assert "no terminal to ask on" in text


def test_connection_test_asks_and_reports_without_the_password(dc: Any,
                                                               tmp_path: Path) -> None:
    src = make_project(tmp_path, dc, f"confluence_server_user = {dc.user!r}\n"
                       "confluence_ask_password = True")
    report = tmp_path / "report.json"
    code, shown = run_in_pty(
        [*CLI, "connection-test", "--work-dir", str(src), "--json", str(report)],
        [(f"Password for {dc.user}: ", dc.password)], env=_clean_env())
    assert code == 0, shown
    assert "Result: the connection works" in shown
    assert "answered on the terminal: confluence_ask_password" in shown
    assert dc.password not in shown + report.read_text(encoding="utf-8")


def test_wrong_password_is_reported_against_the_prompt(dc: Any, tmp_path: Path) -> None:
    src = make_project(tmp_path, dc, f"confluence_server_user = {dc.user!r}\n"
                       "confluence_ask_password = True")
    out = tmp_path / "out"
    build_only(src, out)
    code, shown = run_in_pty([*CLI, "publish", str(out), "--work-dir", str(src)],
                             [(f"Password for {dc.user}: ", "not-the-password-42")],
                             env=_clean_env())
    assert code != 0
    assert "confluence_ask_password" in shown and "not-the-password-42" not in shown


def test_empty_answer_is_a_config_error_without_requests(cloud: Any, tmp_path: Path) -> None:
    src = make_project(tmp_path, cloud, "confluence_ask_user = True\n"
                       "confluence_ask_password = True")
    out = tmp_path / "out"
    build_only(src, out)
    code, shown = run_in_pty([*CLI, "publish", str(out), "--work-dir", str(src)],
                             [("User name: ", "")], env=_clean_env())
    assert code == 2, shown
    assert "confluence_ask_user: no user name was entered" in shown
    assert "API token for" not in shown
    assert cloud.requests == []


def test_ask_password_without_a_user_is_a_config_error(cloud: Any, tmp_path: Path) -> None:
    with pytest.raises(ConfluenceConfigError) as info:
        from_config(defaults(server_url=cloud.url, ask_password=True))
    assert info.value.option == "confluence_ask_password"
    assert "confluence_server_user" in str(info.value)
    assert "confluence_ask_user" in str(info.value)
    # with a terminal too: refused before anything is asked or sent
    src = make_project(tmp_path, cloud, "confluence_ask_password = True")
    code, shown = run_in_pty([*CLI, "connection-test", "--work-dir", str(src)], [],
                             env=_clean_env())
    assert code == 2, shown
    assert "confluence_ask_password: needs a user name" in shown
    assert "API token for" not in shown
    assert cloud.requests == []


def test_answers_are_redacted_in_repr(tmp_path: Path) -> None:
    script = ("from sphinxcontrib.confluencebuilder.config import defaults\n"
              "from sphinxcontrib.confluencebuilder.settings import from_config\n"
              "s = from_config(defaults(server_url='https://x.atlassian.net/wiki/',"
              " ask_user=True, ask_password=True))\n"
              "print('REPR', repr(s))\nprint('KIND', s.credential_kind)\n")
    user, token = "typed.person@example.com", "ATATT-typed-secret-8f3k"
    code, shown = run_in_pty([sys.executable, "-c", script],
                             [("User name: ", user), (f"API token for {user}: ", token)],
                             env=_clean_env())
    assert code == 0, shown
    assert token not in shown
    line = next(x for x in shown.splitlines() if x.startswith("REPR "))
    assert user not in line
    assert "user='<redacted>'" in line and "password='<redacted>'" in line
    assert "asked=('confluence_ask_user', 'confluence_ask_password')" in line
    assert "KIND Basic auth with user and API token (confluence_ask_password)" in shown


def test_no_terminal_connection_test_names_the_skipped_prompt(cloud: Any,
                                                              tmp_path: Path) -> None:
    src = make_project(tmp_path, cloud, f"confluence_server_user = {cloud.user!r}\n"
                       "confluence_ask_user = True\nconfluence_ask_password = True")
    done = subprocess.run([*CLI, "connection-test", "--work-dir", str(src)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=_clean_env(CONFLUENCE_API_TOKEN=cloud.api_token), timeout=90,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no terminal to ask on: confluence_ask_user, confluence_ask_password skipped" \
        in done.stdout
    assert cloud.api_token not in done.stdout + done.stderr
