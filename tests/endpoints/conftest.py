"""Endpoint playbooks run through the real transports against the sandbox.

Each playbook in ``playbooks/`` calls a group of endpoints with `expect`
checks on the response shape; the tests run it through the `imgur` and the
`lowcodeapi` transports and then look at the sandbox's state.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from runner.results import RunResult, Status
from runner.run import RunRequest, run
from runner.sandbox import DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN, DEMO_USER, Sandbox
from runner.sandbox.store import Account
from runner.targets import Target

from ..conftest import FAKE_CLIENT_ID, TargetSetup

PLAYBOOKS = Path(__file__).parent / "playbooks"
TRANSPORTS = [Target.IMGUR, Target.LOWCODEAPI]

# Secrets an endpoint playbook may list, e.g. for auth.refresh_token.
SECRETS = {
    "IMGUR_CLIENT_ID": FAKE_CLIENT_ID,
    "IMGUR_CLIENT_SECRET": DEMO_CLIENT_SECRET,
    "IMGUR_REFRESH_TOKEN": DEMO_REFRESH_TOKEN,
}

RunPlaybook = Callable[..., RunResult]


@pytest.fixture
def demo(sandbox: Sandbox) -> Account:
    """The demo account the transports act as."""
    account = sandbox.store.account(DEMO_USER)
    assert account is not None
    return account


@pytest.fixture
def client_id_only(sandbox: Sandbox) -> TargetSetup:
    """The imgur transport with an app's Client-ID and no account: anonymous."""
    return TargetSetup(Target.IMGUR, sandbox.url, {"IMGUR_CLIENT_ID": FAKE_CLIENT_ID})


@pytest.fixture(params=TRANSPORTS, ids=str)
def transport(request: pytest.FixtureRequest) -> Target:
    """Each endpoint test runs once per transport."""
    target: Target = request.param
    return target


@pytest.fixture
def run_playbook(
    reach: Callable[[Target], TargetSetup],
    sandbox: Sandbox,
    transport: Target,
    tmp_path: Path,
) -> RunPlaybook:
    """Run ``playbooks/<name>.yaml`` through `transport`; fail on any failed step.

    Keyword arguments become --var overrides.
    """

    def run_named(name: str, **overrides: str) -> RunResult:
        playbook = PLAYBOOKS / f"{name}.yaml"
        return run_green(reach(transport), playbook, tmp_path, overrides)

    return run_named


def run_green(
    setup: TargetSetup,
    playbook: Path,
    folder: Path,
    overrides: dict[str, str] | None = None,
) -> RunResult:
    """Run a playbook and fail the test unless every step succeeded."""
    request = RunRequest(
        playbook=playbook,
        target=setup.target,
        base_url=setup.base_url,
        report=folder / f"{playbook.stem}.report.json",
        overrides=overrides or {},
        env={**SECRETS, **setup.env},
        allow_destructive=True,
    )
    result = run(request).result
    failed = [(s.id, s.error) for s in result.steps if s.status is not Status.SUCCEEDED]
    assert not failed, failed
    return result


def saved(result: RunResult) -> dict[str, dict[str, object]]:
    """What each step saved, by step id."""
    return {step.id: step.saved for step in result.steps}
