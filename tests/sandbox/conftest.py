"""A started sandbox per test, on a hand-moved clock, and HTTP helpers for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from runner.sandbox import DEMO_ACCESS_TOKEN, ManualClock, RateLimits, Sandbox

from .support import ARTIST_TOKEN, Imgur


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def limits() -> RateLimits:
    """The budgets; a test module can override this fixture to make them small."""
    return RateLimits()


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    """Extra Sandbox arguments; a test module can override this fixture."""
    return {}


@pytest.fixture
def sandbox(
    clock: ManualClock, limits: RateLimits, sandbox_options: dict[str, Any]
) -> Iterator[Sandbox]:
    tokens = {DEMO_ACCESS_TOKEN: "demo_user", ARTIST_TOKEN: "friendly_artist"}
    options = {"access_tokens": tokens, **sandbox_options}
    with Sandbox(clock=clock, limits=limits, **options) as running:
        yield running


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as opened:
        yield opened


@pytest.fixture
def imgur(sandbox: Sandbox, session: requests.Session) -> Imgur:
    return Imgur(sandbox.url, session)


@pytest.fixture
def lowcodeapi(sandbox: Sandbox, session: requests.Session) -> Imgur:
    return Imgur(sandbox.lowcodeapi_url, session)
