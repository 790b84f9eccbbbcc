"""Storage-format validation: is a page body a well-formed, namespaced XHTML fragment?

The body is wrapped in a root element that declares the ``ac:``, ``ri:`` and ``at:``
prefixes and the default namespace, then parsed with expat. Strict mode knows only the
five XML entities and numeric references; lenient mode also accepts the common XHTML 1.0
named entities (declared in an internal DTD subset). Errors read like the real server's
(``Error parsing xhtml: <reason>\\n at [row,col {unknown-source}]: [r,c]``) with the row
and column pointing into the original body (1-based).
"""

from __future__ import annotations

import re
import xml.parsers.expat as expat

from .state import EmulatorError

_NAMESPACES = (
    'xmlns="http://www.atlassian.com/schema/confluence/4/" '
    'xmlns:ac="http://www.atlassian.com/schema/confluence/4/ac/" '
    'xmlns:ri="http://www.atlassian.com/schema/confluence/4/ri/" '
    'xmlns:at="http://www.atlassian.com/schema/confluence/4/at/"'
)

#: Common XHTML 1.0 named entities (name -> code point) accepted in lenient mode.
NAMED_ENTITIES: dict[str, int] = {
    "nbsp": 160, "iexcl": 161, "cent": 162, "pound": 163, "curren": 164, "yen": 165,
    "brvbar": 166, "sect": 167, "uml": 168, "copy": 169, "ordf": 170, "laquo": 171,
    "not": 172, "shy": 173, "reg": 174, "macr": 175, "deg": 176, "plusmn": 177,
    "sup2": 178, "sup3": 179, "acute": 180, "micro": 181, "para": 182, "middot": 183,
    "sup1": 185, "ordm": 186, "raquo": 187, "frac14": 188, "frac12": 189, "frac34": 190,
    "iquest": 191, "times": 215, "divide": 247, "auml": 228, "ouml": 246, "uuml": 252,
    "Auml": 196, "Ouml": 214, "Uuml": 220, "szlig": 223, "eacute": 233, "egrave": 232,
    "agrave": 224, "ccedil": 231, "ndash": 8211, "mdash": 8212, "lsquo": 8216,
    "rsquo": 8217, "sbquo": 8218, "ldquo": 8220, "rdquo": 8221, "bdquo": 8222,
    "dagger": 8224, "Dagger": 8225, "bull": 8226, "hellip": 8230, "permil": 8240,
    "prime": 8242, "lsaquo": 8249, "rsaquo": 8250, "euro": 8364, "trade": 8482,
    "larr": 8592, "uarr": 8593, "rarr": 8594, "darr": 8595, "harr": 8596, "rArr": 8658,
    "hArr": 8660, "minus": 8722, "infin": 8734, "ne": 8800, "le": 8804, "ge": 8805,
    "ensp": 8194, "emsp": 8195, "thinsp": 8201, "zwnj": 8204, "zwj": 8205,
}

_DOCTYPE = "<!DOCTYPE ac:confluence [\n" + "".join(
    f'<!ENTITY {name} "&#{code};">\n' for name, code in NAMED_ENTITIES.items()) + "]>\n"


def storage_error(body: str, *, lenient: bool = False) -> str | None:
    """The real server's error message for an invalid body, or ``None`` when it is valid."""
    prefix = (_DOCTYPE if lenient else "") + f"<ac:confluence {_NAMESPACES}>\n"
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.namespace_prefixes = True
    stack: list[str] = []

    def start(name: str, _attrs: object) -> None:
        parts = name.split(" ")
        stack.append(f"{parts[2]}:{parts[1]}" if len(parts) == 3 else parts[-1])

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda _name: stack.pop()
    try:
        parser.Parse(prefix + body + "\n</ac:confluence>", True)
    except expat.ExpatError as exc:
        lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        row, col = (exc.lineno or 1) - prefix.count("\n"), exc.offset or 0
        at_end = row > len(lines)
        if at_end or row < 1:
            row, col = len(lines), len(lines[-1])
        reason = _reason(expat.ErrorString(exc.code), lines[row - 1], col, stack[1:], at_end)
        return f"Error parsing xhtml: {reason}\n at [row,col {{unknown-source}}]: [{row},{col + 1}]"
    return None


def validate_storage(body: str, *, lenient: bool = False) -> None:
    """Raise the real 400 when ``body`` is not valid storage format."""
    error = storage_error(body, lenient=lenient)
    if error is not None:
        raise EmulatorError(400, error)


def _reason(expat_reason: str, line: str, col: int, stack: list[str], at_end: bool) -> str:
    """Rephrase expat's terse reasons the way the real (Woodstox) parser words them."""
    here = line[col:]
    if expat_reason == "mismatched tag":
        if at_end:
            return f"Unexpected EOF; was expecting a close tag for element <{stack[-1]}>"
        name = re.match(r"[^\s>/]*", here)
        found = name.group(0) if name else ""
        expected = f"</{stack[-1]}>" if stack else "end of fragment"
        return f"Unexpected close tag </{found}>; expected {expected}."
    if expat_reason == "undefined entity":
        name = re.match(r"&([^;\s]*)", here)
        return f'Undeclared general entity "{name.group(1) if name else ""}"'
    ref = re.search(r"&([\w.:-]*)$", line[:col])
    if expat_reason.startswith("not well-formed") and ref:
        char = here[:1] or " "
        if ref.group(1):
            return (f"Unexpected character '{char}' (code {ord(char)}); expected a semi-colon "
                    f"after the reference for entity '{ref.group(1)}'")
        return f"Unexpected character '{char}' (code {ord(char)}) in content after '&'"
    if line[max(col - 2, 0):col + 1] == "]]>":
        return ("String ']]>' not allowed in textual content, except as the end marker of "
                "CDATA section")
    if here and ord(here[0]) < 32 and here[0] not in "\t\n\r":
        return f"Illegal character ((CTRL-CHAR, code {ord(here[0])}))"
    if expat_reason == "unbound prefix":
        return f"Undeclared namespace prefix in <{here.lstrip('<').split(' ')[0].rstrip('/>')}>"
    return expat_reason[0].upper() + expat_reason[1:]
