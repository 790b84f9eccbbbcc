"""The emulator's sibling order: every child listing in one order, the v1 REST move
(``before`` / ``after`` / ``append``) and its refusals; and the publisher's move planner."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from emulator_api_helpers import Api

from sphinxcontrib.confluencebuilder.publisher.order import plan_moves
from sphinxcontrib.confluencebuilder.testing.api import ApiOptions


@pytest.fixture(params=["cloud", "dc"])
def api(request: pytest.FixtureRequest) -> Api:
    return Api(str(request.param), max_limit=250)


def listings(api: Api, parent: str) -> dict[str, list[str]]:
    """The child titles of ``parent`` as each listing gives them."""
    title = {c.id: c.title for c in api.state.content.values()}
    v1 = api.ok("GET", f"/content/{parent}/child/page")["results"]
    cql = quote(f"parent={parent}")
    search = api.ok("GET", f"/content/search?cql={cql}")["results"]
    descendants = api.ok("GET", f"/content/{parent}/descendant/page")["results"]
    node = next(n for n in _walk(api.state.page_tree("DS")["pages"]) if n["id"] == parent)
    out = {"v1 child/page": [r["title"] for r in v1],
           "v1 cql parent": [r["title"] for r in search],
           "v1 descendants": [r["title"] for r in descendants
                              if title[r["id"]] and api.state.content[r["id"]].parent_id
                              == parent],
           "page_tree": [n["title"] for n in node["children"]]}
    if api.options.mode == "cloud":
        for path in ("children", "direct-children"):
            items = api.ok("GET", f"/pages/{parent}/{path}", api="v2")["results"]
            positions = [i["childPosition"] for i in items]
            assert positions == sorted(positions)
            out[f"v2 {path}"] = [i["title"] for i in items]
    return out


def _walk(nodes: list[dict[str, object]]) -> list[dict[str, object]]:
    out = []
    for node in nodes:
        out.append(node)
        out += _walk(node["children"])  # type: ignore[arg-type]
    return out


def same_everywhere(api: Api, parent: str) -> list[str]:
    found = listings(api, parent)
    orders = {tuple(v) for v in found.values()}
    assert len(orders) == 1, found
    return list(orders.pop())


def move(api: Api, page: str, position: str, target: str) -> object:
    return api.ok("PUT", f"/content/{page}/move/{position}/{target}")


def test_new_children_go_last_and_every_listing_agrees(api: Api) -> None:
    root = api.page("Root", api.home)
    for t in "ABCD":
        api.page(t, root)
    assert same_everywhere(api, root) == list("ABCD")


def test_rest_move_before_after_append_without_a_new_version(api: Api) -> None:
    root = api.page("Root", api.home)
    a, b, c, d = (api.page(t, root) for t in "ABCD")
    other = api.page("Other", api.home)
    assert move(api, d, "before", a) == {"pageId": d}
    assert same_everywhere(api, root) == list("DABC")
    assert move(api, d, "after", b) == {"pageId": d}
    assert same_everywhere(api, root) == list("ABDC")
    move(api, a, "after", c)
    assert same_everywhere(api, root) == list("BDCA")
    # append: the last child of the target (a page moved under a new parent goes last)
    api.page("X", other)
    move(api, b, "append", other)
    assert same_everywhere(api, other) == ["X", "B"]
    assert same_everywhere(api, root) == list("DCA")
    # next to a page under another parent: re-parented there
    move(api, c, "before", b)
    assert same_everywhere(api, other) == ["X", "C", "B"]
    assert all(api.state.content[p].version.number == 1 for p in (a, b, c, d))


def test_rest_move_refusals(api: Api) -> None:
    root = api.page("Root", api.home)
    child = api.page("Child", root)
    grandchild = api.page("Grandchild", child)
    for page, position, target in ((root, "append", grandchild), (root, "after", child),
                                   (child, "before", child), (child, "sideways", root)):
        rsp = api.call("PUT", f"/content/{page}/move/{position}/{target}")
        assert rsp.status == 400, (position, rsp.body)
    assert api.call("PUT", f"/content/{child}/move/after/99999").status == 404
    api.state.create_space("OT", "Other")
    foreign = api.state.create_page("OT", "Elsewhere", "", api.state.spaces["OT"].homepage_id)
    rsp = api.call("PUT", f"/content/{child}/move/append/{foreign.id}")
    assert rsp.status == 400 and "another space" in str(rsp.body)
    assert api.state.content[child].parent_id == root
    assert api.state.content[grandchild].parent_id == child


def test_dc_can_be_an_instance_without_the_rest_move() -> None:
    api = Api("dc")
    api.options = ApiOptions(mode="dc", rest_move=False)
    root = api.page("Root", api.home)
    a, b = api.page("A", root), api.page("B", root)
    rsp = api.call("PUT", f"/content/{b}/move/before/{a}")
    assert rsp.status == 404 and "null for uri" in rsp.body["message"]
    assert same_everywhere(api, root) == ["A", "B"]


def test_v1_pages_carry_their_position(api: Api) -> None:
    root = api.page("Root", api.home)
    a, b = api.page("A", root), api.page("B", root)
    move(api, b, "before", a)
    pa = api.ok("GET", f"/content/{a}")["extensions"]["position"]
    pb = api.ok("GET", f"/content/{b}")["extensions"]["position"]
    assert pb < pa


# -- the publisher's move planner ----------------------------------------------------------

def apply_moves(current: list[str], moves: list[tuple[str, str, str]]) -> list[str]:
    order = list(current)
    for doc, position, target in moves:
        order.remove(doc)
        order.insert(order.index(target) + (position == "after"), doc)
    return order


@pytest.mark.parametrize(("current", "fewest"), [
    ("abcdef", 0), ("bacdef", 1), ("fabcde", 1), ("bcdefa", 1), ("fedcba", 5),
    ("acbedf", 2), ("dabcfe", 2)])
def test_plan_moves_uses_the_fewest_moves(current: str, fewest: int) -> None:
    moves = plan_moves(list(current), list("abcdef"), set("abcdef"))
    assert len(moves) == fewest
    assert apply_moves(list(current), moves) == list("abcdef")


def test_plan_moves_never_moves_a_page_it_may_not_move() -> None:
    # foreign pages are left out of ``current`` by the caller; fixed pages stay
    moves = plan_moves(list("dcba"), list("abcd"), {"a", "c"})
    assert not {doc for doc, _, _ in moves} & {"b", "d"}
    order = apply_moves(list("dcba"), moves)
    assert order.index("d") < order.index("b")          # the fixed pages as they were
    assert order.index("a") < order.index("c")          # the movable ones in order
    assert order.index("a") < order.index("d")          # before the kept page
    assert plan_moves(list("ba"), list("ab"), set()) == []
