"""`save` copies what it finds, keeps secrets out, and nulls are caught."""

import json
import random
import shutil
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runner.errors import InvalidPlaybook
from runner.playbook import load_playbook
from runner.redact import Redactor
from runner.report import write_report
from runner.results import RunResult, Status, StepResult
from runner.run import RunRequest, run
from runner.sandbox import Sandbox
from runner.schema import validator
from runner.targets import Target

from .conftest import EXAMPLES, Ran, RunText, TargetSetup

SAVE_ALL = """\
version: 1
vars: {who: me}
secrets: [SHOWN_NOWHERE]
steps:
  - id: me
    call: account.get
    with: {username: "{{ vars.who }}"}
    save: {everything: "@", run_steps: steps}
  - id: again
    call: account.get
    with: {username: me}
    save: {everything: "@"}
"""
SECRET = "s3cret-value-9f8e7d"

RunWithSecret = Callable[[str], Ran]


@pytest.fixture
def run_with_secret(
    reach: Callable[[Target], TargetSetup], tmp_path: Path
) -> RunWithSecret:
    """Run playbook text with SHOWN_NOWHERE set, as run_text runs it."""

    def run_playbook(text: str) -> Ran:
        setup = reach(Target.IMGUR)
        playbook = tmp_path / "playbook.yaml"
        playbook.write_text(textwrap.dedent(text), encoding="utf-8")
        report = tmp_path / "report.json"
        request = RunRequest(
            playbook=playbook,
            target=setup.target,
            base_url=setup.base_url,
            report=report,
            env={**setup.env, "SHOWN_NOWHERE": SECRET},
        )
        outcome = run(request, sleep=lambda seconds: None, rng=random.Random(7))
        data = json.loads(report.read_text(encoding="utf-8"))
        validator("report").validate(data)
        return Ran(outcome.result, data)

    return run_playbook


def test_saving_the_whole_answer_or_the_steps_copies_them(
    run_with_secret: RunWithSecret,
) -> None:
    ran = run_with_secret(SAVE_ALL)

    assert ran.result.status is Status.SUCCEEDED
    me, again = ran.step("me"), ran.step("again")
    assert me.saved["everything"]["data"]["url"] == "demo_user"
    assert me.saved["run_steps"] == {}  # nothing had run before it
    # The second save holds the first one's saves, copied, not the live run.
    earlier = again.saved["everything"]["steps"]["me"]
    assert earlier["everything"]["data"]["url"] == "demo_user"
    assert "again" not in again.saved["everything"]["steps"]
    assert ran.report["status"] == "succeeded"
    assert ran.report["steps"][1]["saved"]["everything"]["vars"] == {"who": "me"}


def test_save_never_reads_secrets(
    run_with_secret: RunWithSecret, tmp_path: Path
) -> None:
    ran = run_with_secret(SAVE_ALL)

    assert "secrets" not in ran.step("me").saved["everything"]
    assert SECRET not in (tmp_path / "report.json").read_text()


def test_a_save_of_a_secret_is_refused_before_the_run(
    run_with_secret: RunWithSecret,
) -> None:
    with pytest.raises(InvalidPlaybook) as caught:
        run_with_secret(
            """\
            version: 1
            secrets: [SHOWN_NOWHERE]
            steps:
              - id: me
                call: account.get
                with: {username: me}
                save: {token: secrets.SHOWN_NOWHERE}
            """
        )

    [problem] = caught.value.problems
    assert problem.message == (
        "`save.token` reads secrets; saved values are written to the report, "
        "so a secret cannot be saved"
    )


def test_save_reads_the_loop_item(run_text: RunText) -> None:
    ran = run_text(
        """\
        version: 1
        vars:
          people: [{username: friendly_artist}, {username: gallery_poster}]
        steps:
          - id: look
            call: account.get
            for_each: "{{ vars.people }}"
            as: person
            with: {username: "{{ person.username }}"}
            save: {username: person.username, id: data.id}
        """
    )

    items = ran.step("look").items or []
    assert [i.saved["username"] for i in items] == ["friendly_artist", "gallery_poster"]


def _result_holding(saved: dict[str, object], tmp_path: Path) -> RunResult:
    playbook_file = tmp_path / "p.yaml"
    playbook_file.write_text(
        "version: 1\nsteps:\n  - id: me\n    call: account.get\n"
        "    with: {username: me}\n",
        encoding="utf-8",
    )
    step = StepResult(id="me", call="account.get", status=Status.SUCCEEDED)
    step.saved = saved
    return RunResult(
        run_id="abc123def456",
        playbook=load_playbook(playbook_file),
        target="imgur",
        base_url="http://127.0.0.1:9",
        started=datetime(2024, 5, 1, tzinfo=UTC),
        steps=[step],
        finished=datetime(2024, 5, 1, 0, 1, tzinfo=UTC),
        status=Status.SUCCEEDED,
    )


def test_the_report_is_written_even_with_values_json_cannot_hold(
    tmp_path: Path,
) -> None:
    looped: dict[str, object] = {"name": "loop"}
    looped["self"] = looped
    result = _result_holding({"odd": {1, 2}, "when": datetime(2024, 5, 1)}, tmp_path)
    result.steps[0].saved["looped"] = looped
    report = tmp_path / "report.json"

    write_report(report, result, Redactor())

    data = json.loads(report.read_text(encoding="utf-8"))
    validator("report").validate(data)
    assert data["status"] == "succeeded"
    saved = data["steps"][0]["saved"]
    assert saved["when"] == "2024-05-01 00:00:00"
    assert saved["looped"]["name"] == "loop"
    assert isinstance(saved["looped"]["self"], str)


REQUIRED_NULL = """\
version: 1
steps:
  - id: up
    call: image.upload
    with: {image: {file: photo.png}}
    save: {image_id: data.idd}
  - id: look
    call: image.get
    with: {imageHash: "{{ steps.up.image_id }}"}
"""


def test_a_null_for_a_needed_parameter_fails_before_sending(
    run_text: RunText, sandbox: Sandbox, tmp_path: Path
) -> None:
    shutil.copy(EXAMPLES / "images" / "beach.png", tmp_path / "photo.png")

    ran = run_text(REQUIRED_NULL)

    look = ran.step("look")
    assert look.status is Status.FAILED
    assert look.http_status is None and look.url is None  # nothing was sent
    assert look.error == (
        "with.imageHash: `{{ steps.up.image_id }}` is null, and image.get "
        "cannot be sent without it: step `up` saved null for `image_id` "
        "(`data.idd` matched nothing in its response)"
    )


def test_a_null_put_in_text_names_the_save_that_found_nothing(
    run_text: RunText, sandbox: Sandbox, tmp_path: Path
) -> None:
    shutil.copy(EXAMPLES / "images" / "beach.png", tmp_path / "photo.png")
    text = REQUIRED_NULL.replace(
        '{imageHash: "{{ steps.up.image_id }}"}',
        '{imageHash: x, title: "Photo {{ steps.up.image_id }}"}',
    ).replace("image.get", "image.update")

    look = run_text(text).step("look")

    assert look.status is Status.FAILED and look.url is None
    assert look.error == (
        "template {{ steps.up.image_id }} is null and cannot be put in text: "
        "step `up` saved null for `image_id` "
        "(`data.idd` matched nothing in its response)"
    )


def test_a_null_for_an_optional_parameter_leaves_it_out(run_text: RunText) -> None:
    ran = run_text(
        """\
        version: 1
        steps:
          - id: me
            call: account.get
            with: {username: me}
            save: {nothing: data.no_such_field}
          - id: album
            call: album.create
            with: {title: "{{ steps.me.nothing }}", privacy: hidden}
            save: {title: data.title}
        """
    )

    assert ran.step("album").status is Status.SUCCEEDED
