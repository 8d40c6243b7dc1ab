"""Fixtures shared by the test modules."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from runner.sandbox import DEMO_USER, Sandbox
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
