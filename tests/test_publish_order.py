"""Pages appear in Confluence in toctree order: new siblings, a reordered toctree, foreign
siblings left in place, only-new and dry runs (against the emulator, over HTTP)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from publish_helpers import Doc, client_for, current_pages, publish, write_bundle

CHILDREN = [f"c{i}" for i in range(1, 9)]
NESTED = [f"n{i}" for i in range(1, 5)]


def docs(order: list[str] | None = None, nested: list[str] | None = None) -> list[Doc]:
    """index with 8 children (c1..c8, toctree order ``order``); c3 has 4 children."""
    out = [Doc("index", "Root")]
    for doc in order or CHILDREN:
        out.append(Doc(doc, f"Title {doc}", "index"))
        if doc == "c3":
            out += [Doc(n, f"Title {n}", "c3") for n in nested or NESTED]
    return out


class SlowCreates:
    """Delegates to a real client; the creates of the named titles wait first, so those
    pages land after their later siblings (as concurrent creates may)."""

    def __init__(self, client: Any, titles: set[str], delay: float = 0.3) -> None:
        self._client, self._titles, self._delay = client, titles, delay

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._client, name)
        if name != "create_page":
            return value

        def create(space: Any, title: str, *args: Any, **kwargs: Any) -> Any:
            if title in self._titles:
                time.sleep(self._delay)
            return value(space, title, *args, **kwargs)
        return create


def children(server: Any, title: str) -> list[str]:
    state = server.state
    return [c.title for c in state.children(current_pages(state)[title].id)]


def move_requests(server: Any, before: int = 0) -> list[dict[str, Any]]:
    return [r for r in server.requests[before:]
            if "/move/" in r["path"] or "movepage.action" in r["path"]]


def titles(names: list[str]) -> list[str]:
    return [f"Title {n}" for n in names]


@pytest.fixture(params=["v1", "v2"])
def api(request: Any) -> str:
    return str(request.param)


@pytest.fixture
def server(confluence_emulator_factory: Any) -> Any:
    return confluence_emulator_factory(mode="cloud", max_limit=250)


def test_first_publish_puts_children_in_toctree_order(server, api, tmp_path):
    out = write_bundle(tmp_path / "out", docs())
    slow = {"Title c1", "Title c2", "Title n1"}
    report = publish(SlowCreates(client_for(server, api_mode=api), slow), out)
    assert len(report.created) == 13
    assert children(server, "Root") == titles(CHILDREN)
    assert children(server, "Title c3") == titles(NESTED)
    # siblings are created one after the other in toctree order (slow creates or not):
    # they land in place, so no child listing and no move is sent
    assert move_requests(server) == []
    assert not [r for r in server.requests if "child/page" in r["path"]
                or "direct-children" in r["path"]]
    assert report.reordered == [] and not report.warnings
    assert "reordered" not in report.summary()
    assert {p.version.number for p in current_pages(server.state).values()} == {1}
    before = len(server.requests)
    again = publish(client_for(server, api_mode=api), out)
    assert len(again.unchanged) == 13 and not again.reordered
    assert not [r for r in server.requests[before:] if "child" in r["endpoint"]
                or "/move/" in r["path"]]


def test_a_reordered_toctree_reorders_the_pages(server, api, tmp_path):
    out = write_bundle(tmp_path / "out", docs())
    publish(client_for(server, api_mode=api), out)
    assert children(server, "Root") == titles(CHILDREN)
    versions = {t: p.version.number for t, p in current_pages(server.state).items()}
    new_order = ["c8", "c1", "c2", "c3", "c4", "c5", "c7", "c6"]
    new_nested = list(reversed(NESTED))
    write_bundle(out, docs(new_order, new_nested))
    before = len(server.requests)
    report = publish(client_for(server, api_mode=api), out)
    assert len(report.unchanged) == 13
    assert children(server, "Root") == titles(new_order)
    assert children(server, "Title c3") == titles(new_nested)
    # the fewest moves: c8 to the front and c7 before c6; the reversed four take three
    assert len(move_requests(server, before)) == len(report.reordered) == 2 + 3
    assert {t: p.version.number for t, p in current_pages(server.state).items()} == versions
    before = len(server.requests)
    publish(client_for(server, api_mode=api), out)
    assert move_requests(server, before) == []


def test_foreign_siblings_keep_their_place_and_version(server, api, tmp_path):
    out = write_bundle(tmp_path / "out", docs())
    publish(client_for(server, api_mode=api), out)
    state = server.state
    pages = current_pages(state)
    root, first = pages["Root"], pages["Title c1"]
    f_first = state.create_page("DOCS", "Foreign first", "<p>f</p>", root.id)
    state.move_page(f_first, first, "before")
    f_middle = state.create_page("DOCS", "Foreign middle", "<p>f</p>", root.id)
    state.move_page(f_middle, pages["Title c4"], "after")
    f_last = state.create_page("DOCS", "Foreign last", "<p>f</p>", root.id)
    foreign = [f_first, f_middle, f_last]
    foreign_ids = {f.id for f in foreign}
    assert children(server, "Root")[0] == "Foreign first"
    new_order = list(reversed(CHILDREN))
    write_bundle(out, docs(new_order))
    before = len(server.requests)
    report = publish(client_for(server, api_mode=api), out)
    assert report.reordered
    listed = children(server, "Root")
    assert [t for t in listed if not t.startswith("Foreign")] == titles(new_order)
    assert listed[0] == "Foreign first" and listed[-1] == "Foreign last"
    assert [t for t in listed if t.startswith("Foreign")] == [f.title for f in foreign]
    assert all(f.version.number == 1 and f.parent_id == root.id for f in foreign)
    # no move names a foreign page, neither as the page moved nor as its target
    for request in move_requests(server, before):
        assert not set(request["path"].split("/")) & foreign_ids, request["path"]


def test_only_new_moves_only_the_new_pages(server, tmp_path):
    out = write_bundle(tmp_path / "out", docs())
    publish(client_for(server), out)
    state = server.state
    old_ids = {current_pages(state)[t].id for t in titles(CHILDREN)}
    write_bundle(out, [Doc("index", "Root"), Doc("c0", "Title c0", "index"),
                       *docs(list(reversed(CHILDREN)))[1:]])
    before = len(server.requests)
    report = publish(client_for(server), out, onlynew=True)
    assert report.created == ["c0"] and report.reordered == []  # a new page is no news
    moved = move_requests(server, before)
    assert len(moved) == 1 and not set(moved[0]["path"].split("/")[:-2]) & old_ids
    listed = children(server, "Root")
    assert listed[1:] == titles(CHILDREN) or listed[:-1] == titles(CHILDREN)
    assert listed.index("Title c0") != len(CHILDREN)    # not left last where it landed


def test_dry_run_plans_the_reorder_and_writes_nothing(server, tmp_path):
    out = write_bundle(tmp_path / "out", docs())
    publish(client_for(server), out)
    write_bundle(out, docs(list(reversed(CHILDREN))))
    before = len(server.requests)
    report = publish(client_for(server), out, dryrun=True)
    assert report.dryrun and report.reordered == ["index"]
    assert "1 parent(s) to put in toctree order" in report.summary()
    plan = json.loads(Path(report.plan_file).read_text(encoding="utf-8"))
    assert plan["summary"]["reorder"] == 1
    assert plan["reorders"] == [{"parent": "index", "parent_id": None,
                                 "children": list(reversed(CHILDREN)),
                                 "reason": "order changed"}]
    assert [r for r in server.requests[before:] if r["method"] != "GET"] == []
    assert children(server, "Root") == titles(CHILDREN)


def test_data_center_reorders_through_the_documented_rest_move(confluence_emulator_factory,
                                                              tmp_path):
    server = confluence_emulator_factory(mode="dc", max_limit=250)
    out = write_bundle(tmp_path / "out", docs())
    publish(client_for(server), out)
    assert move_requests(server) == []                  # a first publish moves nothing
    new_order = ["c2", "c1", *CHILDREN[2:]]
    write_bundle(out, docs(new_order))
    before = len(server.requests)
    report = publish(client_for(server), out)
    assert children(server, "Root") == titles(new_order) and not report.warnings
    moved = move_requests(server, before)
    assert len(moved) == 1 and moved[0]["method"] == "PUT" and moved[0]["status"] == 200
    assert "/rest/api/content/" in moved[0]["path"] and "/move/" in moved[0]["path"]
    assert not [r for r in server.requests if "movepage.action" in r["path"]]


def test_a_server_without_the_rest_move_keeps_the_order_and_warns_once(
        confluence_emulator_factory, tmp_path):
    """No undocumented fallback (``pages/movepage.action``): one refused move, one
    warning saying what to do, the pages published and left in the order they have."""
    server = confluence_emulator_factory(mode="dc", max_limit=250, rest_move=False)
    nested = ["n1", "n2", "n3", "n4"]
    out = write_bundle(tmp_path / "out", docs())
    publish(client_for(server), out)
    write_bundle(out, docs(list(reversed(CHILDREN)), list(reversed(nested))))
    before = len(server.requests)
    report = publish(client_for(server), out)
    assert len(report.unchanged) == 13 and report.reordered == []
    refused = move_requests(server, before)
    # once refused, no move is sent again (two parents reorder side by side: each may
    # have sent its first move before the other's answer came back)
    assert 1 <= len(refused) <= 2 and {r["status"] for r in refused} == {404}
    assert not [r for r in server.requests if "movepage.action" in r["path"]]
    assert len(report.warnings) == 1
    assert "refused the REST page move" in report.warnings[0]
    assert "reorder them in Confluence" in report.warnings[0]
    assert children(server, "Root") == titles(CHILDREN)  # left as it was


def test_only_new_with_trample_never_moves_a_same_titled_foreign_page(server, tmp_path):
    """Only-new leaves a same-titled page alone (it stays someone else's): it is neither
    moved nor used as the target of a move."""
    out = write_bundle(tmp_path / "out", docs([d for d in CHILDREN if d != "c2"]))
    publish(client_for(server), out)
    root = current_pages(server.state)["Root"]
    foreign = server.state.create_page("DOCS", "Title c2", "<p>theirs</p>", root.id)
    server.state.move_page(foreign, current_pages(server.state)["Title c1"], "before")
    write_bundle(out, [Doc("index", "Root"), *docs(["c2", "c0", *CHILDREN[2:], "c1"])[1:]])
    before = len(server.requests)
    report = publish(client_for(server), out, onlynew=True, trample=True)
    assert report.created == ["c0"] and move_requests(server, before)
    for request in move_requests(server, before):
        assert foreign.id not in request["path"].split("/"), request["path"]
    assert children(server, "Root")[0] == "Title c2"
    assert foreign.version.number == 1 and foreign.body == "<p>theirs</p>"


def test_a_page_moved_to_another_parent_takes_its_toctree_place(server, api, tmp_path):
    out = write_bundle(tmp_path / "out", docs())
    publish(client_for(server, api_mode=api), out)
    moved = [Doc("index", "Root")]
    for doc in docs()[1:]:
        if doc.docname == "n2":
            continue
        moved.append(doc)
        if doc.docname == "c1":
            moved.append(Doc("n2", "Title n2", "index"))
    write_bundle(out, moved)
    report = publish(client_for(server, api_mode=api), out)
    assert report.moved == ["n2"] and report.reordered
    assert children(server, "Root") == titles(["c1", "n2", *CHILDREN[1:]])
    assert children(server, "Title c3") == titles(["n1", "n3", "n4"])
