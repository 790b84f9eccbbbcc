"""connection-test: bad input (exit 2), secrets, --no-sanitize, publish off, the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_conntest_support import clean_environment, run_doctor, secrets_of, write_project


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def _assert_config_error(run: Any, *words: str) -> None:
    assert run.code == 2, run.out
    assert run.report["result"] == "config-error"
    assert "Traceback" not in run.out + run.err
    assert "Configuration error:" in run.out
    for word in words:
        assert word in run.out
        assert word in json.dumps(run.report["error"])


def test_no_conf_py(tmp_path: Path, capsys: Any) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    run = run_doctor(capsys, empty)
    _assert_config_error(run, "no conf.py in", str(empty))


def test_conf_py_raising(tmp_path: Path, capsys: Any) -> None:
    project = write_project(tmp_path / "p", extra="settings = {}\nvalue = settings['missing']")
    run = run_doctor(capsys, project)
    _assert_config_error(run, "KeyError", "'missing'", "line 5")
    assert "value = settings['missing']" in run.out


def test_conf_py_syntax_error(tmp_path: Path, capsys: Any) -> None:
    project = write_project(tmp_path / "p", extra="broken = (")
    run = run_doctor(capsys, project)
    _assert_config_error(run, "SyntaxError", "line 4")


def test_extension_fails_to_import(tmp_path: Path, capsys: Any) -> None:
    project = write_project(tmp_path / "p", extensions=("sphinxcontrib.no_such_extension",))
    run = run_doctor(capsys, project)
    _assert_config_error(run, "'sphinxcontrib.no_such_extension'", "could not be imported")


def test_invalid_option_value_names_the_option(tmp_path: Path, capsys: Any,
                                                confluence_emulator: Any) -> None:
    project = write_project(tmp_path / "p", confluence_emulator,
                            extra="confluence_timeout = 'soon'")
    run = run_doctor(capsys, project)
    _assert_config_error(run, "confluence_timeout")
    assert run.report["error"]["option"] == "confluence_timeout"


def test_token_without_user_is_a_config_error(tmp_path: Path, capsys: Any,
                                               confluence_emulator: Any) -> None:
    token = confluence_emulator.api_token
    project = write_project(tmp_path / "p", confluence_emulator,
                            creds=f"confluence_api_token = {token!r}")
    run = run_doctor(capsys, project)
    _assert_config_error(run, "confluence_server_user")
    run.assert_no_secret(token)


def test_d_overrides_and_env_fallback(tmp_path: Path, capsys: Any, monkeypatch: Any,
                                      confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc")
    project = write_project(tmp_path / "p", server, creds="none", space="WRONG")
    monkeypatch.setenv("CONFLUENCE_PUBLISH_TOKEN", server.pat)
    run = run_doctor(capsys, project, "-D", "confluence_space_key=DOCS", "--no-sanitize")
    assert run.code == 0, run.out
    assert "confluence_space_key" in run.out and "'DOCS'" in run.out
    token = next(o for o in run.report["options"] if o["name"] == "confluence_publish_token")
    assert token == {"name": "confluence_publish_token", "state": "set",
                     "source": "environment CONFLUENCE_PUBLISH_TOKEN"}
    run.assert_no_secret(server.pat)


def test_bad_d_override(tmp_path: Path, capsys: Any, confluence_emulator: Any) -> None:
    project = write_project(tmp_path / "p", confluence_emulator)
    run = run_doctor(capsys, project, "-D", "confluence_publish=perhaps")
    _assert_config_error(run, "confluence_publish", "perhaps")


def test_publish_off_still_checks(tmp_path: Path, capsys: Any,
                                  confluence_emulator: Any) -> None:
    project = write_project(tmp_path / "p", confluence_emulator, publish=False)
    run = run_doctor(capsys, project)
    assert run.code == 0, run.out
    assert "builds will write pages but will not publish until confluence_publish = True" \
        in run.out
    assert any("confluence_publish is not set" in n for n in run.report["notes"])
    assert "logged in as Docs Publisher" in run.out


def test_sanitized_by_default_values_with_no_sanitize(tmp_path: Path, capsys: Any,
                                                     confluence_emulator: Any) -> None:
    server = confluence_emulator
    headers = "confluence_publish_headers = {'X-Gateway-Key': 'gw-key-0123456789'}"
    project = write_project(tmp_path / "p", server, extra=headers)
    hidden = run_doctor(capsys, project)
    assert hidden.code == 0, hidden.out
    assert server.url not in hidden.out.split("[3]")[0]  # option values hidden
    assert server.user not in hidden.text
    assert all("value" not in o for o in hidden.report["options"])
    shown = run_doctor(capsys, project, "--no-sanitize")
    assert f"set: {server.url}  (from conf.py or -D)" in shown.out
    assert f"set: {server.user!r}" in shown.out
    values = {o["name"]: o.get("value") for o in shown.report["options"]}
    assert values["confluence_server_user"] == repr(server.user)
    assert values["confluence_api_token"] is None
    assert values["confluence_publish_headers"] == "names X-Gateway-Key (values hidden)"
    for run in (hidden, shown):
        run.assert_no_secret(*secrets_of(server), "gw-key-0123456789")


def test_no_secret_leaks_on_failures(tmp_path: Path, capsys: Any,
                                     confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc", sso="header")
    # every kind of secret configured at once, wrong where it matters
    creds = (f"confluence_server_user = {server.user!r}\n"
             f"confluence_server_pass = {server.password!r}\n"
             f"confluence_publish_token = {server.pat!r}\n"
             f"confluence_server_cookies = {{'JSESSIONID': {server.sso_cookie!r}}}\n"
             "confluence_publish_headers = {'CF-Access-Client-Id': "
             f"{server.creds.sso_client_id!r}, 'CF-Access-Client-Secret': 'not-it-12345'}}\n"
             f"confluence_proxy = {server.proxy_url!r}")
    project = write_project(tmp_path / "p", server, creds=creds)
    for args in ((), ("--no-sanitize",)):
        run = run_doctor(capsys, project, *args)
        assert run.code == 1, run.out
        run.assert_no_secret(*secrets_of(server), "not-it-12345")


def test_cli_subprocess(tmp_path: Path, confluence_emulator: Any) -> None:
    project = write_project(tmp_path / "p", confluence_emulator)
    report = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items()
           if not k.upper().startswith("CONFLUENCE_") and "PROXY" not in k.upper()}
    done = subprocess.run([sys.executable, "-m", "sphinxcontrib.confluencebuilder",
                           "connection-test", "--work-dir", str(project), "--json",
                           str(report)], capture_output=True, text=True, timeout=60,
                          env=env, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Result: the connection works" in done.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["result"] == "ok"
    for secret in secrets_of(confluence_emulator):
        assert secret not in done.stdout + done.stderr + report.read_text(encoding="utf-8")
    missing = subprocess.run([sys.executable, "-m", "sphinxcontrib.confluencebuilder",
                              "connection-test", "--work-dir", str(tmp_path / "nowhere")],
                             capture_output=True, text=True, timeout=60, env=env, check=False)
    assert missing.returncode == 2
    assert "Traceback" not in missing.stdout + missing.stderr


def test_proxy_and_ca_environment_listed(tmp_path: Path, capsys: Any, monkeypatch: Any,
                                         confluence_emulator: Any) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://corp:pr0xy-pa55word@proxy.example.test:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://corp:pr0xy-pa55word@proxy.example.test:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "corp-ca.pem"))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    project = write_project(tmp_path / "p", confluence_emulator)
    for args in ((), ("--no-sanitize",)):
        run = run_doctor(capsys, project, *args)
        assert run.code == 0, run.out  # NO_PROXY keeps the emulator direct
        states = {e["name"]: e["state"] for e in run.report["environment"]}
        assert states["HTTPS_PROXY"] == states["NO_PROXY"] == "set"
        assert states["SSL_CERT_DIR"] == "not set"
        assert "NO_PROXY lists 127.0.0.1: requests go direct" in run.out
        run.assert_no_secret("pr0xy-pa55word")
    assert "http://corp:<redacted>@proxy.example.test:3128" in run.out
    assert str(tmp_path / "corp-ca.pem") in run.out


def test_malformed_url_is_a_config_error(tmp_path: Path, capsys: Any) -> None:
    project = write_project(tmp_path / "p", extra="confluence_server_url = 'wiki.example.test'")
    run = run_doctor(capsys, project)
    _assert_config_error(run, "confluence_server_url", "is not a valid http(s) URL")


def test_quoted_token_warned_and_rejected(tmp_path: Path, capsys: Any,
                                         confluence_emulator: Any) -> None:
    server = confluence_emulator
    quoted = f'"{server.api_token}"'
    creds = f"confluence_server_user = {server.user!r}\nconfluence_api_token = {quoted!r}"
    run = run_doctor(capsys, write_project(tmp_path / "p", server, creds=creds))
    assert run.code == 1, run.out
    warned = {f["cause"]: f for f in run.report["findings"] if f["status"] == "warn"}
    assert warned["quoted-secret"]["options"] == ["confluence_api_token"]
    assert "auth-rejected" in run.causes
    run.assert_no_secret(*secrets_of(server))
