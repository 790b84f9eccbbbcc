"""Page chrome: header and footer (raw storage format, or Jinja templates rendered with
``confluence_header_data`` / ``confluence_footer_data``), the "Edit Source" link
(``confluence_sourcelink``) and previous/next links between documents in toctree order
(``confluence_prev_next_buttons_location``, reordered by ``confluence_navdocs_transform``).

``check_config`` (at ``config-inited``) reads and renders the header and footer and
checks the source link, so a missing file, a template error or a bad source link stops
the build before anything is written or published. ``Chrome.fingerprint(docname)``
changes whenever what a page's chrome shows changes (header or footer text, neighbours,
their titles, the source link): the builder rewrites such pages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sphinx.errors import ConfigError

from ..errors import ConfluenceConfigError
from ..storage import element, end_tag, start_tag
from ..userstop import ConfluenceConfigStop
from .links import page_link

#: source link templates: type -> (URL format, default host, default view)
SOURCE_TYPES: Mapping[str, tuple[str, str, str]] = {
    "github": ("{protocol}://{host}/{owner}/{repo}/{view}/{version}/{container}{page}{suffix}",
               "github.com", "blob"),
    "gitlab": ("{protocol}://{host}/{owner}/{repo}/-/{view}/{version}/{container}{page}"
               "{suffix}", "gitlab.com", "blob"),
    "bitbucket": ("{protocol}://{host}/{owner}/{repo}/src/{version}/{container}{page}{suffix}"
                  "?mode={view}", "bitbucket.org", "view"),
    "codeberg": ("{protocol}://{host}/{owner}/{repo}/{view}/branch/{version}/{container}"
                 "{page}{suffix}", "codeberg.org", "src"),
}
LOCATIONS = ("top", "bottom", "both")


def _fail(option: str, message: str, hint: str = "") -> ConfigError:
    error = ConfluenceConfigError(option, message, hint=hint)
    return ConfluenceConfigStop(f"confluence: {error}", error)


def render_chrome(config: Any, confdir: str | Path, kind: str) -> str:
    """The header or footer text (``kind``: 'header' or 'footer'); raises ConfigError."""
    option, data_option = f"confluence_{kind}_file", f"confluence_{kind}_data"
    value = getattr(config, option, None)
    if not value:
        return ""
    path = Path(confdir, value)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(option, f"cannot read {path}: {exc.strerror or exc}",
                    "Give a path relative to the directory of conf.py.") from None
    data = getattr(config, data_option, None)
    if data is None:
        return text
    import jinja2

    try:
        template = jinja2.Environment(undefined=jinja2.StrictUndefined,
                                      autoescape=False).from_string(text)
        return template.render(**data)
    except jinja2.TemplateSyntaxError as exc:
        raise _fail(option, f"template error in {path}, line {exc.lineno}: {exc.message}",
                    f"Fix the Jinja syntax of the file (rendered because {data_option} is "
                    "set).") from None
    except jinja2.UndefinedError as exc:
        raise _fail(option, f"{path} uses a value {data_option} does not give: {exc.message}",
                    f"Add the value to {data_option}.") from None


def sourcelink_format(value: Any) -> tuple[str, dict[str, Any]]:
    """URL format and fixed values of ``confluence_sourcelink``; raises ConfigError."""
    option = "confluence_sourcelink"
    values = dict(value)
    for reserved in ("page", "suffix"):
        if reserved in values:
            raise _fail(option, f"{reserved!r} is filled in for each page and cannot be set")
    kind = values.pop("type", None)
    if kind is None:
        url = values.pop("url", None)
        if not isinstance(url, str) or not url:
            raise _fail(option, "needs a 'type' (" + ", ".join(SOURCE_TYPES) + ") or a 'url'",
                        "Example: {'type': 'github', 'owner': 'me', 'repo': 'docs', "
                        "'version': 'main'}")
        return url, values
    if kind not in SOURCE_TYPES:
        raise _fail(option, f"unknown type {kind!r}; expected one of "
                    + ", ".join(repr(k) for k in SOURCE_TYPES))
    missing = [k for k in ("owner", "repo", "version") if not values.get(k)]
    if missing:
        raise _fail(option, f"type {kind!r} needs " + ", ".join(repr(k) for k in missing))
    url, host, view = SOURCE_TYPES[kind]
    container = str(values.get("container", ""))
    if container and not container.endswith("/"):
        container += "/"
    fixed = {"protocol": "https", "host": host, "view": view, **values,
             "container": container}
    return url, fixed


def check_config(app: Any, config: Any) -> None:
    """``config-inited``: header, footer and source link are usable."""
    for kind in ("header", "footer"):
        render_chrome(config, app.confdir, kind)
    value = getattr(config, "confluence_sourcelink", None)
    if value:
        url, fixed = sourcelink_format(value)
        try:
            url.format(page="index", suffix=".rst", **fixed)
        except (KeyError, IndexError, ValueError) as exc:
            raise _fail("confluence_sourcelink", f"the url {url!r} uses an unknown "
                        f"placeholder: {exc}", "Placeholders: {page}, {suffix} and the keys "
                        "of the dictionary.") from None


class Chrome:
    """What surrounds every page's body; built once per build, in the main process."""

    def __init__(self, config: Any, confdir: str | Path) -> None:
        self.header = render_chrome(config, confdir, "header")
        self.footer = render_chrome(config, confdir, "footer")
        self.location = getattr(config, "confluence_prev_next_buttons_location", None)
        link = getattr(config, "confluence_sourcelink", None)
        self.source = sourcelink_format(link) if link else None
        self.source_text = str((link or {}).get("text") or "Edit Source")
        self.neighbours: dict[str, tuple[str | None, str | None]] = {}
        self.suffixes: dict[str, str] = {}
        self.titles: Mapping[str, str] = {}

    def set_layout(self, titles: Mapping[str, str], navdocs: Sequence[str],
                   suffixes: Mapping[str, str]) -> None:
        """Page titles, the prev/next sequence and each document's source suffix."""
        self.titles = dict(titles)
        self.suffixes = dict(suffixes)
        self.neighbours = {}
        if self.location in LOCATIONS:
            for i, doc in enumerate(navdocs):
                prev = navdocs[i - 1] if i > 0 else None
                nxt = navdocs[i + 1] if i + 1 < len(navdocs) else None
                self.neighbours[doc] = (prev, nxt)

    def source_url(self, docname: str) -> str | None:
        if self.source is None or docname not in self.suffixes:
            return None
        url, fixed = self.source
        return url.format(page=docname, suffix=self.suffixes[docname], **fixed)

    def _nav(self, docname: str) -> str:
        prev, nxt = self.neighbours.get(docname, (None, None))
        cells = []
        if prev is not None:
            cells.append("\u2190 " + page_link(self.titles, prev, self.titles[prev]))
        if nxt is not None:
            cells.append(page_link(self.titles, nxt, self.titles[nxt]) + " \u2192")
        if not cells:
            return ""
        return start_tag("p", {"style": "text-align: center;"}) + " | ".join(cells) + \
            end_tag("p")

    def linked(self, docname: str) -> tuple[str, ...]:
        """Documents the chrome of a page links to."""
        return tuple(d for d in self.neighbours.get(docname, ()) if d is not None)

    def decorate(self, docname: str, body: str) -> str:
        out = [self.header]
        url = self.source_url(docname)
        if url:
            out.append(start_tag("p", {"style": "text-align: right;"})
                       + element("a", self.source_text, {"href": url}) + end_tag("p"))
        nav = self._nav(docname)
        if nav and self.location in ("top", "both"):
            out.append(nav)
        out.append(body)
        if nav and self.location in ("bottom", "both"):
            out.append(nav)
        out.append(self.footer)
        return "".join(out)

    def fingerprint(self, docname: str) -> str:
        """Changes whenever this page's chrome would be written differently."""
        return hashlib.sha256(self.decorate(docname, "\0").encode("utf-8")).hexdigest()[:16]


def nav_order(builder: Any, docnames: list[str],
              transform: Callable[[Any, list[str]], Any] | None) -> list[str]:
    """The prev/next sequence after confluence_navdocs_transform."""
    if transform is None:
        return docnames
    result = transform(builder, list(docnames))
    if not isinstance(result, (list, tuple)) or not all(isinstance(d, str) for d in result):
        raise _fail("confluence_navdocs_transform", "must return a list of docnames, got "
                    f"{type(result).__name__}")
    return [d for d in result if d in builder.titles]
