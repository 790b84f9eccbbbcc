"""Retries, Retry-After (both forms, clamped), backoff, safe retries of creates, 409
refetch, and the shared limiter that slows down before the server answers 429."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
import requests
from connection_helpers import RecordingSleep, emulator_settings, settings_for, tiny_server

from sphinxcontrib.confluencebuilder import errors as E
from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.rest.ratelimit import (
    RateLimiter,
    backoff_delay,
    limiter_for,
    parse_retry_after,
)
from sphinxcontrib.confluencebuilder.rest.transport import Transport

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)


# -- pure helpers ----------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("7", 7.0), ("0", 0.0), ("2.5", 2.5), ("9223372036854775807", 60.0), ("-3", 0.0),
    ("Thu, 01 Jan 2026 12:00:10 GMT", 10.0), ("Thu, 01 Jan 2026 11:59:00 GMT", 0.0),
    ("Fri, 02 Jan 2026 12:00:00 GMT", 60.0), ("soon", None), ("", None), (None, None),
])
def test_parse_retry_after(value, expected) -> None:
    assert parse_retry_after(value, cap=60.0, now=lambda: NOW) == expected


def test_backoff_is_exponential_capped_and_jittered() -> None:
    mid = [backoff_delay(n, 1.0, 30.0, rng=lambda a, b: 1.0) for n in range(7)]
    assert mid == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert backoff_delay(1, 1.0, 30.0, rng=lambda a, b: a) == pytest.approx(1.4)
    assert backoff_delay(9, 1.0, 30.0, rng=lambda a, b: b) == 30.0


def test_limiter_blocks_all_callers_after_retry_after() -> None:
    clock = [100.0]
    waits: list[float] = []
    limiter = RateLimiter(clock=lambda: clock[0], sleep=waits.append, retry_after_cap=30)
    limiter.observe(429, {"Retry-After": "4"})
    assert limiter.acquire() == pytest.approx(4.0)
    limiter.observe(429, {"Retry-After": "99999"})
    assert limiter.acquire() == pytest.approx(30.0)  # clamped
    assert waits == [pytest.approx(4.0), pytest.approx(30.0)]


def test_a_client_that_will_not_wait_leaves_the_waits_of_others_alone() -> None:
    # the doctor (connection-test, the build's start check) asks with a cap of 0 s and
    # meets the shared limiter first; the publish that follows must still honour 429s
    clock = [100.0]
    limiter = RateLimiter(clock=lambda: clock[0], sleep=lambda s: None, retry_after_cap=0.0)
    assert limiter.observe(429, {"Retry-After": "4"}) == 0.0
    assert limiter.acquire() == 0.0
    assert limiter.observe(429, {"Retry-After": "4"}, cap=30.0) == pytest.approx(4.0)
    assert limiter.acquire() == pytest.approx(4.0)


def test_limiter_slows_down_after_the_doctor_met_the_server(confluence_emulator_factory
                                                            ) -> None:
    server = confluence_emulator_factory(mode="dc", rate_limit=10, rate_burst=4)
    quiet = replace(emulator_settings(server, api_mode="v1"), retry_after_cap=0.0,
                    rate_limit_retries=0)
    make_client(quiet, sleep=lambda s: None).get_space("DOCS")  # creates the limiter
    sleep = RecordingSleep(cap=0.3)
    client = make_client(emulator_settings(server, api_mode="v1"), sleep=sleep)
    for _ in range(10):
        client.get_space("DOCS")
    statuses = [r["status"] for r in server.requests]
    assert statuses.count(429) == 0, statuses
    assert max(sleep.calls) > 0


def test_limiter_paces_when_budget_runs_low() -> None:
    limiter = RateLimiter(clock=lambda: 0.0, sleep=lambda s: None)
    limiter.observe(200, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "90"})
    assert limiter.pace == 0.0
    limiter.observe(200, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "5"})
    assert limiter.pace > 0.0
    limiter.observe(200, {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0",
                          "X-RateLimit-FillRate": "4", "X-RateLimit-Interval-Seconds": "1"})
    assert limiter.pace == pytest.approx(0.25)
    limiter.observe(200, {"X-RateLimit-NearLimit": "true"})
    assert limiter.pace > 0.0


def test_one_limiter_per_server_shared_by_threads(confluence_emulator) -> None:
    settings = emulator_settings(confluence_emulator)
    seen = []

    def make() -> None:
        seen.append(Transport(settings).limiter)

    threads = [threading.Thread(target=make) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(x) for x in seen}) == 1
    assert seen[0] is limiter_for(settings.origin)


# -- 429 and 503 with Retry-After ------------------------------------------------------------

def _scripted(answers):
    """A handler that plays ``answers`` in order, then repeats the last one."""
    lock = threading.Lock()

    def handler(req):
        with lock:
            return answers.pop(0) if len(answers) > 1 else answers[0]
    return handler


SPACE = (200, {"Content-Type": "application/json"},
         b'{"id": 1, "key": "DOCS", "name": "Docs", "type": "global"}')


@pytest.mark.parametrize("form", ["seconds", "date"])
def test_429_honours_retry_after(form: str) -> None:
    when = datetime.now(timezone.utc) + timedelta(seconds=3)
    value = "3" if form == "seconds" else format_datetime(when, usegmt=True)
    answers = [(429, {"Retry-After": value, "Content-Type": "text/plain"}, b"slow down"), SPACE]
    sleep = RecordingSleep()
    with tiny_server(_scripted(answers)) as srv:
        client = make_client(settings_for(srv.url, publish_token="pat-x"), sleep=sleep)
        assert client.get_space("DOCS").key == "DOCS"
        assert len(srv.received) == 2
    assert len(sleep.calls) == 1
    assert 1.5 < sleep.calls[0] <= 3.0


def test_retry_after_is_clamped() -> None:
    answers = [(429, {"Retry-After": "9223372036854775807"}, b""), SPACE]
    sleep = RecordingSleep()
    with tiny_server(_scripted(answers)) as srv:
        settings = settings_for(srv.url, publish_token="pat-x")  # cap 5 s in tests
        make_client(settings, sleep=sleep).get_space("DOCS")
    assert sleep.calls == [pytest.approx(5.0, abs=0.05)]


def test_503_with_retry_after_is_retried() -> None:
    answers = [(503, {"Retry-After": "1"}, b"<html>busy</html>"), SPACE]
    sleep = RecordingSleep()
    with tiny_server(_scripted(answers)) as srv:
        make_client(settings_for(srv.url, publish_token="pat-x"), sleep=sleep).get_space("DOCS")
        assert len(srv.received) == 2
    assert sleep.calls == [pytest.approx(1.0, abs=0.05)]


def test_429_without_retry_after_backs_off_then_gives_up() -> None:
    sleep = RecordingSleep()
    with tiny_server(lambda r: (429, {}, b"")) as srv:
        # waits of seconds that the recording sleep does not really take: each retry
        # finds the limiter still blocked however slow the machine is
        settings = replace(settings_for(srv.url, publish_token="pat-x",
                                        publish_retry_duration=2), backoff_cap=4.0)
        with pytest.raises(E.ConfluenceRateLimitError) as info:
            make_client(settings, sleep=sleep).get_space("DOCS")
        assert len(srv.received) == settings.rate_limit_retries + 1
    assert "confluence_publish_delay" in info.value.options
    assert len(sleep.calls) == settings.rate_limit_retries


@pytest.mark.parametrize("date_form", [False, True])
def test_emulator_429_then_success(confluence_emulator_factory, date_form: bool) -> None:
    # 5 req/s: the client comes well within the 0.2 s refill after the neighbour
    server = confluence_emulator_factory(rate_limit=5, rate_burst=1,
                                         retry_after_date=date_form)
    sleep = RecordingSleep(cap=0.15)
    client = make_client(emulator_settings(server), sleep=sleep)
    requests.get(server.url + "api/v2/spaces", timeout=5)  # a neighbour drains the bucket
    assert client.get_space("DOCS").key == "DOCS"
    statuses = [r["status"] for r in server.requests]
    assert statuses[-2:] == [429, 200]
    assert sleep.calls and max(sleep.calls) <= 5.0


def test_limiter_slows_down_before_429(confluence_emulator_factory) -> None:
    for mode in ("dc", "cloud"):
        server = confluence_emulator_factory(mode=mode, rate_limit=10, rate_burst=4)
        sleep = RecordingSleep(cap=0.3)
        client = make_client(emulator_settings(server, api_mode="v1"), sleep=sleep)
        for _ in range(10):
            client.get_space("DOCS")
        statuses = [r["status"] for r in server.requests]
        assert statuses.count(429) == 0, (mode, statuses)
        assert client.transport.limiter.waits > 0
        assert len(statuses) == 10


# -- 5xx and dropped connections -----------------------------------------------------------

def test_5xx_retried_for_reads(confluence_emulator) -> None:
    server = confluence_emulator
    server.configure(error_rate=1.0)
    sleep = RecordingSleep(hook=lambda s: server.configure(error_rate=0.0))
    client = make_client(emulator_settings(server), sleep=sleep)
    assert client.get_space("DOCS").key == "DOCS"
    assert [r["status"] >= 500 for r in server.requests] == [True, False]
    assert client.transport.retries == 1


def test_5xx_gives_up_after_the_configured_attempts(confluence_emulator) -> None:
    server = confluence_emulator
    server.configure(error_rate=1.0)
    sleep = RecordingSleep()
    client = make_client(emulator_settings(server, publish_retry_attempts=3), sleep=sleep)
    with pytest.raises(E.ConfluenceServerError) as info:
        client.get_space("DOCS")
    assert len(server.requests) == 4
    assert "confluence_publish_retry_attempts" in info.value.options


def test_dropped_connection_retried_for_reads(confluence_emulator) -> None:
    server = confluence_emulator
    server.configure(drop_rate=1.0)
    sleep = RecordingSleep(hook=lambda s: server.configure(drop_rate=0.0))
    client = make_client(emulator_settings(server), sleep=sleep)
    assert client.get_space("DOCS").key == "DOCS"
    assert [r["dropped"] for r in server.requests] == [True, False]


def test_plain_post_is_not_retried(confluence_emulator) -> None:
    server = confluence_emulator
    server.configure(error_rate=1.0)
    transport = Transport(emulator_settings(server), sleep=RecordingSleep())
    with pytest.raises(E.ConfluenceServerError):
        transport.request("POST", server.url + "rest/api/content", json={})
    assert len(server.requests) == 1


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_failed_create_is_checked_then_retried_once(confluence_emulator, api: str) -> None:
    server = confluence_emulator
    client = make_client(emulator_settings(server, api_mode=api),
                         sleep=RecordingSleep(hook=lambda s: server.configure(error_rate=0.0)))
    space = client.get_space("DOCS")
    server.configure(error_rate=1.0)
    page = client.create_page(space, "Made Once", "<p>x</p>", None)
    titles = [p.title for p in client.list_pages(space)]
    assert titles.count("Made Once") == 1 and page.title == "Made Once"


def _lossy_forwarder(server, path_part: str, dropped: list[str]):
    """Forwards to the emulator; the first POST whose path contains ``path_part`` is
    carried out, but its answer is lost (the connection is closed)."""

    def forward(req):
        url = server.origin + req.path
        headers = {k: v for k, v in req.headers.items() if k.lower() not in ("host",)}
        answer = requests.request(req.method, url, headers=headers, data=req.body, timeout=5,
                                  allow_redirects=False)
        if req.method == "POST" and path_part in req.path and not dropped:
            dropped.append(req.path)
            return None
        keep = {k: v for k, v in answer.headers.items()
                if k.lower() in ("content-type", "retry-after")}
        return answer.status_code, keep, answer.content
    return forward


def test_create_whose_answer_was_lost_is_not_repeated(confluence_emulator) -> None:
    """A proxy forwards the first create, then drops the connection before answering."""
    server = confluence_emulator
    dropped: list[str] = []
    forward = _lossy_forwarder(server, "/content", dropped)

    with tiny_server(forward) as proxy:
        settings = emulator_settings(server, server_url=proxy.url + "wiki/", api_mode="v1")
        client = make_client(settings, sleep=RecordingSleep())
        space = client.get_space("DOCS")
        page = client.create_page(space, "Lost Answer", "<p>x</p>", None)
    assert dropped
    posts = [r for r in server.requests if r["method"] == "POST"]
    assert len(posts) == 1
    assert page.id == client.find_page_by_title(space, "Lost Answer").id


# -- 409 --------------------------------------------------------------------------------

@pytest.mark.parametrize("api", ["v1", "v2"])
def test_409_refetches_version_and_retries(confluence_emulator, api: str) -> None:
    client = make_client(emulator_settings(confluence_emulator, api_mode=api))
    space = client.get_space("DOCS")
    page = client.create_page(space, "Busy", "<p>1</p>", None)
    client.update_page(page, "Busy", "<p>someone else</p>", None)  # page is now stale
    updated = client.update_page(page, "Busy", "<p>ours</p>", None)
    assert updated.version == 3
    assert client.get_page(page.id, body=True).body == "<p>ours</p>"


def test_409_gives_up_after_bounded_retries(confluence_emulator) -> None:
    server = confluence_emulator
    client = make_client(emulator_settings(server, api_mode="v1"))
    space = client.get_space("DOCS")
    page = client.create_page(space, "Always Busy", "<p>1</p>", None)
    server.configure(conflict_rate=1.0)
    with pytest.raises(E.ConfluenceConflictError):
        client.update_page(page, "Always Busy", "<p>2</p>", None)
    puts = [r for r in server.requests if r["method"] == "PUT"]
    assert len(puts) == 1 + client.transport.settings.retry_attempts == 3


def test_threads_share_the_limiter_and_all_succeed(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc", rate_limit=40, rate_burst=4)
    client = make_client(emulator_settings(server), sleep=RecordingSleep(cap=5.0))  # waits really taken
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                client.get_space("DOCS")
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sum(r["status"] == 200 for r in server.requests) == 20


def test_publish_delay_spaces_every_request(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc")
    sleep = RecordingSleep()
    client = make_client(emulator_settings(server, publish_delay=0.25), sleep=sleep)
    for _ in range(3):
        client.get_space("DOCS")
    assert len(sleep.calls) == 2  # before the 2nd and 3rd request
    # the fake sleep lets no time pass, so the slots add up: 0.25 s, then 0.5 s, less
    # the real time the requests took (a loaded machine takes longer: only upper bounds)
    first, second = sleep.calls
    assert 0 < first <= 0.26 and first < second <= 0.51, sleep.calls


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_attachment_upload_lost_answer_is_not_repeated(confluence_emulator, api: str) -> None:
    server = confluence_emulator
    dropped: list[str] = []
    with tiny_server(_lossy_forwarder(server, "/child/attachment", dropped)) as proxy:
        settings = emulator_settings(server, server_url=proxy.url + "wiki/", api_mode=api)
        client = make_client(settings, sleep=RecordingSleep())
        space = client.get_space("DOCS")
        page = client.create_page(space, "With file", "<p/>", None)
        att = client.upload_attachment(page.id, "f.txt", b"data", "text/plain")
        assert [a.name for a in client.list_attachments(page.id)] == ["f.txt"]
    assert dropped and att.name == "f.txt" and att.version == 1
    uploads = [r for r in server.requests if r["method"] == "POST" and "attachment" in r["path"]]
    assert len(uploads) == 1


def test_attachment_upload_refused_by_5xx_is_checked_then_retried(confluence_emulator) -> None:
    server = confluence_emulator
    client = make_client(emulator_settings(server, api_mode="v1"),
                         sleep=RecordingSleep(hook=lambda s: server.configure(error_rate=0.0)))
    page = client.create_page(client.get_space("DOCS"), "Files", "<p/>", None)
    server.configure(error_rate=1.0)
    att = client.upload_attachment(page.id, "g.txt", b"x", "text/plain")
    assert [a.id for a in client.list_attachments(page.id)] == [att.id]
