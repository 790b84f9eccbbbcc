"""Errors raised by sphinxcontrib.confluencebuilder.

Every error says what happened and what the user can do about it; its message, hint
and URL are redacted (``redaction.py``) when composed and when shown. The tree::

    ConfluenceError                      root of everything we raise
    ├── ConfluenceConfigError            a bad option value (names the option); exit code 2
    ├── ConfluenceBuildError             the pages on disk are missing or unreadable
    ├── ConfluencePublishError           a publish was refused or could not complete
    │   ├── ConfluenceTrampleError       a same-titled page outside our tree is in the way
    │   └── ConfluenceCleanupRefused     cleanup would delete pages that are not ours, or too many
    └── ConfluenceConnectionError        any failure talking to the server (has `.hint`, `.options`)
        ├── ConfluenceNetworkError       DNS, refused connection, dropped connection
        ├── ConfluenceTimeoutError       no answer within confluence_timeout
        ├── ConfluenceTlsError           certificate or TLS handshake failure
        ├── ConfluenceProxyError         a proxy refused or demanded authentication (407)
        ├── ConfluenceAuthError          401: credentials missing, wrong or ignored
        ├── ConfluencePermissionError    403: not allowed (Basic disabled, XSRF, no permission)
        ├── ConfluenceNotFoundError      404: space or page missing, or hidden by permissions
        ├── ConfluenceConflictError      409: version conflict
        ├── ConfluenceBadRequestError    400: the server rejected what we sent
        ├── ConfluenceGoneError          410: the API generation was removed
        ├── ConfluenceRateLimitError     429 after every retry was spent
        ├── ConfluenceServerError        5xx after every retry was spent
        ├── ConfluenceSsoError           a redirect to an identity provider, or an HTML login page
        └── ConfluenceBadResponseError   an answer that is not what Confluence sends (non-JSON, empty)
"""

from __future__ import annotations

from .redaction import redact


class ConfluenceError(Exception):
    """Root of every error this extension raises."""

    #: exit code a command-line tool uses for this error
    exit_code = 1

    def __init__(self, message: str, *, hint: str = "", options: tuple[str, ...] = ()) -> None:
        # redacted when composed, and again when shown (a secret may be registered later)
        message, hint = redact(message), redact(hint)
        super().__init__(message)
        self.message = message
        #: what the user can do about it (plain words)
        self.hint = hint
        #: configuration options the user may set to fix it
        self.options = tuple(options)

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text += "\n" + self.hint
        if self.options:
            text += "\n(options: " + ", ".join(self.options) + ")"
        return redact(text)


class ConfluenceConfigError(ConfluenceError):
    """A configuration value is invalid; the message names the option."""

    exit_code = 2

    def __init__(self, option: str, message: str, *, hint: str = "") -> None:
        super().__init__(f"{option}: {message}", hint=hint, options=(option,))
        self.option = option


class ConfluenceBuildError(ConfluenceError):
    """The builder output on disk is missing, incomplete or unreadable."""


class ConfluencePublishError(ConfluenceError):
    """Publishing was refused or could not complete."""


class ConfluenceTrampleError(ConfluencePublishError):
    """A page with our title exists outside the documentation tree."""


class ConfluenceCleanupRefused(ConfluencePublishError):
    """Cleanup would remove pages that were not published by this project, or too many."""


class ConfluenceConnectionError(ConfluenceError):
    """A failure talking to the Confluence server.

    ``status`` is the HTTP status when there was one, ``url`` the request URL
    (never with credentials in it).
    """

    #: short machine-readable name of the failure class, used in reports
    kind = "connection"

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        options: tuple[str, ...] = (),
        status: int | None = None,
        url: str = "",
    ) -> None:
        super().__init__(message, hint=hint, options=options)
        self.status = status
        self.url = redact(url)


class ConfluenceNetworkError(ConfluenceConnectionError):
    kind = "network"


class ConfluenceTimeoutError(ConfluenceConnectionError):
    kind = "timeout"


class ConfluenceTlsError(ConfluenceConnectionError):
    kind = "tls"


class ConfluenceProxyError(ConfluenceConnectionError):
    kind = "proxy"


class ConfluenceAuthError(ConfluenceConnectionError):
    kind = "auth"


class ConfluencePermissionError(ConfluenceConnectionError):
    kind = "permission"


class ConfluenceNotFoundError(ConfluenceConnectionError):
    kind = "not-found"


class ConfluenceConflictError(ConfluenceConnectionError):
    kind = "conflict"


class ConfluenceBadRequestError(ConfluenceConnectionError):
    kind = "bad-request"


class ConfluenceGoneError(ConfluenceConnectionError):
    kind = "gone"


class ConfluenceRateLimitError(ConfluenceConnectionError):
    kind = "rate-limit"


class ConfluenceServerError(ConfluenceConnectionError):
    kind = "server"


class ConfluenceSsoError(ConfluenceConnectionError):
    kind = "sso"


class ConfluenceBadResponseError(ConfluenceConnectionError):
    kind = "bad-response"
