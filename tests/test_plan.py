"""`plan`: the requests a run would make, in order, with no write sent."""

import socket
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from runner.cli import cli
from runner.plan import Planner, Unknown
from runner.playbook import load_playbook
from runner.redact import Redactor
from runner.results import Status
from runner.run import RunRequest, plan
from runner.sandbox import DEMO_USER, Fault, Sandbox
from runner.targets import Target
from runner.transports import ImgurTransport

from .conftest import FAKE_ACCESS_TOKEN, QUICKSTART, TargetSetup, Waits

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
    assert lines[0].endswith(
        ": 2 requests; 2 of them repeat for each item or page a response gives"
    )
    assert lines[-1].startswith("<...> stands for a value the run learns")
    assert "GET    /3/account/me/images/0" in lines[1]
    assert "(pages: all, until an empty page)" in result.output
    assert "DELETE /3/image/<item.id>" in result.output
    assert "(for each item of <steps.images.images>)" in result.output
    assert "(only if `item.datetime < to_epoch(vars.before)`)" in result.output


def test_a_plan_of_known_values_counts_exactly_and_explains_no_placeholder(
    write_playbook: Callable[[str], Path],
) -> None:
    playbook = write_playbook(
        """\
        version: 1
        vars: {tags: [cats, dogs]}
        steps:
          - id: follow
            call: account.follow_tag
            for_each: "{{ vars.tags }}"
            with: {tagName: "{{ item }}"}
        """
    )
    result = CliRunner().invoke(cli, ["plan", str(playbook)])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith(": 2 requests")
    assert "/follow/tag/dogs" in lines[-1]
    assert "<" not in result.output


def test_reads_need_a_target(write_playbook: Callable[[str], Path]) -> None:
    result = CliRunner().invoke(
        cli, ["plan", "--reads", str(write_playbook(DELETE_OLD))]
    )

    assert result.exit_code == 2
    assert "--reads sends the plan's GET requests: choose a --target" in result.output


def test_reads_never_write_an_export(
    reach: Callable[[Target], TargetSetup],
    write_playbook: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    setup = reach(Target.IMGUR)
    playbook = write_playbook(
        """\
        version: 1
        steps:
          - id: favourites
            call: account.list_favorites
            with: {username: me}
            save: {rows: "data[*].{id: id}"}
            export: {to: exports/favourites.csv, rows: rows}
        """
    )
    request = RunRequest(
        playbook=playbook,
        target=setup.target,
        base_url=setup.base_url,
        env=setup.env,
    )

    planned = plan(request, reads=True)

    assert not (tmp_path / "exports").exists()
    [read] = planned.requests
    assert read.sent
    assert read.notes == [f"would write {tmp_path / 'exports' / 'favourites.csv'}"]
    assert planned.result.steps[0].exported is None


def test_reads_are_sent_once_with_no_retry_and_no_polling(
    sandbox: Sandbox, write_playbook: Callable[[str], Path], waits: Waits
) -> None:
    sandbox.faults.add(Fault(503))
    playbook = load_playbook(
        write_playbook(
            """\
            version: 1
            steps:
              - id: flaky
                call: account.get
                with: {username: me}
                retry: {attempts: 4, delay: 30}
              - id: poll
                call: image.get
                with: {imageHash: vnKe11t}
                retry: {attempts: 4, delay: 30, until: "data.views > `100`"}
            """
        )
    )
    transport = ImgurTransport(sandbox.url, Redactor(), access_token=FAKE_ACCESS_TOKEN)

    planned = Planner(playbook, transport, sleep=waits).plan()

    assert [(r.step, r.sent) for r in planned.requests] == [
        ("flaky", True),
        ("poll", True),
    ]
    assert waits == []
    assert sandbox.faults.served == 1
    assert "up to 4 attempts" in planned.requests[1].notes


def test_a_plan_renders_text_as_a_run_does(
    write_playbook: Callable[[str], Path],
) -> None:
    playbook = write_playbook(
        """\
        version: 1
        vars: {public: true, tags: [a, b], nothing: null}
        steps:
          - id: album
            call: album.create
            with:
              title: "public {{ vars.public }}, tags {{ vars.tags }}"
          - id: broken
            call: album.create
            with:
              title: "none: {{ vars.nothing }}"
        """
    )

    planned = plan(RunRequest(playbook=playbook))

    [album] = planned.requests
    assert album.args["title"] == 'public true, tags ["a", "b"]'
    broken = planned.result.steps[1]
    assert broken.status is Status.FAILED
    assert (
        broken.error == "template {{ vars.nothing }} is null and cannot be put in text"
    )


DELETE_ME = """\
version: 1
secrets: [IMGUR_CLIENT_ID, ACCOUNT_PASSWORD]
steps:
  - id: me
    call: account.get
    with: {username: me}
  - id: goodbye
    call: account.delete_me
    with:
      client_id: "{{ secrets.IMGUR_CLIENT_ID }}"
      password: "{{ secrets.ACCOUNT_PASSWORD }}"
"""


def test_a_plan_lists_a_destructive_step_and_says_what_a_run_needs(
    write_playbook: Callable[[str], Path],
) -> None:
    result = CliRunner().invoke(cli, ["plan", str(write_playbook(DELETE_ME))])

    assert result.exit_code == 0, result.output
    assert "POST   /3/account/me/delete" in result.output
    assert (
        "(destructive: deletes the whole Imgur account; the run needs "
        "`allow_destructive: true` on the step and --allow-destructive)"
    ) in result.output
    refused = CliRunner().invoke(cli, ["validate", str(write_playbook(DELETE_ME))])
    assert refused.exit_code == 2  # a run is still refused


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_read_that_cannot_connect_fails_the_plan(
    reach: Callable[[Target], TargetSetup], write_playbook: Callable[[str], Path]
) -> None:
    setup = reach(Target.IMGUR)
    args = ["plan", str(write_playbook(DELETE_OLD)), "--reads", "-t", "imgur"]
    args += ["--base-url", f"http://127.0.0.1:{free_port()}"]

    result = CliRunner().invoke(cli, args, env=setup.env)

    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith(": 1 request (1 read failed)")
    assert "GET    /3/account/me/images/0 FAILED" in lines[1]
    assert "could not connect" in result.stdout
    assert " sent" not in result.stdout


def test_a_read_answered_with_a_server_error_fails_the_plan(
    reach: Callable[[Target], TargetSetup],
    sandbox: Sandbox,
    write_playbook: Callable[[str], Path],
) -> None:
    sandbox.faults.add(Fault(503))
    setup = reach(Target.IMGUR)
    args = ["plan", str(write_playbook(DELETE_OLD)), "--reads", "-t", "imgur"]
    args += ["--base-url", str(setup.base_url)]

    result = CliRunner().invoke(cli, args, env=setup.env)

    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[0].endswith("(1 read failed)")
    assert "HTTP 503" in result.stdout
