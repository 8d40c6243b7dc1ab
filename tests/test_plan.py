"""`plan`: the requests a run would make, in order, with no write sent."""

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from runner.cli import cli
from runner.plan import Unknown
from runner.results import Status
from runner.run import RunRequest, plan
from runner.sandbox import DEMO_USER, Sandbox
from runner.targets import Target

from .conftest import QUICKSTART, TargetSetup

DELETE_OLD = """\
version: 1
vars: {before: "2021-01-01"}
steps:
  - id: images
    call: account.list_images
    with: {username: me}
    pages: all
    save:
      images: "data[*].{id: id, datetime: datetime}"
  - id: delete
    call: image.delete
    for_each: "{{ steps.images.images }}"
    when: item.datetime < to_epoch(vars.before)
    with: {imageHash: "{{ item.id }}"}
"""


def test_a_plan_without_reads_marks_what_responses_will_tell() -> None:
    planned = plan(RunRequest(playbook=QUICKSTART))

    steps = [(r.step, r.method, r.path) for r in planned.requests]
    assert steps[0] == ("me", "GET", "/3/account/me")
    assert ("retitle", "POST", "/3/image/<steps.beach.image_id>") in steps
    album = next(r for r in planned.requests if r.step == "album")
    assert album.args["ids"] == [
        Unknown("steps.beach.image_id"),
        Unknown("steps.dinner.image_id"),
    ]
    assert not any(r.sent for r in planned.requests)


def test_reads_expand_a_loop_over_listed_items_and_nothing_is_written(
    reach: Callable[[Target], TargetSetup],
    sandbox: Sandbox,
    write_playbook: Callable[[str], Path],
) -> None:
    setup = reach(Target.IMGUR)
    request = RunRequest(
        playbook=write_playbook(DELETE_OLD),
        target=setup.target,
        base_url=setup.base_url,
        env=setup.env,
    )
    demo = sandbox.store.account(DEMO_USER)
    new = sandbox.store.add_image(demo, mime="image/png", width=1, height=1, size=9)
    before = set(sandbox.store.images)

    planned = plan(request, reads=True)

    requests = [(r.step, r.index, r.method, r.path, r.sent) for r in planned.requests]
    assert requests == [
        ("images", None, "GET", "/3/account/me/images/0", True),
        ("images", None, "GET", "/3/account/me/images/1", True),
        ("delete", 1, "DELETE", "/3/image/Bq3xT9a", False),
        ("delete", 2, "DELETE", "/3/image/vnKe11t", False),
    ]
    assert set(sandbox.store.images) == before
    items = planned.result.steps[1].items or []
    assert [(i.item["id"], i.status) for i in items] == [
        (new.id, Status.SKIPPED),
        ("Bq3xT9a", Status.PLANNED),
        ("vnKe11t", Status.PLANNED),
    ]


def test_the_plan_command_prints_each_request(
    write_playbook: Callable[[str], Path],
) -> None:
    result = CliRunner().invoke(cli, ["plan", str(write_playbook(DELETE_OLD))])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith(": 2 requests")
    assert "GET    /3/account/me/images/0" in lines[1]
    assert "(pages: all, until an empty page)" in result.output
    assert "DELETE /3/image/<item.id>" in result.output
    assert "(for each item of <steps.images.images>)" in result.output
    assert "(only if `item.datetime < to_epoch(vars.before)`)" in result.output


def test_reads_need_a_target(write_playbook: Callable[[str], Path]) -> None:
    result = CliRunner().invoke(
        cli, ["plan", "--reads", str(write_playbook(DELETE_OLD))]
    )

    assert result.exit_code == 2
    assert "--reads sends the plan's GET requests: choose a --target" in result.output
