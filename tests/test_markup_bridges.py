"""Bridges to third-party extensions, with the real extensions installed (test extra):
sphinx-toolbox collapse, sphinx-tabs tabs, sphinx-design dropdowns, tabs, cards and
badges."""

from __future__ import annotations

import pytest
from markup_helpers import build, macros, params, project, rich_body, text_of

pytest.importorskip("sphinx_toolbox", reason="sphinx-toolbox is in the test extra")
pytest.importorskip("sphinx_tabs", reason="sphinx-tabs is in the test extra")
pytest.importorskip("sphinx_design", reason="sphinx-design is in the test extra")

TOOLBOX = """\
.. collapse:: Show the details

   Hidden *text*.
"""
TABS = """\
.. tabs::

   .. tab:: Apples

      Apples are green.

   .. tab:: Pears

      Pears are yellow.
"""
DESIGN = """\
.. dropdown:: Open me

   Dropdown body.

.. tab-set::

   .. tab-item:: First

      First body.

   .. tab-item:: Second

      Second body.

.. card:: Card title

   Card body.

A :bdg-success:`passed` and :bdg-warning-line:`flaky` badge.
"""


def _build(tmp_path, text, extension, editor, **conf):
    src = project(tmp_path, text, f"extensions.append({extension!r})\n")
    return build(src, tmp_path / "out", confluence_editor=editor, **conf)


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_toolbox_collapse_becomes_an_expand(tmp_path, editor):
    result = _build(tmp_path, TOOLBOX, "sphinx_toolbox.collapse", editor)
    assert result.warnings == ""
    (expand,) = macros(result.tree(), "expand")
    assert params(expand) == {"title": "Show the details"}
    assert "<p>Hidden <em>text</em>.</p>" in result.body()


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_tabs_become_one_expand_per_tab(tmp_path, editor):
    result = _build(tmp_path, TABS, "sphinx_tabs.tabs", editor)
    assert result.warnings == ""
    found = [(params(m)["title"], text_of(rich_body(m)).strip())
             for m in macros(result.tree(), "expand")]
    assert found == [("Apples", "Apples are green."), ("Pears", "Pears are yellow.")]


def test_tabs_use_the_configured_tab_macro(tmp_path):
    tab_macro = {"macro-name": "ui-tab", "primary-id": "active", "primary-value": "yes",
                 "title-id": "title"}
    result = _build(tmp_path, TABS, "sphinx_tabs.tabs", "v2", confluence_tab_macro=tab_macro)
    tabs = macros(result.tree(), "ui-tab")
    assert [params(t) for t in tabs] == [{"title": "Apples", "active": "yes"},
                                         {"title": "Pears"}]
    assert text_of(rich_body(tabs[1])).strip() == "Pears are yellow."
    assert not macros(result.tree(), "expand")


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_design_dropdown_tabs_card_and_badges(tmp_path, editor):
    result = _build(tmp_path, DESIGN, "sphinx_design", editor)
    assert result.warnings == ""
    tree = result.tree()
    expands = [(params(m).get("title"), text_of(rich_body(m)).strip())
               for m in macros(tree, "expand")]
    assert expands == [("Open me", "Dropdown body."), ("First", "First body."),
                       ("Second", "Second body.")]
    (card,) = macros(tree, "panel")
    assert params(card) == {"title": "Card title"}
    assert text_of(rich_body(card)).strip() == "Card body."
    assert [params(m) for m in macros(tree, "status")] == [
        {"colour": "Green", "title": "passed"},
        {"colour": "Yellow", "title": "flaky", "subtle": "true"}]


@pytest.mark.parametrize(("text", "extension"), [(TOOLBOX, "sphinx_toolbox.collapse"),
                                                 (TABS, "sphinx_tabs.tabs"),
                                                 (DESIGN, "sphinx_design")])
def test_bridges_leave_html_alone(tmp_path, text, extension):
    src = project(tmp_path, text, f"extensions.append({extension!r})\n")
    result = build(src, tmp_path / "out", "html")
    assert result.warnings == ""
    html = (result.outdir / "index.html").read_text("utf-8")
    assert "sd-" in html or "sphinx-tabs" in html or "<details" in html


def test_a_bridge_is_inactive_without_its_extension(tmp_path):
    # a container that merely looks like a sphinx-tabs set stays a container
    src = project(tmp_path, ".. container:: sphinx-tabs\n\n   .. container::\n\n"
                            "      .. container::\n\n         Name\n\n"
                            "      .. container::\n\n         Body\n")
    result = build(src, tmp_path / "out")
    assert not macros(result.tree(), "expand")
    assert "Body" in result.body()


CODE_TABS = """\
.. tabs::

   .. code-tab:: python

      print("hi")

   .. code-tab:: c Custom

      int x;

.. tabs::

   .. group-tab:: Linux

      Linux text.

   .. tab:: Outer

      Outer text.

      .. tabs::

         .. tab:: Inner

            Inner text.
"""


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_code_group_and_nested_tabs_keep_their_content(tmp_path, editor):
    result = _build(tmp_path, CODE_TABS, "sphinx_tabs.tabs", editor)
    assert result.warnings == ""
    tree = result.tree()
    expands = {params(m)["title"]: m for m in macros(tree, "expand")}
    assert list(expands) == ["Python", "Custom", "Linux", "Outer", "Inner"]
    (python,) = macros(rich_body(expands["Python"]), "code")
    assert params(python).get("language") == "python"
    assert 'print("hi")' in text_of(python)
    (c_code,) = macros(rich_body(expands["Custom"]), "code")
    assert "int x;" in text_of(c_code)
    assert text_of(rich_body(expands["Linux"])).strip() == "Linux text."
    outer = text_of(rich_body(expands["Outer"]))
    assert "Outer text." in outer and "Inner text." in outer
    assert macros(rich_body(expands["Outer"]), "expand")  # the inner set is inside


DESIGN_LINKS = """\
.. toctree::
   :hidden:

   other

.. card:: To other
   :link: other
   :link-type: doc

   Doc card.

.. card:: To self
   :link: index
   :link-type: doc

   Self card.

.. card:: To target
   :link: target
   :link-type: ref

.. card:: To url
   :link: https://example.com/card

.. card:: Legacy

   Old header
   ^^^
   Old body
   +++
   Old footer

.. card:: Slots

   .. card-header:: New header

   New body

   .. card-footer:: New footer

.. button-link:: https://example.com/button

   Button text

.. button-ref:: target

.. button-ref:: index
   :ref-type: doc

   Back to the top

.. grid:: 2

   .. grid-item-card:: Grid card
      :link: other
      :link-type: doc

      Grid body.

   .. grid-item::

      Plain item.

Icons :octicon:`report;1em;sd-text-info` :fab:`github` :material-regular:`data_exploration`
and badges :bdg-link-primary:`https://example.com/b`
:bdg-ref-info:`target` :bdg-danger:`bad`.
"""
OTHER = """\
Other
=====

.. _target:

Target
------

Text.
"""


def _links(tree):
    """(anchor, page titles, text) of every internal link: ``ac:link``, and the plain
    same-page ``<a href="#...">`` links of the v2 editor."""
    from storage_helpers import NS
    found = [(link.get(f"{{{NS['ac']}}}anchor"),
              [p.get(f"{{{NS['ri']}}}content-title")
               for p in link.findall("ri:page", NS)], text_of(link).strip())
             for link in tree.iter(f"{{{NS['ac']}}}link")]
    found += [(a.get("href")[1:], [], text_of(a).strip()) for a in tree.iter(f"{{{NS['x']}}}a")
              if (a.get("href") or "").startswith("#")]
    return found


@pytest.mark.parametrize("editor", ["v1", "v2"])
def test_design_card_links_buttons_headers_and_icons(tmp_path, editor):
    src = project(tmp_path, DESIGN_LINKS, "extensions.append('sphinx_design')\n"
                  "suppress_warnings = ['design.card_legacy']\n", other=OTHER)
    result = build(src, tmp_path / "out", confluence_editor=editor)
    assert result.warnings == ""
    tree = result.tree()
    body = result.body()
    assert "PassthroughTextElement" not in body
    links = _links(tree)
    for anchor, page, _text in links:
        assert anchor or page, "a link to nowhere"  # every link has a page or an anchor
    page_anchors = {params(m).get("") for m in macros(tree, "anchor")}
    for anchor, page, _text in links:
        if anchor and not page:
            assert anchor in page_anchors  # a self-link points to an anchor of the page
    assert (None, ["Other"], "Other") in links
    assert ("Target", ["Other"], "Target") in links  # a section's title anchor
    assert any(text == "Back to the top" and not page for _a, page, text in links)
    panels = {params(m).get("title"): text_of(rich_body(m)) for m in macros(tree, "panel")}
    assert "Self card." in panels["To self"] and "Doc card." in panels["To other"]
    assert "Old header" in panels["Legacy"] and "Old footer" in panels["Legacy"]
    assert "New header" in panels["Slots"] and "New footer" in panels["Slots"]
    assert "Grid body." in panels["Grid card"] and "Plain item." in body
    for url in ("https://example.com/card", "https://example.com/button",
                "https://example.com/b"):
        assert f'href="{url}"' in body
    assert "Button text" in body
    assert [params(m).get("title") for m in macros(tree, "status")] == ["bad"]


def test_a_self_link_on_a_page_without_anchors_is_plain_text(tmp_path):
    src = project(tmp_path, "", "extensions.append('sphinx_design')\n")
    (src / "index.rst").write_text(".. button-ref:: index\n   :ref-type: doc\n\n"
                                   "   Home\n", encoding="utf-8")
    result = build(src, tmp_path / "out")
    assert "ac:link" not in result.body() and "Home" in result.body()


@pytest.mark.parametrize(("mode", "editor"), [("cloud", "v2"), ("dc", "v1")])
def test_design_links_publish_to_the_emulator(confluence_emulator_factory, tmp_path, mode,
                                              editor):
    from publish_helpers import current_pages
    server = confluence_emulator_factory(mode=mode)
    auth = ({"confluence_server_user": server.user, "confluence_api_token": server.api_token}
            if mode == "cloud" else {"confluence_publish_token": server.pat})
    src = project(tmp_path, DESIGN_LINKS, "extensions.append('sphinx_design')\n"
                  "suppress_warnings = ['design.card_legacy']\n", other=OTHER)
    result = build(src, tmp_path / "out", confluence_publish=True, confluence_editor=editor,
                   confluence_server_url=server.url, confluence_space_key="DOCS", **auth)
    assert result.warnings == "" and result.app.statuscode == 0
    pages = current_pages(server.state)
    assert 'ri:content-title="Other"' in pages["Index"].body
