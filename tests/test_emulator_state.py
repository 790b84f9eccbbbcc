"""The emulator's state: spaces, page rules, trash, persistence, thread safety."""

from __future__ import annotations

import json
import threading

import pytest

from sphinxcontrib.confluencebuilder.testing.state import EmulatorError, State


@pytest.fixture
def state() -> State:
    st = State()
    st.add_user("u1", "User One", email="u1@example.com")
    st.create_space("DS", "Demo Space", by="u1")
    return st


def test_space_comes_with_a_homepage(state: State) -> None:
    space = state.get_space("DS")
    home = state.get_content(space.homepage_id or "")
    assert home.title == "Demo Space Home"
    assert home.version.number == 1 and home.version.by == "u1"
    with pytest.raises(EmulatorError, match="already exists"):
        state.create_space("ds")


def test_hidden_space_is_404_and_read_only_is_403(state: State) -> None:
    state.create_space("HID", hidden=True)
    state.create_space("RO", read_only=True)
    with pytest.raises(EmulatorError) as info:
        state.get_space("HID")
    assert (info.value.status, info.value.message) == (404, "No space found with key : HID")
    hidden_home = [c for c in state.content.values() if c.space_key == "HID"][0]
    with pytest.raises(EmulatorError, match="No content found with id"):
        state.get_content(hidden_home.id)
    assert state.find_pages("HID") == []
    with pytest.raises(EmulatorError) as info:
        state.create_page("RO", "Nope")
    assert info.value.status == 403


def test_titles_are_unique_per_space_ignoring_case(state: State) -> None:
    state.create_page("DS", "Guide")
    with pytest.raises(EmulatorError) as info:
        state.create_page("DS", "GUIDE")
    assert info.value.status == 400
    assert info.value.message == ("A page with this title already exists: A page already "
                                  "exists with the title GUIDE in the space with key DS")
    state.create_space("OTHER")
    assert state.create_page("OTHER", "Guide").space_key == "OTHER"
    assert [p.title for p in state.find_pages("DS", "Guide")] == ["Guide"]
    assert state.find_pages("DS", "guide") == []          # exact match, like ?title=


def test_update_version_rules_and_moves(state: State) -> None:
    a = state.create_page("DS", "A")
    b = state.create_page("DS", "B", parent_id=a.id)
    c = state.create_page("DS", "C", parent_id=b.id)
    with pytest.raises(EmulatorError) as info:
        state.update_page(a, version=None, by="u1")
    assert info.value.status == 400 and "No version supplied" in info.value.message
    with pytest.raises(EmulatorError) as info:
        state.update_page(a, version=3, by="u1")
    assert info.value.status == 409
    assert info.value.message == "Version must be incremented on update. Current version is: 1"
    for bad_parent in (a.id, c.id):                 # itself, or its own descendant
        with pytest.raises(EmulatorError) as info:
            state.update_page(a, version=2, by="u1", parent_id=bad_parent)
        assert info.value.status == 400
    state.update_page(c, version=2, by="u1", parent_id=a.id, message="moved", minor_edit=True)
    assert [p.id for p in state.ancestors(c)] == [a.id]
    assert (c.version.number, c.version.message, c.version.minor_edit) == (2, "moved", True)
    assert [x.id for x in state.children(a.id)] == [b.id, c.id]
    assert state.page_tree("DS")["pages"][1] == {
        "title": "A", "id": a.id, "children": [
            {"title": "B", "id": b.id, "children": []},
            {"title": "C", "id": c.id, "children": []}]}


def test_trash_reparents_children_and_purge_drops_attachments(state: State) -> None:
    a = state.create_page("DS", "A")
    b = state.create_page("DS", "B", parent_id=a.id)
    att = state.attach(b, "f.txt", b"1", "text/plain", by="u1")
    assert state.download(b.id, "f.txt") is att and att.data == b"1"
    assert state.download(b.id, "other.txt") is None and state.download("1", "f.txt") is None
    state.trash(b)
    assert b.status == "trashed" and state.find_pages("DS", "B") == []
    state.create_page("DS", "B")                       # a trashed title is free again
    state.purge(b)
    assert b.id not in state.content and att.id not in state.content
    c = state.create_page("DS", "C", parent_id=a.id)
    state.trash(a)
    assert c.parent_id is None
    d = state.create_page("DS", "D", parent_id=c.id)
    state.trash(d)
    state.purge(c)                                   # a trashed child never dangles
    assert d.parent_id is None and state.ancestors(d) == []


def test_property_versions(state: State) -> None:
    page = state.create_page("DS", "P")
    prop = state.set_property(page, "k", {"a": 1}, version=1, by="u1")
    assert prop.version.number == 1
    with pytest.raises(EmulatorError) as info:
        state.set_property(page, "k", 2, version=1, by="u1")
    assert info.value.status == 409
    assert state.set_property(page, "k", 2, version=2, by="u1").value == 2
    with pytest.raises(EmulatorError) as info:
        state.set_property(page, "k", 3, version=None, by="u1", create_only=True)
    assert info.value.status == 409


def test_json_round_trip(state: State) -> None:
    a = state.create_page("DS", "A", "<p>hi</p>", by="u1")
    state.attach(a, "bin.dat", bytes(range(256)), "application/octet-stream", by="u1")
    state.add_label(a, "doc")
    state.set_property(a, "editor", "v2", version=1, by="u1")
    a.watchers.add("u1")
    state.archive([state.create_page("DS", "Old")], "u1")
    text = json.dumps(state.to_json())
    copy = State.from_json(json.loads(text))
    assert copy.to_json() == state.to_json()
    page = copy.find_pages("DS", "A")[0]
    att = copy.children(page.id, "attachment")[0]
    assert att.data == bytes(range(256))
    assert page.labels[0].name == "doc" and page.properties["editor"].value == "v2"
    assert copy.find_pages("DS", "Old", ("archived",))
    assert int(copy.create_page("DS", "New").id) > int(att.id)    # counter survives
    copy.reset()
    assert copy.spaces == {} and copy.content == {}


def test_concurrent_creates_get_unique_ids(state: State) -> None:
    ids: list[str] = []

    def work(n: int) -> None:
        for i in range(25):
            ids.append(state.create_page("DS", f"T{n}-{i}").id)
    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 100
