"""Realism knobs: latency, token-bucket rate limits, random faults, deprecation and removal."""

from __future__ import annotations

import re
import time
from email.utils import parsedate_to_datetime

import pytest
import requests

from sphinxcontrib.confluencebuilder.testing.faults import TokenBucket

T = 5


def _cloud(s) -> dict[str, object]:
    return {"auth": (s.user, s.api_token), "timeout": T}


def _dc(s) -> dict[str, object]:
    return {"headers": {"Authorization": f"Bearer {s.pat}"}, "timeout": T}


def test_latency_applies_to_api_not_admin(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(latency=0.15)
    started = time.monotonic()
    assert requests.get(s.url + "rest/api/space/DOCS", **_cloud(s)).status_code == 200
    assert time.monotonic() - started >= 0.15  # a lower bound: never flaky
    # the bounds below are far from the latency set, so a busy machine cannot blur them
    s.configure(latency=3.0)
    started = time.monotonic()
    requests.get(s.origin + "/__emulator__/counts", timeout=T)
    assert time.monotonic() - started < 2.0, "admin paths must not be delayed"
    s.configure(latency=0.0)
    started = time.monotonic()
    requests.get(s.url + "rest/api/space/DOCS", **_cloud(s))
    assert time.monotonic() - started < 2.0, "latency 0 must switch the delay off"


def test_token_bucket_refills() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=2, capacity=3, clock=lambda: now[0])
    assert [bucket.take()[0] for _ in range(4)] == [True, True, True, False]
    allowed, left, wait = bucket.take()
    assert not allowed and left == 0 and wait == pytest.approx(0.5)
    now[0] = 0.5
    assert bucket.take()[0] is True
    now[0] = 100.0
    assert bucket.take()[1] == 2  # capped at capacity, minus the one taken


def test_cloud_rate_limit_429_and_headers(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(rate_limit=4, rate_burst=5)
    seen = [requests.get(s.url + "rest/api/space/DOCS", **_cloud(s)) for _ in range(6)]
    assert [r.status_code for r in seen] == [200] * 5 + [429]
    first, last_ok, limited = seen[0], seen[4], seen[5]
    assert first.headers["X-RateLimit-Limit"] == "5"
    assert first.headers["X-RateLimit-Remaining"] == "4"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ", first.headers["X-RateLimit-Reset"])
    assert "X-RateLimit-NearLimit" not in first.headers
    assert last_ok.headers["X-RateLimit-NearLimit"] == "true"
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["RateLimit-Reason"].startswith("confluence-quota")
    time.sleep(0.3)  # 4 tokens/s: one token is back after 0.25 s
    assert requests.get(s.url + "rest/api/space/DOCS", **_cloud(s)).status_code == 200
    # a v2 call that is limited answers in the v2 error shape
    s.configure(rate_limit=1, rate_burst=1)
    requests.get(s.url + "api/v2/spaces", **_cloud(s))
    v2 = requests.get(s.url + "api/v2/spaces", **_cloud(s))
    assert v2.status_code == 429 and v2.json()["errors"][0]["status"] == 429


def test_retry_after_as_http_date(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(rate_limit=0.5, rate_burst=1, retry_after_date=True)
    assert requests.get(s.url + "rest/api/space/DOCS", **_cloud(s)).status_code == 200
    limited = requests.get(s.url + "rest/api/space/DOCS", **_cloud(s))
    assert limited.status_code == 429
    when = parsedate_to_datetime(limited.headers["Retry-After"])
    assert limited.headers["Retry-After"].endswith("GMT")
    assert 0 < when.timestamp() - time.time() <= 3


def test_dc_rate_limit_headers(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc", rate_limit=2, rate_burst=2)
    ok = requests.get(s.url + "rest/api/space/DOCS", **_dc(s))
    assert ok.status_code == 200
    assert ok.headers["X-RateLimit-Limit"] == "2"
    assert ok.headers["X-RateLimit-Remaining"] == "1"
    assert ok.headers["X-RateLimit-Interval-Seconds"] == "1"
    assert ok.headers["X-RateLimit-FillRate"] == "2"
    assert ok.headers["Retry-After"] == "0"
    requests.get(s.url + "rest/api/space/DOCS", **_dc(s))
    limited = requests.get(s.url + "rest/api/space/DOCS", **_dc(s))
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["statusCode"] == 429


def _statuses(s, count: int) -> list[int]:
    return [requests.get(s.url + "rest/api/space/DOCS", **_cloud(s)).status_code
            for _ in range(count)]


def test_error_rate_is_random_but_seeded(confluence_emulator_factory) -> None:
    always = confluence_emulator_factory(error_rate=1.0, seed=1)
    assert set(_statuses(always, 12)) <= {500, 502, 503}
    assert len(set(_statuses(always, 12))) > 1
    a = confluence_emulator_factory(error_rate=0.5, seed=42)
    b = confluence_emulator_factory(error_rate=0.5, seed=42)
    first, second = _statuses(a, 16), _statuses(b, 16)
    assert first == second and 200 in first and set(first) - {200}


def test_conflict_rate_only_hits_page_updates(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(conflict_rate=1.0)
    page = s.state.create_page("DOCS", "Conflicted")
    body = {"type": "page", "title": "Conflicted", "version": {"number": 2},
            "body": {"storage": {"value": "<p>x</p>", "representation": "storage"}}}
    put = requests.put(s.url + f"rest/api/content/{page.id}", json=body, **_cloud(s))
    assert put.status_code == 409
    assert "OptimisticLockException" in put.json()["message"]
    assert requests.get(s.url + f"rest/api/content/{page.id}", **_cloud(s)).status_code == 200
    v2 = requests.put(s.url + f"api/v2/pages/{page.id}", **_cloud(s),
                      json={"id": page.id, "status": "current", "title": "Conflicted",
                            "version": {"number": 2},
                            "body": {"representation": "storage", "value": "<p>x</p>"}})
    assert v2.status_code == 409 and v2.json()["errors"][0]["code"] == "CONFLICT"
    s.configure(conflict_rate=0.0)
    put = requests.put(s.url + f"rest/api/content/{page.id}", json=body, **_cloud(s))
    assert put.status_code == 200 and put.json()["version"]["number"] == 2


def test_drop_rate_closes_connections(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(drop_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        requests.get(s.url + "rest/api/space/DOCS", **_cloud(s))
    assert s.requests[-1]["dropped"] is True and s.requests[-1]["status"] == 0
    assert requests.get(s.origin + "/__emulator__/counts", timeout=T).status_code == 200
    s.configure(drop_rate=0.0)
    assert requests.get(s.url + "rest/api/space/DOCS", **_cloud(s)).status_code == 200


def test_deprecation_headers_on_cloud_v1(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(deprecation_headers=True)
    home = s.state.spaces["DOCS"].homepage_id
    v1 = requests.get(s.url + f"rest/api/content/{home}", **_cloud(s))
    assert v1.headers["Deprecation"].endswith("GMT")
    assert 'rel="deprecation"' in v1.headers["Link"]
    v2 = requests.get(s.url + f"api/v2/pages/{home}", **_cloud(s))
    assert v2.status_code == 200 and "Deprecation" not in v2.headers
    att = requests.get(s.url + f"rest/api/content/{home}/child/attachment", **_cloud(s))
    assert "Deprecation" not in att.headers


def test_v1_gone(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(v1_gone=True)
    home = s.state.spaces["DOCS"].homepage_id
    gone = requests.get(s.url + f"rest/api/content/{home}", **_cloud(s))
    assert gone.status_code == 410
    assert gone.json()["message"] == ("com.atlassian.confluence.api.service.exceptions."
                                      "GoneException: This deprecated endpoint has been removed.")
    assert requests.get(s.url + f"api/v2/pages/{home}", **_cloud(s)).status_code == 200
    att = requests.get(s.url + f"rest/api/content/{home}/child/attachment", **_cloud(s))
    assert att.status_code == 200


def test_retry_after_verbatim_value(confluence_emulator_factory) -> None:
    huge = "9223372036854775807"
    s = confluence_emulator_factory(rate_limit=0.5, rate_burst=1, retry_after=huge)
    requests.get(s.url + "rest/api/space/DOCS", **_cloud(s))
    assert requests.get(s.url + "rest/api/space/DOCS", **_cloud(s)).headers["Retry-After"] == huge


def test_empty_rate_answers_200_without_body(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc", empty_rate=1.0)
    rsp = requests.get(s.url + "rest/api/space/DOCS", **_dc(s))
    assert rsp.status_code == 200 and rsp.content == b""
    assert rsp.headers["Content-Length"] == "0"
    s.configure(empty_rate=0.0)
    assert requests.get(s.url + "rest/api/space/DOCS", **_dc(s)).json()["key"] == "DOCS"


def test_v1_gone_keeps_the_v1_calls_cloud_still_serves(confluence_emulator_factory) -> None:
    import requests as _requests

    server = confluence_emulator_factory(mode="cloud", v1_gone=True)
    auth = (server.user, server.api_token)
    page = server.state.create_page(server.space_key, "Kept", "<p>x</p>")
    api = server.url + "rest/api/"
    gone = _requests.get(api + f"content/{page.id}", auth=auth, timeout=5)
    assert gone.status_code == 410
    assert "GoneException" in gone.json()["message"]
    search = _requests.get(api + "content/search", params={"cql": f'space="{server.space_key}"'},
                           auth=auth, timeout=5)
    assert search.status_code == 200
    assert "Kept" in {item["title"] for item in search.json()["results"]}
    labels = _requests.get(api + f"content/{page.id}/label", auth=auth, timeout=5)
    assert labels.status_code == 200
