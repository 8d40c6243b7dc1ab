"""Whole runs through the real transports, against the sandbox on loopback."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from runner.errors import InvalidPlaybook
from runner.executor import Status
from runner.run import RunRequest, run
from runner.sandbox import DEMO_USER, Sandbox
from runner.schema import validator
from runner.targets import Target

from .conftest import QUICKSTART, TARGETS, TargetSetup

Reach = Callable[[Target], TargetSetup]


def request_for(setup: TargetSetup, playbook: Path, report: Path) -> RunRequest:
    return RunRequest(
        playbook=playbook,
        target=setup.target,
        base_url=setup.base_url,
        report=report,
        env=setup.env,
    )


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_the_quickstart_succeeds_on_every_target(
    target: Target, reach: Reach, tmp_path: Path
) -> None:
    report_path = tmp_path / "report.json"
    outcome = run(request_for(reach(target), QUICKSTART, report_path))

    assert outcome.result.status is Status.SUCCEEDED, outcome.result.steps
    report = json.loads(report_path.read_text())
    validator("report").validate(report)
    assert report["status"] == "succeeded"
    assert report["target"]["name"] == target.value
    assert [s["status"] for s in report["steps"]] == ["succeeded"] * 7
    assert report["steps"][5]["saved"]["count"] >= 2
    assert report["credits"]["client_remaining"] > 0


@pytest.mark.parametrize("target", [Target.IMGUR, Target.LOWCODEAPI], ids=str)
def test_the_quickstart_changes_the_account_as_it_says(
    target: Target, reach: Reach, sandbox: Sandbox, tmp_path: Path
) -> None:
    albums_before = set(sandbox.store.albums)
    outcome = run(request_for(reach(target), QUICKSTART, tmp_path / "r.json"))

    saved = {s.id: s.saved for s in outcome.result.steps}
    beach = sandbox.store.images[saved["beach"]["image_id"]]
    dinner = sandbox.store.images[saved["dinner"]["image_id"]]
    assert beach.title == "Beach at sunset" and dinner.title == "Dinner"
    assert beach.owner == dinner.owner == DEMO_USER
    assert (beach.width, beach.height, beach.type) == (160, 120, "image/png")
    assert saved["album"]["album_id"] not in sandbox.store.albums
    assert set(sandbox.store.albums) == albums_before


def test_a_failing_step_stops_the_run_and_says_why(
    reach: Reach, write_playbook: Callable[[str], Path], tmp_path: Path
) -> None:
    playbook = write_playbook(
        """\
        version: 1
        steps:
          - id: gone
            call: album.get
            with: {albumHash: NoSuchAlbum}
          - id: after
            call: account.get
            with: {username: me}
        """
    )
    outcome = run(request_for(reach(Target.IMGUR), playbook, tmp_path / "r.json"))

    gone, after = outcome.result.steps
    assert outcome.result.status is Status.FAILED
    assert (gone.status, gone.http_status) == (Status.FAILED, 404)
    assert gone.error is not None and "HTTP 404" in gone.error
    assert after.status is Status.NOT_RUN


def test_an_expected_error_status_is_a_success(
    reach: Reach, write_playbook: Callable[[str], Path], tmp_path: Path
) -> None:
    playbook = write_playbook(
        """\
        version: 1
        steps:
          - id: gone
            call: album.get
            with: {albumHash: NoSuchAlbum}
            expect: {status: 404}
            save: {message: data.error}
        """
    )
    outcome = run(request_for(reach(Target.IMGUR), playbook, tmp_path / "r.json"))
    [gone] = outcome.result.steps
    assert gone.status is Status.SUCCEEDED
    assert isinstance(gone.saved["message"], str) and gone.saved["message"]


def test_a_false_expectation_shows_the_expression_and_the_value(
    reach: Reach, write_playbook: Callable[[str], Path], tmp_path: Path
) -> None:
    playbook = write_playbook(
        """\
        version: 1
        steps:
          - id: me
            call: account.get
            with: {username: me}
            expect:
              that: ["data.url == 'somebody_else'"]
        """
    )
    outcome = run(request_for(reach(Target.IMGUR), playbook, tmp_path / "r.json"))
    [me] = outcome.result.steps
    assert me.status is Status.FAILED
    assert me.error == (
        "expect `data.url == 'somebody_else'` is false: data.url is \"demo_user\""
    )


def test_a_bearer_call_with_only_a_client_id_is_refused_before_sending(
    sandbox: Sandbox, write_playbook: Callable[[str], Path], tmp_path: Path
) -> None:
    playbook = write_playbook(
        """\
        version: 1
        steps:
          - id: blocks
            call: account.list_blocks
          - id: me
            call: account.get
            with: {username: me}
        """
    )
    request = RunRequest(
        playbook=playbook,
        target=Target.IMGUR,
        base_url=sandbox.url,
        env={"IMGUR_CLIENT_ID": "FAKEclientID7q2w"},
    )
    with pytest.raises(InvalidPlaybook) as caught:
        run(request)
    messages = [(p.line, p.step, p.message) for p in caught.value.problems]
    assert messages == [
        (
            3,
            "blocks",
            "account.list_blocks needs a user access token, and only "
            "a Client-ID is set",
        ),
        (
            5,
            "me",
            "account.get with username `me` needs a user access token, "
            "and only a Client-ID is set",
        ),
    ]


class InterruptAfter:
    """Presses Ctrl-C once `count` steps have finished."""

    def __init__(self, count: int) -> None:
        self.count = count

    def run_started(self, run: object) -> None:
        pass

    def step_finished(self, run: object, result: object) -> None:
        self.count -= 1
        if self.count == 0:
            raise KeyboardInterrupt


def test_an_interrupted_run_keeps_its_report(reach: Reach, tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    request = request_for(reach(Target.IMGUR), QUICKSTART, report_path)

    with pytest.raises(KeyboardInterrupt):
        run(request, observers=[InterruptAfter(2)])

    report = json.loads(report_path.read_text())
    validator("report").validate(report)
    assert report["status"] == "interrupted"
    statuses = [s["status"] for s in report["steps"]]
    assert statuses == ["succeeded"] * 2 + ["not_run"] * 5
    assert report["steps"][1]["saved"]["image_id"]
