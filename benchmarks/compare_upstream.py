"""Construct-by-construct agreement of our storage output with the existing extension's.

Usage::

    python -m venv /tmp/upstream-venv
    /tmp/upstream-venv/bin/pip install sphinxcontrib-confluencebuilder==3.2.0
    python benchmarks/compare_upstream.py --upstream-python /tmp/upstream-venv/bin/python \\
        [--editor v1 --editor v2] [--plain-conf] [--show CONSTRUCT]
        [--ours-pythonpath CHECKOUT] [PROJECT_DIR ...]

Each project (default: ``benchmarks/upstream_projects/*`` and the translator's mini
projects under ``tests/roots``) is built with ``-b confluence`` twice per editor: once
by the interpreter running this script (our package) and once by ``--upstream-python``
(a separate virtual environment holding the existing extension; its code is never
imported here, only run as ``python -m sphinx``). Both outputs are parsed and, for
every page, each construct is reduced to a multiset of comparable items:

paragraphs  the text of each ``<p>`` as written (a newline inside it counts)
headings    the text of each ``<h1>``..``<h6>``
anchors     the names of anchor macros
links       each ``ac:link`` (page title, anchor, attachment) or ``<a href>``
tables      the shape of each table: rows of ``th``/``td`` cells
images      each ``ac:image``'s attributes and file or URL
inline      each inline tag (em, strong, code, abbr, sub, sup, u, s, cite) with its text
macros      the names of structured macros other than anchor and code (admonitions ...)
code        the language of each code macro

Agreement of a construct = sum over pages of the common items / sum over pages of the
larger item count; for anchors, of the existing extension's item count (the share of
its anchors our pages also carry: extra anchors are invisible). Nothing is asserted: this is a measurement. ``--plain-conf`` builds
projects with a minimal configuration (``-C``) so real projects' docs whose ``conf.py``
needs themes or extensions that are not installed still build on both sides.
"""

from __future__ import annotations

import argparse
import html.entities
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_PROJECTS = [
    *sorted(p for p in (HERE / "upstream_projects").iterdir() if p.is_dir()),
    *(ROOT / "tests" / "roots" / f"test-{name}"
      for name in ("structure", "references", "tables", "admonitions", "code", "domains")),
]
CONSTRUCTS = ("paragraphs", "headings", "anchors", "links", "tables", "images", "inline",
              "macros", "code")
AC = "{http://www.atlassian.com/schema/confluence/4/ac/}"
RI = "{http://www.atlassian.com/schema/confluence/4/ri/}"
X = "{http://www.atlassian.com/schema/confluence/4/}"
WRAP = ('<root xmlns="http://www.atlassian.com/schema/confluence/4/" '
        'xmlns:ac="http://www.atlassian.com/schema/confluence/4/ac/" '
        'xmlns:ri="http://www.atlassian.com/schema/confluence/4/ri/" '
        'xmlns:at="http://www.atlassian.com/schema/confluence/4/at/">{}</root>')
#: constructs measured as the share of the existing extension's items we also write
#: (extra anchors are invisible and keep older links working)
RECALL_ONLY = ("anchors",)
INLINE_TAGS = ("em", "strong", "code", "abbr", "sub", "sup", "u", "s", "cite")
PLAIN_EXTENSIONS = ("sphinx.ext.autodoc", "sphinx.ext.intersphinx", "sphinx.ext.todo",
                    "sphinx.ext.extlinks", "sphinx.ext.napoleon", "sphinx.ext.viewcode")


def _entities(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in ("amp", "lt", "gt", "quot", "apos"):
            return match.group(0)
        code = html.entities.name2codepoint.get(name)
        return f"&#{code};" if code else match.group(0)

    return re.sub(r"&([A-Za-z][A-Za-z0-9]*);", repl, text)


def parse(body: str) -> ET.Element | None:
    try:
        return ET.fromstring(WRAP.format(_entities(body)))
    except ET.ParseError:
        return None


def _visible(elem: ET.Element) -> str:
    """The element's text as a reader sees it: anchor macros and parameters left out."""
    if elem.tag == f"{X}br":
        return "\n"
    if elem.tag == f"{AC}link":  # only the link body shows; whitespace around it does not
        body = [c for c in elem if _local(c.tag) in ("link-body", "plain-text-link-body")]
        return _visible(body[0]) if body else ""
    parts = [elem.text or ""]
    for child in elem:
        if child.tag != f"{AC}parameter" and not (
            child.tag == f"{AC}structured-macro" and child.get(f"{AC}name") == "anchor"
        ):
            parts.append(_visible(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _text(elem: ET.Element) -> str:
    return " ".join(_visible(elem).split())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _macro_params(macro: ET.Element) -> dict[str, str]:
    return {p.get(f"{AC}name", ""): "".join(p.itertext())
            for p in macro.findall(f"{AC}parameter")}


def _link_item(link: ET.Element) -> str:
    page = link.find(f"{RI}page")
    att = link.find(f"{RI}attachment")
    return json.dumps(["ac:link", page.get(f"{RI}content-title") if page is not None else "",
                       link.get(f"{AC}anchor", ""),
                       att.get(f"{RI}filename") if att is not None else ""])


def _table_item(table: ET.Element) -> str:
    rows = []
    for row in table.iter(f"{X}tr"):
        rows.append("".join("h" if _local(c.tag) == "th" else "d" for c in row
                            if _local(c.tag) in ("th", "td")))
    return "|".join(rows)


def constructs(root: ET.Element) -> dict[str, Counter[str]]:
    """The comparable items of one page, by construct."""
    found: dict[str, Counter[str]] = {name: Counter() for name in CONSTRUCTS}
    for elem in root.iter():
        tag = _local(elem.tag)
        if elem.tag == f"{X}p":
            text = _visible(elem).strip()
            if text:
                found["paragraphs"][text] += 1
        elif elem.tag.startswith(X) and re.fullmatch(r"h[1-6]", tag):
            found["headings"][_text(elem)] += 1
        elif elem.tag == f"{AC}structured-macro":
            name = elem.get(f"{AC}name", "")
            params = _macro_params(elem)
            if name == "anchor":
                found["anchors"][params.get("", "")] += 1
            elif name == "code":
                found["code"][params.get("language", "")] += 1
            else:
                found["macros"][name] += 1
        elif elem.tag == f"{AC}link":
            found["links"][_link_item(elem)] += 1
        elif elem.tag == f"{X}a":
            found["links"][json.dumps(["a", elem.get(f"{X}href", elem.get("href", ""))])] += 1
        elif elem.tag == f"{X}table":
            found["tables"][_table_item(elem)] += 1
        elif elem.tag == f"{AC}image":
            source = [c.get(f"{RI}filename") or c.get(f"{RI}value") or "" for c in elem]
            attrs = sorted((_local(k), v) for k, v in elem.attrib.items())
            found["images"][json.dumps([attrs, source])] += 1
        elif elem.tag.startswith(X) and tag in INLINE_TAGS:
            attrs = sorted((k, v) for k, v in elem.attrib.items())
            found["inline"][json.dumps([tag, _text(elem), attrs])] += 1
    return found


def build(python: str, project: Path, outdir: Path, editor: str, plain: bool,
          pythonpath: str | None = None) -> str:
    cmd = [python, "-m", "sphinx", "-q", "-E", "-b", "confluence",
           "-D", f"confluence_editor={editor}", "-d", str(outdir / ".doctrees")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFLUENCE")}
    if plain:
        exts = ["sphinxcontrib.confluencebuilder", *PLAIN_EXTENSIONS]
        cmd += ["-C", "-D", f"project={project.name}"]
        if any(project.glob("*.md")):  # MyST pages (myst-parser installed on both sides)
            exts.append("myst_parser")
            cmd += ["-D", "source_suffix=.rst,.md",
                    "-D", "myst_enable_extensions=colon_fence,deflist"]
        cmd += ["-D", "extensions=" + ",".join(exts)]
        if (project.parent / "src").is_dir():  # an sdist's package, for autodoc
            env["PYTHONPATH"] = str(project.parent / "src")
    if pythonpath:  # another checkout of our package (e.g. a baseline commit)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (pythonpath, env.get("PYTHONPATH"))))
    cmd += [str(project), str(outdir)]
    # run outside any source tree: ``python -m`` puts the working directory first on
    # sys.path, where a checkout's ``sphinxcontrib/`` would shadow the installed package
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False,
                          cwd=outdir.parent)
    if done.returncode:
        sys.stderr.write(f"build failed ({python}, {project}, {editor}):\n{done.stderr}\n")
    return done.stderr


def pages_of(outdir: Path) -> dict[str, ET.Element | None]:
    return {p.relative_to(outdir).as_posix()[:-5]: parse(p.read_text(encoding="utf-8"))
            for p in sorted(outdir.rglob("*.conf")) if ".doctrees" not in p.parts}


def compare(ours: dict[str, ET.Element | None], theirs: dict[str, ET.Element | None],
            totals: dict[str, list[int]], diffs: dict[str, list[str]], where: str) -> None:
    for page in sorted(set(ours) & set(theirs)):
        a, b = ours[page], theirs[page]
        if a is None or b is None:
            continue
        mine, other = constructs(a), constructs(b)
        for name in CONSTRUCTS:
            common = sum((mine[name] & other[name]).values())
            total = max(sum(mine[name].values()), sum(other[name].values()))
            if name in RECALL_ONLY:
                total = sum(other[name].values())
            totals[name][0] += common
            totals[name][1] += total
            for item in (mine[name] - other[name]):
                diffs[name].append(f"{where}/{page}: ours only: {item}")
            for item in (other[name] - mine[name]):
                diffs[name].append(f"{where}/{page}: upstream only: {item}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("projects", nargs="*", type=Path)
    parser.add_argument("--upstream-python", default=os.environ.get(
        "UPSTREAM_PYTHON", "/tmp/upstream-venv/bin/python"),
        help="python of a virtual environment holding sphinxcontrib-confluencebuilder "
        "3.2.0 (default: $UPSTREAM_PYTHON or /tmp/upstream-venv/bin/python; see above)")
    parser.add_argument("--editor", action="append", choices=("v1", "v2"))
    parser.add_argument("--plain-conf", action="store_true")
    parser.add_argument("--ours-pythonpath", metavar="CHECKOUT",
                        help="build 'ours' from this checkout (e.g. a `git worktree` of an "
                             "earlier commit) to measure a baseline")
    parser.add_argument("--show", action="append", default=[], choices=CONSTRUCTS,
                        help="print the differing items of a construct")
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    args = parser.parse_args(argv)
    projects = [p.resolve() for p in args.projects] or DEFAULT_PROJECTS
    report: dict[str, dict[str, float | None]] = {}
    for editor in args.editor or ["v1", "v2"]:
        totals = {name: [0, 0] for name in CONSTRUCTS}
        diffs: dict[str, list[str]] = {name: [] for name in CONSTRUCTS}
        for project in projects:
            with tempfile.TemporaryDirectory() as tmp:
                ours, theirs = Path(tmp, "ours"), Path(tmp, "upstream")
                build(sys.executable, project, ours, editor, args.plain_conf,
                      args.ours_pythonpath)
                build(args.upstream_python, project, theirs, editor, args.plain_conf)
                compare(pages_of(ours), pages_of(theirs), totals, diffs,
                        f"{editor}:{project.name}")
        report[editor] = {n: (round(100 * c / t, 1) if t else None) for n, (c, t) in
                          totals.items()}
        if not args.json:
            print(f"editor {editor}: agreement with the existing extension "
                  f"({len(projects)} projects)")
            for name, (common, total) in totals.items():
                figure = f"{100 * common / total:5.1f}%" if total else "   n/a"
                print(f"  {name:<11} {figure}  ({common}/{total})")
        for name in args.show:
            for line in diffs[name]:
                print("   ", line)
    if args.json:
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
