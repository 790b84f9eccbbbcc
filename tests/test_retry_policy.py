"""One retry layer: every retryable answer is retried by one policy table
(``rest/retrypolicy.py``, carried out by ``rest/transport.py`` alone), and a request
stuck in a retryable state is sent a bounded number of times, never a product of layers.

Each row of the table is checked here against the emulator's fault injection (real HTTP
on 127.0.0.1): rate-limit (429), unavailable (503 + Retry-After), server (5xx),
dropped, conflict (409 on a page or property write, re-read and rebuilt), credential
(401 with a provider, elsewhere: test_credential_expiry.py).
"""

from __future__ import annotations

import pytest
from connection_helpers import RecordingSleep, emulator_settings, settings_for, tiny_server
from publish_helpers import Doc, client_for, publish, write_bundle

from sphinxcontrib.confluencebuilder import errors as E
from sphinxcontrib.confluencebuilder.optiontable import default_of
from sphinxcontrib.confluencebuilder.rest import make_client, retrypolicy
from sphinxcontrib.confluencebuilder.rest.transport import Transport


def _sent(server, method: str, page_id: str | None = None) -> list[dict]:
    return [r for r in server.requests if r["method"] == method
            and (page_id is None or page_id in r.get("path", r.get("endpoint", "")))]


@pytest.mark.parametrize(("mode", "retries"), [("dc", "default"), ("cloud", "default"),
                                               ("dc", 0), ("cloud", 3)])
def test_a_stuck_409_is_sent_one_plus_the_configured_retry_count_in_a_publish(
        confluence_emulator_factory, tmp_path, mode: str, retries: int | str) -> None:
    """Before: transport, client, applier step and applier guard each retried: 36 PUTs."""
    server = confluence_emulator_factory(mode=mode)
    out = write_bundle(tmp_path / "out", [Doc("index", "Home", body="<p>one</p>")])
    first = publish(client_for(server), out)
    page_id = first.page_ids["index"]
    write_bundle(out, [Doc("index", "Home", body="<p>two</p>")])
    server.configure(conflict_rate=1.0)
    before = len(server.requests)
    count = default_of("publish_retry_attempts") if retries == "default" else retries
    client = client_for(server, publish_retry_attempts=count)
    with pytest.raises(E.ConfluenceError):
        publish(client, out)
    puts = [r for r in server.requests[before:] if r["method"] == "PUT"
            and r["status"] == 409]
    expected = 1 + client.transport.settings.retry_attempts
    assert expected <= 4
    assert len(puts) == expected, [r["path"] for r in puts]
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
    retries = client.transport.settings.retry_attempts
    assert methods.count("PUT") == 1 + retries
    # every retried PUT follows a GET of the page's current version
    assert methods == ["PUT"] + ["GET", "PUT"] * retries


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_a_stuck_409_on_a_property_write_is_sent_one_plus_retry_attempts(
        confluence_emulator_factory, api: str) -> None:
    server = confluence_emulator_factory(mode="cloud")
    client = make_client(emulator_settings(server, api_mode=api, publish_retry_attempts=3))
    page = client.create_page(client.get_space("DOCS"), "Props", "<p>1</p>", None)
    version = client.set_property(page.id, "k", {"n": 1})
    server.configure(property_conflict_rate=1.0)
    before = len(server.requests)
    with pytest.raises(E.ConfluenceConflictError):
        client.set_property(page.id, "k", {"n": 2}, version=version)
    sent = server.requests[before:]
    puts = [r for r in sent if r["method"] == "PUT"]
    assert len(puts) == 1 + 3 and {r["status"] for r in puts} == {409}
    # the first PUT used the version the caller knew; each later one followed a re-read
    assert sent[0]["method"] == "PUT" and all(
        sent[i - 1]["method"] == "GET" for i, r in enumerate(sent) if r["method"] == "PUT"
        and i > 0)
    server.configure(property_conflict_rate=0.0)
    assert client.get_property(page.id, "k") == {"n": 1}


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_a_stale_property_version_is_reread_and_written_once(
        confluence_emulator_factory, api: str) -> None:
    """A real conflict: another writer moved the property on; one re-read, one write."""
    server = confluence_emulator_factory(mode="cloud")
    client = make_client(emulator_settings(server, api_mode=api))
    page = client.create_page(client.get_space("DOCS"), "Props", "<p>1</p>", None)
    first = client.set_property(page.id, "k", "a")
    other = make_client(emulator_settings(server, api_mode=api))
    other.set_property(page.id, "k", "b", version=first)     # the other writer
    before = len(server.requests)
    written = client.set_property(page.id, "k", "c", version=first)   # a stale guess
    assert written == first + 2
    writes = [(r["method"], r["status"]) for r in server.requests[before:]
              if r["method"] != "GET"]
    assert writes == [("PUT", 409), ("PUT", 200)]
    assert client.get_property(page.id, "k") == "c"


def test_a_stuck_503_with_retry_after_is_waited_for_on_reads_only() -> None:
    """The "unavailable" row: a GET waits as asked and is sent again within the rate
    budget; a plain POST (no way to tell whether it landed) is sent once."""
    busy = (503, {"Retry-After": "1", "Content-Type": "text/html"}, b"<html>busy</html>")
    sleep = RecordingSleep()
    with tiny_server(lambda request: busy) as srv:
        settings = settings_for(srv.url, publish_token="pat-x", publish_retry_attempts=0)
        transport = Transport(settings, sleep=sleep)
        with pytest.raises(E.ConfluenceConnectionError):
            transport.request("GET", srv.url + "rest/api/space/DOCS")
        assert len(srv.received) == 1 + settings.rate_limit_retries
        assert len(sleep.calls) == settings.rate_limit_retries
        with pytest.raises(E.ConfluenceConnectionError):
            transport.request("POST", srv.url + "rest/api/content", json={})
        assert len(srv.received) == 1 + settings.rate_limit_retries + 1


def test_the_table_has_a_row_for_every_class_and_nothing_else_is_retried() -> None:
    assert set(retrypolicy.POLICY) == set(retrypolicy.RetryClass.__args__)
    classify = retrypolicy.classify_status
    none = frozenset({409})
    assert classify(429, retry_after=None, stale=none, credential_failed=False) == \
        "rate-limit"
    for status in (408, 500, 502, 503, 504):
        assert classify(status, retry_after=None, stale=none, credential_failed=False) == \
            "server"
    assert classify(409, retry_after=None, stale=none, credential_failed=False) == \
        "conflict"
    assert classify(409, retry_after=None, stale=frozenset(), credential_failed=False) \
        is None     # a 409 on a call that is no versioned write is an answer, not a retry
    assert classify(401, retry_after=None, stale=none, credential_failed=True) == \
        "credential"
    for status in (400, 401, 403, 404, 410, 413):
        assert classify(status, retry_after=None, stale=none, credential_failed=False) \
            is None


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
    assert [r["status"] for r in sent] == [429] * (1 + settings.rate_limit_retries) == \
        [429] * 4
    assert len(sleep.calls) >= settings.rate_limit_retries  # it waited before each retry


def test_with_the_defaults_no_retryable_class_sends_a_request_more_than_4_times() -> None:
    """The issue's bound, row by row, from the settings a conf.py with no retry option
    gets (confluence_publish_retry_attempts 2; the rate-limit budget 3)."""
    from sphinxcontrib.confluencebuilder import config
    from sphinxcontrib.confluencebuilder.settings import from_config

    settings = from_config(config.defaults(server_url="https://example.atlassian.net/wiki/",
                                           space_key="DOCS"))
    sends = {kind: 1 + retrypolicy.budget_of(
        rule, retry_attempts=settings.retry_attempts,
        rate_limit_retries=settings.rate_limit_retries)
        for kind, rule in retrypolicy.POLICY.items()}
    assert sends == {"rate-limit": 4, "unavailable": 4, "server": 3, "dropped": 3,
                     "conflict": 3, "credential": 2}


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
