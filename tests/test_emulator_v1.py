"""The emulator's REST API v1 handlers, called through dispatch() (no sockets)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from emulator_api_helpers import Api

JAVA = "com.atlassian.confluence.api.service.exceptions."


@pytest.fixture
def api() -> Api:
    return Api("cloud")


@pytest.fixture
def dc() -> Api:
    return Api("dc")


def test_space_shape_per_mode(api: Api, dc: Api) -> None:
    body = api.ok("GET", "/space/DS")
    assert {k: body[k] for k in ("id", "key", "name", "type", "status")} == {
        "id": api.space.id, "key": "DS", "name": "Demo Space", "type": "global",
        "status": "current"}
    assert isinstance(body["id"], int)
    assert body["_links"]["webui"] == "/spaces/DS"
    assert body["_expandable"]["homepage"] == f"/rest/api/content/{api.home}"
    assert dc.ok("GET", "/space/DS")["_links"]["webui"] == "/display/DS"
    expanded = api.ok("GET", "/space/DS?expand=homepage")
    assert expanded["homepage"]["id"] == api.home


def test_missing_and_hidden_space_errors(api: Api, dc: Api) -> None:
    dc.state.create_space("HID", hidden=True)
    rsp = dc.call("GET", "/space/HID")
    assert rsp.status == 404
    assert rsp.body["message"] == "No space found with key : HID"
    assert rsp.body["reason"] == "Not Found" and rsp.body["statusCode"] == 404
    assert rsp.body["data"]["successful"] is False
    rsp = api.call("GET", "/space/NOPE")
    assert rsp.body["message"] == JAVA + "NotFoundException: No space found with key : NOPE"
    assert "reason" not in rsp.body


def test_create_find_and_get_page(api: Api) -> None:
    parent = api.page("Parent")
    created = api.ok("POST", "/content", {
        "type": "page", "title": "Child", "space": {"key": "DS"},
        "ancestors": [{"id": parent}], "version": {"number": 1, "message": "first"},
        "body": {"storage": {"value": "<p>hello</p>", "representation": "storage"}}})
    assert created["version"]["number"] == 1 and created["version"]["message"] == "first"
    assert created["version"]["by"]["accountId"] == "u1"
    assert [a["id"] for a in created["ancestors"]] == [parent]
    assert created["_links"]["webui"] == f"/spaces/DS/pages/{created['id']}/Child"
    assert created["_links"]["base"] == api.base
    found = api.ok("GET", "/content?type=page&spaceKey=DS&title=Child&status=current"
                          "&expand=version,ancestors,body.storage")
    assert found["size"] == 1 and found["start"] == 0
    page = found["results"][0]
    assert page["body"]["storage"] == {"value": "<p>hello</p>", "representation": "storage",
                                       "_expandable": {"content": ""}}
    assert page["ancestors"][-1]["id"] == parent
    assert "version" in page and "space" in page["_expandable"]
    assert api.ok("GET", "/content?spaceKey=DS&title=child")["results"] == []
    by_id = api.ok("GET", f"/content/{created['id']}?expand=space,history")
    assert by_id["space"]["key"] == "DS" and by_id["history"]["createdBy"]["accountId"] == "u1"
    assert "body" not in by_id


def test_duplicate_title_message_per_mode(api: Api, dc: Api) -> None:
    for target in (api, dc):
        target.page("Same")
        rsp = target.call("POST", "/content", {"type": "page", "title": "same",
                                               "space": {"key": "DS"}})
        assert rsp.status == 400
    expected = ("A page with this title already exists: A page already exists with the title "
                "same in the space with key DS")
    assert rsp.body["message"] == expected
    assert rsp.body["reason"] == "Bad Request"
    assert api.call("POST", "/content", {"type": "page", "title": "SAME",
                                         "space": {"key": "DS"}}).body["message"] == \
        JAVA + "BadRequestException: " + expected.replace("same", "SAME")


def test_labels_and_properties_on_create(api: Api, dc: Api) -> None:
    data = {"type": "page", "title": "L", "space": {"key": "DS"},
            "metadata": {"labels": [{"name": "alpha"}],
                         "properties": {"content-appearance-published": {"value": "full-width"}}}}
    cloud_id = api.ok("POST", "/content", data)["id"]
    dc_id = dc.ok("POST", "/content", data)["id"]
    expand = "?expand=metadata.labels,metadata.properties.content_appearance_published"
    cloud = api.ok("GET", f"/content/{cloud_id}{expand}")["metadata"]
    assert [lb["name"] for lb in cloud["labels"]["results"]] == ["alpha"]
    assert cloud["properties"]["content-appearance-published"]["value"] == "full-width"
    assert dc.ok("GET", f"/content/{dc_id}{expand}")["metadata"]["labels"]["results"] == []


def test_update_rules(api: Api, dc: Api) -> None:
    pid = api.page("Upd")
    rsp = api.call("PUT", f"/content/{pid}", {"type": "page", "title": "Upd"})
    assert rsp.status == 400 and rsp.body["message"].endswith(
        "Must supply an incremented version when updating Content. No version supplied.")
    rsp = api.call("PUT", f"/content/{pid}", {"title": "Upd", "version": {"number": 1}})
    assert rsp.status == 409
    assert rsp.body["message"] == (JAVA + "ConflictException: Version must be incremented on "
                                   "update. Current version is: 1")
    body = api.ok("PUT", f"/content/{pid}", {
        "type": "page", "title": "Upd2", "space": {"key": "DS"},
        "version": {"number": 2, "message": "edit", "minorEdit": True},
        "body": {"storage": {"value": "<p>new</p>", "representation": "storage"}}})
    assert body["version"]["number"] == 2 and body["title"] == "Upd2"
    assert body["version"]["minorEdit"] is True and body["body"]["storage"]["value"] == "<p>new</p>"
    dpid = dc.page("Other")
    dc.state.create_space("XX")
    rsp = dc.call("PUT", f"/content/{dpid}", {"title": "Other", "space": {"key": "XX"},
                                              "version": {"number": 2}})
    assert rsp.status == 400 and rsp.body["message"] == "You can't change an existing page's space."
    assert rsp.body["data"]["errors"] == [
        {"message": {"key": "You can't change an existing page's space.", "args": []}}]
    history = api.ok("GET", f"/content/{pid}/history")
    assert history["lastUpdated"]["number"] == 2 and history["createdBy"]["accountId"] == "u1"
    api.page("Taken")
    rsp = api.call("PUT", f"/content/{pid}", {"title": "taken", "version": {"number": 3}})
    assert rsp.status == 400 and "already exists with the title taken" in rsp.body["message"]


def test_move_and_cycle(api: Api) -> None:
    a, b = api.page("A"), api.page("B")
    c = api.page("C", parent=b)
    body = api.ok("PUT", f"/content/{b}", {"title": "B", "ancestors": [{"id": a}],
                                           "version": {"number": 2}})
    assert [x["id"] for x in body["ancestors"]] == [a]
    got = api.ok("GET", f"/content/{c}?expand=ancestors")
    assert [x["id"] for x in got["ancestors"]] == [a, b]
    rsp = api.call("PUT", f"/content/{a}", {"title": "A", "ancestors": [{"id": c}],
                                            "version": {"number": 2}})
    assert rsp.status == 400 and "own ancestor" in rsp.body["message"]
    assert [x["id"] for x in api.ok("GET", f"/content/{a}/descendant/page")["results"]] == [b, c]


def test_trash_and_purge(api: Api) -> None:
    pid = api.page("Gone")
    assert api.call("DELETE", f"/content/{pid}").status == 204
    rsp = api.call("GET", f"/content/{pid}")
    assert rsp.status == 404 and "No content found with id" in rsp.body["message"]
    assert api.ok("GET", f"/content/{pid}?status=trashed")["status"] == "trashed"
    assert api.call("DELETE", f"/content/{pid}?status=trashed").status == 204
    assert api.call("GET", f"/content/{pid}?status=any").status == 404
    assert api.call("DELETE", "/content/999999").status == 404


def test_paging_follow_next_or_see_only_max_limit() -> None:
    api = Api("dc", max_limit=3)
    parent = api.page("Root")
    kids = [api.page(f"Kid {i}", parent=parent) for i in range(7)]
    first = api.ok("GET", f"/content/{parent}/child/page?limit=250")
    assert first["limit"] == 3 and first["size"] == 3
    assert [r["id"] for r in first["results"]] == kids[:3]
    assert first["_links"]["next"].startswith(f"/rest/api/content/{parent}/child/page?")
    assert first["_links"]["self"].startswith(api.base + "/rest/api/")
    everything, calls = api.follow(f"/content/{parent}/child/page?limit=250")
    assert [r["id"] for r in everything] == kids and calls == 3
    last = api.ok("GET", f"/content/{parent}/child/page?start=6")
    assert "next" not in last["_links"] and last["size"] == 1


def test_cql_subset(api: Api) -> None:
    a = api.page("Alpha Guide")
    b = api.page("Beta", parent=a)
    c = api.page("Gamma", parent=b)
    att = api.upload(b, "pic.png", b"png").body["results"][0]["id"]

    def ids(cql: str) -> list[str]:
        return [r["id"] for r in api.ok("GET", f"/content/search?cql={cql}")["results"]]
    assert ids('space="DS" and type=page and title="Beta"') == [b]
    assert ids('title~"alpha guide"') == [a]
    assert ids(f"ancestor={a}") == [b, c, att]
    assert ids(f"ancestor={a} and type=page") == [b, c]
    assert ids(f"parent={b} AND type = page") == [c]
    assert ids(f"id in ({a}, {c})") == [a, c]
    assert ids("space=DS and type=attachment") == [att]
    for bad in ("title", "foo=bar", "space=DS or type=page", "id in (1", "type=page and"):
        rsp = api.call("GET", f"/content/search?cql={bad}")
        assert rsp.status == 400, bad
        assert rsp.body["message"] == JAVA + f"BadRequestException: Could not parse cql : {bad}"


def test_search_paging_cursor_on_cloud_and_total_on_dc() -> None:
    for mode in ("cloud", "dc"):
        api = Api(mode, max_limit=2)
        made = [api.page(f"S{i}") for i in range(5)]
        first = api.ok("GET", "/content/search?cql=type=page&limit=100")
        if mode == "cloud":
            assert "cursor=" in first["_links"]["next"] and "start=" not in first["_links"]["next"]
            assert "totalSize" not in first
        else:
            assert "start=2" in first["_links"]["next"] and first["totalSize"] == 6
        found, calls = api.follow("/content/search?cql=type=page&limit=100")
        assert [r["id"] for r in found] == [api.home, *made] and calls == 3
    hits = api.ok("GET", '/search?cql=title="S1"')
    assert hits["results"][0]["content"]["id"] == made[1] and hits["totalSize"] == 1
    assert hits["results"][0]["url"] == "/display/DS/S1"


def test_attachments(api: Api, dc: Api) -> None:
    pid = api.page("Files")
    assert api.upload(pid, "a.png", b"one", headers={}).status == 403
    assert api.upload(pid, "a.png", b"one", headers={"x-atlassian-token": "nope"}).status == 403
    created = api.upload(pid, "a.png", b"one", comment="hash:1").body
    att = created["results"][0]
    assert att["id"].startswith("att") and att["title"] == "a.png"
    assert att["metadata"] == {"mediaType": "image/png", "comment": "hash:1"}
    assert att["extensions"]["fileSize"] == 3 and att["version"]["number"] == 1
    assert att["_links"]["download"].startswith(f"/download/attachments/{pid}/a.png?version=1")
    dup = api.upload(pid, "a.png", b"two")
    assert dup.status == 400 and dup.body["message"] == (
        JAVA + "BadRequestException: Cannot add a new attachment with same file name as an "
        "existing attachment: a.png")
    data = api.upload(pid, "a.png", b"three!", suffix=f"/{att['id']}/data", comment="hash:2")
    assert data.status == 200 and data.body["id"] == att["id"]
    assert data.body["version"]["number"] == 2 and data.body["metadata"]["comment"] == "hash:2"
    upsert = api.upload(pid, "a.png", b"four", method="PUT").body["results"][0]
    assert upsert["id"] == att["id"] and upsert["version"]["number"] == 3
    assert api.upload(pid, "b.png", b"new", method="PUT").body["results"][0]["id"] != att["id"]
    listed = api.ok("GET", f"/content/{pid}/child/attachment?filename=a.png&expand=version")
    assert [a["extensions"]["fileSize"] for a in listed["results"]] == [4]
    children = api.ok("GET", f"/content/{pid}?expand=children.attachment")["children"]
    assert [a["title"] for a in children["attachment"]["results"]] == ["a.png", "b.png"]
    assert api.state.get_content(att["id"]).data == b"four"
    assert api.call("DELETE", f"/content/{att['id']}").status == 204
    assert api.ok("GET", f"/content/{pid}/child/attachment?filename=a.png")["results"] == []
    dpid = dc.page("Files")
    assert dc.upload(dpid, "x.png", b"1", headers={"x-atlassian-token": "nocheck"}).status == 200
    assert dc.upload(dpid, "x.png", b"1", method="PUT").status == 405
    assert dc.ok("GET", f"/content/{dpid}/child/attachment")["results"][0]["id"].isdigit()


def test_labels(api: Api) -> None:
    pid = api.page("Tagged")
    body = api.ok("POST", f"/content/{pid}/label", [{"name": "one"}, {"prefix": "global",
                                                                        "name": "two"}])
    assert [(lb["prefix"], lb["name"]) for lb in body["results"]] == [("global", "one"),
                                                                      ("global", "two")]
    assert api.call("DELETE", f"/content/{pid}/label/one").status == 204
    assert api.call("DELETE", f"/content/{pid}/label?name=two").status == 204
    assert api.ok("GET", f"/content/{pid}/label")["results"] == []
    assert api.call("POST", f"/content/{pid}/label", [{"name": "has space"}]).status == 400


def test_properties(api: Api) -> None:
    pid = api.page("Props")
    key = "sphinxcontrib.confluencebuilder"
    assert api.call("GET", f"/content/{pid}/property/{key}").status == 404
    made = api.ok("PUT", f"/content/{pid}/property/{key}",
                  {"key": key, "value": {"hash": "h1"}, "version": {"number": 1}})
    assert made["version"]["number"] == 1 and made["value"] == {"hash": "h1"}
    stale = api.call("PUT", f"/content/{pid}/property/{key}",
                     {"key": key, "value": {}, "version": {"number": 1}})
    assert stale.status == 409 and stale.body["message"].endswith("Current version is: 1")
    api.ok("PUT", f"/content/{pid}/property/{key}", {"value": {"hash": "h2"},
                                                     "version": {"number": 2}})
    got = api.ok("GET", f"/content/{pid}/property/{key}")
    assert got["value"] == {"hash": "h2"} and got["version"]["number"] == 2
    assert api.ok("POST", f"/content/{pid}/property", {"key": "editor", "value": "v2"})["key"] \
        == "editor"
    assert api.call("POST", f"/content/{pid}/property", {"key": "editor", "value": 1}).status \
        == 409
    assert [p["key"] for p in api.ok("GET", f"/content/{pid}/property")["results"]] == [
        key, "editor"]
    assert api.call("DELETE", f"/content/{pid}/property/editor").status == 204
    assert api.call("DELETE", f"/content/{pid}/property/editor").status == 404


def test_users_watches_and_space_update(api: Api, dc: Api) -> None:
    me = api.ok("GET", "/user/current")
    assert me["type"] == "known" and me["accountId"] == "u1" and me["email"] == "u1@example.com"
    assert dc.ok("GET", "/user/current")["username"] == "user1"
    assert api.ok("GET", "/user/current", user=None)["type"] == "anonymous"
    pid = api.page("Watched")
    assert api.call("POST", f"/user/watch/content/{pid}").status == 204
    assert api.ok("GET", f"/user/watch/content/{pid}") == {"watching": True}
    assert api.call("DELETE", f"/user/watch/content/{pid}").status == 204
    assert api.ok("GET", f"/user/watch/content/{pid}") == {"watching": False}
    body = api.ok("PUT", "/space/DS", {"key": "DS", "name": "Demo Space", "type": "global",
                                       "homepage": {"id": pid}})
    assert body["_expandable"]["homepage"] == f"/rest/api/content/{pid}"
    ro_home = api.state.create_space("RO", read_only=True).homepage_id
    rsp = api.call("POST", "/content", {"type": "page", "title": "x", "space": {"key": "RO"}})
    assert rsp.status == 403 and JAVA + "PermissionException" in rsp.body["message"]
    assert api.ok("GET", f"/content/{ro_home}")["title"] == "RO Home"     # reads still work
    for method, target, body in (
            ("PUT", f"/content/{ro_home}", {"title": "RO Home", "version": {"number": 2}}),
            ("POST", f"/content/{ro_home}/label", [{"name": "x"}]),
            ("PUT", f"/content/{ro_home}/property/k", {"value": 1, "version": {"number": 1}}),
            ("DELETE", f"/content/{ro_home}", None)):
        assert api.call(method, target, body).status == 403, (method, target)
    stranger = api.ok("GET", "/user/current", user="acc-unknown")
    assert stranger["type"] == "known" and stranger["accountId"] == "acc-unknown"


def test_archive_and_longtask(api: Api, dc: Api) -> None:
    pid = api.page("Old")
    rsp = api.call("POST", "/content/archive", {"pages": [{"id": pid}]})
    assert rsp.status == 202
    task = api.ok("GET", f"/longtask/{rsp.body['id']}")
    assert task["finished"] is True and task["successful"] is True
    assert api.ok("GET", "/content?spaceKey=DS&title=Old")["results"] == []
    assert api.ok("GET", "/content?spaceKey=DS&title=Old&status=archived")["size"] == 1
    assert dc.call("POST", "/content/archive", {"pages": [{"id": pid}]}).status == 404


def test_request_errors(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    rsp = api.call("POST", "/content", raw=b"{not json")
    assert rsp.status == 400 and rsp.body["statusCode"] == 400
    assert rsp.body["message"].startswith(JAVA + "BadRequestException: Could not parse")
    bad = api.call("POST", "/content", {"type": "page", "title": "X", "space": {"key": "DS"},
                                        "body": {"storage": {"value": "<p>a</br>",
                                                             "representation": "storage"}}})
    assert bad.status == 400 and "Error parsing xhtml: Unexpected close tag </br>" in \
        bad.body["message"]
    assert api.call("GET", "/content/nope/child").status == 404
    assert api.call("PATCH", "/content").status == 405

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("handler bug")
    monkeypatch.setattr(api.state, "create_page", boom)
    with pytest.raises(RuntimeError, match="handler bug"):
        api.call("POST", "/content", {"type": "page", "title": "Y", "space": {"key": "DS"}})


def test_v1_over_http_dc_with_context_path(confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc", context_path="/confluence", max_limit=2)
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {server.pat}"
    root = server.url + "rest/api"
    made = http.post(root + "/content", json={"type": "page", "title": "Top",
                                              "space": {"key": server.space_key}}, timeout=5)
    assert made.status_code == 200, made.text
    top = made.json()["id"]
    assert made.json()["_links"]["base"] == server.site
    for i in range(3):
        http.post(root + "/content", json={"type": "page", "title": f"Sub {i}",
                                           "space": {"key": server.space_key},
                                           "ancestors": [{"id": top}]}, timeout=5)
    titles, url = [], f"{root}/content/{top}/child/page?limit=100"
    while url:
        page = http.get(url, timeout=5).json()
        titles += [r["title"] for r in page["results"]]
        url = page["_links"]["base"] + page["_links"]["next"] if "next" in page["_links"] else ""
    assert titles == ["Sub 0", "Sub 1", "Sub 2"]
    files = {"file": ("r.txt", b"hello", "text/plain")}
    up = http.post(f"{root}/content/{top}/child/attachment", files=files,
                   headers={"X-Atlassian-Token": "no-check"}, timeout=5)
    assert up.status_code == 200 and up.json()["results"][0]["extensions"]["fileSize"] == 5
    again = http.post(f"{root}/content/{top}/child/attachment", files=files,
                      headers={"X-Atlassian-Token": "no-check"}, timeout=5)
    assert again.status_code == 400
    assert again.json()["message"].startswith("Cannot add a new attachment with same file name")
    stale = http.put(f"{root}/content/{top}", json={"title": "Top", "version": {"number": 1}},
                     timeout=5)
    assert stale.status_code == 409
    assert server.tree()["pages"][1]["children"][2]["title"] == "Sub 2"


@pytest.mark.parametrize("body", [
    [], "text", 7, {"type": "page", "title": "T", "space": "DS"},
    {"type": "page", "title": 5, "space": {"key": "DS"}},
    {"type": "page", "title": "T", "space": {"key": "DS"}, "metadata": []},
    {"type": "page", "title": "T", "space": {"key": "DS"}, "metadata": {"labels": ["x"]}},
    {"type": "page", "title": "T", "space": {"key": "DS"}, "ancestors": ["1"]},
    {"type": "page", "title": "T", "space": {"key": "DS"}, "body": {"storage": "x"}},
    {"type": "page", "title": "T", "space": {"key": "DS"}, "status": "weird"},
])
def test_ill_typed_create_bodies_are_400(api: Api, body: Any) -> None:
    rsp = api.call("POST", "/content", body)
    assert rsp.status == 400, rsp.body
    assert api.state.find_pages("DS", "T") == []


@pytest.mark.parametrize("body", [
    {"title": "P", "version": 2}, {"title": ["P"], "version": {"number": 2}},
    {"title": "P", "version": {"number": 2}, "space": "DS"},
    {"title": "P", "version": {"number": 2}, "status": "purged"},
])
def test_ill_typed_update_bodies_are_400(api: Api, body: Any) -> None:
    pid = api.page("P")
    assert api.call("PUT", f"/content/{pid}", body).status == 400
    assert api.state.get_content(pid).version.number == 1
