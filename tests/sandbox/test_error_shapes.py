"""Every error shape Imgur and LowCodeAPI answer with reads as the step's error."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from runner.results import StepResult
from runner.run import RunRequest, run
from runner.sandbox import (
    DEMO_ACCESS_TOKEN,
    DEMO_API_TOKEN,
    Fault,
    RateLimits,
    Sandbox,
)
from runner.sandbox.envelope import ErrorStyle
from runner.targets import Target

ALBUM_GET = """\
version: 1
steps:
  - id: album
    call: album.get
    with: {albumHash: Hol1d4y}
"""

# (how the run reaches the sandbox, how its LowCodeAPI front wraps answers)
ROUTES = {
    "imgur": (Target.IMGUR, "hosted"),
    "lowcodeapi-hosted": (Target.LOWCODEAPI, "hosted"),
    "lowcodeapi-oss": (Target.LOWCODEAPI, "oss"),
}

RunStep = Callable[[str], StepResult]


@pytest.fixture(params=list(ROUTES))
def route(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def sandbox_options(route: str) -> dict[str, Any]:
    return {"lowcodeapi_style": ROUTES[route][1]}


@pytest.fixture
def run_step(sandbox: Sandbox, route: str, tmp_path: Path) -> RunStep:
    """Run a playbook through the route; return its last step."""
    target = ROUTES[route][0]

    def run_one(text: str, api_token: str = DEMO_API_TOKEN) -> StepResult:
        playbook = tmp_path / "playbook.yaml"
        playbook.write_text(text, encoding="utf-8")
        if target is Target.IMGUR:
            base_url, env = sandbox.url, {"IMGUR_ACCESS_TOKEN": DEMO_ACCESS_TOKEN}
        else:
            base_url, env = sandbox.lowcodeapi_url, {"LOWCODEAPI_API_TOKEN": api_token}
        request = RunRequest(
            playbook=playbook,
            target=target,
            base_url=base_url,
            report=tmp_path / "report.json",
            env=env,
        )
        outcome = run(request, sleep=lambda _: None, rng=random.Random(3))
        return outcome.result.steps[-1]

    return run_one


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (Fault(403, message="This album is private"), "This album is private"),
        (
            Fault(400, message="File type invalid (1)", style=ErrorStyle.OBJECT),
            "File type invalid (1)",
        ),
        (
            Fault(400, message="Tag name is too long", style=ErrorStyle.JSONAPI),
            "Tag name is too long",
        ),
    ],
    ids=["data.error-text", "data.error-object", "errors-list"],
)
def test_imgurs_error_text_reaches_the_step(
    run_step: RunStep, sandbox: Sandbox, fault: Fault, words: str
) -> None:
    sandbox.faults.add(fault)

    step = run_step(ALBUM_GET)

    assert step.http_status == fault.status
    assert step.error is not None
    assert f"failed with HTTP {fault.status}: {words}" in step.error


HTML_WORDS = {
    "imgur": "a body that is not JSON (text/html; charset=utf-8)",
    "lowcodeapi-hosted": "Service Unavailable",
    "lowcodeapi-oss": "Request failed with status code 503",
}


def test_an_html_page_is_named_for_what_it_is(
    run_step: RunStep, sandbox: Sandbox, route: str
) -> None:
    sandbox.faults.add(Fault(503, html=True))

    step = run_step(ALBUM_GET)

    assert step.http_status == 503
    assert step.error is not None
    assert f"failed with HTTP 503: {HTML_WORDS[route]}" in step.error


@pytest.mark.parametrize("route", ["lowcodeapi-hosted", "lowcodeapi-oss"])
def test_the_proxys_own_refusal_says_why(run_step: RunStep) -> None:
    step = run_step(ALBUM_GET, api_token="at_unknown")

    assert step.http_status == 401
    assert step.error is not None
    assert "HTTP 401: A valid API token is required to access this API." in step.error


ALBUM_CREATE_TWICE = """\
version: 1
steps:
  - id: first
    call: album.create
    with: {title: One}
  - id: second
    call: album.create
    with: {title: Two}
"""


def limited(**limits: int) -> Callable[..., Any]:
    """A `limits` fixture for a test class: these budgets, the rest as usual."""

    @pytest.fixture
    def small(self: object) -> RateLimits:
        return RateLimits(**limits)

    return small


class TestSpentUserCredits:
    limits = limited(user_limit=1)

    def test_the_reset_time_is_shown(self, run_step: RunStep) -> None:
        run_step(ALBUM_GET)

        step = run_step(ALBUM_GET)

        # The sandbox clock starts at 2026-01-01 00:00 UTC; the budget is hourly.
        assert step.http_status == 429
        assert step.error is not None
        assert step.error.endswith(
            "HTTP 429: Too Many Requests; "
            "the user credits reset at 2026-01-01 01:00:00 UTC"
        )


class TestSpentPostLimit:
    limits = limited(post_limit=1)

    def test_the_wait_is_shown(self, run_step: RunStep) -> None:
        step = run_step(ALBUM_CREATE_TWICE)

        assert (step.id, step.http_status) == ("second", 429)
        assert step.error is not None
        assert step.error.endswith(
            "HTTP 429: Too Many Requests; the POST limit resets in 60 minutes"
        )


class TestSpentAppCredits:
    limits = limited(client_limit=1)

    def test_it_says_so(self, run_step: RunStep) -> None:
        run_step(ALBUM_GET)

        step = run_step(ALBUM_GET)

        assert step.http_status == 429
        assert step.error is not None
        assert step.error.endswith(
            "HTTP 429: Too Many Requests; the app's credits are used up for today"
        )
