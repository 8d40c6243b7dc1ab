"""Every catalog endpoint is called by an endpoint playbook that runs green."""

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from runner.catalog import load_catalog
from runner.targets import Target

from ..conftest import TargetSetup
from .conftest import PLAYBOOKS, TRANSPORTS, run_green

# Playbooks named imgur_only_* call what LowCodeAPI does not offer.
RUNS = [
    (path, target)
    for path in sorted(PLAYBOOKS.glob("*.yaml"))
    for target in TRANSPORTS
    if target is Target.IMGUR or not path.stem.startswith("imgur_only")
]


def called_endpoints() -> set[str]:
    calls = set()
    for path in PLAYBOOKS.glob("*.yaml"):
        playbook = yaml.safe_load(path.read_text(encoding="utf-8"))
        calls |= {step["call"] for step in playbook["steps"]}
    return calls


def test_every_endpoint_is_called_by_a_playbook() -> None:
    missing = sorted({e.name for e in load_catalog()} - called_endpoints())
    assert missing == []


@pytest.mark.parametrize(
    ("playbook", "target"), RUNS, ids=[f"{p.stem}-{t}" for p, t in RUNS]
)
def test_every_endpoint_playbook_runs_green(
    playbook: Path,
    target: Target,
    reach: Callable[[Target], TargetSetup],
    tmp_path: Path,
) -> None:
    result = run_green(reach(target), playbook, tmp_path)
    assert result.steps
