"""The doctor's findings and how they are shown: plain text and a JSON report.

Both outputs pass through :meth:`Report.redact`, which replaces every secret value the
configuration holds (tokens, passwords, header and cookie values, proxy passwords), in
any case and URL-encoded, so a value that slipped into a server message still never
reaches the screen or the file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..redaction import redact

REDACTED = "********"

#: status words and how they are printed
_MARKS = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL", "info": "note", "skip": "skip"}

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


@dataclass
class Finding:
    #: 'sanity', 'reach', 'instance', 'identity', 'space', 'permission', 'load'
    step: str
    #: 'ok', 'warn', 'fail', 'info' or 'skip'
    status: str
    title: str
    detail: str = ""
    #: machine-readable cause when something is wrong (see advice.Diagnosis.cause)
    cause: str = ""
    fix: str = ""
    options: tuple[str, ...] = ()


@dataclass
class Setting:
    """One option or environment variable: set or not, and a printable value."""

    name: str
    state: str          # 'set', 'not set', 'set (empty)'
    value: str = ""     # shown only with --no-sanitize; never a secret
    source: str = ""    # 'conf.py / -D', 'environment', ''


@dataclass
class Report:
    project: str = ""
    sanitize: bool = True
    options: list[Setting] = field(default_factory=list)
    environment: list[Setting] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    secrets: list[str] = field(default_factory=list, repr=False)

    def add(self, step: str, status: str, title: str, **kw: Any) -> Finding:
        finding = Finding(step, status, title, **kw)
        self.findings.append(finding)
        return finding

    @property
    def failed(self) -> bool:
        return any(f.status == "fail" for f in self.findings)

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return EXIT_CONFIG
        return EXIT_FAILED if self.failed else EXIT_OK

    @property
    def result(self) -> str:
        return {EXIT_OK: "ok", EXIT_FAILED: "failed", EXIT_CONFIG: "config-error"}[self.exit_code]

    def redact(self, text: str) -> str:
        """``text`` through the one redaction of the project (``redaction.redact``): every
        secret held here or registered by the session, in any case or encoding."""
        return redact(text, self.secrets, marker=REDACTED)

    # -- JSON -----------------------------------------------------------------------
    def as_dict(self) -> dict[str, Any]:
        def setting(item: Setting) -> dict[str, Any]:
            data = {"name": item.name, "state": item.state}
            if item.source:
                data["source"] = item.source
            if not self.sanitize and item.value:
                data["value"] = item.value
            return data

        data: dict[str, Any] = {
            "command": "connection-test",
            "report_version": 1,
            "result": self.result,
            "exit_code": self.exit_code,
            "project": self.project,
            "sanitized": self.sanitize,
            "options": [setting(s) for s in self.options],
            "environment": [setting(s) for s in self.environment],
            "findings": [dict(asdict(f), options=list(f.options)) for f in self.findings],
            "notes": list(self.notes),
        }
        if self.error is not None:
            data["error"] = self.error
        return data

    def write_json(self, path: str | Path) -> None:
        text = json.dumps(self.as_dict(), indent=2, sort_keys=False)
        Path(path).write_text(self.redact(text) + "\n", encoding="utf-8")


class Printer:
    """Prints a report as it grows, step by step, redacting as it goes."""

    def __init__(self, report: Report, out: TextIO) -> None:
        self.report = report
        self.out = out

    def line(self, text: str = "") -> None:
        print(self.report.redact(text), file=self.out, flush=True)

    def heading(self, number: int, title: str) -> None:
        self.line()
        self.line(f"[{number}] {title}")

    def settings(self, items: list[Setting]) -> None:
        width = max((len(s.name) for s in items), default=10) + 2
        for item in items:
            text = item.state
            if not self.report.sanitize and item.value:
                text += f": {item.value}"
            if item.source:
                text += f"  (from {item.source})"
            self.line(f"    {item.name.ljust(width, '.')} {text}")

    def finding(self, item: Finding) -> None:
        self.line(f"    {_MARKS.get(item.status, item.status)}  {item.title}")
        for label, text in (("", item.detail), ("cause: ", item.cause), ("fix: ", item.fix)):
            if not text:
                continue
            for number, part in enumerate(text.splitlines()):
                prefix = label if number == 0 else " " * len(label)
                self.line(f"          {prefix}{part}")
        if item.options and item.status in ("fail", "warn"):
            self.line(f"          options: {', '.join(item.options)}")

    def summary(self) -> None:
        report = self.report
        self.line()
        for note in report.notes:
            self.line(f"Note: {note}")
        failed = [f for f in report.findings if f.status == "fail"]
        if report.error is not None:
            self.line("Result: configuration error (exit code 2)")
        elif failed:
            causes = ", ".join(dict.fromkeys(f.cause or f.step for f in failed))
            self.line(f"Result: {len(failed)} check(s) failed ({causes}) (exit code 1)")
        else:
            warns = sum(1 for f in report.findings if f.status == "warn")
            extra = f" with {warns} warning(s)" if warns else ""
            self.line(f"Result: the connection works{extra} (exit code 0)")
