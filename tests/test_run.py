"""Whole runs through the real transports, against the sandbox on loopback."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from runner.errors import InvalidPlaybook, RunInterrupted
from runner.executor import Executor
from runner.playbook import load_playbook
from runner.redact import Redactor
from runner.results import Status
from runner.run import ReportWriter, RunRequest, run
from runner.sandbox import DEMO_USER, Sandbox
from runner.schema import validator
from runner.targets import Target
from runner.transports import Call, ImgurTransport, Reply, Transport

from .conftest import FAKE_ACCESS_TOKEN, QUICKSTART, TARGETS, RunText, TargetSetup

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

    with pytest.raises(RunInterrupted) as caught:
        run(request, observers=[InterruptAfter(2)])

    assert caught.value.report == report_path
    report = json.loads(report_path.read_text())
    validator("report").validate(report)
    assert report["status"] == "interrupted"
    statuses = [s["status"] for s in report["steps"]]
    assert statuses == ["succeeded"] * 2 + ["not_run"] * 5
    assert report["steps"][1]["saved"]["image_id"]


class CtrlCWhileWaiting:
    """The real transport, with Ctrl-C pressed once the request has gone out."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.name, self.base_url = transport.name, transport.base_url

    def send(self, call: Call) -> Reply:
        self.transport.send(call)
        raise KeyboardInterrupt


def test_a_step_cut_off_while_waiting_says_imgur_may_have_acted(
    sandbox: Sandbox, write_playbook: Callable[[str], Path]
) -> None:
    playbook = load_playbook(
        write_playbook(
            """\
            version: 1
            steps:
              - id: album
                call: album.create
                with: {title: Cut off}
              - id: after
                call: account.get
                with: {username: me}
            """
        )
    )
    albums = len(sandbox.store.albums)
    transport = ImgurTransport(sandbox.url, Redactor(), access_token=FAKE_ACCESS_TOKEN)
    executor = Executor(playbook, CtrlCWhileWaiting(transport))

    with pytest.raises(KeyboardInterrupt):
        executor.run()

    album, after = executor.result.steps
    assert executor.result.status is Status.INTERRUPTED
    assert album.status is Status.INTERRUPTED
    assert album.error == (
        "interrupted while waiting for the answer: Imgur may have acted on the request"
    )
    assert after.status is Status.NOT_RUN
    assert len(sandbox.store.albums) == albums + 1  # it did reach the sandbox


def test_ids_as_one_comma_separated_text_reach_imgur_as_a_list(
    run_text: RunText, sandbox: Sandbox
) -> None:
    for target in (Target.IMGUR, Target.LOWCODEAPI):
        ran = run_text(
            """\
            version: 1
            steps:
              - id: album
                call: album.create
                with: {title: Two, ids: "vnKe11t,Bq3xT9a"}
                save: {id: data.id}
            """,
            target,
        )
        album = sandbox.store.albums[str(ran.step("album").saved["id"])]
        assert album.image_ids == ["vnKe11t", "Bq3xT9a"], target


class BrokenSender:
    """A sender with a bug in it: what imgur-playbook itself failing looks like."""

    name, base_url = "imgur", "http://127.0.0.1:9"

    def send(self, call: Call) -> Reply:
        raise RuntimeError("a bug")


def test_a_run_that_crashes_is_reported_as_failed(
    write_playbook: Callable[[str], Path], tmp_path: Path
) -> None:
    playbook = load_playbook(
        write_playbook(
            "version: 1\nsteps:\n  - id: me\n    call: account.get\n"
            "    with: {username: me}\n"
        )
    )
    writer = ReportWriter(tmp_path / "r.json", Redactor())
    executor = Executor(playbook, BrokenSender(), observers=(writer,))

    with pytest.raises(RuntimeError):
        executor.run()
    writer.write(executor.result)

    report = json.loads((tmp_path / "r.json").read_text())
    assert report["status"] == "failed"
    assert report["steps"][0]["status"] == "failed"
    assert "failed unexpectedly" in report["steps"][0]["error"]


def test_the_report_is_rewritten_at_most_once_a_second(
    reach: Reach, tmp_path: Path
) -> None:
    now = [0.0]
    report = tmp_path / "r.json"
    writer = ReportWriter(report, Redactor(), interval=1.0, clock=lambda: now[0])
    setup = reach(Target.IMGUR)
    result = run(request_for(setup, QUICKSTART, tmp_path / "other.json")).result
    writer.run_started(result)
    assert report.exists()  # at the start, always

    now[0] = 0.5
    report.unlink()
    writer.step_finished(result, result.steps[0])
    assert not report.exists()  # too soon: not written
    now[0] = 1.2
    writer.step_finished(result, result.steps[1])
    assert report.exists()
