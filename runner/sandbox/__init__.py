"""A faithful local Imgur over HTTP, with a LowCodeAPI-style front.

Start one with ``Sandbox().start()`` (or as a context manager) and point a
transport at :attr:`Sandbox.url` or :attr:`Sandbox.lowcodeapi_url`;
:func:`serve` runs one in the foreground for ``imgur-playbook sandbox``.
Add a :class:`Fault` to :attr:`Sandbox.faults` to make the next answers fail.
"""

from runner.sandbox.clock import ManualClock
from runner.sandbox.faults import Fault, Faults
from runner.sandbox.ratelimit import RateLimits
from runner.sandbox.seed import DEMO_USER
from runner.sandbox.server import (
    DEMO_ACCESS_TOKEN,
    DEMO_API_TOKEN,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    Sandbox,
    serve,
)

__all__ = [
    "DEMO_ACCESS_TOKEN",
    "DEMO_API_TOKEN",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_REFRESH_TOKEN",
    "DEMO_USER",
    "Fault",
    "Faults",
    "ManualClock",
    "RateLimits",
    "Sandbox",
    "serve",
]
