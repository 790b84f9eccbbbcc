"""Request counts of a publish against the emulator (v1 and v2): a regression that adds
requests per page fails here. Speed is measured by benchmarks/publish.py, not here."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from publish_helpers import Doc, client_for, current_pages, identity, publish, write_bundle

from sphinxcontrib.confluencebuilder.config import defaults
from sphinxcontrib.confluencebuilder.publisher.settings import (
    APPEARANCE_KEYS,
    DEFAULT_CONCURRENCY,
    IDENTITY_KEY,
    PublishSettings,
    from_config,
)

#: requests per new page with one image on a first publish: v1: the create (carrying
#: the identity property, which already records the image), the upload, the unwatch;
#: v2: the create, the upload, the identity property POST (after the upload, a v2
#: create carries no property), the unwatch
PER_NEW_PAGE = {"v1": 3, "v2": 4}
#: space lookup and listing (v2: spaces, space pages, v1 property search)
FIXED = {"v1": 2, "v2": 3}
#: v1 first publish: the journal on the root page is emptied once the uploads are done
JOURNAL = {"v1": 1, "v2": 0}


def moves(server: Any, before: int = 0) -> int:
    return sum(n for e, n in endpoints(server, before).items() if "/move/" in e)


def child_order(server: Any, title: str) -> list[str]:
    pages = current_pages(server.state)
    return [c.title for c in server.state.children(pages[title].id)]


@pytest.fixture(params=["v1", "v2"])
def api(request: Any) -> str:
    return str(request.param)


@pytest.fixture
def server(confluence_emulator_factory: Any) -> Any:
    return confluence_emulator_factory(mode="cloud", max_limit=250)


def images(n: int) -> list[Doc]:
    """index with n - 1 children, one image on every page (the root included)."""
    docs = [Doc("index", "Home", files={"home.png": b"home-image"})]
    docs += [Doc(f"p{i}", f"Page {i}", "index", files={f"fig{i}.png": f"png-{i}".encode()})
             for i in range(1, n)]
    return docs


def since(server: Any, before: int) -> Counter[str]:
    return Counter(f"{r['method']} {r['path']}" for r in server.requests[before:])


def endpoints(server: Any, before: int) -> Counter[str]:
    return Counter(r["endpoint"] for r in server.requests[before:])


def test_first_publish_of_20_pages_with_an_image_each(server, api, tmp_path):
    out = write_bundle(tmp_path / "out", images(20))
    report = publish(client_for(server, api_mode=api), out)
    assert len(report.created) == 20 and len(report.uploaded) == 20
    sent = len(server.requests)
    assert report.requests == sent
    assert sent == PER_NEW_PAGE[api] * 20 + FIXED[api] + JOURNAL[api], endpoints(server, 0)
    assert not report.warnings
    # new siblings are created in toctree order: no child listing, no move
    assert child_order(server, "Home") == [f"Page {i}" for i in range(1, 20)]
    assert moves(server) == 0 and report.reordered == []
    counts = endpoints(server, 0)
    assert not [e for e in counts if "child/page" in e or "direct-children" in e], counts
    # a page created in this run is never read back before its identity is written
    assert not [e for e in counts if e.startswith("GET") and "propert" in e], counts
    # exactly one unwatch per page (confluence_watch = False), not one per write
    assert sum(n for e, n in counts.items() if "watch" in e) == 20
    pages = current_pages(server.state)
    # the emulator makes the author a watcher, like Confluence: the unwatch is needed
    ours = [pages["Home"]] + [pages[f"Page {i}"] for i in range(1, 20)]
    assert not [p.title for p in ours if server.creds.account_id in p.watchers]
    for title in ("Home", "Page 7", "Page 19"):
        ident = identity(pages[title])
        assert ident["version"] == 1 and len(ident["attachments"]) == 1
        # written once: by the v1 create (recording the image about to be uploaded), or
        # by the v2 POST after the upload
        assert pages[title].properties[IDENTITY_KEY].version.number == 1
        (name, record), = ident["attachments"].items()
        stored = server.state.attachment_named(pages[title], name)
        assert stored is not None and record["sha256"] in stored.comment


def test_unchanged_and_one_changed_page(server, api, tmp_path):
    docs = images(20)
    out = write_bundle(tmp_path / "out", docs)
    publish(client_for(server, api_mode=api), out)
    before = len(server.requests)
    report = publish(client_for(server, api_mode=api), out)
    assert len(report.unchanged) == 20
    assert sum(since(server, before).values()) <= FIXED[api]
    docs[5].body = "<p>changed</p>"
    write_bundle(out, docs)
    before = len(server.requests)
    report = publish(client_for(server, api_mode=api), out)
    assert report.updated == ["p5"]
    counts = endpoints(server, before)
    # listing, page update, identity property (its version came with the listing), unwatch
    assert sum(counts.values()) <= FIXED[api] + 3, counts
    assert not [e for e in counts if e.startswith("GET") and "propert" in e], counts
    page = current_pages(server.state)["Page 5"]
    assert page.body == "<p>changed</p>" and identity(page)["version"] == 2
    assert server.creds.account_id not in page.watchers


def test_watch_true_sends_no_unwatch_and_keeps_the_watch(server, api, tmp_path):
    out = write_bundle(tmp_path / "out", images(5))
    publish(client_for(server, api_mode=api), out, watch=True)
    counts = endpoints(server, 0)
    assert not [e for e in counts if "watch" in e], counts
    assert sum(counts.values()) == (PER_NEW_PAGE[api] - 1) * 5 + FIXED[api] + JOURNAL[api]
    pages = current_pages(server.state)
    assert all(server.creds.account_id in pages[t].watchers
               for t in ("Home", "Page 1", "Page 4"))


def test_full_width_rides_along_with_a_v1_create(server, tmp_path):
    out = write_bundle(tmp_path / "out", [Doc("index", "Home"), Doc("a", "A", "index")])
    publish(client_for(server, api_mode="v1"), out, full_width=True)
    counts = endpoints(server, 0)
    assert not [e for e in counts if "propert" in e], counts
    assert sum(counts.values()) == FIXED["v1"] + 2 * 2      # create and unwatch per page
    page = current_pages(server.state)["A"]
    for key in APPEARANCE_KEYS:
        assert page.properties[key].value == "full-width"


def test_full_width_on_v2_posts_each_property_without_reading(server, tmp_path):
    out = write_bundle(tmp_path / "out", [Doc("index", "Home")])
    publish(client_for(server, api_mode="v2"), out, full_width=True)
    counts = endpoints(server, 0)
    assert counts["POST v2 /pages/{id}/properties"] == 1 + len(APPEARANCE_KEYS)
    assert not [e for e in counts if e.startswith("GET") and "propert" in e], counts
    page = current_pages(server.state)["Home"]
    assert {k: page.properties[k].value for k in APPEARANCE_KEYS} == \
        dict.fromkeys(APPEARANCE_KEYS, "full-width")


@pytest.mark.parametrize("guess", [0, 1, 7])
def test_a_wrong_property_version_guess_still_writes_the_value(server, api, guess):
    """The version hint saves a read; when it is wrong (the property exists already, or
    was changed meanwhile) the write reads and lands anyway, on the next version."""
    state = server.state
    page = state.create_page("DOCS", "Guessed", "<p>x</p>", by=None)
    for n in range(3):
        state.set_property(page, "k", {"n": n}, version=n + 1, by=None)
    client = client_for(server, api_mode=api)
    written = client.set_property(page.id, "k", {"n": "mine"}, version=guess)
    assert written == 4
    assert page.properties["k"].value == {"n": "mine"}
    assert page.properties["k"].version.number == 4


def test_a_right_guess_sends_one_request(server, api):
    state = server.state
    page = state.create_page("DOCS", "Guessed", "<p>x</p>", by=None)
    client = client_for(server, api_mode=api)
    assert client.set_property(page.id, "k", "one", version=0) == 1
    assert len(server.requests) == 1
    # (v2 updates address the property by id: the client learnt it from the create)
    assert client.set_property(page.id, "k", "two", version=1) == 2
    assert len(server.requests) == 2
    assert page.properties["k"].value == "two"


def test_the_documented_concurrency_default_is_the_one_used():
    """doc/publishing.rst explains the default; config and settings must agree on it."""
    assert from_config(defaults()).concurrency == DEFAULT_CONCURRENCY == 8
    assert PublishSettings(space_key="X").concurrency == DEFAULT_CONCURRENCY
