"""The emulator's v1 attachment upload with several files in one multipart request, and
a v1 create that carries content properties and labels (through dispatch(), no sockets)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from emulator_api_helpers import NO_CHECK, Api


def upload_many(api: Api, page_id: str, files: list[tuple[str, bytes]],
                comments: list[str], minor: str | None = "true") -> Any:
    fields: list[tuple[str, str]] = [("comment", c) for c in comments]
    if minor is not None:
        fields.append(("minorEdit", minor))
    prepared = requests.Request(
        "POST", "http://x/", data=fields,
        files=[("file", (name, data, "image/png")) for name, data in files]).prepare()
    headers = {**NO_CHECK, "content-type": prepared.headers["Content-Type"]}
    return api.call("POST", f"/content/{page_id}/child/attachment", raw=prepared.body,
                    headers=headers)


@pytest.mark.parametrize("mode", ["cloud", "dc"])
def test_several_files_with_a_comment_each(mode: str) -> None:
    api = Api(mode)
    pid = api.page("Files")
    rsp = upload_many(api, pid, [("a.png", b"aa"), ("b.png", b"bbb"), ("c.png", b"c")],
                      ["hash:a", "hash:b", "hash:c"])
    assert rsp.status == 200
    results = rsp.body["results"]
    assert [r["title"] for r in results] == ["a.png", "b.png", "c.png"]
    assert [r["metadata"]["comment"] for r in results] == ["hash:a", "hash:b", "hash:c"]
    stored = {a.title: (a.data, a.comment, a.version.minor_edit)
              for a in api.state.children(pid, "attachment")}
    assert stored == {"a.png": (b"aa", "hash:a", True), "b.png": (b"bbb", "hash:b", True),
                      "c.png": (b"c", "hash:c", True)}


def test_files_without_comments_are_stored_without() -> None:
    api = Api("cloud")
    pid = api.page("Files")
    assert upload_many(api, pid, [("a.png", b"1"), ("b.png", b"2")], [], None).status == 200
    assert {a.title: a.comment for a in api.state.children(pid, "attachment")} == {
        "a.png": "", "b.png": ""}


@pytest.mark.parametrize(("files", "comments", "says"), [
    ([("a.png", b"1"), ("b.png", b"2")], ["only one"], "2 file(s) but 1 comment(s)"),
    ([("a.png", b"1"), ("a.png", b"2")], ["x", "y"], "given more than once"),
    ([("new.png", b"1"), ("old.png", b"2")], ["x", "y"], "same file name"),
])
def test_a_refused_upload_stores_none_of_its_files(files: list[tuple[str, bytes]],
                                                   comments: list[str], says: str) -> None:
    api = Api("cloud")
    pid = api.page("Files")
    assert api.upload(pid, "old.png", b"old").status == 200
    rsp = upload_many(api, pid, files, comments)
    assert rsp.status == 400 and says in rsp.body["message"]
    assert [a.title for a in api.state.children(pid, "attachment")] == ["old.png"]


@pytest.mark.parametrize("mode", ["cloud", "dc"])
def test_a_v1_create_stores_its_properties_and_cloud_its_labels(mode: str) -> None:
    api = Api(mode)
    created = api.ok("POST", "/content", {
        "type": "page", "title": "With metadata", "space": {"key": "DS"},
        "body": {"storage": {"value": "<p>x</p>", "representation": "storage"}},
        "metadata": {"properties": {"my-key": {"value": {"a": 1}}},
                     "labels": [{"prefix": "global", "name": "lbl"}]}})
    pid = created["id"]
    prop = api.ok("GET", f"/content/{pid}/property/my-key")
    assert prop["value"] == {"a": 1} and prop["version"]["number"] == 1
    found = api.ok("GET", "/content/search?cql=" + requests.utils.quote(
        'space="DS" and type=page and title="With metadata"') +
        "&expand=metadata.properties.my_key")["results"][0]
    assert found["metadata"]["properties"]["my-key"]["value"] == {"a": 1}
    labels = [lb["name"] for lb in api.ok("GET", f"/content/{pid}/label")["results"]]
    # Confluence Cloud takes labels in a create; Data Center ignores them there
    assert labels == (["lbl"] if mode == "cloud" else [])
