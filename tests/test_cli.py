"""The module's command line: default build action, dispatch, usage."""

from __future__ import annotations

from pathlib import Path

from storage_helpers import parse_storage

from sphinxcontrib.confluencebuilder.cli import main


def _project(directory: Path) -> Path:
    directory.mkdir()
    (directory / "conf.py").write_text(
        "extensions = ['sphinxcontrib.confluencebuilder']\nproject = 'CLI'\n", encoding="utf-8")
    (directory / "index.rst").write_text("CLI Home\n========\n\nHello *there*.\n",
                                         encoding="utf-8")
    return directory


def test_default_action_builds_the_work_dir(tmp_path: Path, monkeypatch) -> None:
    project = _project(tmp_path / "docs")
    monkeypatch.chdir(project)
    assert main([]) == 0
    out = project / "_build" / "confluence"
    page = (out / "index.conf").read_text(encoding="utf-8")
    parse_storage(page)
    assert "<em>there</em>" in page
    assert (out / "scb-manifest.json").is_file()


def test_build_with_work_dir_output_dir_and_overrides(tmp_path: Path) -> None:
    project = _project(tmp_path / "docs")
    out = tmp_path / "elsewhere"
    code = main(["build", "--work-dir", str(project), "-o", str(out),
                 "-D", "confluence_publish_prefix=X: "])
    assert code == 0
    meta = (out / "index.meta.json").read_text(encoding="utf-8")
    assert '"title": "X: CLI Home"' in meta


def test_missing_conf_py_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["--work-dir", str(tmp_path)]) == 2
    assert "no conf.py" in capsys.readouterr().err  # errors go to standard error


def test_unknown_command_and_help(capsys) -> None:
    assert main(["frobnicate"]) == 2
    assert "unknown command" in capsys.readouterr().err
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for command in ("build", "connection-test", "publish", "sandbox", "demo"):
        assert command in text


def test_malformed_define_never_echoes_its_value(tmp_path: Path, capsys) -> None:
    from sphinxcontrib.confluencebuilder.doctor.command import main as conntest
    from sphinxcontrib.confluencebuilder.publisher.command import main as publish

    project = _project(tmp_path / "docs")
    secret = "ATATT3xSECRETVALUE42"
    typo = f"confluence_api_token:{secret}"
    assert main(["build", "--work-dir", str(project), "-D", typo]) == 2
    assert publish([str(tmp_path), "--work-dir", str(project), "-D", typo]) == 2
    assert conntest(["--work-dir", str(project), "-D", typo]) == 2
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert secret not in text
    assert text.count("confluence_api_token...: expected the form name=value") == 3
