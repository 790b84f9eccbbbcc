"""A build and connection-test read the credentials through one resolver.

The same conf.py / environment / -D combinations go through both paths: the settings a
build reads (``settings.read_settings``, what the session sends) and the doctor's run
(``connection-test --json``). For every combination the doctor must say where each
credential option got its value as the resolver does, name the credential a build sends,
and, where two options conflict, call the one a build sends "used".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_conntest_support import clean_environment, run_doctor, write_project

from sphinxcontrib.confluencebuilder.credentials import PASSWORD, PAT, TOKEN, USER
from sphinxcontrib.confluencebuilder.project import load_project_config
from sphinxcontrib.confluencebuilder.settings import read_settings

CONF, ENV, CLI = "conf", "env", "-D"
#: "<...> is used" in the doctor's words -> what a build must send for it to be true
USED = {
    "the API token": lambda s: s.password_option == TOKEN and s.auth is None,
    "the password": lambda s: s.password_option == PASSWORD and s.auth is None,
    "the personal access token": lambda s: bool(s.bearer_token) and s.auth is None,
}
AUTH = "import requests.auth\nconfluence_server_auth = requests.auth.HTTPDigestAuth('k', 'v')"
HEADER = "confluence_publish_headers = {'Authorization': 'Bearer hdr-0123456789'}"

#: (deployment, {option: where}, extra conf.py lines)
COMBOS = [
    ("cloud", {USER: CONF, TOKEN: ENV, PASSWORD: CONF}, ""),
    ("cloud", {USER: ENV, PASSWORD: CONF, PAT: ENV}, ""),
    ("cloud", {USER: CLI, TOKEN: CLI, PAT: CONF}, ""),
    ("dc", {USER: CONF, TOKEN: CONF, PAT: ENV}, ""),
    ("dc", {USER: ENV, PASSWORD: ENV, PAT: CLI}, ""),
    ("dc", {USER: CONF, PAT: ENV}, ""),
    ("dc", {USER: CONF, TOKEN: ENV, PASSWORD: ENV}, AUTH),
    ("dc", {PAT: ENV}, HEADER),
    ("dc", {USER: CONF, PASSWORD: ENV}, "confluence_disable_env_conf = True"),
]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def _value(option: str) -> str:
    return "me@example.com" if option == USER else f"{option[11:]}-0123456789"


def _project(tmp_path: Path, server: Any, given: dict[str, str], extra: str,
             monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    lines, defines = [extra], []
    for option, where in given.items():
        if where == CONF:
            lines.append(f"{option} = {_value(option)!r}")
        elif where == ENV:
            monkeypatch.setenv(option.upper(), _value(option))
        else:
            defines.append(f"{option}={_value(option)}")
    return write_project(tmp_path / "p", server, creds="\n".join(lines)), defines


@pytest.mark.parametrize(("mode", "given", "extra"), COMBOS)
def test_build_and_doctor_agree(mode: str, given: dict[str, str], extra: str, tmp_path: Path,
                                capsys: Any, monkeypatch: pytest.MonkeyPatch,
                                confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode=mode)
    work, defines = _project(tmp_path, server, given, extra, monkeypatch)
    # the build's path
    project = load_project_config(work, dict(d.split("=", 1) for d in defines))
    settings, creds = read_settings(project.config, base_dir=work)
    # the doctor's path
    args = [a for d in defines for a in ("-D", d)]
    run = run_doctor(capsys, work, *args)
    titles = [f["title"] for f in run.report["findings"] if f["step"] == "sanity"]
    sources = {o["name"]: o for o in run.report["options"]}

    # same source for every credential option, and the same value sent
    for option in (USER, TOKEN, PASSWORD, PAT):
        assert sources[option].get("source", "") == creds.origin_of(option), option
        assert (sources[option]["state"] == "set") == (creds.value_of(option) is not None)
    if settings.password:
        assert settings.password == creds.value_of(settings.password_option)
    if settings.bearer_token:
        assert settings.bearer_token == creds.value_of(PAT)
    assert f"credential sent: {settings.credential_kind}" in titles
    # every "... is used" of the doctor names what a build sends
    conflicts = [f for f in run.report["findings"] if f["cause"] == "conflicting-credentials"]
    used = [f["title"].split("; ", 1)[1].removesuffix(" is used") for f in conflicts
            if f["title"].endswith(" is used")]
    for phrase in used:
        assert USED[phrase](settings), (phrase, settings.credential_kind)
    # the doctor reports a conflict exactly when a build warns about one
    warned = [f for f in creds.findings
              if f.cause in ("pat-and-secret", "token-and-password", "header-replaces")]
    assert len(conflicts) == len(warned), (titles, warned)
    for value in map(_value, (TOKEN, PASSWORD, PAT)):
        run.assert_no_secret(value)


def test_env_source_is_named_and_disabled_env_is_not_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc")
    work, _ = _project(tmp_path, server, {USER: CONF, PASSWORD: ENV}, "", monkeypatch)
    settings, creds = read_settings(load_project_config(work).config, base_dir=work)
    assert creds.origin_of(PASSWORD) == "environment CONFLUENCE_SERVER_PASS"
    assert creds.origin_of(USER) == "conf.py or -D"
    assert settings.password == _value(PASSWORD) and settings.password_option == PASSWORD
    (work / "conf.py").write_text((work / "conf.py").read_text() +
                                  "confluence_disable_env_conf = True\n")
    settings, creds = read_settings(load_project_config(work).config, base_dir=work)
    assert creds.origin_of(PASSWORD) == "" and settings.password is None
