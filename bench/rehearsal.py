"""What the benchmarks share: a playbook run through the runner on a sandbox."""

from __future__ import annotations

from pathlib import Path

from runner.run import RunRequest, run
from runner.sandbox import DEMO_ACCESS_TOKEN, Sandbox
from runner.targets import Target


def through_runner(sandbox: Sandbox, playbook: Path, report: Path) -> None:
    """Run `playbook` on `sandbox` as `imgur-playbook run` would; it must pass."""
    request = RunRequest(
        playbook=playbook,
        target=Target.SANDBOX,
        base_url=sandbox.url,
        report=report,
        env={"IMGUR_ACCESS_TOKEN": DEMO_ACCESS_TOKEN},
    )
    outcome = run(request)
    assert outcome.result.status == "succeeded", outcome.result.steps[:1]
