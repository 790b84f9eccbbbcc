"""Publishing never damages a shared space: foreign pages, trample, homepage, cleanup
refusals and bad input stop before the first write."""

from __future__ import annotations

from typing import Any

import pytest
from publish_helpers import Doc, client_for, current_pages, publish, snapshot, write_bundle, writes

from sphinxcontrib.confluencebuilder.errors import (
    ConfluenceBuildError,
    ConfluenceCleanupRefused,
    ConfluencePublishError,
    ConfluenceTrampleError,
)
from sphinxcontrib.confluencebuilder.publisher.settings import IDENTITY_KEY


@pytest.fixture(params=["cloud", "dc"])
def server(confluence_emulator_factory: Any, request: Any) -> Any:
    return confluence_emulator_factory(mode=request.param, max_limit=250)


def docs() -> list[Doc]:
    return [Doc("index", "Root"), Doc("a", "A", "index"), Doc("b", "Shared Title", "index")]


@pytest.fixture
def shared(server: Any) -> dict[str, Any]:
    """A space with pages nobody published with this project, inside and outside our tree."""
    st = server.state
    home = st.spaces["DOCS"].homepage_id
    parent = st.create_page("DOCS", "Parent", "<p>parent</p>", home)
    return {
        "home": home,
        "parent": parent,
        "outside": st.create_page("DOCS", "Elsewhere", "<p>keep</p>", home),
        "sibling": st.create_page("DOCS", "Team Notes", "<p>notes</p>", parent.id),
        "same_title": st.create_page("DOCS", "Shared Title", "<p>theirs</p>", parent.id),
    }


def test_same_title_page_is_not_trampled(server, shared, tmp_path):
    before = snapshot(server.state)
    out = write_bundle(tmp_path / "out", docs())
    with pytest.raises(ConfluenceTrampleError) as info:
        publish(client_for(server), out, parent_page_title="Parent", cleanup_purge=True)
    text = str(info.value)
    assert "Shared Title" in text and shared["same_title"].id in text
    assert "confluence_publish_trample" in text
    assert writes(server) == []
    assert snapshot(server.state) == before


def test_trample_takes_over_only_that_page_and_purge_spares_foreign_pages(server, shared,
                                                                           tmp_path):
    out = write_bundle(tmp_path / "out", docs())
    publish(client_for(server), out, parent_page_title="Parent", trample=True,
            cleanup_purge=True)
    st = server.state
    pages = current_pages(st)
    assert pages["Shared Title"].id == shared["same_title"].id
    assert pages["Shared Title"].body == "<p>Shared Title body</p>"
    # drop a document and purge: only our own stale page goes
    write_bundle(out, docs()[:2])
    report = publish(client_for(server), out, parent_page_title="Parent", trample=True,
                     cleanup_purge=True)
    assert report.removed == [shared["same_title"].id]      # taken over, so now ours
    for key in ("outside", "sibling", "parent"):
        page = shared[key]
        assert page.status == "current" and page.version.number == 1
    assert shared["sibling"].parent_id == shared["parent"].id
    assert st.content[shared["home"]].version.number == 1


@pytest.mark.parametrize("mode", ["cleanup_purge", "cleanup_archive"])
def test_cleanup_over_the_whole_space_touches_only_our_pages(server, shared, tmp_path, mode):
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "A", "index")])
    publish(client_for(server), out)
    write_bundle(out, [Doc("index", "Root")])
    if server.mode == "dc" and mode == "cleanup_archive":
        before = len(server.requests)
        with pytest.raises(ConfluencePublishError, match="needs Confluence Cloud"):
            publish(client_for(server), out, cleanup_max_deletes=0, **{mode: True})
        assert [r for r in server.requests[before:] if r["method"] != "GET"] == []
        mode = "cleanup_purge"
    publish(client_for(server), out, cleanup_max_deletes=0, **{mode: True})
    pages = current_pages(server.state)
    assert "A" not in pages
    assert all(shared[k].status == "current" for k in ("outside", "sibling", "same_title"))
    assert {"Elsewhere", "Team Notes", "Shared Title", "Parent",
            "Documentation Home"} <= set(pages)
    assert all(p.version.number == 1 for t, p in pages.items() if t != "Root")


def test_cleanup_refuses_when_a_stale_page_holds_a_foreign_page(server, tmp_path):
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "A", "index")])
    publish(client_for(server), out)
    a = current_pages(server.state)["A"]
    child = server.state.create_page("DOCS", "Human child", "<p>mine</p>", a.id)
    write_bundle(out, [Doc("index", "Root", body="<p>new</p>")])
    before = len(server.requests)
    with pytest.raises(ConfluenceCleanupRefused) as info:
        publish(client_for(server), out, cleanup_purge=True)
    assert "Human child" in str(info.value) and "confluence_cleanup_force" in str(info.value)
    assert [r for r in server.requests[before:] if r["method"] != "GET"] == []
    # forced: the rest is published, the page holding a foreign child is kept
    report = publish(client_for(server), out, cleanup_purge=True, cleanup_force=True)
    assert report.removed == [] and report.updated == ["index"]
    assert a.status == "current" and child.parent_id == a.id and child.version.number == 1


def test_cleanup_refuses_more_deletions_than_allowed(server, tmp_path):
    many = [Doc("index", "Root")] + [Doc(f"d{i}", f"D{i}", "index") for i in range(5)]
    out = write_bundle(tmp_path / "out", many)
    publish(client_for(server), out)
    write_bundle(out, many[:1])
    with pytest.raises(ConfluenceCleanupRefused, match="confluence_cleanup_max_deletes"):
        publish(client_for(server), out, cleanup_purge=True, cleanup_max_deletes=3)
    assert len(current_pages(server.state)) == 7
    report = publish(client_for(server), out, cleanup_purge=True, cleanup_max_deletes=5)
    assert len(report.removed) == 5


def test_homepage_is_never_overwritten(server, tmp_path):
    out = write_bundle(tmp_path / "out", [Doc("index", "Documentation Home")])
    with pytest.raises(ConfluenceTrampleError, match="homepage"):
        publish(client_for(server), out, trample=True)
    home = server.state.content[server.state.spaces["DOCS"].homepage_id]
    assert home.version.number == 1 and writes(server) == []
    with pytest.raises(ConfluencePublishError, match="homepage"):
        publish(client_for(server), out, publish_root=home.id)


def test_publish_root_replaces_content_and_children_go_under_it(server, tmp_path):
    home = server.state.spaces["DOCS"].homepage_id
    root = server.state.create_page("DOCS", "Landing", "<p>old</p>", home)
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "A", "index")])
    publish(client_for(server), out, publish_root=root.id)
    assert root.body == "<p>Root body</p>" and root.parent_id == home
    assert current_pages(server.state)["A"].parent_id == root.id


def test_parent_that_is_one_of_our_pages_is_refused(server, tmp_path):
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "A", "index")])
    publish(client_for(server), out)
    a = current_pages(server.state)["A"]
    before = len(server.requests)
    with pytest.raises(ConfluencePublishError, match="under itself"):
        publish(client_for(server), out, parent_page_id=a.id)
    assert [r for r in server.requests[before:] if r["method"] != "GET"] == []


@pytest.mark.parametrize("option", [{"parent_page_title": "No Such Page"},
                                    {"parent_page_id": "999999"},
                                    {"space_key": "NOPE"},
                                    {"orphan_container": "999999"}])
def test_bad_placement_stops_before_any_write(server, tmp_path, option):
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("o", "Orphan")])
    with pytest.raises(ConfluencePublishError) as info:
        publish(client_for(server), out, **option)
    value = next(iter(option.values()))
    assert str(value) in str(info.value)
    assert writes(server) == []
    assert "Root" not in current_pages(server.state)


def test_read_only_space_stops_at_the_first_write(server, tmp_path):
    server.state.spaces["DOCS"].read_only = True
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "A", "index"),
                                          Doc("b", "B", "index")])
    with pytest.raises(ConfluencePublishError, match="not allowed to write") as info:
        publish(client_for(server), out)
    assert "DOCS" in str(info.value)
    assert len([r for r in writes(server) if r["path"].endswith(("/content", "/pages"))]) <= 1
    assert set(current_pages(server.state)) == {"Documentation Home"}
    # once writable, a re-run publishes everything
    server.state.spaces["DOCS"].read_only = False
    report = publish(client_for(server), out)
    assert sorted(report.created) == ["a", "b", "index"]


def test_secrets_never_in_errors(server, tmp_path):
    out = write_bundle(tmp_path / "out", [Doc("index", "Root")])
    with pytest.raises(ConfluencePublishError) as info:
        publish(client_for(server), out, space_key="NOPE")
    assert (server.api_token or "") not in str(info.value) and server.pat not in str(info.value)


def test_cleanup_from_root_limits_the_scope_to_the_root_page(server, shared, tmp_path):
    parent = shared["parent"]
    docs = [Doc("index", "Root"), Doc("a", "A", "index"), Doc("o", "Orphan")]
    out = write_bundle(tmp_path / "out", docs)
    publish(client_for(server), out, parent_page_id=parent.id)
    pages = current_pages(server.state)
    assert pages["Orphan"].parent_id == parent.id        # orphans sit beside the root
    write_bundle(out, docs[:1])
    report = publish(client_for(server), out, parent_page_id=parent.id, cleanup_purge=True,
                     cleanup_from_root=True)
    pages = current_pages(server.state)
    assert len(report.removed) == 1
    assert "A" not in pages and "Orphan" in pages        # outside the root: kept
    report = publish(client_for(server), out, parent_page_id=parent.id, cleanup_purge=True)
    assert "Orphan" not in current_pages(server.state)


def test_denylist_skips_documents_and_disables_cleanup(server, tmp_path):
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "A", "index"),
                                          Doc("b", "B", "index")])
    report = publish(client_for(server), out, denylist=frozenset({"b"}), cleanup_purge=True)
    assert sorted(report.created) == ["a", "index"]
    assert "B" not in current_pages(server.state)


def test_a_page_the_server_rejects_stops_with_a_clear_error_and_a_rerun_repairs(server,
                                                                                 tmp_path):
    docs = [Doc("index", "Root"), Doc("a", "A", "index", body="<p>broken</b>"),
            Doc("b", "B", "index")]
    out = write_bundle(tmp_path / "out", docs)
    with pytest.raises(ConfluencePublishError) as info:
        publish(client_for(server), out)
    text = str(info.value)
    assert "publishing stopped" in text and "xhtml" in text.lower()
    assert "A" not in current_pages(server.state)
    docs[1] = Doc("a", "A", "index", body="<p>fixed</p>")
    write_bundle(out, docs)
    report = publish(client_for(server), out)
    assert "a" in report.created
    assert {"Root", "A", "B"} <= set(current_pages(server.state))


@pytest.mark.parametrize("damage", ["missing", "changed"])
def test_a_missing_or_changed_attachment_file_stops_before_any_write(server, tmp_path,
                                                                     damage):
    docs = [Doc("index", "Root", files={"logo.png": b"logo"}),
            Doc("a", "A", "index", files={"fig.png": b"figure"})]
    out = write_bundle(tmp_path / "out", docs)
    file = next((out / "_attachments").glob("*.png"))
    if damage == "missing":
        file.unlink()                       # a half-copied output directory
    else:
        file.write_bytes(b"edited after the build")
    with pytest.raises(ConfluenceBuildError) as info:
        publish(client_for(server), out)
    assert file.name in str(info.value)
    assert writes(server) == []
    assert set(current_pages(server.state)) == {"Documentation Home"}


def test_a_malformed_identity_property_marks_a_foreign_page(server, shared, tmp_path):
    """A page whose identity property is not one we wrote (here: attachments as a list)
    is not ours: the publish goes on and leaves it alone, cleanup included."""
    st = server.state
    odd = st.create_page("DOCS", "Odd", "<p>odd</p>", shared["parent"].id)
    st.set_property(odd, IDENTITY_KEY, {"project": "Proj", "docname": "gone",
                                        "attachments": ["x.png"]}, version=1, by=None)
    out = write_bundle(tmp_path / "out", docs())
    report = publish(client_for(server), out, parent_page_title="Parent", trample=True,
                     cleanup_purge=True)
    assert sorted(report.created) == ["a", "index"] and report.removed == []
    assert odd.status == "current" and odd.version.number == 1
    assert not [r for r in writes(server) if odd.id in r["path"]]


@pytest.mark.parametrize("new_title", ["Team Notes", "team notes"])
def test_a_title_change_onto_a_foreign_page_stops_before_any_write(server, shared, tmp_path,
                                                                    new_title):
    """A document whose page is ours, retitled to the title of a page this project did
    not publish (compared as Confluence does, ignoring case): refused in the plan,
    trample or not, instead of failing part-way through the publish."""
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "A", "index")])
    publish(client_for(server), out, parent_page_title="Parent")
    write_bundle(out, [Doc("index", "Root", body="<p>new</p>"),
                       Doc("a", new_title, "index")])
    before = snapshot(server.state)
    count = len(server.requests)
    for trample in (False, True):
        with pytest.raises(ConfluenceTrampleError) as info:
            publish(client_for(server), out, parent_page_title="Parent", trample=trample)
        assert shared["sibling"].id in str(info.value) and "'a'" in str(info.value)
    assert [r for r in server.requests[count:] if r["method"] != "GET"] == []
    assert snapshot(server.state) == before
    assert shared["sibling"].version.number == 1


def test_a_title_held_by_a_copy_of_one_of_our_pages_stops_before_any_write(server, tmp_path):
    """A copy made in Confluence carries our identity along; a document taking its title
    does not rename it out of the way: the publish stops before the first write."""
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "A", "index"),
                                          Doc("b", "B", "index")])
    publish(client_for(server), out)
    st = server.state
    a = current_pages(st)["A"]
    copy = st.create_page("DOCS", "Copy of A", a.body, a.parent_id)
    st.set_property(copy, IDENTITY_KEY, dict(a.properties[IDENTITY_KEY].value), version=1,
                    by=None)
    write_bundle(out, [Doc("index", "Root", body="<p>new</p>"), Doc("a", "A", "index"),
                       Doc("b", "Copy of A", "index")])
    before = snapshot(st)
    count = len(server.requests)
    with pytest.raises(ConfluencePublishError, match="copy") as info:
        publish(client_for(server), out)
    assert copy.id in str(info.value)
    assert [r for r in server.requests[count:] if r["method"] != "GET"] == []
    assert snapshot(st) == before and copy.version.number == 1


def test_only_new_stops_before_any_write_when_a_new_page_needs_a_title_it_keeps(server,
                                                                              tmp_path):
    """'a' is retitled and new 'b' takes a's old title: only-new does not rename a's page,
    so b cannot be created; that is known before the first write."""
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "A", "index")])
    publish(client_for(server), out)
    write_bundle(out, [Doc("index", "Root"), Doc("a", "A2", "index"),
                       Doc("n", "New", "index"), Doc("b", "A", "index")])
    before = snapshot(server.state)
    count = len(server.requests)
    with pytest.raises(ConfluencePublishError, match="only-new") as info:
        publish(client_for(server), out, onlynew=True)
    assert "'b'" in str(info.value) and "'a'" in str(info.value)
    assert [r for r in server.requests[count:] if r["method"] != "GET"] == []
    assert snapshot(server.state) == before
    report = publish(client_for(server), out)           # without only-new: a swap
    assert sorted(report.created) == ["b", "n"] and report.updated == ["a"]


def test_an_allowlisted_document_never_takes_the_page_of_a_document_left_out(server,
                                                                            tmp_path):
    """'a' is retitled and 'b' takes a's old title, but only 'b' is published: a's page
    (whose document still exists) is not reused for 'b'; the publish stops unwritten."""
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "Old", "index")])
    publish(client_for(server), out)
    a = current_pages(server.state)["Old"]
    write_bundle(out, [Doc("index", "Root"), Doc("a", "New", "index"),
                       Doc("b", "Old", "index")])
    before = snapshot(server.state)
    count = len(server.requests)
    with pytest.raises(ConfluencePublishError, match="left out") as info:
        publish(client_for(server), out, allowlist=frozenset({"b"}))
    assert "'a'" in str(info.value) and a.id in str(info.value)
    assert [r for r in server.requests[count:] if r["method"] != "GET"] == []
    assert snapshot(server.state) == before
    report = publish(client_for(server), out)           # all of it: a keeps its page
    assert report.updated == ["a"] and report.created == ["b"]
    assert current_pages(server.state)["New"].id == a.id


def test_a_homepage_carrying_our_identity_is_never_renamed_out_of_the_way(server, tmp_path):
    """Even when the homepage carries an identity of this project (copied over by hand),
    a document retitled to its title never makes the publish rename it."""
    st = server.state
    home = st.content[st.spaces["DOCS"].homepage_id]
    out = write_bundle(tmp_path / "out", [Doc("index", "Root"), Doc("a", "A", "index")])
    publish(client_for(server), out)
    st.set_property(home, IDENTITY_KEY, {"project": "Proj", "docname": "gone"}, version=1,
                    by=None)
    write_bundle(out, [Doc("index", "Root"), Doc("a", home.title, "index")])
    count = len(server.requests)
    with pytest.raises(ConfluencePublishError):
        publish(client_for(server), out, cleanup_purge=True)
    assert [r for r in server.requests[count:] if r["method"] != "GET"] == []
    assert home.title == "Documentation Home" and home.version.number == 1
