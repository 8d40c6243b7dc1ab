"""Fixtures shared by the test modules."""

from __future__ import annotations

import json
import random
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from runner.results import RunResult, StepResult
from runner.run import RunRequest, run
from runner.sandbox import DEMO_USER, Sandbox
from runner.schema import validator
from runner.targets import Target

EXAMPLES = Path(__file__).resolve().parents[1] / "playbooks" / "examples"


@pytest.fixture
def write_playbook(tmp_path: Path) -> Callable[[str], Path]:
    """Write YAML (dedented) to a playbook file in a fresh folder."""

    def write(text: str, name: str = "playbook.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


# Recognisable fake credentials: a test fails if one shows up in any output.
FAKE_CLIENT_ID = "FAKEclientID7q2w"
FAKE_ACCESS_TOKEN = "FAKEaccessTOKEN9z8x7c6v"
FAKE_API_TOKEN = "at_FAKEapiTOKEN3k4j5h"
FAKE_CREDENTIALS = (FAKE_CLIENT_ID, FAKE_ACCESS_TOKEN, FAKE_API_TOKEN)
QUICKSTART = EXAMPLES / "quickstart.yaml"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A sandbox that knows the fake credentials, as Imgur knows real ones."""
    with Sandbox(
        client_ids=[FAKE_CLIENT_ID],
        access_tokens={FAKE_ACCESS_TOKEN: DEMO_USER},
        api_tokens={FAKE_API_TOKEN: DEMO_USER},
    ) as running:
        yield running


@dataclass(frozen=True)
class TargetSetup:
    """How a test reaches one target: its name, base URL and environment."""

    target: Target
    base_url: str | None
    env: dict[str, str]


TARGETS = [Target.IMGUR, Target.LOWCODEAPI, Target.SANDBOX]


@pytest.fixture
def reach(sandbox: Sandbox) -> Callable[[Target], TargetSetup]:
    """The base URL and environment for a target, all on loopback."""

    def setup(target: Target) -> TargetSetup:
        imgur_env = {
            "IMGUR_CLIENT_ID": FAKE_CLIENT_ID,
            "IMGUR_ACCESS_TOKEN": FAKE_ACCESS_TOKEN,
        }
        if target is Target.IMGUR:
            return TargetSetup(target, sandbox.url, imgur_env)
        if target is Target.LOWCODEAPI:
            env = {"LOWCODEAPI_API_TOKEN": FAKE_API_TOKEN}
            return TargetSetup(target, sandbox.lowcodeapi_url, env)
        return TargetSetup(target, None, imgur_env)  # the run starts its own

    return setup


class Waits(list[float]):
    """A sleep that waits for nothing and remembers what it was asked."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@dataclass(frozen=True)
class Ran:
    """A finished run: its result and its report, checked against the schema."""

    result: RunResult
    report: dict[str, Any]

    def step(self, step_id: str) -> StepResult:
        return next(s for s in self.result.steps if s.id == step_id)


RunText = Callable[..., Ran]


@pytest.fixture
def run_text(
    reach: Callable[[Target], TargetSetup],
    write_playbook: Callable[[str], Path],
    tmp_path: Path,
    waits: Waits,
) -> RunText:
    """Run playbook text against the sandbox, waits injected, report checked."""

    def run_playbook(
        text: str,
        target: Target = Target.IMGUR,
        sleep: Callable[[float], None] = waits,
        **request: Any,
    ) -> Ran:
        setup = reach(target)
        report = tmp_path / "report.json"
        outcome = run(
            RunRequest(
                playbook=write_playbook(text),
                target=target,
                base_url=setup.base_url,
                report=report,
                env=setup.env,
                **request,
            ),
            sleep=sleep,
            rng=random.Random(7),
        )
        data = json.loads(report.read_text(encoding="utf-8"))
        validator("report").validate(data)
        return Ran(outcome.result, data)

    return run_playbook
