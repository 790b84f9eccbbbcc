"""One retry layer: every retryable answer is retried by one policy, and a request stuck
in a retryable state is sent a bounded number of times, never a product of layers.

The policy (``rest/transport.py`` and the client's 409 re-read):

====================  =========================================  ==========================
answer                what happens                               sends at most
====================  =========================================  ==========================
5xx, 408              backoff, retry (idempotent calls)          1 + retry_attempts
dropped connection    backoff, retry (idempotent calls)          1 + retry_attempts
429 / Retry-After     wait Retry-After (clamped), retry          1 + rate_limit_retries
409 on a page update  re-read the version, write again           1 + CONFLICT_RETRIES (4)
====================  =========================================  ==========================

Measured with the emulator's fault injection (real HTTP on 127.0.0.1).
"""

from __future__ import annotations

import pytest
from connection_helpers import RecordingSleep, emulator_settings
from publish_helpers import Doc, client_for, publish, write_bundle

from sphinxcontrib.confluencebuilder import errors as E
from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.rest.common import CONFLICT_RETRIES


def _sent(server, method: str, page_id: str | None = None) -> list[dict]:
    return [r for r in server.requests if r["method"] == method
            and (page_id is None or page_id in r.get("path", r.get("endpoint", "")))]


@pytest.mark.parametrize("mode", ["dc", "cloud"])
def test_a_stuck_409_is_sent_at_most_the_retry_count_in_a_publish(
        confluence_emulator_factory, tmp_path, mode: str) -> None:
    """Before: transport, client, applier step and applier guard each retried: 36 PUTs."""
    server = confluence_emulator_factory(mode=mode)
    out = write_bundle(tmp_path / "out", [Doc("index", "Home", body="<p>one</p>")])
    first = publish(client_for(server), out)
    page_id = first.page_ids["index"]
    write_bundle(out, [Doc("index", "Home", body="<p>two</p>")])
    server.configure(conflict_rate=1.0)
    before = len(server.requests)
    with pytest.raises(E.ConfluenceError):
        publish(client_for(server), out)
    puts = [r for r in server.requests[before:] if r["method"] == "PUT"
            and r["status"] == 409]
    assert 1 <= len(puts) <= 1 + CONFLICT_RETRIES <= 4, [r["path"] for r in puts]
    assert all(page_id in r["path"] for r in puts)
    server.configure(conflict_rate=0.0)
    assert "<p>one</p>" in server.state.get_content(page_id).body  # nothing half-written


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_409_rereads_the_version_between_writes(confluence_emulator_factory, api: str) -> None:
    server = confluence_emulator_factory()
    client = make_client(emulator_settings(server, api_mode=api))
    page = client.create_page(client.get_space("DOCS"), "Busy", "<p>1</p>", None)
    server.configure(conflict_rate=1.0)
    before = len(server.requests)
    with pytest.raises(E.ConfluenceConflictError):
        client.update_page(page, "Busy", "<p>2</p>", None)
    methods = [r["method"] for r in server.requests[before:]]
    assert methods.count("PUT") == 1 + CONFLICT_RETRIES
    # every retried PUT follows a GET of the page's current version
    assert methods == ["PUT"] + ["GET", "PUT"] * CONFLICT_RETRIES


@pytest.mark.parametrize(("knob", "status"), [("error_rate", 500), ("drop_rate", None)])
def test_5xx_and_drops_are_sent_one_plus_retry_attempts(confluence_emulator_factory,
                                                         knob: str, status) -> None:
    server = confluence_emulator_factory()
    settings = emulator_settings(server, publish_retry_attempts=3)
    client = make_client(settings, sleep=RecordingSleep())
    server.configure(**{knob: 1.0})
    before = len(server.requests)
    with pytest.raises(E.ConfluenceConnectionError):
        client.get_space("DOCS")
    sent = server.requests[before:]
    assert len(sent) == 1 + settings.retry_attempts == 4
    if status is not None:
        assert {r["status"] for r in sent} <= {500, 502, 503}


def test_429_is_sent_one_plus_rate_limit_retries(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(rate_limit=0.001, rate_burst=1)
    settings = emulator_settings(server)
    sleep = RecordingSleep()
    client = make_client(settings, sleep=sleep)
    client.get_space("DOCS")  # takes the only token
    before = len(server.requests)
    with pytest.raises(E.ConfluenceConnectionError):
        client.get_space("DOCS")
    sent = server.requests[before:]
    assert [r["status"] for r in sent] == [429] * (1 + settings.rate_limit_retries)
    assert len(sleep.calls) >= settings.rate_limit_retries  # it waited before each retry


@pytest.mark.parametrize("mode", ["dc", "cloud"])
def test_a_stuck_5xx_page_update_is_sent_one_plus_retry_attempts_in_a_publish(
        confluence_emulator_factory, tmp_path, mode: str) -> None:
    """Before: the applier's guard repeated the step after the transport's own retries
    (3 x 3 = 9 PUTs with two retry attempts)."""
    from sphinxcontrib.confluencebuilder.pages import read_bundle
    from sphinxcontrib.confluencebuilder.publisher import Publisher, PublishSettings

    server = confluence_emulator_factory(mode=mode)
    out = write_bundle(tmp_path / "out", [Doc("index", "Home", body="<p>one</p>")])
    page_id = publish(client_for(server), out).page_ids["index"]
    write_bundle(out, [Doc("index", "Home", body="<p>two</p>")])
    client = client_for(server, publish_retry_attempts=2)
    publisher = Publisher(client, PublishSettings(space_key="DOCS", project="Proj"))
    plan = publisher.plan(read_bundle(out))
    assert [p.action for p in plan.pages] == ["update"]
    server.configure(error_rate=1.0)
    before = len(server.requests)
    with pytest.raises(E.ConfluenceError):
        publisher.apply(plan)
    puts = [r for r in server.requests[before:] if r["method"] == "PUT"]
    assert 1 <= len(puts) <= 1 + 2  # one send and publish_retry_attempts = 2 retries
    assert all(page_id in r["path"] for r in puts)
