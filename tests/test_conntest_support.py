"""Shared helpers for the connection-test suites: write a project, run the doctor."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from sphinxcontrib.confluencebuilder.doctor.command import main

PROXY_AND_CA = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No CONFLUENCE_* fallbacks and no proxies from the machine running the tests."""
    for name in list(os.environ):
        if name.upper().startswith("CONFLUENCE_") or name.upper() in PROXY_AND_CA:
            monkeypatch.delenv(name, raising=False)


def write_project(directory: Path, server: Any = None, *, creds: str = "default",
                  url: str | None = None, space: str = "DOCS", publish: bool = True,
                  extra: str = "", extensions: tuple[str, ...] = ()) -> Path:
    """A conf.py pointing at ``server``; ``creds`` is 'default', 'none' or literal lines."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = [f"extensions = {['sphinxcontrib.confluencebuilder', *extensions]!r}",
             f"confluence_publish = {publish!r}", f"confluence_space_key = {space!r}"]
    if server is not None:
        lines.append(f"confluence_server_url = {url or server.url!r}")
        if server.mode == "cloud":
            lines.append("confluence_cloud = True")
        if creds == "default":
            if server.mode == "cloud":
                lines += [f"confluence_server_user = {server.user!r}",
                          f"confluence_api_token = {server.api_token!r}"]
            else:
                lines.append(f"confluence_publish_token = {server.pat!r}")
    if creds not in ("default", "none"):
        lines.append(creds)
    if extra:
        lines.append(extra)
    (directory / "conf.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def secrets_of(server: Any) -> list[str]:
    creds = server.creds
    return [creds.api_token, creds.password, creds.pat, creds.sso_cookie,
            creds.sso_client_id, creds.sso_client_secret, creds.negotiate_token,
            creds.proxy_password]


class Run:
    def __init__(self, code: int, out: str, err: str, report: dict[str, Any]) -> None:
        self.code = code
        self.out = out
        self.err = err
        self.report = report
        self.text = out + err + json.dumps(report)

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [f for f in self.report["findings"] if f["status"] == "fail"]

    @property
    def causes(self) -> set[str]:
        return {f["cause"] for f in self.failures}

    def options_of(self, cause: str) -> set[str]:
        return {o for f in self.failures if f["cause"] == cause for o in f["options"]}

    def assert_no_secret(self, *secrets: str) -> None:
        for secret in secrets:
            if secret:
                assert secret not in self.text, "a secret value leaked into the output"


def run_doctor(capsys: pytest.CaptureFixture[str], work_dir: Path, *args: str) -> Run:
    report_path = work_dir.parent / f"{work_dir.name}-report.json"
    code = main(["--work-dir", str(work_dir), "--json", str(report_path), *args])
    captured = capsys.readouterr()
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["exit_code"] == code
    return Run(code, captured.out, captured.err, report)
