"""Publishing against the emulator: placement, identity, unchanged skipping, attachments,
page details, dry run and filters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from publish_helpers import (
    Doc,
    client_for,
    current_pages,
    identity,
    publish,
    snapshot,
    tree_docs,
    write_bundle,
)

from sphinxcontrib.confluencebuilder.publisher.identity import ATTACHMENT_TAG
from sphinxcontrib.confluencebuilder.publisher.settings import IDENTITY_KEY


@pytest.fixture
def server(confluence_emulator_factory: Any) -> Any:
    return confluence_emulator_factory(mode="cloud", max_limit=250)


@pytest.fixture
def parent(server: Any) -> Any:
    home = server.state.spaces["DOCS"].homepage_id
    return server.state.create_page("DOCS", "Parent", "<p>p</p>", home)


def nested() -> list[Doc]:
    return [Doc("index", "Root", labels=("doc",)), Doc("a", "A", "index"),
            Doc("a1", "A1", "a"), Doc("b", "B", "index")]


def test_first_publish_builds_the_tree_under_the_parent(server, parent, tmp_path):
    out = write_bundle(tmp_path / "out", nested())
    report = publish(client_for(server), out, parent_page_title="Parent",
                     global_labels=("g1",))
    assert sorted(report.created) == ["a", "a1", "b", "index"]
    snap = snapshot(server.state)
    assert snap["Root"]["parent"] == "Parent"
    assert snap["A"]["parent"] == "Root" and snap["B"]["parent"] == "Root"
    assert snap["A1"]["parent"] == "A"
    assert snap["Root"]["labels"] == ["doc", "g1"] and snap["A"]["labels"] == ["g1"]
    pages = current_pages(server.state)
    for title, doc in (("Root", "index"), ("A", "a"), ("A1", "a1"), ("B", "b")):
        ident = identity(pages[title])
        assert ident["project"] == "Proj" and ident["docname"] == doc
        assert ident["version"] == pages[title].version.number
    # the publishing user does not watch what it wrote (confluence_watch = False)
    assert all(server.creds.account_id not in pages[t].watchers for t in ("Root", "A"))
    assert report.url and pages["Root"].id in report.url


def test_parent_page_by_id_and_watch_true(server, parent, tmp_path):
    out = write_bundle(tmp_path / "out", nested()[:2])
    publish(client_for(server), out, parent_page_id=parent.id, watch=True)
    pages = current_pages(server.state)
    assert pages["Root"].parent_id == parent.id
    unwatch = [r for r in server.requests if "watch" in r["path"]]
    assert unwatch == []


def test_unchanged_republish_writes_nothing_in_few_requests(server, parent, tmp_path):
    docs = tree_docs(200)
    out = write_bundle(tmp_path / "out", docs)
    client = client_for(server)
    publish(client, out, parent_page_title="Parent")
    before = len(server.requests)
    report = publish(client_for(server), out, parent_page_title="Parent")
    after = server.requests[before:]
    assert len(report.unchanged) == 200 and not report.created and not report.updated
    assert [r for r in after if r["method"] != "GET"] == []
    assert len(after) <= 5
    assert report.requests == len(after)


def test_one_changed_page_is_the_only_write(server, tmp_path):
    docs = tree_docs(30, image=True)
    out = write_bundle(tmp_path / "out", docs)
    publish(client_for(server), out)
    page = current_pages(server.state)["Page 7"]
    docs[7].body = "<p>new text</p>"
    write_bundle(out, docs)
    before = len(server.requests)
    report = publish(client_for(server), out)
    after = server.requests[before:]
    assert report.updated == ["p7"] and len(report.unchanged) == 29
    assert len(after) <= 10
    assert {r["method"] for r in after if r["method"] != "GET"} <= {"PUT", "POST", "DELETE"}
    assert page.body == "<p>new text</p>" and page.version.number == 2
    assert identity(page)["version"] == 2


def test_toctree_change_moves_pages_and_title_change_keeps_history(server, tmp_path):
    out = write_bundle(tmp_path / "out", nested())
    publish(client_for(server), out)
    pages = current_pages(server.state)
    a1_id, b_id = pages["A1"].id, pages["B"].id
    # a1 now under b; b renamed
    docs = [Doc("index", "Root", labels=("doc",)), Doc("a", "A", "index"),
            Doc("b", "B renamed", "index"), Doc("a1", "A1", "b")]
    write_bundle(out, docs)
    report = publish(client_for(server), out)
    assert "a1" in report.moved and "b" in report.updated
    pages = current_pages(server.state)
    assert pages["A1"].id == a1_id and pages["A1"].parent_id == b_id
    assert pages["B renamed"].id == b_id and len(pages["B renamed"].versions) == 2
    assert "B" not in pages


def test_swapping_parent_and_child_never_makes_a_cycle(server, tmp_path):
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "A", "index"),
                                          Doc("b", "B", "a")])
    publish(client_for(server), out)
    write_bundle(out, [Doc("index", "Root"), Doc("b", "B", "index"), Doc("a", "A", "b")])
    publish(client_for(server), out)
    snap = snapshot(server.state)
    assert snap["B"]["parent"] == "Root" and snap["A"]["parent"] == "B"


def test_hand_edit_is_detected_overwritten_and_reported(server, tmp_path):
    out = write_bundle(tmp_path / "out", nested())
    publish(client_for(server), out)
    page = current_pages(server.state)["A"]
    server.state.update_page(page, version=2, by=None, body="<p>edited by a human</p>")
    report = publish(client_for(server), out)
    assert report.updated == ["a"]
    assert any("edited in Confluence" in w and "'A'" in w for w in report.warnings)
    assert page.body == "<p>A body</p>" and identity(page)["version"] == 3


def test_force_republishes_everything(server, tmp_path):
    out = write_bundle(tmp_path / "out", nested())
    publish(client_for(server), out)
    report = publish(client_for(server), out, force=True)
    assert sorted(report.updated) == ["a", "a1", "b", "index"]
    assert all(p.version.number == 2 for t, p in current_pages(server.state).items()
               if t != "Documentation Home")


def test_attachments_upload_once_update_in_place_and_go_when_unused(server, tmp_path):
    docs = [Doc("index", "Root", files={"a.png": b"one", "b:c.txt": b"bee"}),
            Doc("x", "X", "index", files={"a.png": b"other"})]
    out = write_bundle(tmp_path / "out", docs)
    publish(client_for(server), out)
    state = server.state
    root = current_pages(state)["Root"]
    atts = {a.title: a for a in state.children(root.id, "attachment")}
    assert set(atts) == {"a.png", "b_c.txt"}            # ':' is not allowed in names
    assert atts["a.png"].comment.startswith(ATTACHMENT_TAG)
    first_id = atts["a.png"].id
    # unchanged: no upload at all
    before = len(server.requests)
    report = publish(client_for(server), out)
    assert not report.uploaded and not [r for r in server.requests[before:]
                                        if "attachment" in r["path"]]
    # changed content: same attachment, new version; removed file: attachment deleted
    docs[0] = Doc("index", "Root", files={"a.png": b"two"})
    write_bundle(out, docs)
    report = publish(client_for(server), out)
    assert report.uploaded == ["index/a.png"]
    assert report.attachments_deleted == ["index/b_c.txt"]
    live = {a.title: a for a in state.children(root.id, "attachment")}
    assert set(live) == {"a.png"} and live["a.png"].id == first_id
    assert live["a.png"].data == b"two" and live["a.png"].version.number == 2
    recorded = identity(root)["attachments"]
    assert set(recorded) == {"a.png"} and recorded["a.png"]["id"].removeprefix("att") == first_id


def test_page_details_labels_minor_edit_comment_and_full_width(server, tmp_path):
    docs = [Doc("index", "Root", labels=("one", "two"))]
    out = write_bundle(tmp_path / "out", docs)
    publish(client_for(server), out, full_width=True, version_comment="from CI")
    root = current_pages(server.state)["Root"]
    assert root.properties["content-appearance-published"].value == "full-width"
    assert root.properties["content-appearance-draft"].value == "full-width"
    docs[0] = Doc("index", "Root", labels=("two", "three"), body="<p>v2</p>")
    write_bundle(out, docs)
    publish(client_for(server), out, full_width=False, version_comment="again")
    assert root.properties["content-appearance-published"].value == "default"
    assert sorted(lb.name for lb in root.labels) == ["three", "two"]
    assert root.version.minor_edit is True and root.version.message == "again"
    # a label added by a person stays with append_labels (the default) ...
    server.state.add_label(root, "human")
    docs[0] = Doc("index", "Root", labels=("two",), body="<p>v3</p>")
    write_bundle(out, docs)
    publish(client_for(server), out)
    assert sorted(lb.name for lb in root.labels) == ["human", "two"]
    # ... and goes when labels are replaced
    publish(client_for(server), out, append_labels=False, force=True)
    assert sorted(lb.name for lb in root.labels) == ["two"]


def test_dry_run_writes_plan_json_and_nothing_remote(server, tmp_path):
    out = write_bundle(tmp_path / "out", nested())
    publish(client_for(server), out)
    docs = nested() + [Doc("c", "C", "index")]
    docs[1].body = "<p>changed</p>"
    write_bundle(out, docs)
    before = len(server.requests)
    report = publish(client_for(server), out, dryrun=True)
    assert [r for r in server.requests[before:] if r["method"] != "GET"] == []
    assert report.created == ["c"] and report.updated == ["a"]
    data = json.loads(Path(out, "confluence-plan.json").read_text("utf-8"))
    actions = {p["docname"]: p["action"] for p in data["pages"]}
    assert actions == {"index": "unchanged", "a": "update", "a1": "unchanged",
                       "b": "unchanged", "c": "create"}
    assert data["summary"]["create"] == 1 and data["report"]["dryrun"] is True
    assert "C" not in current_pages(server.state)


def test_onlynew_and_allowlist(server, tmp_path):
    out = write_bundle(tmp_path / "out", nested())
    publish(client_for(server), out)
    docs = nested() + [Doc("c", "C", "index")]
    docs[1].body = "<p>changed</p>"
    write_bundle(out, docs)
    report = publish(client_for(server), out, onlynew=True)
    pages = current_pages(server.state)
    assert report.created == ["c"] and pages["A"].body == "<p>A body</p>"
    docs[3].body = "<p>b changed</p>"
    write_bundle(out, docs)
    report = publish(client_for(server), out, allowlist=frozenset({"b"}),
                     cleanup_purge=True)
    assert report.updated == ["b"] and not report.removed
    assert pages["A"].body == "<p>A body</p>" and pages["B"].body == "<p>b changed</p>"


def test_purge_removes_our_stale_pages_only(server, tmp_path):
    out = write_bundle(tmp_path / "out", nested())
    publish(client_for(server), out)
    write_bundle(out, nested()[:2])                  # a1 and b are gone
    report = publish(client_for(server), out, cleanup_purge=True)
    assert len(report.removed) == 2
    assert set(current_pages(server.state)) == {"Documentation Home", "Root", "A"}


def test_archive_mode(server, tmp_path):
    out = write_bundle(tmp_path / "out", nested())
    publish(client_for(server), out)
    b_id = current_pages(server.state)["B"].id
    write_bundle(out, nested()[:3])
    publish(client_for(server), out, cleanup_archive=True)
    assert server.state.content[b_id].status == "archived"


def test_property_names_project_and_docname(server, tmp_path):
    out = write_bundle(tmp_path / "out", nested()[:1])
    publish(client_for(server), out)
    prop = current_pages(server.state)["Root"].properties[IDENTITY_KEY].value
    assert prop["project"] == "Proj" and prop["docname"] == "index" and len(prop["hash"]) == 64


def test_data_center_publish_and_republish(confluence_emulator_factory, tmp_path):
    server = confluence_emulator_factory(mode="dc", max_limit=250)
    docs = [Doc("index", "Root", labels=("x",), files={"f.png": b"f"}),
            Doc("a", "A", "index", files={"g.png": b"g"})]
    out = write_bundle(tmp_path / "out", docs)
    report = publish(client_for(server), out)
    assert sorted(report.created) == ["a", "index"] and len(report.uploaded) == 2
    snap = snapshot(server.state)
    assert snap["A"]["parent"] == "Root" and snap["Root"]["labels"] == ["x"]
    assert [name for name, _ in snap["A"]["attachments"]] == ["g.png"]
    before = len(server.requests)
    report = publish(client_for(server), out)
    assert len(report.unchanged) == 2
    assert [r for r in server.requests[before:] if r["method"] != "GET"] == []


def test_two_documents_swapping_titles_keep_their_pages(server, tmp_path):
    docs = [Doc("index", "Root"), Doc("a", "Alpha", "index"), Doc("b", "Beta", "index")]
    out = write_bundle(tmp_path / "out", docs)
    publish(client_for(server), out)
    pages = current_pages(server.state)
    a_id, b_id = pages["Alpha"].id, pages["Beta"].id
    write_bundle(out, [Doc("index", "Root"), Doc("a", "Beta", "index"),
                       Doc("b", "Alpha", "index")])
    report = publish(client_for(server), out)
    assert sorted(report.updated) == ["a", "b"]
    pages = current_pages(server.state)
    assert pages["Beta"].id == a_id and pages["Alpha"].id == b_id
    assert identity(pages["Beta"])["docname"] == "a"
    again = publish(client_for(server), out)
    assert len(again.unchanged) == 3


def test_parent_override_transform_places_chosen_documents(server, tmp_path):
    home = server.state.spaces["DOCS"].homepage_id
    shelf = server.state.create_page("DOCS", "Shelf", "<p>s</p>", home)
    seen = []

    def transform(docname: str, parent_id: str | None) -> str | None:
        seen.append((docname, parent_id))
        return shelf.id if docname == "b" else None

    out = write_bundle(tmp_path / "out", nested())
    publish(client_for(server), out, parent_transform=transform)
    pages = current_pages(server.state)
    assert pages["B"].parent_id == shelf.id and pages["A"].parent_id == pages["Root"].id
    assert ("b", pages["Root"].id) in seen
    report = publish(client_for(server), out, parent_transform=transform)
    assert len(report.unchanged) == 4                 # placed where the transform says


@pytest.mark.parametrize("cleanup", [False, True])
def test_a_document_takes_the_title_of_a_removed_document(server, tmp_path, cleanup):
    """'intro' is removed and 'over' takes its title: 'over' keeps its own page (and
    history); the stale page of 'intro' gives the title up (cleanup then removes it)."""
    docs = [Doc("index", "Root"), Doc("intro", "Introduction", "index"),
            Doc("over", "Overview", "index")]
    out = write_bundle(tmp_path / "out", docs)
    publish(client_for(server), out)
    pages = current_pages(server.state)
    intro, over = pages["Introduction"], pages["Overview"]
    write_bundle(out, [Doc("index", "Root"), Doc("over", "Introduction", "index")])
    before = len(server.requests)
    publish(client_for(server), out, cleanup_purge=cleanup, dryrun=True)
    assert [r for r in server.requests[before:] if r["method"] != "GET"] == []
    plan = json.loads((out / "confluence-plan.json").read_text(encoding="utf-8"))
    assert plan["vacate"] == [{"page_id": intro.id, "title": "Introduction"}]
    report = publish(client_for(server), out, cleanup_purge=cleanup)
    assert report.updated == ["over"]
    pages = current_pages(server.state)
    assert pages["Introduction"].id == over.id
    assert identity(pages["Introduction"])["docname"] == "over"
    if cleanup:
        assert report.removed == [intro.id] and intro.status != "current"
    else:
        assert intro.status == "current" and intro.title == f"Introduction ({intro.id})"
    assert len(publish(client_for(server), out).unchanged) == 2


def test_two_documents_swapping_titles_of_the_longest_length(server, tmp_path):
    """The temporary title a swap uses stays within Confluence's 255 characters."""
    alpha, beta = "A" * 254 + "1", "B" * 254 + "2"
    docs = [Doc("index", "Root"), Doc("a", alpha, "index"), Doc("b", beta, "index")]
    out = write_bundle(tmp_path / "out", docs)
    publish(client_for(server), out)
    pages = current_pages(server.state)
    a_id, b_id = pages[alpha].id, pages[beta].id
    write_bundle(out, [Doc("index", "Root"), Doc("a", beta, "index"),
                       Doc("b", alpha, "index")])
    report = publish(client_for(server), out)
    assert sorted(report.updated) == ["a", "b"]
    pages = current_pages(server.state)
    assert pages[beta].id == a_id and pages[alpha].id == b_id
