"""Pure planning logic on plain values: settings, names, identity, cleanup, hierarchy."""

from __future__ import annotations

from pathlib import Path

import pytest

from sphinxcontrib.confluencebuilder.config import defaults
from sphinxcontrib.confluencebuilder.errors import (
    ConfluenceCleanupRefused,
    ConfluenceConfigError,
    ConfluencePublishError,
)
from sphinxcontrib.confluencebuilder.pages import Attachment, Page, PageMeta
from sphinxcontrib.confluencebuilder.publisher.cleanup import plan_removals
from sphinxcontrib.confluencebuilder.publisher.identity import (
    Identity,
    RemoteIndex,
    attachment_comment,
    comment_hash,
    content_hash,
)
from sphinxcontrib.confluencebuilder.publisher.names import attachment_names, rename_references
from sphinxcontrib.confluencebuilder.publisher.plan import Placement, make_plan
from sphinxcontrib.confluencebuilder.publisher.settings import (
    IDENTITY_KEY,
    PublishSettings,
    from_config,
)
from sphinxcontrib.confluencebuilder.rest.base import RemotePage, Space

SPACE = Space("1", "DOCS", "Docs", homepage_id="10")


def remote(pid: str, title: str, parent: str | None, doc: str | None = None,
           project: str = "P", version: int = 1) -> RemotePage:
    props = {}
    if doc is not None:
        props[IDENTITY_KEY] = Identity(project, doc, version=version).to_value()
    return RemotePage(pid, title, "DOCS", parent, version, properties=props)


def page(doc: str, title: str, parent: str | None = None, atts: tuple[Attachment, ...] = (),
         body: str = "<p>b</p>") -> Page:
    return Page(PageMeta(doc, title, parent, attachments=atts), body, Path(doc))


def test_settings_from_config_reads_every_publishing_option(tmp_path):
    (tmp_path / "allow.txt").write_text("# comment\nindex\nguide.rst\n", encoding="utf-8")
    config = defaults(space_key="DOCS", parent_page="12345", publish_allowlist="allow.txt",
                      publish_concurrency=7, cleanup_purge=True, full_width=True,
                      disable_notifications=False, publish_orphan_container=0)
    settings = from_config(config, confdir=tmp_path, project="P")
    assert settings.parent_page_id == "12345" and settings.parent_page_title is None
    assert settings.allowlist == frozenset({"index", "guide"})
    assert settings.concurrency == 7 and settings.full_width is True
    assert settings.minor_edit is False and settings.orphan_container == "0"
    assert settings.cleanup is False           # an allowlist turns cleanup off
    by_title = from_config(defaults(space_key="D", parent_page="Team 42"))
    assert by_title.parent_page_title == "Team 42" and by_title.parent_page_id is None
    with pytest.raises(ConfluenceConfigError, match="confluence_publish_allowlist"):
        from_config(defaults(publish_allowlist="missing.txt"), confdir=tmp_path)
    with pytest.raises(ConfluenceConfigError, match="concurrency"):
        from_config(defaults(publish_concurrency=0))


def test_attachment_names_are_safe_and_unique_and_references_follow():
    a = Attachment('x:y.png', "_attachments/a.png", "a" * 64, "image/png", 1)
    b = Attachment('x?y.png', "_attachments/b.png", "b" * 64, "image/png", 1)
    c = Attachment('X_Y.PNG', "_attachments/a.png", "a" * 64, "image/png", 1)
    names = attachment_names(page("d", "D", atts=(a, b, c)))
    assert names == {"x:y.png": "x_y.png", "x?y.png": "x_y_2.png", "X_Y.PNG": "X_Y.PNG"}
    body = '<ri:attachment ri:filename="x?y.png" />'
    assert rename_references(body, names) == '<ri:attachment ri:filename="x_y_2.png" />'


def test_identity_value_round_trip_and_attachment_comment():
    ident = Identity("P", "guide", "h" * 64, 3, ("a",), "default",
                     {"f.png": {"sha256": "s", "id": "9"}})
    assert Identity.from_value(ident.to_value()) == ident
    assert Identity.from_value({"no": "docname"}) is None
    comment = attachment_comment("c" * 64)
    assert comment_hash(comment) == "c" * 64 and comment_hash("hand-written") is None
    one = content_hash(title="T", body="b", parent="index", labels=["x", "y"], appearance=None)
    assert one == content_hash(title="T", body="b", parent="index", labels=["y", "x"],
                               appearance=None)
    assert one != content_hash(title="T", body="b", parent="other", labels=["x", "y"],
                               appearance=None)


def test_cleanup_candidates_are_only_our_pages_children_first():
    pages = [remote("20", "Parent", "10"), remote("21", "Root", "20", "index"),
             remote("22", "Old", "21", "old"), remote("23", "Older", "22", "older"),
             remote("24", "Theirs", "21"), remote("25", "Other project", "21", "x", "Q")]
    index = RemoteIndex(pages, "P")
    settings = PublishSettings(space_key="DOCS", project="P", cleanup_purge=True)
    removals, warnings = plan_removals(index, settings, scope_id="20", kept_ids={"21"},
                                       protected={"10", "20"})
    assert [r.page_id for r in removals] == ["23", "22"] and warnings == ()


def test_cleanup_refuses_foreign_descendants_and_large_deletions():
    pages = [remote("21", "Root", None, "index"), remote("22", "Old", "21", "old"),
             remote("24", "Theirs", "22")]
    index = RemoteIndex(pages, "P")
    settings = PublishSettings(space_key="DOCS", project="P", cleanup_purge=True)
    with pytest.raises(ConfluenceCleanupRefused, match="Theirs"):
        plan_removals(index, settings, scope_id=None, kept_ids={"21"}, protected=())
    forced = PublishSettings(space_key="DOCS", project="P", cleanup_purge=True,
                             cleanup_force=True)
    removals, warnings = plan_removals(index, forced, scope_id=None, kept_ids={"21"},
                                       protected=())
    assert removals == () and "Old" in warnings[0]
    many = RemoteIndex([remote(str(30 + i), f"S{i}", None, f"s{i}") for i in range(4)], "P")
    limited = PublishSettings(space_key="DOCS", project="P", cleanup_purge=True,
                              cleanup_max_deletes=3)
    with pytest.raises(ConfluenceCleanupRefused, match="4 pages"):
        plan_removals(many, limited, scope_id=None, kept_ids=(), protected=())


def test_plan_levels_moves_and_cycles():
    docs = [page("index", "Root"), page("a", "A", "index"), page("b", "B", "a")]
    existing = [remote("30", "A", "99", "a"), remote("99", "Parent", None)]
    settings = PublishSettings(space_key="DOCS", project="P")
    plan = make_plan(docs, root="index", outdir="/o", remote=existing,
                     placement=Placement(SPACE, "99"), settings=settings)
    actions = {p.docname: (p.action, p.level) for p in plan.pages}
    assert actions == {"index": ("create", 0), "a": ("update", 1), "b": ("create", 2)}
    assert "moved" in plan.pages[1].reasons and plan.moves[0].docname == "a"
    with pytest.raises(ConfluencePublishError, match="under itself"):
        make_plan(docs, root="index", outdir="/o", remote=existing,
                  placement=Placement(SPACE, "30"), settings=settings)


def test_flat_hierarchy_and_orphans():
    docs = [page("index", "Root"), page("a", "A", "index"), page("b", "B", "a"),
            page("lost", "Lost")]
    settings = PublishSettings(space_key="DOCS", project="P", page_hierarchy=False)
    plan = make_plan(docs, root="index", outdir="/o", remote=[],
                     placement=Placement(SPACE, "99", orphan_parent_id="77"),
                     settings=settings)
    parents = {p.docname: (p.parent_doc, p.parent_id) for p in plan.pages}
    assert parents == {"index": (None, "99"), "a": (None, "99"), "b": (None, "99"),
                       "lost": (None, "77")}
    no_orphans = PublishSettings(space_key="DOCS", project="P", publish_orphan=False)
    plan = make_plan(docs, root="index", outdir="/o", remote=[],
                     placement=Placement(SPACE, "99"), settings=no_orphans)
    assert [p.docname for p in plan.pages] == ["index", "a", "b"]


def test_a_copy_claiming_a_published_document_is_not_cleaned_up():
    pages = [remote("21", "Root", None, "index"), remote("22", "Copy of Root", None, "index"),
             remote("23", "Gone", None, "gone")]
    index = RemoteIndex(pages, "P")
    settings = PublishSettings(space_key="DOCS", project="P", cleanup_purge=True)
    removals, warnings = plan_removals(index, settings, scope_id=None, kept_ids={"21"},
                                       protected=(), current={"index"})
    assert [r.page_id for r in removals] == ["23"]
    assert "Copy of Root" in warnings[0]
