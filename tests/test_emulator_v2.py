"""The emulator's Cloud REST API v2 handlers, called through dispatch() (no sockets)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from emulator_api_helpers import Api


@pytest.fixture
def api() -> Api:
    return Api("cloud")


def v2(api: Api, method: str, target: str, body: Any = None) -> Any:
    return api.ok(method, target, body, api="v2")


def new_page(api: Api, title: str, parent: str | None = None, value: str = "<p>v</p>") -> str:
    data = {"spaceId": str(api.space.id), "status": "current", "title": title,
            "body": {"representation": "storage", "value": value}}
    if parent:
        data["parentId"] = parent
    return str(v2(api, "POST", "/pages", data)["id"])


def test_spaces(api: Api) -> None:
    body = v2(api, "GET", "/spaces?keys=DS&limit=1")
    space = body["results"][0]
    assert space["id"] == str(api.space.id) and space["key"] == "DS"
    assert space["homepageId"] == api.home and space["_links"]["webui"] == "/spaces/DS"
    assert body["_links"]["base"] == api.base
    assert v2(api, "GET", "/spaces?keys=NOPE")["results"] == []
    assert v2(api, "GET", f"/spaces?ids={api.space.id}")["results"][0]["key"] == "DS"
    assert v2(api, "GET", f"/spaces/{api.space.id}")["key"] == "DS"
    rsp = api.call("GET", "/spaces/1", api="v2")
    assert rsp.status == 404
    assert rsp.body["errors"][0]["status"] == 404 and rsp.body["errors"][0]["code"] == "NOT_FOUND"


def test_create_get_and_find_pages(api: Api) -> None:
    pid = new_page(api, "First")
    page = v2(api, "GET", f"/pages/{pid}?body-format=storage")
    assert page["id"] == pid and page["spaceId"] == str(api.space.id)
    assert page["parentId"] == api.home                   # no parentId: under the homepage
    assert page["version"]["number"] == 1 and page["version"]["authorId"] == "u1"
    assert page["body"]["storage"] == {"representation": "storage", "value": "<p>v</p>"}
    assert v2(api, "GET", f"/pages/{pid}")["body"] == {}
    root = v2(api, "POST", "/pages?root-level=true", {"spaceId": str(api.space.id),
                                                      "title": "Top"})
    assert root["parentId"] is None
    found = v2(api, "GET", f"/pages?space-id={api.space.id}&title=First&status=current"
                           "&body-format=storage")
    assert [p["id"] for p in found["results"]] == [pid]
    assert found["results"][0]["body"]["storage"]["value"] == "<p>v</p>"
    in_space = v2(api, "GET", f"/spaces/{api.space.id}/pages?depth=root")
    assert {p["title"] for p in in_space["results"]} == {"Demo Space Home", "Top"}
    dup = api.call("POST", "/pages", {"spaceId": str(api.space.id), "title": "first"}, api="v2")
    assert dup.status == 400 and "already exists with the title first" in \
        dup.body["errors"][0]["title"]
    bad = api.call("POST", "/pages", {"spaceId": str(api.space.id), "title": "Bad",
                                      "body": {"representation": "storage",
                                               "value": "<p>&nbsp;</p>"}}, api="v2")
    assert bad.status == 400
    assert bad.body["errors"][0]["title"].startswith(
        'Error parsing xhtml: Undeclared general entity "nbsp"')
    assert api.call("POST", "/pages", {"title": "No space"}, api="v2").status == 400
    nested = v2(api, "POST", "/pages", {"spaceId": str(api.space.id), "title": "Nested",
                                        "body": {"storage": {"value": "<p>n</p>"}}})
    assert api.state.get_content(nested["id"]).body == "<p>n</p>"


def test_update_rules_and_move(api: Api) -> None:
    a, b = new_page(api, "A"), new_page(api, "B")
    c = new_page(api, "C", parent=b)
    rsp = api.call("PUT", f"/pages/{a}", {"id": a, "status": "current", "title": "A"}, api="v2")
    assert rsp.status == 400
    rsp = api.call("PUT", f"/pages/{a}", {"title": "A", "version": {"number": 5}}, api="v2")
    assert rsp.status == 409 and rsp.body["errors"][0]["code"] == "CONFLICT"
    assert rsp.body["errors"][0]["title"].endswith("Current version is: 1")
    moved = v2(api, "PUT", f"/pages/{b}", {
        "id": b, "status": "current", "title": "B2", "spaceId": str(api.space.id),
        "parentId": a, "body": {"representation": "storage", "value": "<p>2</p>"},
        "version": {"number": 2, "message": "m"}})
    assert moved["parentId"] == a and moved["title"] == "B2" and moved["version"]["number"] == 2
    ancestors = v2(api, "GET", f"/pages/{c}/ancestors")["results"]
    assert ancestors == [{"id": api.home, "type": "page"}, {"id": a, "type": "page"},
                         {"id": b, "type": "page"}]
    cycle = api.call("PUT", f"/pages/{a}", {"title": "A", "parentId": c,
                                            "version": {"number": 2}}, api="v2")
    assert cycle.status == 400
    api.state.create_space("XX")
    other = api.call("PUT", f"/pages/{a}", {"title": "A", "version": {"number": 2},
                                            "spaceId": str(api.state.spaces["XX"].id)},
                     api="v2")
    assert other.status == 400


def test_delete_trash_and_purge(api: Api) -> None:
    pid = new_page(api, "Bin")
    assert api.call("DELETE", f"/pages/{pid}?purge=true", api="v2").status == 400
    assert api.call("DELETE", f"/pages/{pid}", api="v2").status == 204
    assert v2(api, "GET", f"/pages/{pid}")["status"] == "trashed"
    assert v2(api, "GET", f"/pages?space-id={api.space.id}&title=Bin")["results"] == []
    assert api.call("DELETE", f"/pages/{pid}?purge=true", api="v2").status == 204
    assert api.call("GET", f"/pages/{pid}", api="v2").status == 404


def test_cursor_paging_with_link_header() -> None:
    api = Api("cloud", max_limit=2)
    parent = new_page(api, "Parent")
    kids = [new_page(api, f"K{i}", parent=parent) for i in range(5)]
    first = api.call("GET", f"/pages/{parent}/children?limit=50", api="v2")
    nxt = first.body["_links"]["next"]
    assert len(first.body["results"]) == 2
    assert nxt.startswith(f"/wiki/api/v2/pages/{parent}/children?") and "cursor=" in nxt
    assert first.headers["Link"] == f'<{nxt}>; rel="next", <{api.base}>; rel="base"'
    everything, calls = api.follow(f"/pages/{parent}/children?limit=50", api="v2")
    assert [k["id"] for k in everything] == kids and calls == 3
    last = api.call("GET", nxt[len("/wiki/api/v2"):], api="v2")
    last = api.call("GET", last.body["_links"]["next"][len("/wiki/api/v2"):], api="v2")
    assert "next" not in last.body["_links"] and "Link" not in last.headers
    direct, _ = api.follow(f"/pages/{parent}/direct-children", api="v2")
    assert [k["title"] for k in direct] == [f"K{i}" for i in range(5)]
    bad = api.call("GET", f"/pages/{parent}/children?cursor=garbage", api="v2")
    assert bad.status == 400


def test_cursor_survives_deletions_between_pages() -> None:
    """Like Cloud's id-keyed cursors: deleting what was served does not skip the rest."""
    api = Api("cloud", max_limit=2)
    parent = new_page(api, "Parent")
    kids = [new_page(api, f"K{i}", parent=parent) for i in range(6)]
    seen: list[str] = []
    target = f"/pages/{parent}/children"
    while target:
        body = v2(api, "GET", target)
        for child in body["results"]:
            seen.append(child["id"])
            api.state.purge(api.state.get_content(child["id"]))
        nxt = body["_links"].get("next")
        target = nxt[len("/wiki/api/v2"):] if nxt else ""
    assert seen == kids


def test_labels_properties_attachments_comments(api: Api) -> None:
    pid = new_page(api, "Rich")
    api.ok("POST", f"/content/{pid}/label", [{"name": "x"}])
    assert [(lb["name"], lb["prefix"]) for lb in v2(api, "GET", f"/pages/{pid}/labels")[
        "results"]] == [("x", "global")]
    prop = v2(api, "POST", f"/pages/{pid}/properties", {"key": "editor", "value": "v2"})
    assert prop["version"]["number"] == 1 and isinstance(prop["id"], str)
    assert v2(api, "GET", f"/pages/{pid}/properties?key=editor")["results"][0]["id"] == prop["id"]
    path = f"/pages/{pid}/properties/{prop['id']}"
    stale = api.call("PUT", path, {"key": "editor", "value": "v3", "version": {"number": 1}},
                     api="v2")
    assert stale.status == 409
    assert v2(api, "PUT", path, {"key": "editor", "value": "v3",
                                 "version": {"number": 2}})["value"] == "v3"
    assert v2(api, "GET", path)["version"]["number"] == 2
    assert api.call("DELETE", path, api="v2").status == 204
    assert api.call("GET", path, api="v2").status == 404
    att = api.upload(pid, "d.png", b"data", comment="c1").body["results"][0]
    listed = v2(api, "GET", f"/pages/{pid}/attachments?filename=d.png")["results"]
    assert listed[0]["id"] == att["id"] and listed[0]["comment"] == "c1"
    assert listed[0]["fileSize"] == 4 and listed[0]["pageId"] == pid
    assert v2(api, "GET", f"/attachments/{att['id']}")["mediaType"] == "image/png"
    assert api.call("DELETE", f"/attachments/{att['id']}", api="v2").status == 204
    assert v2(api, "GET", f"/pages/{pid}/attachments")["results"] == []
    assert v2(api, "GET", f"/pages/{pid}/inline-comments?resolution-status=open")["results"] == []


def test_v2_is_absent_on_dc() -> None:
    dc = Api("dc")
    rsp = dc.call("GET", "/spaces", api="v2")
    assert rsp.status == 404 and rsp.body["errors"][0]["code"] == "NOT_FOUND"


def test_v2_over_http_follows_link_header(confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud", max_limit=2)
    http = requests.Session()
    http.auth = (server.user, server.api_token)
    root = server.url + "api/v2"
    space = http.get(root + "/spaces", params={"keys": server.space_key}, timeout=5).json()
    space_id = space["results"][0]["id"]
    made = [http.post(root + "/pages", json={"spaceId": space_id, "title": f"P{i}",
                                             "body": {"representation": "storage",
                                                      "value": f"<p>{i}</p>"}}, timeout=5)
            for i in range(5)]
    assert all(r.status_code == 200 for r in made), [r.text for r in made]
    titles, url = [], f"{root}/spaces/{space_id}/pages?body-format=storage&limit=100"
    while url:
        rsp = http.get(url, timeout=5)
        titles += [p["title"] for p in rsp.json()["results"]]
        url = server.origin + rsp.links["next"]["url"] if "next" in rsp.links else ""
    assert titles == ["Documentation Home", *(f"P{i}" for i in range(5))]
    first = made[0].json()
    update = {"id": first["id"], "status": "current", "title": "P0", "spaceId": space_id,
              "body": {"representation": "storage", "value": "<p>&copy;</p>"},
              "version": {"number": 2}}
    bad = http.put(f"{root}/pages/{first['id']}", json=update, timeout=5)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["title"].startswith("Error parsing xhtml")
    update["body"]["value"] = "<p>&#169;</p>"
    assert http.put(f"{root}/pages/{first['id']}", json=update, timeout=5).status_code == 200
    assert server.state.get_content(first["id"]).body == "<p>&#169;</p>"


@pytest.mark.parametrize("body", [
    [], {"spaceId": "x", "title": "T"}, {"title": "T"},
    {"spaceId": "SPACE", "title": 3}, {"spaceId": "SPACE", "title": "T", "status": "trashed"},
    {"spaceId": "SPACE", "title": "T", "body": {"representation": "wiki", "value": "h1. x"}},
    {"spaceId": "SPACE", "title": "T", "parentId": "424242"},
])
def test_ill_typed_v2_create_bodies_are_rejected(api: Api, body: Any) -> None:
    if isinstance(body, dict) and body.get("spaceId") == "SPACE":
        body = {**body, "spaceId": str(api.space.id)}
    rsp = api.call("POST", "/pages", body, api="v2")
    assert rsp.status in (400, 404), rsp.body
    assert rsp.body["errors"][0]["status"] == rsp.status
    assert api.state.find_pages("DS", "T") == []
