"""``python -m sphinxcontrib.confluencebuilder sandbox``: run the emulator in the foreground.

Prints the URL, credentials and space key (with ``--json``: one JSON object as the first
line), then serves until Ctrl-C, SIGTERM or ``--time-limit`` and exits 0.
"""

from __future__ import annotations

import argparse
import json
import signal
import ssl
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Any

from ..cliutil import program_name
from .auth import SSO_MODES
from .export import export_problem, export_space
from .server import ConfluenceEmulator


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=program_name("sandbox"),
                                description="Run the bundled Confluence emulator on 127.0.0.1.")
    p.add_argument("--mode", choices=("cloud", "dc"), default="cloud",
                   help="emulate Confluence Cloud (default) or Data Center")
    p.add_argument("--port", type=_port, default=0,
                   help="TCP port, 1-65535 (default: any free port)")
    p.add_argument("--context-path", default="", help="DC context path, e.g. /confluence")
    p.add_argument("--space-key", default="DOCS", help="key of the space it holds (DOCS)")
    p.add_argument("--json", action="store_true", help="print one JSON object first")
    p.add_argument("--persist", metavar="FILE", help="load state from and save it to FILE")
    p.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help="stop by itself after this many seconds")
    p.add_argument("--sso", choices=SSO_MODES, help="put an SSO front end before Confluence")
    p.add_argument("--latency", type=float, default=0.0, help="seconds added to each answer")
    p.add_argument("--rate-limit", type=float, help="requests per second (token bucket)")
    for name in ("user", "api-token", "password", "pat"):
        p.add_argument(f"--{name}", help=f"use this {name.replace('-', ' ')} instead of a "
                       "generated one")
    p.add_argument("--export", metavar="DIR",
                   help="when stopping, write the space's pages as static HTML to DIR")
    p.add_argument("--tls", nargs=2, metavar=("CERTFILE", "KEYFILE"),
                   help="serve HTTPS with this certificate chain and private key (PEM)")
    return p


def _port(text: str) -> int:
    """An argparse type: a TCP port number (0: any free port)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535, or 0 for "
                                         "any free port)")
    return port


def check_persist(server: ConfluenceEmulator) -> None:
    """Write the state to the ``--persist`` file once at start, so an unwritable path
    fails now with a clear message instead of losing everything at shutdown."""
    if server.persist is None:
        return
    try:
        server.save()
    except OSError as exc:
        raise OSError(f"cannot write the --persist file {server.persist}: "
                      f"{exc.strerror or exc}") from None


def describe(server: ConfluenceEmulator) -> dict[str, Any]:
    """What a user needs to point a client at the emulator."""
    info: dict[str, Any] = {"mode": server.mode, "url": server.url, "origin": server.origin,
                            "space_key": server.space_key, "user": server.user,
                            "admin": server.origin + "/__emulator__/",
                            "home": server.home_url}
    if server.mode == "cloud":
        info.update(api_token=server.api_token, cloud_id=server.cloud_id,
                    gateway_url=server.gateway_url)
    else:
        info.update(password=server.password, pat=server.pat)
    if server.knobs()["sso"]:
        info["sso"] = server.knobs()["sso"]
    return info


_NEGOTIATE = """# stands in for requests_gssapi.HTTPSPNEGOAuth() against the emulator
from sphinxcontrib.confluencebuilder.testing.auth import NegotiateTicket
confluence_server_auth = NegotiateTicket({token!r})"""


def _sso_lines(server: ConfluenceEmulator, sso: str | None) -> list[str]:
    """What the SSO front end of ``sso`` needs to let the API calls through."""
    if sso in ("saml-redirect", "oidc-redirect", "login-page", "cookie"):
        cookie = {server.sso_cookie_name: server.sso_cookie}
        return ["# the session cookie a browser login sets",
                f"confluence_server_cookies = {cookie!r}"]
    if sso == "header":
        return ["# the service token the identity gateway accepts",
                f"confluence_publish_headers = {server.sso_headers!r}"]
    if sso == "proxy":
        return [f"confluence_proxy = {server.proxy_url!r}"]
    if sso == "negotiate":
        return _NEGOTIATE.format(token=server.negotiate_token).splitlines()
    return []


def conf_snippet(server: ConfluenceEmulator) -> list[str]:
    """conf.py lines that publish to ``server`` as printed, in its SSO mode too (a local
    Cloud site is not recognisable as Cloud by its host name, hence ``confluence_cloud``)."""
    sso = server.knobs()["sso"]
    lines = ["confluence_publish = True", f"confluence_server_url = {server.url!r}",
             f"confluence_space_key = {server.space_key!r}"]
    if server.mode == "cloud":
        lines.append("confluence_cloud = True")
    if sso == "negotiate":
        pass  # the Kerberos login stands for the Confluence login
    elif server.mode == "cloud":
        lines += [f"confluence_server_user = {server.user!r}",
                  f"confluence_api_token = {server.api_token!r}"]
    else:
        lines.append(f"confluence_publish_token = {server.pat!r}")
    return lines + _sso_lines(server, sso)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if export_problem(args.export):
        print(f"sandbox: {export_problem(args.export)}", file=sys.stderr)
        return 2
    try:
        server = ConfluenceEmulator(args.mode, port=args.port, context_path=args.context_path,
                                    space_key=args.space_key, persist=args.persist,
                                    sso=args.sso, latency=args.latency,
                                    rate_limit=args.rate_limit,
                                    tls=tuple(args.tls) if args.tls else None,
                                    user=args.user, api_token=args.api_token,
                                    password=args.password, pat=args.pat)
        check_persist(server)
        server.start()
    except (OSError, ValueError, KeyError, TypeError, ssl.SSLError) as exc:
        print(f"sandbox: cannot start the emulator: {exc}", file=sys.stderr)
        return 1
    info = describe(server)
    if args.json:
        print(json.dumps(info), flush=True)
    print(f"Confluence emulator ({args.mode}) listening on {server.url}")
    for key, value in info.items():
        print(f"  {key:12} {value}")
    print("\nTo publish to it, paste these lines into conf.py as they are:\n")
    print("# -- Confluence emulator " + "-" * 40)
    for line in conf_snippet(server):
        print(line)
    print("# " + "-" * 63)
    print("\nPress Ctrl-C to stop.", flush=True)

    done = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        done.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        done.wait(args.time_limit)
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
    print("Confluence emulator stopped.", flush=True)
    if args.export:
        print(f"Static preview written: {export_space(server.state, server.space_key, args.export)}")
    return 0
