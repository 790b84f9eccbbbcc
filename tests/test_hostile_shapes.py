"""Every answer shape checked (issue 17, item 4): wrong field types end in a typed
bad-response error naming the field; ids are validated before they are placed in a
request path, so a hostile id never reaches one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from connection_helpers import emulator_settings
from hostile_server_helpers import tamper, unexpected_paths
from publish_helpers import Doc, client_for, publish, write_bundle, writes

from sphinxcontrib.confluencebuilder.errors import ConfluenceBadResponseError
from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.rest.base import RemotePage

HOSTILE_ID = "65539/../../space/DOCS?x="


def _pages(body: Any) -> list[dict[str, Any]]:
    results = body.get("results") if isinstance(body, dict) else None
    return [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []


def _docs() -> list[Doc]:
    return [Doc("index", "Root"), Doc("a", "A", "index"), Doc("b", "B", "index")]


@pytest.mark.parametrize("mode", ["cloud", "dc"])
@pytest.mark.parametrize("field,value,named", [
    ("version", {"number": "3"}, "version.number"),
    ("ancestors", {"id": "1"}, "ancestors"),
    ("title", ["A"], "title"),
    ("id", 1.5, "id = 1.5"),
    ("parentId", {"x": 1}, "parentId"),
])
def test_wrong_field_types_end_in_a_bad_response_error(confluence_emulator_factory: Any,
                                                       tmp_path: Path, mode: str,
                                                       field: str, value: Any,
                                                       named: str) -> None:
    server = confluence_emulator_factory(mode=mode, max_limit=250)
    out = write_bundle(tmp_path / "out", _docs())
    publish(client_for(server), out)
    if field == "parentId" and mode == "dc":
        field, value, named = "space", "DOCS", "space"

    def rewrite(method: str, url: str, body: Any) -> Any:
        for item in _pages(body):
            item[field] = value
        return body

    tamper(server, rewrite)
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "A", "index",
                                                                     body="<p>new</p>"),
                                          Doc("b", "B", "index")])
    before = len(writes(server))
    with pytest.raises(ConfluenceBadResponseError) as caught:
        publish(client_for(server), out)
    assert named in caught.value.message
    assert "confluence_server_url" in caught.value.options
    assert len(writes(server)) == before   # stopped while reading, before any write


@pytest.mark.parametrize("mode", ["cloud", "dc"])
def test_a_hostile_page_id_in_a_listing_never_reaches_a_request_path(
        confluence_emulator_factory: Any, tmp_path: Path, mode: str) -> None:
    server = confluence_emulator_factory(mode=mode, max_limit=250)
    out = write_bundle(tmp_path / "out", _docs())
    publish(client_for(server), out)

    def rewrite(method: str, url: str, body: Any) -> Any:
        for item in _pages(body):
            if item.get("title") == "A":
                item["id"] = HOSTILE_ID
        return body

    tamper(server, rewrite)
    since = len(server.requests)
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"),
                                          Doc("a", "A", "index", body="<p>new</p>"),
                                          Doc("b", "B", "index")])
    with pytest.raises(ConfluenceBadResponseError) as caught:
        publish(client_for(server), out)
    assert "page id" in caught.value.message
    logged = [r["path"] + "?" + r["query"] for r in server.requests[since:]]
    assert not any("space/DOCS?x" in p or ".." in p for p in logged)
    assert unexpected_paths(server, since) == []
    assert [r for r in server.requests[since:] if r["method"] != "GET"] == []


@pytest.mark.parametrize("mode", ["cloud", "dc"])
def test_ids_are_checked_before_any_request(confluence_emulator_factory: Any,
                                            mode: str) -> None:
    server = confluence_emulator_factory(mode=mode)
    client = make_client(emulator_settings(server))
    page = RemotePage(id=HOSTILE_ID, title="A", space_key="DOCS", parent_id=None, version=1)
    since = len(server.requests)
    calls = [lambda: client.update_page(page, "A", "<p/>", None),
             lambda: client.get_page(HOSTILE_ID),
             lambda: client.delete_page(HOSTILE_ID),
             lambda: client.set_property(HOSTILE_ID, "k", 1),
             lambda: client.delete_attachment("../1"),
             lambda: client.move_page("1", "append", HOSTILE_ID)]
    for call in calls:
        with pytest.raises(ConfluenceBadResponseError):
            call()
    space = client.get_space("DOCS")
    try:   # v2 cuts the subtree out locally, without a request naming the ancestor
        client.list_pages(space, ancestor_id="1 or 1=1", properties=("k",))
    except ConfluenceBadResponseError:
        pass
    assert not any("1=1" in r["query"] or "1%3D1" in r["query"]
                   for r in server.requests[since:])
    paths = [r["path"] for r in server.requests[since:]]
    assert all(p in ("/wiki/api/v2/spaces", "/rest/api/space/DOCS",
                     f"/wiki/api/v2/spaces/{space.id}/pages") for p in paths), paths
