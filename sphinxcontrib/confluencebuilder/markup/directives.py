"""Directives of Confluence-native markup (names and options as the long-standing
sphinxcontrib-confluencebuilder documents them).

Malformed option values are reported by docutils as an error of the directive (with
the document and line). Valid values that cannot work (a Jira server missing from
``confluence_jira_servers``, a layout without an embedded card ...) are Sphinx
warnings at the directive (``type='confluence'``, ``subtype='markup'``).
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import docname_join, logging
from sphinx.util.docutils import SphinxDirective

from . import nodes as cn
from . import values as v
from .excerpts import note_excerpt, note_include
from .latex import latex_to_math

logger = logging.getLogger(__name__)


class _Base(SphinxDirective):
    def warn(self, message: str) -> None:
        logger.warning(message, location=self.get_location(), type="confluence",
                       subtype="markup")

    def located(self, node: nodes.Element) -> nodes.Element:
        self.set_source_info(node)
        return node


def _params(options: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {names[key]: value for key, value in options.items() if key in names}


class ExpandDirective(_Base):
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"title": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        self.assert_has_content()
        node = self.located(cn.confluence_expand(title=self.options.get("title", "")))
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


PANEL_PARAMS = {
    "bg-color": "bgColor", "border-color": "borderColor", "border-style": "borderStyle",
    "border-width": "borderWidth", "title": "title", "title-bg-color": "titleBGColor",
    "title-color": "titleColor",
}


class PanelDirective(_Base):
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = dict.fromkeys(PANEL_PARAMS, directives.unchanged)

    def run(self) -> list[nodes.Node]:
        self.assert_has_content()
        node = self.located(cn.confluence_panel(params=_params(self.options, PANEL_PARAMS)))
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class ExcerptDirective(_Base):
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "name": directives.unchanged,
        "hidden": v.flag_or_bool,
        "atlassian-macro-output-type": v.choice("output type", ("block", "inline")),
    }

    def run(self) -> list[nodes.Node]:
        self.assert_has_content()
        params = dict(self.options)
        if "atlassian-macro-output-type" in params:
            params["atlassian-macro-output-type"] = params["atlassian-macro-output-type"].upper()
        node = self.located(cn.confluence_excerpt(params=params))
        self.state.nested_parse(self.content, self.content_offset, node)
        note_excerpt(self.env, params.get("name", ""))
        return [node]


class ExcerptIncludeDirective(_Base):
    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {"name": directives.unchanged,
                                             "nopanel": v.flag_or_bool}

    def run(self) -> list[nodes.Node]:
        target = self.arguments[0].strip()
        node = self.located(cn.confluence_excerpt_include(target=target,
                                                          params=dict(self.options)))
        if target.startswith("!"):
            node["docname"] = docname_join(self.env.docname, target[1:].strip())
            note_include(self.env, node["docname"], self.options.get("name", ""), self.lineno)
        return [node]


class HtmlDirective(_Base):
    has_content = True

    def run(self) -> list[nodes.Node]:
        self.assert_has_content()
        return [self.located(cn.confluence_html(html="\n".join(self.content)))]


class LatexDirective(_Base):
    """LaTeX in the same ``math_block`` node as ``.. math::``, so it is drawn the same."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "align": v.choice("alignment", ("left", "center", "right"))}

    def run(self) -> list[nodes.Node]:
        self.assert_has_content()
        latex = latex_to_math("\n".join(self.content))
        node = nodes.math_block(latex, latex, docname=self.env.docname, number=None,
                                label=None, nowrap=False)
        if "align" in self.options:
            node["confluence_align"] = self.options["align"]
            node["classes"].append(f"align-{self.options['align']}")
        return [self.located(node)]


class MetadataDirective(_Base):
    option_spec: ClassVar[dict[str, Any]] = {
        "labels": v.labels,
        "full-width": v.flag_or_bool,
        "guid": directives.unchanged_required,
        "editor": v.choice("editor", ("v1", "v2")),
    }

    def run(self) -> list[nodes.Node]:
        node = cn.confluence_metadata(labels=self.options.get("labels", []),
                                      guid=self.options.get("guid"),
                                      editor=self.options.get("editor"))
        if "full-width" in self.options:
            node["full_width"] = self.options["full-width"] == "true"
        return [self.located(node)]


class NewlineDirective(_Base):
    def run(self) -> list[nodes.Node]:
        return [self.located(cn.confluence_newline())]


class TableWidthDirective(_Base):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        try:
            width = v.length(self.arguments[0])
        except ValueError as exc:
            self.warn(f"confluence_table_width: {exc}")
            return []
        return [self.located(cn.confluence_table_width(width=width))]


TOC_PARAMS = {
    "absolute-url": "absoluteUrl", "exclude": "exclude", "include": "include",
    "indent": "indent", "max-level": "maxLevel", "min-level": "minLevel",
    "outline": "outline", "printable": "printable", "separator": "separator",
    "style": "style", "type": "type",
}


class TocDirective(_Base):
    option_spec: ClassVar[dict[str, Any]] = {
        **dict.fromkeys(TOC_PARAMS, directives.unchanged),
        "absolute-url": v.flag_or_bool, "outline": v.flag_or_bool, "printable": v.flag_or_bool,
        "max-level": v.positive_int, "min-level": v.positive_int,
        "type": v.choice("toc type", ("flat", "list")),
    }

    def run(self) -> list[nodes.Node]:
        return [self.located(cn.confluence_toc(params=_params(self.options, TOC_PARAMS)))]


class ViewPdfDirective(_Base):
    required_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        rel, path = self.env.relfn2path(self.arguments[0].strip())
        if not os.path.isfile(path):
            self.warn(f"confluence_viewpdf: file {self.arguments[0]!r} not found (looked "
                      f"for {rel}, relative to the source directory)")
            return []
        self.env.note_dependency(rel)
        return [self.located(cn.confluence_viewpdf(path=rel))]


class CardDirective(_Base):
    """``confluence_doc`` / ``confluence_link``: a smart-link card."""

    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {
        "card": v.choice("card", v.CARDS),
        "layout": v.choice("layout", v.LAYOUTS),
        "width": v.card_width,
    }

    def run(self) -> list[nodes.Node]:
        node = self.located(cn.confluence_card(card=self.options.get("card")))
        for key in ("layout", "width"):
            if key not in self.options:
                continue
            if self.options.get("card") != "embed":
                self.warn(f"{self.name}: :{key}: applies to embedded cards only "
                          "(add ':card: embed'); it is ignored")
                continue
            node[key] = self.options[key]
        node += self.reference(self.arguments[0].strip())
        return [node]

    def reference(self, target: str) -> nodes.Element:
        if self.name == "confluence_link":
            return nodes.reference(target, target, refuri=target)
        xref = addnodes.pending_xref(target, refdomain="std", reftype="doc",
                                     reftarget=target, refdoc=self.env.docname,
                                     refexplicit=False, refwarn=True)
        xref += nodes.inline(target, target, classes=["xref", "std", "std-doc"])
        self.set_source_info(xref)
        return xref


class _JiraBase(_Base):
    def server_params(self) -> dict[str, str] | None:
        try:
            return v.jira_server_params(self.options, self.config.confluence_jira_servers)
        except ValueError as exc:
            self.warn(f"{self.name}: {exc}")
            return None


SERVER_OPTIONS: dict[str, Any] = {"server": directives.unchanged_required,
                                  "server-id": directives.unchanged_required,
                                  "server-name": directives.unchanged_required}


class JiraDirective(_JiraBase):
    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {
        "columns": directives.unchanged_required, "count": v.flag_or_bool,
        "maximum-issues": v.positive_int, "maximum_issues": v.positive_int, **SERVER_OPTIONS,
    }

    def run(self) -> list[nodes.Node]:
        server = self.server_params()
        if server is None:
            return []
        params: dict[str, Any] = {"jqlQuery": self.arguments[0]}
        if "columns" in self.options:
            params["columns"] = self.options["columns"]
        if "count" in self.options:
            params["count"] = self.options["count"]
        maximum = self.options.get("maximum-issues", self.options.get("maximum_issues"))
        if maximum is not None:
            params["maximumIssues"] = maximum
        params.update(server)
        return [self.located(cn.jira(params=params))]


class JiraIssueDirective(_JiraBase):
    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = dict(SERVER_OPTIONS)

    def run(self) -> list[nodes.Node]:
        server = self.server_params()
        if server is None:
            return []
        return [self.located(cn.jira(params={"key": self.arguments[0], **server}))]


DIRECTIVES: dict[str, type[SphinxDirective]] = {
    "confluence_doc": CardDirective,
    "confluence_link": CardDirective,
    "confluence_excerpt": ExcerptDirective,
    "confluence_excerpt_include": ExcerptIncludeDirective,
    "confluence_expand": ExpandDirective,
    "confluence_html": HtmlDirective,
    "confluence_latex": LatexDirective,
    "confluence_metadata": MetadataDirective,
    "confluence_newline": NewlineDirective,
    "confluence_panel": PanelDirective,
    "confluence_table_width": TableWidthDirective,
    "confluence_toc": TocDirective,
    "confluence_viewpdf": ViewPdfDirective,
    "jira": JiraDirective,
    "jira_issue": JiraIssueDirective,
}
