"""The token refresh and the credits count, and what they leave behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from runner.redact import MASK
from runner.sandbox import DEMO_USER
from runner.sandbox.store import Account
from runner.targets import Target

from ..conftest import TargetSetup
from .conftest import PLAYBOOKS, RunPlaybook, run_green, saved


def test_a_refreshed_token_works_and_stays_out_of_the_report(
    run_playbook: RunPlaybook, demo: Account, tmp_path: Path
) -> None:
    steps = saved(run_playbook("auth_refresh"))

    token = steps["token"]["access_token"]
    assert token in demo.tokens  # the sandbox issued it to demo_user
    assert steps["me"]["url"] == DEMO_USER
    report = (tmp_path / "auth_refresh.report.json").read_text(encoding="utf-8")
    assert str(token) not in report
    assert f'"access_token": "{MASK}"' in report


def test_credits_count_down_with_each_call(
    reach: Callable[[Target], TargetSetup], tmp_path: Path
) -> None:
    playbook = PLAYBOOKS / "imgur_only_credits.yaml"
    steps = saved(run_green(reach(Target.IMGUR), playbook, tmp_path))

    first, second = steps["credits"], steps["again"]
    assert second["user_remaining"] == first["user_remaining"] - 1
