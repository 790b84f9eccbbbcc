"""Pygments lexer names -> languages of Confluence's ``code`` macro.

Confluence names its highlighters differently per editor: the Data Center / legacy
editor (``v1``) knows a small set, Cloud's fabric editor (``v2``) many more. Each table
below is written as *Confluence language -> Pygments aliases* and inverted once at
import time into a lookup dict.

``resolve_language`` answers ``(language, exact)``: ``exact`` is False when the
language is only a close relative (still worth highlighting, but the user should
hear about it) or when nothing matched (``'none'``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

#: Confluence's value for "no highlighting"
NO_LANGUAGE = "none"

# Aliases understood the same way by both editors.
_SHARED: dict[str, tuple[str, ...]] = {
    "none": ("none", "text", "raw", "plain", "plaintext", "output", "console-output"),
    "actionscript3": ("actionscript3", "as3", "actionscript"),
    "applescript": ("applescript",),
    "cpp": ("cpp", "c++", "cxx", "hpp"),
    "coldfusion": ("coldfusion", "cfc", "cfm", "cfml"),
    "diff": ("diff", "udiff", "patch"),
    "groovy": ("groovy",),
    "java": ("java",),
    "javafx": ("javafx",),
    "perl": ("perl", "pl", "perl6", "pl6"),
    "php": ("php", "php3", "php4", "php5", "html+php"),
    "powershell": ("powershell", "posh", "ps1", "psm1", "pwsh"),
    "python": (
        "python",
        "py",
        "python3",
        "py3",
        "sage",
        "bazel",
        "starlark",
        "default",
        "python2",
        "py2",
        "pycon",
        "pytb",
        "py3tb",
    ),
    "ruby": ("ruby", "rb", "duby", "irb"),
    "sass": ("sass", "scss"),
    "scala": ("scala",),
    "bash": ("bash", "sh", "shell", "zsh", "ksh", "openrc", "console", "shell-session"),
    "sql": ("sql", "mysql", "postgresql", "psql", "sqlite3", "tsql", "plpgsql"),
    "vb": ("vb", "vbscript", "visualbasic"),
    "yaml": ("yaml", "yml"),
}

# Data Center / legacy editor only.
_V1_ONLY: dict[str, tuple[str, ...]] = {
    "csharp": ("csharp", "c#", "cs"),
    "cpp": ("c",),
    "css": ("css",),
    "delphi": ("delphi", "pascal", "pas", "objectpascal"),
    "erlang": ("erlang", "erl"),
    "html/xml": ("html", "xml", "xslt", "xhtml", "html/xml"),
    "javascript": ("javascript", "js"),
}

# Cloud fabric editor only.
_V2_ONLY: dict[str, tuple[str, ...]] = {
    "abap": ("abap",),
    "ada": ("ada", "ada95", "ada2005"),
    "arduino": ("arduino",),
    "autoit": ("autoit",),
    "c": ("c",),
    "c#": ("csharp", "c#", "cs"),
    "clojure": ("clojure", "clj"),
    "coffeescript": ("coffeescript", "coffee", "coffee-script"),
    "css": ("css",),
    "cuda": ("cuda", "cu"),
    "d": ("d",),
    "dart": ("dart",),
    "docker": ("docker", "dockerfile"),
    "elixir": ("elixir", "ex", "exs"),
    "erl": ("erlang", "erl"),
    "fortran": ("fortran", "f90"),
    "foxpro": ("foxpro", "vfp", "clipper", "xbase"),
    "go": ("go", "golang"),
    "graphql": ("graphql",),
    "haskell": ("haskell", "hs"),
    "haxe": ("haxe", "hx", "hxsl"),
    "hcl": ("hcl", "terraform", "tf"),
    "html": ("html", "xhtml"),
    "js": ("javascript", "js"),
    "json": ("json", "json-object", "jsonld"),
    "jsx": ("jsx",),
    "julia": ("julia", "jl"),
    "kotlin": ("kotlin",),
    "livescript": ("livescript", "live-script"),
    "lua": ("lua",),
    "markdown": ("markdown", "md"),
    "mathematica": ("mathematica", "mma", "nb"),
    "matlab": ("matlab",),
    "nginx": ("nginx",),
    "objective-c": ("objective-c", "objectivec", "obj-c", "objc"),
    "objective-j": ("objective-j", "objectivej", "obj-j", "objj"),
    "ocaml": ("ocaml",),
    "octave": ("octave",),
    "pas": ("pascal", "pas", "delphi", "objectpascal"),
    "prolog": ("prolog",),
    "protobuf": ("protobuf", "proto"),
    "puppet": ("puppet",),
    "qbs": ("qml", "qbs"),
    "r": ("r", "splus", "s"),
    "racket": ("racket", "rkt"),
    "restructuredtext": ("restructuredtext", "rst", "rest"),
    "rust": ("rust", "rs"),
    "scheme": ("scheme", "scm"),
    "smalltalk": ("smalltalk", "squeak", "st"),
    "splunk-spl": ("splunk-spl", "spl", "splunkspl"),
    "standardml": ("standardml", "sml"),
    "swift": ("swift",),
    "tcl": ("tcl",),
    "tex": ("tex", "latex"),
    "toml": ("toml",),
    "tsx": ("tsx",),
    "typescript": ("typescript", "ts"),
    "vala": ("vala", "vapi"),
    "vbnet": ("vbnet", "vb.net", "lobas", "oobas", "sobas"),
    "verilog": ("verilog", "v"),
    "vhdl": ("vhdl",),
    "xml": ("xml", "xslt"),
    "xquery": ("xquery", "xq", "xql", "xqm", "xqy"),
}

# Close relatives: highlighted with a related language, but reported to the user.
_RELATIVES_SHARED: dict[str, tuple[str, ...]] = {
    "cpp": (
        "charmci",
        "clay",
        "ec",
        "mq4",
        "mq5",
        "mql",
        "mql4",
        "mql5",
        "nesc",
        "omg-idl",
        "pike",
        "swig",
        "arduino",
        "cuda",
        "cu",
        "vala",
        "vapi",
    ),
    "yaml": ("yaml+jinja", "salt", "sls"),
    "bash": ("fish", "fishshell", "tcsh", "csh"),
}
_RELATIVES_V1: dict[str, tuple[str, ...]] = {
    "python": ("ipython", "ipython2", "ipython3", "ipythonconsole", "json", "json-object"),
    "javascript": ("typescript", "ts", "jsx", "tsx"),
    "html/xml": ("html+jinja", "xml+jinja", "jinja", "django", "svg"),
}
_RELATIVES_V2: dict[str, tuple[str, ...]] = {
    "python": ("ipython", "ipython2", "ipython3", "ipythonconsole"),
    "html": ("html+jinja", "jinja", "django"),
    "xml": ("xml+jinja", "svg"),
}


def _invert(*tables: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Alias -> language; later tables win over earlier ones."""
    out: dict[str, str] = {}
    for table in tables:
        for language, aliases in table.items():
            for alias in aliases:
                out[alias] = language
    return out


#: exact matches per editor
LANGUAGES: dict[str, dict[str, str]] = {
    "v1": _invert(_SHARED, _V1_ONLY),
    "v2": _invert(_SHARED, _V2_ONLY),
}
#: close relatives per editor (used only when there is no exact match)
RELATIVES: dict[str, dict[str, str]] = {
    "v1": _invert(_RELATIVES_SHARED, _RELATIVES_V1),
    "v2": _invert(_RELATIVES_SHARED, _RELATIVES_V2),
}

Overrides = Mapping[str, str] | Callable[[str], "str | None"] | None


def _from_overrides(overrides: Overrides, name: str) -> str | None:
    if overrides is None:
        return None
    if callable(overrides) and not isinstance(overrides, Mapping):
        value = overrides(name)
        return str(value) if value else None
    value = overrides.get(name)
    return str(value) if value else None


def resolve_language(
    name: str | None, editor: str, overrides: Overrides = None
) -> tuple[str, bool]:
    """Map a Pygments alias to a code-macro language; see the module docstring."""
    key = (name or "default").strip().lower()
    chosen = _from_overrides(overrides, name or "default")
    if chosen is None and key != (name or "default"):
        chosen = _from_overrides(overrides, key)
    if chosen is not None:
        return chosen, True
    exact = LANGUAGES.get(editor, LANGUAGES["v1"])
    if key in exact:
        return exact[key], True
    relative = RELATIVES.get(editor, RELATIVES["v1"]).get(key)
    if relative is not None:
        return relative, False
    return NO_LANGUAGE, False
