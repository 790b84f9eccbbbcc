"""The house rules of doc/architecture.rst, checked on the source (ast, no import):
no import cycle anywhere in the package, and no import from a higher layer into a
lower one. ``TYPE_CHECKING`` imports count: they are still a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sphinxcontrib" / "confluencebuilder"
PREFIX = "sphinxcontrib.confluencebuilder"
#: layers that run without a Sphinx application (connection-test, publish OUTDIR, wipe);
#: expiring and oauth2 are the session's auth family
LOWER = ("publisher", "rest", "session", "credentials", "redaction", "expiring", "oauth2")
#: Sphinx's logging helpers and terminal colours need no application
SPHINX_OK = ("sphinx.util.logging", "sphinx.util.console")
#: what the lower layers may import from the product
LOWER_MAY_IMPORT = ("publisher", "rest", "session", "credentials", "redaction", "expiring",
                    "oauth2", "oauth2_settings", "errors", "settings", "storage", "pages",
                    "titles",
                    # the option table: pure values, the one home of every default
                    "optiontable",
                    # the settings family: URL checks and the terminal prompts it asks
                    "urls", "prompts")
#: what the emulator may import from the product: pure storage-format helpers
TESTING_MAY_IMPORT = ("testing", "storage")
#: the known exceptions, each with its reason; anything new fails
EXCEPTIONS = {
    # the User-Agent names the release; the package __init__ imports nothing at load
    ("session", f"{PREFIX}.__version__"),
    # ``publish OUTDIR`` and ``sandbox`` are command-line commands living beside the
    # code they start; they word their usage with the program name and take the
    # --work-dir / -D arguments every project-loading command takes
    ("publisher.command", f"{PREFIX}.cliutil.program_name"),
    ("publisher.command", f"{PREFIX}.cliutil.add_project_arguments"),
    # ``publish OUTDIR`` reads conf.py (and -D overrides) without starting Sphinx
    ("publisher.command", f"{PREFIX}.project."),
    ("testing.sandbox", f"{PREFIX}.cliutil.program_name"),
    # the pytest plugin forgets the product's per-server rate limiters between tests
    ("testing.pytest_plugin", f"{PREFIX}.rest.ratelimit.forget_limiter"),
}


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, packages: bool = True) -> set[str]:
    """Modules and names ``path`` imports; ``packages``: also the package of each
    ``from X import y`` (a dependency on ``X/__init__``)."""
    me = _name(path)
    anchor_parts = me.split(".") if path.name == "__init__.py" else me.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = anchor_parts[:len(anchor_parts) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names = {f"{base}.{a.name}" for a in node.names}
            # ``from . import faults`` depends on the module faults, not on the package's
            # __init__ (counting the package would hide every cycle through it)
            if packages and not names <= MODULES.keys():
                out.add(base)
            out.update(names)
    return out


MODULES: dict[str, Path] = {}
MODULES.update({_name(p): p for p in sorted(PACKAGE.rglob("*.py"))})
DEPS = {name: {d for d in _imports(p) if d in MODULES and d != name}
        for name, p in MODULES.items()}


def _known(module: str, dep: str) -> bool:
    me = module[len(PREFIX) + 1:]
    return any(me == who and (dep == what or what.endswith(".") and dep.startswith(what))
               for who, what in EXCEPTIONS)


def _top(module: str) -> str:
    rest = module[len(PREFIX) + 1:] if module.startswith(PREFIX + ".") else ""
    return rest.split(".")[0]


def _cycles(deps: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in deps[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp: list[str] = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in deps:
        if v not in index:
            visit(v)
    # a package's __init__ importing its own submodules is not a design cycle
    return [c for c in found if not all(x.startswith(min(c, key=len)) for x in c)]


def test_the_checker_sees_a_cycle_and_the_package() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
    assert f"{PREFIX}.publisher.plan" in MODULES
    assert f"{PREFIX}.publisher.plantypes" in DEPS[f"{PREFIX}.publisher.plan"]


def test_no_import_cycle() -> None:
    assert _cycles(DEPS) == []


@pytest.mark.parametrize("layer", LOWER)
def test_lower_layers_import_neither_sphinx_nor_higher_layers(layer: str) -> None:
    bad = []
    for name, path in MODULES.items():
        if _top(name) != layer:
            continue
        for dep in _imports(path, packages=False):
            if (dep == "sphinx" or dep.startswith("sphinx.")) and \
                    not dep.startswith(SPHINX_OK):
                bad.append((name, dep))
            if dep.startswith(PREFIX + ".") and _top(dep) not in LOWER_MAY_IMPORT \
                    and not _known(name, dep):
                bad.append((name, dep))
    assert bad == []


def test_the_emulator_imports_only_pure_storage_helpers_of_the_product() -> None:
    bad = [(name, dep) for name, path in MODULES.items() if _top(name) == "testing"
           for dep in _imports(path, packages=False)
           if dep.startswith(PREFIX + ".") and _top(dep) not in TESTING_MAY_IMPORT
           and dep != PREFIX and not _known(name, dep)]
    assert bad == []


def test_the_architecture_page_names_only_files_that_exist() -> None:
    """doc/architecture.rst stays true: every ``path.py`` or ``dir/`` it names exists."""
    import re

    text = (PACKAGE.parent.parent / "doc" / "architecture.rst").read_text(encoding="utf-8")
    named = set(re.findall(r"``([a-z_0-9/]+(?:\.py|/))``", text))
    assert {"publisher/", "rest/bounded.py", "testing/model.py"} <= named
    missing = [n for n in sorted(named) if not n.startswith(("tests/", "sphinxcontrib/"))
               and not (PACKAGE / n).exists()]
    assert missing == []


def test_no_module_imports_a_private_name_of_another() -> None:
    """What one module shares with another is public: no ``from .x import _name``
    anywhere in the package (a private helper used elsewhere is a seam nobody sees)."""
    crossing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
                continue
            if node.level == 0 and not (node.module or "").startswith(PREFIX):
                continue
            crossing += [f"{path.relative_to(PACKAGE)}: {node.module}.{alias.name}"
                         for alias in node.names
                         if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert crossing == []
