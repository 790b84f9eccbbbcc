"""Pure helpers for Confluence storage format (XHTML with ``ac:``/``ri:`` elements).

Only the five XML entities and raw UTF-8 are ever emitted; control characters that
XML 1.0 forbids are stripped. Nothing here knows about docutils or Sphinx.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# XML 1.0 allows \t \n \r and everything from 0x20 up (minus surrogates / FFFE / FFFF)
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def strip_control(text: str) -> str:
    """Remove characters that XML 1.0 does not allow."""
    return _FORBIDDEN.sub("", text)


def escape(text: str) -> str:
    """Escape text content: ``&``, ``<`` and ``>``."""
    text = strip_control(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """Escape an attribute value (double-quoted)."""
    return escape(text).replace('"', "&quot;").replace("'", "&apos;")


def cdata(text: str) -> str:
    """Wrap text in CDATA, splitting any ``]]>`` it contains."""
    text = strip_control(text)
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def attrs(values: Mapping[str, object] | None) -> str:
    """Render attributes; ``None`` values are left out, order is preserved."""
    if not values:
        return ""
    return "".join(
        f' {key}="{escape_attr(str(value))}"' for key, value in values.items() if value is not None
    )


def start_tag(name: str, values: Mapping[str, object] | None = None, *, empty: bool = False) -> str:
    return f"<{name}{attrs(values)}{'/' if empty else ''}>"


def end_tag(name: str) -> str:
    return f"</{name}>"


def element(name: str, text: str = "", values: Mapping[str, object] | None = None) -> str:
    """A complete element with escaped text content (self-closing when empty)."""
    if not text:
        return start_tag(name, values, empty=True)
    return start_tag(name, values) + escape(text) + end_tag(name)


def macro_start(name: str, params: Mapping[str, object] | None = None) -> str:
    """Open an ``ac:structured-macro`` and write its parameters (None values skipped)."""
    out = [start_tag("ac:structured-macro", {"ac:name": name})]
    for key, value in (params or {}).items():
        if value is None:
            continue
        out.append(element("ac:parameter", str(value), {"ac:name": key}))
    return "".join(out)


def macro_end() -> str:
    return end_tag("ac:structured-macro")


def plain_text_body(text: str) -> str:
    return "<ac:plain-text-body>" + cdata(text) + "</ac:plain-text-body>"


WRAPPER_START = (
    '<ac:confluence xmlns:ac="http://www.atlassian.com/schema/confluence/4/ac/"'
    ' xmlns:ri="http://www.atlassian.com/schema/confluence/4/ri/"'
    ' xmlns:at="http://www.atlassian.com/schema/confluence/4/at/"'
    ' xmlns="http://www.atlassian.com/schema/confluence/4/">'
)
WRAPPER_END = "</ac:confluence>"


def wrap_fragment(body: str) -> str:
    """Wrap a storage fragment in an element that declares ac:, ri: and at: namespaces."""
    return WRAPPER_START + body + WRAPPER_END
