"""connection-test's write-permission step, against the emulator's reported operations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_conntest_support import clean_environment, run_doctor, secrets_of, write_project


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


@pytest.mark.parametrize("mode", ["cloud", "dc"])
def test_create_permission_is_verified(tmp_path: Path, capsys: Any,
                                       confluence_emulator_factory: Any, mode: str) -> None:
    server = confluence_emulator_factory(mode=mode)
    run = run_doctor(capsys, write_project(tmp_path / "p", server))
    run.assert_no_secret(*secrets_of(server))
    assert run.code == 0, run.out
    statuses = {f["step"]: f["status"] for f in run.report["findings"]}
    assert statuses["permission"] == "ok", run.out
    assert "may create pages in DOCS" in run.out
    assert "not verified" not in run.out


@pytest.mark.parametrize("mode", ["cloud", "dc"])
def test_read_only_space_fails_the_permission_step(tmp_path: Path, capsys: Any,
                                                    confluence_emulator_factory: Any,
                                                    mode: str) -> None:
    server = confluence_emulator_factory(mode=mode)
    server.state.create_space("RO", "Read only", read_only=True)
    run = run_doctor(capsys, write_project(tmp_path / "p", server, space="RO"))
    run.assert_no_secret(*secrets_of(server))
    assert run.code == 1, run.out
    assert "no-create-permission" in run.causes, run.out
    assert "confluence_space_key" in run.options_of("no-create-permission")
    assert "not create pages in RO" in run.out


def test_cloud_site_not_recognised_as_cloud_is_named(tmp_path: Path, capsys: Any,
                                                     confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    project = write_project(tmp_path / "p", server)
    conf = project / "conf.py"
    conf.write_text(conf.read_text("utf-8").replace("confluence_cloud = True\n", ""), "utf-8")
    run = run_doctor(capsys, project)
    run.assert_no_secret(*secrets_of(server))
    findings = {f["step"]: f for f in run.report["findings"]}
    assert findings["instance"]["status"] == "warn", run.out
    assert "cloud-not-detected" in run.causes or findings["instance"].get("cause") == \
        "cloud-not-detected", run.out
    assert "confluence_cloud = True" in run.out
    assert run.code == 0, run.out
