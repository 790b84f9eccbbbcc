"""Every answer bounded (issue 17, item 3): a finite default timeout, a total deadline per
request, a streamed cap on the answer size, and paged listings whose ``next`` link
repeats end in a bad-response error naming the URL (v1 and v2)."""

from __future__ import annotations

import gzip
import math
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from connection_helpers import emulator_settings, settings_for, tiny_server
from hostile_server_helpers import tamper
from test_conntest_support import clean_environment, run_doctor, write_project

from sphinxcontrib.confluencebuilder import config
from sphinxcontrib.confluencebuilder.errors import (
    ConfluenceBadResponseError,
    ConfluenceTimeoutError,
)
from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.settings import from_config


def test_default_timeout_and_deadline_are_finite() -> None:
    settings = from_config(config.defaults(server_url="https://x.example/"))
    assert settings.timeout is not None and math.isfinite(settings.timeout)
    assert 0 < settings.timeout <= 120
    assert math.isfinite(settings.deadline) and settings.deadline >= settings.timeout
    assert 0 < settings.max_bytes < 2 ** 31


def test_bounds_come_from_conf_py() -> None:
    settings = from_config(config.defaults(server_url="https://x.example/", timeout=3,
                                           request_deadline=7, response_size_limit=1000))
    assert (settings.timeout, settings.deadline, settings.max_bytes) == (3.0, 7.0, 1000)


@pytest.mark.parametrize("mode", ["cloud", "dc"])
def test_slow_loris_answer_ends_at_the_deadline(confluence_emulator_factory: Any,
                                                mode: str) -> None:
    """One byte every 0.2 s never trips the per-read timeout; the deadline ends it."""
    server = confluence_emulator_factory(mode=mode, slow_body=0.2)
    client = make_client(emulator_settings(server, timeout=5, request_deadline=1))
    with pytest.raises(ConfluenceTimeoutError) as caught:
        client.get_space("DOCS")
    assert "deadline" in caught.value.message
    assert "confluence_request_deadline" in caught.value.options


def test_connection_test_ends_on_a_slow_loris_server(confluence_emulator_factory: Any,
                                                     tmp_path: Path, capsys: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)
    server = confluence_emulator_factory(mode="cloud", slow_body=0.2)
    project = write_project(tmp_path / "p", server,
                            extra="confluence_request_deadline = 1\nconfluence_timeout = 5")
    run = run_doctor(capsys, project)
    assert run.code != 0
    assert "deadline" in run.causes
    assert "confluence_request_deadline" in run.options_of("deadline")
    assert "Traceback" not in run.out + run.err


def test_oversized_answer_is_refused_while_streaming(confluence_emulator_factory: Any
                                                     ) -> None:
    """A 48 MiB answer without Content-Length: the cap stops reading after 1 MiB, so the
    memory the request takes stays far below the answer's size."""
    size = 48 * 1024 * 1024
    server = confluence_emulator_factory(mode="cloud", oversize=size)
    client = make_client(emulator_settings(server, response_size_limit=1024 * 1024))
    tracemalloc.start()
    try:
        with pytest.raises(ConfluenceBadResponseError) as caught:
            client.get_space("DOCS")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "too large" in caught.value.message
    assert "confluence_response_size_limit" in caught.value.options
    assert peak < size / 4, f"peak {peak} bytes while reading a {size}-byte answer"


@pytest.mark.parametrize("mode", ["cloud", "dc"])
def test_repeating_next_link_ends_with_the_url(confluence_emulator_factory: Any,
                                               mode: str) -> None:
    server = confluence_emulator_factory(mode=mode)
    client = make_client(emulator_settings(server))
    space = client.get_space("DOCS")
    server.configure(loop_next=True)
    with pytest.raises(ConfluenceBadResponseError) as caught:
        client.list_pages(space)
    message = caught.value.message
    assert "repeats" in message
    assert server.origin in message and caught.value.url.startswith(server.origin)
    assert len(server.requests) < 10  # ended at the first repeat, not after many


@pytest.mark.parametrize("mode", ["cloud", "dc"])
def test_next_link_leaving_the_listing_is_refused(confluence_emulator_factory: Any,
                                                  mode: str) -> None:
    server = confluence_emulator_factory(mode=mode, max_limit=1)
    client = make_client(emulator_settings(server))
    space = client.get_space("DOCS")
    for title in ("One", "Two"):
        server.state.create_page("DOCS", title, "<p/>", by=server.account_id)
    real = [p.title for p in client.list_pages(space)]
    assert {"One", "Two"} <= set(real)   # paging itself still works
    server.configure(mutate=0.0)
    original = server._faults.hostile

    def wander(rsp: Any, method: str, url: str) -> Any:
        if isinstance(rsp.body, dict) and isinstance(rsp.body.get("_links"), dict) \
                and rsp.body["_links"].get("next"):
            rsp.body["_links"]["next"] = url.split("?")[0] + "/../../admin?x=1"
        return original(rsp, method, url)

    server._faults.hostile = wander  # type: ignore[method-assign]
    before = len(server.requests)
    with pytest.raises(ConfluenceBadResponseError) as caught:
        client.list_pages(space)
    assert "leaves the listing" in caught.value.message
    assert all("admin" not in r["path"] for r in server.requests[before:])


@pytest.mark.parametrize("mode", ["cloud", "dc"])
def test_next_links_that_bring_nothing_new_end_with_the_url(confluence_emulator_factory: Any,
                                                            mode: str) -> None:
    """Each next link is new (a fresh cursor) but the pages repeat the same results:
    the listing stops as making no progress instead of paging for ever."""
    server = confluence_emulator_factory(mode=mode)
    client = make_client(emulator_settings(server))
    space = client.get_space("DOCS")
    counter = iter(range(10 ** 6))

    def endless(method: str, url: str, body: Any) -> Any:
        if isinstance(body, dict) and isinstance(body.get("results"), list):
            base, _, query = url.partition("?")
            body["_links"] = {**body.get("_links", {}),
                              "next": f"{base}?{query}&nonce={next(counter)}"}
        return body

    tamper(server, endless)
    with pytest.raises(ConfluenceBadResponseError) as caught:
        client.list_pages(space)
    assert "makes no progress" in caught.value.message
    assert server.origin in caught.value.message
    assert len(server.requests) < 200


def test_a_declared_oversized_answer_is_refused_before_reading() -> None:
    def huge(got: Any) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/json", "Content-Length": str(10 ** 12)}, b"{"

    with tiny_server(huge) as server:
        client = make_client(settings_for(server.url, publish_token="t" * 20,
                                          response_size_limit=1000))
        with pytest.raises(ConfluenceBadResponseError) as caught:
            client.current_user()
    assert "too large" in caught.value.message


def test_a_compressed_answer_is_capped_after_decompression() -> None:
    """A small gzip body that expands to 32 MiB (a decompression bomb) is cut off at
    the cap: the cap counts what the answer expands to, not what travels."""
    bomb = gzip.compress(b'{"pad": "' + b"0" * (32 * 1024 * 1024) + b'"}')
    assert len(bomb) < 100_000

    def compressed(got: Any) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, bomb

    with tiny_server(compressed) as server:
        client = make_client(settings_for(server.url, publish_token="t" * 20,
                                          response_size_limit=1024 * 1024))
        tracemalloc.start()
        try:
            with pytest.raises(ConfluenceBadResponseError) as caught:
                client.current_user()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert "too large" in caught.value.message
    assert peak < 8 * 1024 * 1024
