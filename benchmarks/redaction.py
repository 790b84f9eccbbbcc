"""Benchmark: the cost of redacting every log line. Redacts a typical debug line (a
request dump of about 300 characters) with 5, 20 and 100 registered secrets and prints
microseconds per line; asserts nothing.

Usage: python benchmarks/redaction.py [--lines N]

Aim: well under 100 microseconds per line with 20 secrets, so -vv and
confluence_publish_debug = 'all' stay cheap next to the network.
"""

from __future__ import annotations

import argparse
import secrets
import time

from sphinxcontrib.confluencebuilder import redaction

LINE = ("confluence: request PUT https://example.atlassian.net/wiki/rest/api/content/65539"
        "?expand=version\n  Authorization: <redacted>\n  Accept: application/json\n"
        "  X-Atlassian-Token: no-check\n  User-Agent: sphinxcontrib-confluencebuilder/0.1.0 "
        "python-requests/2.32.3\n  Content-Type: application/json\n"
        '  {"id": "65539", "type": "page", "title": "Guide", "version": {"number": 4}}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20000)
    args = parser.parse_args()
    registered = 0
    for total in (5, 20, 100):
        redaction.register(secrets.token_urlsafe(24) for _ in range(total - registered))
        registered = total
        redaction.redact(LINE)  # compile the pattern once
        start = time.perf_counter()
        for _ in range(args.lines):
            redaction.redact(LINE)
        spent = time.perf_counter() - start
        print(f"{total:4d} secrets: {spent / args.lines * 1e6:7.1f} us per line "
              f"({args.lines} lines, {len(LINE)} characters each)")


if __name__ == "__main__":
    main()
