"""Configuration is checked before any write: bad ports and URLs, numbers that overflow,
``-D`` values of number, bool and list options, and a parent transform that returns
junk each end the build with a clear error naming the option, and no request (or, for
the transform, no write) reaching the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hostile_helpers import make_project
from publish_helpers import current_pages, writes
from sphinx.cmd.build import build_main

from sphinxcontrib.confluencebuilder import config
from sphinxcontrib.confluencebuilder.errors import ConfluenceConfigError
from sphinxcontrib.confluencebuilder.settings import from_config


def _conf(server: Any, extra: str = "") -> str:
    return (f"confluence_publish = True\nconfluence_server_url = {server.url!r}\n"
            f"confluence_server_user = {server.user!r}\n"
            f"confluence_api_token = {server.api_token!r}\n" + extra)


def _run(src: Path, out: Path, *defines: str) -> int:
    args = ["-b", "confluence", "-E", "-q", "-d", str(out / ".doctrees")]
    for item in defines:
        args += ["-D", item]
    return int(build_main([*args, str(src), str(out)]))


BAD_CONF = [
    ("confluence_server_url = 'http://127.0.0.1:0/'", "confluence_server_url", "port 0"),
    ("confluence_server_url = 'http://127.0.0.1:99999/'", "confluence_server_url",
     "Port out of range"),
    ("confluence_server_url = 'http://[::1/'", "confluence_server_url", "Invalid IPv6 URL"),
    ("confluence_proxy = 'http://proxy.example:70000'", "confluence_proxy",
     "Port out of range"),
    ("confluence_publish_delay = 1e308", "confluence_publish_delay", "at most 3600"),
    ("confluence_timeout = float('inf')", "confluence_timeout", "a finite number"),
    ("confluence_publish_retry_duration = float('nan')", "confluence_publish_retry_duration",
     "a finite number"),
    ("confluence_parent_override_transform = 'not a function'",
     "confluence_parent_override_transform", "expected a function"),
]


@pytest.mark.parametrize(("line", "option", "words"), BAD_CONF)
def test_bad_values_stop_the_build_before_any_request(confluence_emulator, tmp_path, capsys,
                                                      line, option, words) -> None:
    server = confluence_emulator
    src = make_project(tmp_path, _conf(server, line + "\n"))
    out = tmp_path / "out"
    assert _run(src, out) != 0
    err = capsys.readouterr().err
    assert option in err and words in err, err
    assert server.requests == []
    assert not list(out.glob("*.meta.json"))


BAD_DEFINES = [
    ("confluence_publish_delay=soon", "confluence_publish_delay", "is not a number"),
    ("confluence_publish_retry_attempts=3.5", "confluence_publish_retry_attempts",
     "is not a whole number"),
    ("confluence_publish_dryrun=maybe", "confluence_publish_dryrun", "is not a boolean"),
    ("confluence_publish_delay=1e999", "confluence_publish_delay", "a finite number"),
    ("confluence_server_url=http://[::1/", "confluence_server_url", "Invalid IPv6 URL"),
]


@pytest.mark.parametrize(("define", "option", "words"), BAD_DEFINES)
def test_bad_defines_name_the_option_before_any_request(confluence_emulator, tmp_path, capsys,
                                                        define, option, words) -> None:
    server = confluence_emulator
    src = make_project(tmp_path, _conf(server))
    assert _run(src, tmp_path / "out", define) != 0
    err = capsys.readouterr().err
    assert option in err and words in err, err
    assert server.requests == []


def test_defines_are_converted_to_the_option_type(confluence_emulator, tmp_path) -> None:
    """Numbers, booleans and comma-separated lists given with -D work as in conf.py."""
    server = confluence_emulator
    src = make_project(tmp_path, _conf(server), pages=3)
    out = tmp_path / "out"
    assert _run(src, out, "confluence_publish_retry_attempts=1",
                "confluence_publish_delay=0.01", "confluence_global_labels=alpha,beta",
                "confluence_publish_allowlist=index,page1", "confluence_watch=yes",
                "confluence_disable_notifications=false") == 0
    pages = current_pages(server.state)
    assert {"Home", "Page1"} <= set(pages) and "Page2" not in pages  # the allow list
    assert {lb.name for lb in pages["Page1"].labels} >= {"alpha", "beta"}
    # a boolean given as "true" is a dry run: nothing more is written
    before = len(writes(server))
    assert _run(src, out, "confluence_publish_dryrun=true") == 0
    assert len(writes(server)) == before
    assert (out / "confluence-plan.json").is_file()


JUNK = [
    "lambda doc, parent: 'Parent Title'",
    "lambda doc, parent: {'id': parent}",
    "lambda doc, parent: -5",
    "lambda doc, parent: True",
    "lambda doc, parent: 987654321",
    "lambda doc, parent: 1 / 0",
]


@pytest.mark.parametrize("transform", JUNK)
def test_junk_from_the_parent_transform_stops_before_the_first_write(
        confluence_emulator, tmp_path, capsys, transform) -> None:
    server = confluence_emulator
    src = make_project(tmp_path, _conf(server, f"confluence_parent_override_transform = "
                                                f"{transform}\n"), pages=3)
    assert _run(src, tmp_path / "out") != 0
    err = capsys.readouterr().err
    assert "confluence_parent_override_transform" in err, err
    assert writes(server) == []
    assert "Home" not in current_pages(server.state)


def test_a_good_parent_transform_still_moves_pages(confluence_emulator, tmp_path) -> None:
    server = confluence_emulator
    home = server.state.spaces["DOCS"].homepage_id
    holder = server.state.create_page("DOCS", "Holder", "<p>x</p>", home)
    transform = f"lambda doc, parent: {holder.id} if doc == 'page2' else None"
    src = make_project(tmp_path, _conf(server, f"confluence_parent_override_transform = "
                                                f"{transform}\n"), pages=3)
    assert _run(src, tmp_path / "out") == 0
    pages = current_pages(server.state)
    assert pages["Page2"].parent_id == holder.id
    assert pages["Page1"].parent_id == pages["Home"].id


def test_settings_refuse_bad_urls_without_sphinx() -> None:
    """The same checks guard code that builds settings from a plain namespace."""
    for url in ("http://[::1/", "https://h:0/", "https://h:65536/"):
        with pytest.raises(ConfluenceConfigError) as info:
            from_config(config.defaults(server_url=url))
        assert info.value.option == "confluence_server_url"
