"""The retry policy: which failed exchanges are sent again, after what wait, how often.

This module is the table; :class:`~.transport.Transport` (the only place requests are
sent) carries it out. No other layer sends a request again after a failure: the client
and the dialects hand the transport a :class:`Rebase` when a write depends on a version
number, and the publisher keeps only its domain recovery (a create whose answer was
lost is found again by its identity, not sent twice).

=============  ===========================================  ==========  ================
class          answer                                       wait        sends at most
=============  ===========================================  ==========  ================
rate-limit     429                                          Retry-After 1 + rate limit
                                                            or backoff  retries (3)
unavailable    503 with Retry-After (repeatable calls)      Retry-After same budget
server         408, 500, 502, 503, 504 (repeatable calls)   backoff     1 + retry_attempts
dropped        connection closed unanswered (repeatable)    backoff     same budget
conflict       409 on a versioned write (re-read, rebuild)  none        1 + retry_attempts
credential     401 (or a login redirect) with a renewable   none        2
               credential: a provider's, or an OAuth 2.0
               token (renewed once for all threads)
=============  ===========================================  ==========  ================

"Repeatable" is an idempotent method, or a call whose caller can check whether an
earlier attempt already happened (``recover``). ``retry_attempts`` is
``confluence_publish_retry_attempts`` (default 2). Classes sharing a budget count
against it together. A write built on a guessed version may name extra statuses that
mean "stale" (a property PUT that finds no property answers 404) and a wait before the
re-read for one of them (Cloud shows a new page to the property API only after a
moment).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

RetryClass = Literal["rate-limit", "unavailable", "server", "dropped", "conflict",
                     "credential"]
Budget = Literal["rate", "errors", "conflicts", "credential"]
Wait = Literal["retry-after", "backoff", "none"]
Needs = Literal["nothing", "repeatable", "rebase", "credential-provider"]

#: statuses answered by a busy or failing server (retried when the call is repeatable)
SERVER_STATUSES = frozenset({408, 500, 502, 503, 504})


@dataclass(frozen=True)
class Rule:
    """One row of the table: the budget counted, the wait taken, what the call needs."""

    budget: Budget
    wait: Wait
    needs: Needs


POLICY: Mapping[RetryClass, Rule] = {
    "rate-limit": Rule("rate", "retry-after", "nothing"),
    "unavailable": Rule("rate", "retry-after", "repeatable"),
    "server": Rule("errors", "backoff", "repeatable"),
    "dropped": Rule("errors", "backoff", "repeatable"),
    "conflict": Rule("conflicts", "none", "rebase"),
    "credential": Rule("credential", "none", "credential-provider"),
}


@dataclass(frozen=True)
class Resend:
    """The request to send next: a versioned write rebuilt on the version read now."""

    method: str
    url: str
    json: Any = None
    #: statuses that mean "the version this was built on is stale" (None: keep)
    stale: frozenset[int] | None = None


@dataclass(frozen=True)
class Rebase:
    """How a versioned write is rebuilt when the server says its version is stale.

    ``build`` reads the current version and returns the request to send next (it may
    change method and URL: a property found absent is created, not updated)."""

    build: Callable[[], Resend]
    #: the statuses of a stale version for the first send (a guessed version: 400/404 too)
    stale: frozenset[int] = frozenset({409})
    #: seconds to wait before rebuilding, by status (Cloud's delay for a page just made)
    settle: Mapping[int, float] = field(default_factory=dict)


def classify_status(status: int, *, retry_after: float | None,
                    stale: frozenset[int], credential_failed: bool) -> RetryClass | None:
    """The retry class of an answer (None: not retryable at all)."""
    if status == 429:
        return "rate-limit"
    if status in stale:
        return "conflict"
    if status == 503 and retry_after is not None:
        return "unavailable"
    if status in SERVER_STATUSES:
        return "server"
    if credential_failed:
        return "credential"
    return None


def budget_of(rule: Rule, *, retry_attempts: int, rate_limit_retries: int) -> int:
    """How many times the class of ``rule`` may send a request again."""
    return {"rate": rate_limit_retries, "errors": retry_attempts,
            "conflicts": retry_attempts, "credential": 1}[rule.budget]


__all__ = ["POLICY", "SERVER_STATUSES", "Budget", "Rebase", "Resend", "RetryClass", "Rule",
           "budget_of", "classify_status"]
