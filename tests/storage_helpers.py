"""Test helpers for storage-format output."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sphinxcontrib.confluencebuilder.storage import wrap_fragment

NS = {
    "ac": "http://www.atlassian.com/schema/confluence/4/ac/",
    "ri": "http://www.atlassian.com/schema/confluence/4/ri/",
    "at": "http://www.atlassian.com/schema/confluence/4/at/",
    "x": "http://www.atlassian.com/schema/confluence/4/",
}


def parse_storage(body: str) -> ET.Element:
    """Parse a page body inside a namespace-declaring wrapper; fails the test if malformed."""
    try:
        return ET.fromstring(wrap_fragment(body))
    except ET.ParseError as exc:  # pragma: no cover - the message is the point
        raise AssertionError(
            f"page is not well-formed storage format: {exc}\n{body[:2000]}"
        ) from None
