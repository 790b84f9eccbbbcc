"""Keep a command's emulator serving until the user stops it (``demo --serve``,
``preview``)."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any


def serve(server: Any, time_limit: float | None = None) -> None:
    """Say so, then block until Ctrl-C, SIGTERM or ``time_limit`` seconds (the handlers
    are in place before the message, so a signal sent on reading it stops cleanly)."""
    done = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        done.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    print("Serving the pages; press Ctrl-C to stop.", flush=True)
    try:
        done.wait(time_limit)
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
