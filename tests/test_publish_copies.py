"""A person's copy is never cleaned up (issue 17, item 5).

Confluence's "Copy page" copies content properties, our identity property included.
A page whose identity is claimed twice, or whose version or title is not what our last
write recorded, is never a cleanup candidate, and the plan says why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from publish_helpers import Doc, client_for, current_pages, publish, write_bundle

from sphinxcontrib.confluencebuilder.testing.actions import copy_page


@pytest.fixture(params=["cloud", "dc"])
def server(confluence_emulator_factory: Any, request: Any) -> Any:
    return confluence_emulator_factory(mode=request.param, max_limit=250)


def _docs(*names: str) -> list[Doc]:
    return [Doc("index", "Root"), *(Doc(n, n.upper(), "index") for n in names)]


def _plan(out: Path) -> dict[str, Any]:
    return json.loads((out / "confluence-plan.json").read_text(encoding="utf-8"))


def test_a_copied_page_survives_purge_of_its_document(server: Any, tmp_path: Path) -> None:
    out = write_bundle(tmp_path / "out", _docs("a", "b"))
    publish(client_for(server), out)
    st = server.state
    copy = copy_page(st, current_pages(st)["A"], by=server.account_id)
    write_bundle(out, _docs("b"))                       # document 'a' removed
    publish(client_for(server), out, cleanup_purge=True, dryrun=True)
    plan = _plan(out)
    assert plan["removals"] == []
    assert any(copy.id in w and "claimed by more than one page" in w
               for w in plan["warnings"]), plan["warnings"]
    publish(client_for(server), out, cleanup_purge=True)
    pages = current_pages(st)
    assert "Copy of A" in pages and pages["Copy of A"].id == copy.id
    assert "A" in pages     # which one is the person's cannot be told: both stay


def test_a_lone_copy_whose_original_is_gone_survives_purge(server: Any,
                                                            tmp_path: Path) -> None:
    """The original was deleted by hand; the copy alone claims the document, but its
    title is not the one our write recorded."""
    out = write_bundle(tmp_path / "out", _docs("a", "b"))
    publish(client_for(server), out)
    st = server.state
    original = current_pages(st)["A"]
    copy = copy_page(st, original, by=server.account_id)
    st.trash(original)
    write_bundle(out, _docs("b"))
    publish(client_for(server), out, cleanup_purge=True)
    assert current_pages(st)["Copy of A"].id == copy.id


def test_an_edited_stale_page_survives_purge_and_the_plan_says_why(server: Any,
                                                                    tmp_path: Path) -> None:
    out = write_bundle(tmp_path / "out", _docs("a", "b"))
    publish(client_for(server), out)
    st = server.state
    edited = current_pages(st)["A"]
    st.update_page(edited, version=edited.version.number + 1, by=server.account_id,
                   body="<p>a person's words</p>")
    write_bundle(out, _docs("b"))
    publish(client_for(server), out, cleanup_purge=True, dryrun=True)
    plan = _plan(out)
    assert plan["removals"] == []
    assert any(edited.id in w and "changed since our last publish" in w
               for w in plan["warnings"]), plan["warnings"]
    publish(client_for(server), out, cleanup_purge=True)
    assert current_pages(st)["A"].body == "<p>a person's words</p>"


def test_an_untouched_stale_page_is_still_purged(server: Any, tmp_path: Path) -> None:
    out = write_bundle(tmp_path / "out", _docs("a", "b"))
    publish(client_for(server), out)
    write_bundle(out, _docs("a", "b", "c"))
    publish(client_for(server), out)      # a second write: versions move on together
    write_bundle(out, _docs("b"))
    before = set(current_pages(server.state))
    publish(client_for(server), out, cleanup_purge=True)
    assert before - set(current_pages(server.state)) == {"A", "C"}
