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
