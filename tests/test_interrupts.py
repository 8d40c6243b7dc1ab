"""Ctrl-C, `kill` and `kill -9`: the report and the terminal tell the truth."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from runner.catalog import load_catalog
from runner.errors import RunInterrupted
from runner.executor import Executor
from runner.playbook import load_playbook
from runner.redact import Redactor
from runner.results import ItemResult, RunResult, Status, StepResult
from runner.run import ReportWriter, RunRequest, run
from runner.sandbox import Fault, Sandbox
from runner.schema import validator
from runner.targets import Target
from runner.transports import Call, ImgurTransport, Reply

from .conftest import FAKE_ACCESS_TOKEN, TargetSetup

Reach = Callable[[Target], TargetSetup]
WritePlaybook = Callable[[str], Path]

LOOK_EACH = """\
version: 1
steps:
  - id: look
    call: account.get
    for_each: [friendly_artist, gallery_poster, demo_user]
    with: {username: "{{ item }}"}
    save: {name: data.url}
    export: {to: people.csv, rows: items}
"""


class CtrlCAfterItem:
    """Presses Ctrl-C once the first loop item has finished."""

    def run_started(self, run: RunResult) -> None:
        pass

    def item_finished(self, run: RunResult, step: StepResult, item: ItemResult) -> None:
        if item.index == 0:
            raise KeyboardInterrupt

    def step_finished(self, run: RunResult, result: StepResult) -> None:
        pass


class CtrlCAfterLastStep(CtrlCAfterItem):
    def item_finished(self, run: RunResult, step: StepResult, item: ItemResult) -> None:
        pass

    def step_finished(self, run: RunResult, result: StepResult) -> None:
        if result is run.steps[-1]:
            raise KeyboardInterrupt


def request_for(setup: TargetSetup, playbook: Path, report: Path) -> RunRequest:
    return RunRequest(
        playbook=playbook,
        target=setup.target,
        base_url=setup.base_url,
        report=report,
        env=setup.env,
    )


def read_report(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    validator("report").validate(data)
    return data


def test_a_loop_cut_off_between_items_is_interrupted_not_succeeded(
    reach: Reach, write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    request = request_for(reach(Target.IMGUR), write_playbook(LOOK_EACH), report)

    with pytest.raises(RunInterrupted):
        run(request, [CtrlCAfterItem()])

    data = read_report(report)
    look = data["steps"][0]
    assert (data["status"], look["status"]) == ("interrupted", "interrupted")
    assert [i["status"] for i in look["items"]] == ["succeeded", "not_run", "not_run"]
    assert look["error"] == "interrupted after 1 of 3 items"
    assert data["totals"]["interrupted"] == 1
    totals = data["totals"]["items"]
    assert (totals["succeeded"], totals["not_run"]) == (1, 2)
    counted = sum(v for k, v in data["totals"].items() if k not in ("steps", "items"))
    assert counted == data["totals"]["steps"]


def test_an_interrupted_loop_still_exports_the_items_it_finished(
    reach: Reach, write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    request = request_for(reach(Target.IMGUR), write_playbook(LOOK_EACH), report)

    with pytest.raises(RunInterrupted):
        run(request, [CtrlCAfterItem()])

    lines = (tmp_path / "people.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["name", "friendly_artist"]
    assert read_report(report)["steps"][0]["exported"]["rows"] == 1


def test_ctrl_c_while_waiting_to_try_again_says_a_try_was_sent(
    reach: Reach, sandbox: Sandbox, write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    sandbox.faults.add(Fault(503))
    playbook = write_playbook(
        """\
        version: 1
        steps:
          - id: me
            call: account.get
            with: {username: me}
            retry: {attempts: 3}
        """
    )
    report = tmp_path / "report.json"

    def ctrl_c(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(RunInterrupted):
        run(request_for(reach(Target.IMGUR), playbook, report), sleep=ctrl_c)

    me = read_report(report)["steps"][0]
    assert (me["status"], me["http_status"]) == ("interrupted", 503)
    assert me["error"] == "interrupted while waiting to try again, after 1 try"


def test_ctrl_c_after_the_last_step_leaves_a_finished_run(
    reach: Reach, write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    request = request_for(reach(Target.IMGUR), write_playbook(LOOK_EACH), report)

    outcome = run(request, [CtrlCAfterLastStep()])

    assert outcome.result.status is Status.SUCCEEDED
    data = read_report(report)
    assert data["status"] == "succeeded"
    assert data["steps"][0]["status"] == "succeeded"


class ReadsReportOnWrites:
    """The real transport; before each write request, reads the report."""

    def __init__(self, transport: ImgurTransport, report: Path) -> None:
        self.transport, self.report = transport, report
        self.name, self.base_url = transport.name, transport.base_url
        self.seen: list[dict[str, Any]] = []

    def send(self, call: Call) -> Reply:
        if call.endpoint.method != "GET":
            self.seen.append(json.loads(self.report.read_text(encoding="utf-8")))
        return self.transport.send(call)


def test_the_report_shows_a_write_request_under_way(
    sandbox: Sandbox, write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    playbook = load_playbook(
        write_playbook(
            """\
            version: 1
            steps:
              - id: me
                call: account.get
                with: {username: me}
              - id: album
                call: album.create
                with: {title: Under way}
            """
        )
    )
    report = tmp_path / "report.json"
    now = [0.0]
    writer = ReportWriter(report, Redactor(), interval=1.0, clock=lambda: now[0])
    transport = ImgurTransport(sandbox.url, Redactor(), access_token=FAKE_ACCESS_TOKEN)
    sender = ReadsReportOnWrites(transport, report)
    executor = Executor(
        playbook, sender, observers=(writer,), sending=writer.request_sending
    )

    executor.run()

    [seen] = sender.seen  # written just before the album was asked for
    assert seen["status"] == "running"
    assert [s["status"] for s in seen["steps"]] == ["succeeded", "running"]
    validator("report").validate(seen)
    assert seen["totals"]["running"] == 1


def test_writes_before_write_requests_stay_a_small_share_of_the_time(
    sandbox: Sandbox, write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    playbook = load_playbook(write_playbook(LOOK_EACH))
    report = tmp_path / "report.json"
    now = [100.0]
    writer = ReportWriter(report, Redactor(), interval=1.0, clock=lambda: now[0])
    transport = ImgurTransport(sandbox.url, Redactor(), access_token=FAKE_ACCESS_TOKEN)
    result = Executor(playbook, transport).run()
    album_create = load_catalog().get("album.create")
    assert album_create is not None
    post = Call(album_create, {"title": "x"})
    get = Call(playbook.steps[0].endpoint, {"username": "me"})

    writer.run_started(result)
    report.unlink()
    writer.request_sending(result, get)
    assert not report.exists()  # a read waits for its turn
    writer.request_sending(result, post)
    assert report.exists()  # a write goes first
    report.unlink()
    writer.spent = 5.0  # far more than a tenth of the run's time so far
    now[0] += 0.5
    writer.request_sending(result, post)
    assert not report.exists()


SLOW_ALBUM = """\
version: 1
steps:
  - id: me
    call: account.get
    with: {username: me}
  - id: album
    call: album.create
    with: {title: Slow}
"""


def stop_during_the_album_request(
    sandbox: Sandbox, playbook: Path, report: Path, stop: signal.Signals
) -> subprocess.CompletedProcess[str]:
    """Run the playbook as a real process and signal it while Imgur is answering."""
    sandbox.faults.add(Fault(200, delay=5, endpoint="album.create"))
    command = ["run", str(playbook), "--target", "imgur", "--base-url", sandbox.url]
    process = subprocess.Popen(
        [sys.executable, "-m", "runner", *command, "--report", str(report)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "IMGUR_ACCESS_TOKEN": FAKE_ACCESS_TOKEN},
    )
    try:
        deadline = time.monotonic() + 30
        while sandbox.faults.served == 0 and time.monotonic() < deadline:
            time.sleep(0.01)  # until the slow request has reached the sandbox
        process.send_signal(stop)
        out, errors = process.communicate(timeout=30)
    finally:
        process.kill()
    return subprocess.CompletedProcess(command, process.returncode, out, errors)


# `kill`, and the terminal closing; Windows has no SIGHUP.
STOP_SIGNALS = [
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
]


@pytest.mark.parametrize("stop", STOP_SIGNALS, ids=lambda stop: stop.name)
def test_kill_stops_a_run_and_leaves_its_report(
    stop: signal.Signals,
    sandbox: Sandbox,
    write_playbook: WritePlaybook,
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.json"
    playbook = write_playbook(SLOW_ALBUM)

    done = stop_during_the_album_request(sandbox, playbook, report, stop)

    assert done.returncode == 130
    assert f"the report keeps what was done: {report}" in done.stderr
    data = read_report(report)
    assert data["status"] == "interrupted"
    assert [s["status"] for s in data["steps"]] == ["succeeded", "interrupted"]
    assert "Imgur may have acted on the request" in data["steps"][1]["error"]


def test_kill_9_during_an_upload_leaves_the_step_running_in_the_report(
    sandbox: Sandbox, write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    playbook = write_playbook(SLOW_ALBUM)

    done = stop_during_the_album_request(sandbox, playbook, report, signal.SIGKILL)

    assert done.returncode == -signal.SIGKILL
    data = read_report(report)
    assert data["status"] == "running"
    assert [s["status"] for s in data["steps"]] == ["succeeded", "running"]


def test_a_loop_interrupted_before_an_item_was_done_writes_only_the_header(
    reach: Reach, sandbox: Sandbox, write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    sandbox.faults.add(Fault(503))
    playbook = write_playbook(LOOK_EACH + "    retry: {attempts: 2}\n")
    report = tmp_path / "report.json"

    def ctrl_c(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(RunInterrupted):
        run(request_for(reach(Target.IMGUR), playbook, report), sleep=ctrl_c)

    lines = (tmp_path / "people.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["name"]
    look = read_report(report)["steps"][0]
    assert (look["status"], look["exported"]["rows"]) == ("interrupted", 0)
