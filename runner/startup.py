"""Ctrl-C while the command is still loading its modules: a quiet exit.

Python raises KeyboardInterrupt wherever the import has got to, and prints
its traceback; nothing has been read or sent yet, so there is nothing to say
but that. `runner.cli` imports this module first and calls `loaded()` once
its own imports are done, when its usual handling takes over.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Any

from runner.errors import ExitCode  # light: the standard library only


def _quit(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("Interrupted.\n")
    raise SystemExit(ExitCode.INTERRUPTED)


def _install() -> Any:
    """Quit quietly on Ctrl-C; the handler it replaces, if it replaced one."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return None  # Ctrl-C is ignored (a background job) or handled already
    try:
        return signal.signal(signal.SIGINT, _quit)
    except ValueError:  # not the main thread: Ctrl-C is not delivered here
        return None


_previous = _install()


def loaded() -> None:
    """Give Ctrl-C back to the handler it had before the imports."""
    if _previous is not None:
        signal.signal(signal.SIGINT, _previous)
