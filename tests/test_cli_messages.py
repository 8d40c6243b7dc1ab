"""What the command line says, and returns, when setup fails or a run is cut short."""

import json
import logging
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from runner import cli as cli_module
from runner import run as run_module
from runner.cli import cli
from runner.errors import ExitCode
from runner.targets import Target, open_transport
from runner.transports import Transport

from .conftest import TargetSetup

Reach = Callable[[Target], TargetSetup]
WritePlaybook = Callable[[str], Path]

ME = "version: 1\nsteps:\n  - id: me\n    call: account.get\n    with: {username: me}\n"


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env or {})


def test_a_playbook_with_a_date_runs_as_a_real_process(
    write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    playbook = write_playbook(
        "version: 1\nvars:\n  before: 2021-01-01\nsteps:\n"
        "  - id: me\n    call: account.get\n    with: {username: me}\n"
        "    when: to_epoch(vars.before) > `0`\n"
    )
    report = tmp_path / "report.json"
    command = ["run", str(playbook), "--target", "sandbox", "--report", str(report)]
    done = subprocess.run(
        [sys.executable, "-m", "runner", *command],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == ExitCode.OK, done.stderr
    assert "Run succeeded: 1 succeeded" in done.stdout
    assert json.loads(report.read_text())["status"] == "succeeded"


def test_a_when_that_cannot_be_worked_out_is_not_called_a_template(
    write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    # A value only the run knows: one known before the run is checked then.
    playbook = write_playbook(
        "version: 1\nsteps:\n"
        "  - id: me\n    call: account.get\n    with: {username: me}\n"
        "    save: {before: data.url}\n"
        "  - id: again\n    call: account.get\n    with: {username: me}\n"
        "    when: to_epoch(steps.me.before) > `0`\n"
    )
    args = ["run", str(playbook), "-t", "sandbox"]
    result = invoke(*args, "--report", str(tmp_path / "r.json"))

    assert result.exit_code == ExitCode.STEP_FAILED
    assert (
        "when `to_epoch(steps.me.before) > `0`` could not be worked out"
        in result.stdout
    )
    assert "to_epoch() needs a date like 2024-05-01" in result.stdout
    assert "template" not in result.stdout


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("A=1\nMY_NOTE=café\n".encode("latin-1"), 2, "this line is not UTF-8 text"),
        ("A=1\n".encode("utf-16"), 1, "the file is saved as UTF-16, not UTF-8"),
    ],
    ids=["latin-1", "utf-16"],
)
def test_an_env_file_that_is_not_utf8_exits_2_with_its_line(
    tmp_path: Path, content: bytes, line: int, words: str
) -> None:
    env_file = tmp_path / "my.env"
    env_file.write_bytes(content)
    result = invoke("validate", str(_playbook(tmp_path)), "--env-file", str(env_file))

    assert result.exit_code == ExitCode.INVALID
    assert f"error: {env_file}:{line}: {words}" in result.stderr
    assert "fix: save the file as UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_env_line_without_a_value_is_named_with_the_fix(tmp_path: Path) -> None:
    env_file = tmp_path / "my.env"
    env_file.write_text("IMGUR_CLIENT_ID\nA=1\n", encoding="utf-8")
    result = invoke("validate", str(_playbook(tmp_path)), "--env-file", str(env_file))

    assert result.exit_code == ExitCode.OK
    assert (
        f"{env_file}: IMGUR_CLIENT_ID has no value and was skipped; "
        "write IMGUR_CLIENT_ID=value"
    ) in result.stderr


def test_a_secret_set_to_nothing_says_it_is_empty(
    write_playbook: WritePlaybook,
) -> None:
    path = write_playbook(
        "version: 1\nsecrets: [MY_NOTE]\nsteps:\n  - id: me\n"
        "    call: account.get\n    with: {username: '{{ secrets.MY_NOTE }}'}\n"
    )
    result = invoke("validate", str(path), "-t", "sandbox", env={"MY_NOTE": ""})
    assert result.exit_code == ExitCode.INVALID
    assert "the secret MY_NOTE is set but empty" in result.stderr
    assert "needs the secrets" not in result.stderr


def test_a_busy_port_for_the_sandbox_exits_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("sandbox", "--port", str(port))
    assert result.exit_code == ExitCode.INVALID
    assert result.stderr.startswith("error: ") and str(port) in result.stderr


def test_a_port_out_of_range_exits_2() -> None:
    result = invoke("sandbox", "--port", "99999")
    assert result.exit_code == ExitCode.INVALID
    assert "99999 is not in the range 0<=x<=65535" in result.stderr


@pytest.mark.parametrize(
    ("report", "words"),
    [
        ("/proc/r.json", "no such file or directory"),
        ("{tmp}/" + "r" * 300 + ".json", "the file name is too long"),
        ("{tmp}/" + "r" * 248 + ".json", "the file name is too long"),
        ("{playbook}/r.json", "a file stands where its folder"),
        ("/dev/null", "it is a device, pipe or socket, not a plain file"),
    ],
    ids=[
        "proc",
        "name-too-long",
        "temporary-name-too-long",
        "folder-is-a-file",
        "device",
    ],
)
def test_a_report_that_cannot_be_written_exits_2_before_the_run(
    tmp_path: Path, report: str, words: str
) -> None:
    playbook = _playbook(tmp_path)
    where = report.format(tmp=tmp_path, playbook=playbook)
    result = invoke("run", str(playbook), "-t", "sandbox", "--report", where)

    assert result.exit_code == ExitCode.INVALID, result.output
    assert f"cannot write the report to {where}: {words}" in result.stderr
    assert "choose another --report" in result.stderr
    assert "Running" not in result.stdout
    assert Path("/dev/null").is_char_device()


def test_ctrl_c_before_the_run_says_no_report_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "load_playbook", interrupted)
    report = tmp_path / "r.json"
    result = invoke(
        "run", str(_playbook(tmp_path)), "-t", "sandbox", "--report", str(report)
    )

    assert result.exit_code == ExitCode.INTERRUPTED
    assert result.stderr == (
        "Interrupted before the run started: nothing was sent "
        "and no report was written.\n"
    )
    assert not report.exists()


def _ctrl_c_as_in_a_terminal() -> None:
    """A child started from a background job would ignore Ctrl-C: undo that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_while_the_command_loads_exits_quietly() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, runner.startup\n"
            "os.kill(os.getpid(), signal.SIGINT)\n"
            "raise SystemExit(0)\n",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    assert (done.returncode, done.stderr) == (ExitCode.INTERRUPTED, "Interrupted.\n")


def test_ctrl_c_is_python_s_own_once_the_command_has_loaded() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import signal, runner.cli\n"
            "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    assert done.stdout == "True\n", done.stderr


def test_the_run_names_a_base_url_that_is_not_the_target_s(
    reach: Reach, tmp_path: Path
) -> None:
    setup = reach(Target.IMGUR)
    args = ["run", str(_playbook(tmp_path)), "-t", "imgur"]
    args += ["--base-url", str(setup.base_url), "--report", str(tmp_path / "r.json")]
    result = invoke(*args, env=setup.env)

    assert result.exit_code == ExitCode.OK, result.output
    assert f"Running playbook on imgur at {setup.base_url}\n" in result.stdout


def test_quiet_shows_the_first_failed_items_and_counts_the_rest(
    write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    names = [f"nobody{number}" for number in range(13)]
    path = write_playbook(
        "version: 1\nsteps:\n  - id: look\n    call: account.get\n"
        f"    for_each: {json.dumps(names)}\n"
        "    with: {username: '{{ item }}'}\n    on_error: continue\n"
    )
    args = ["run", str(path), "-t", "sandbox", "--report", str(tmp_path / "r.json")]

    quiet = invoke("-q", *args)
    assert quiet.exit_code == ExitCode.STEP_FAILED
    assert [line for line in quiet.stdout.splitlines() if "  [" in line] == [
        line for line in quiet.stdout.splitlines() if "FAIL  [" in line
    ]
    assert quiet.stdout.count("FAIL  [") == 10
    assert "[10] nobody9" in quiet.stdout and "nobody10" not in quiet.stdout
    assert "  ... and 3 more failed items: the report has them all\n" in quiet.stdout
    assert "FAIL  look" in quiet.stdout

    loud = invoke(*args)
    assert loud.stdout.count("FAIL  [") == 13
    assert "more failed items" not in loud.stdout


def _playbook(folder: Path) -> Path:
    path = folder / "playbook.yaml"
    path.write_text(ME, encoding="utf-8")
    return path


@contextmanager
def closing_interrupted(*args: Any, **kwargs: Any) -> Iterator[Transport]:
    """The real target, with a Ctrl-C while it closes (the sandbox stopping)."""
    with open_transport(*args, **kwargs) as transport:
        yield transport
    raise KeyboardInterrupt


def test_ctrl_c_while_the_sandbox_stops_after_the_run_says_it_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run_module, "open_transport", closing_interrupted)
    report = tmp_path / "r.json"
    result = invoke(
        "run", str(_playbook(tmp_path)), "-t", "sandbox", "--report", str(report)
    )

    assert result.exit_code == ExitCode.OK, result.output
    assert "nothing was sent" not in result.stderr
    assert "Run succeeded: 1 succeeded in" in result.stdout
    assert json.loads(report.read_text())["status"] == "succeeded"


def test_ctrl_c_after_the_run_names_its_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "summary", interrupted)
    report = tmp_path / "r.json"
    result = invoke(
        "run", str(_playbook(tmp_path)), "-t", "sandbox", "--report", str(report)
    )

    assert result.exit_code == ExitCode.INTERRUPTED
    assert result.stderr == (
        f"Interrupted after the run had ended; its report: {report}\n"
    )
    assert json.loads(report.read_text())["status"] == "succeeded"


@pytest.mark.parametrize("where", ["before", "after"])
def test_log_options_go_before_or_after_the_command(where: str, tmp_path: Path) -> None:
    args = ["run", str(_playbook(tmp_path)), "--target", "sandbox"]
    args += ["--report", str(tmp_path / "r.json")]
    flags = ["-v", "--debug"]

    result = invoke(*(flags + args if where == "before" else args + flags))

    assert result.exit_code == ExitCode.OK, result.output
    assert "GET http://127.0.0.1" in result.stderr
    assert logging.getLogger("runner").level == logging.DEBUG


@pytest.mark.parametrize("command", ["validate", "plan", "endpoints", "version"])
def test_every_command_takes_the_log_options(command: str, tmp_path: Path) -> None:
    args = [command] + (
        [str(_playbook(tmp_path))] if command in ("validate", "plan") else []
    )

    result = invoke(*args, "-q")

    assert result.exit_code == ExitCode.OK, result.output
    assert logging.getLogger("runner").level == logging.ERROR


def test_a_target_is_read_in_any_case(tmp_path: Path) -> None:
    playbook = str(_playbook(tmp_path))
    from_env = invoke("validate", playbook, env={"IMGUR_PLAYBOOK_TARGET": "Sandbox"})
    given = invoke("validate", playbook, "--target", "LOWCODEAPI")

    assert from_env.exit_code == ExitCode.OK, from_env.output
    assert given.exit_code == ExitCode.INVALID  # it needs its token: it was read
    assert "LOWCODEAPI_API_TOKEN" in given.stderr


def test_a_wrong_target_in_the_environment_names_the_variable(tmp_path: Path) -> None:
    result = invoke(
        "validate", str(_playbook(tmp_path)), env={"IMGUR_PLAYBOOK_TARGET": "moon"}
    )

    assert result.exit_code == ExitCode.INVALID
    assert "the environment variable IMGUR_PLAYBOOK_TARGET" in result.stderr
    assert "'moon' is not a target" in result.stderr
    assert "'--target'" not in result.stderr


def test_the_summary_counts_every_item_of_a_loop(
    write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    path = write_playbook(
        "version: 1\nsteps:\n  - id: look\n    call: account.get\n"
        "    for_each: [demo_user, nobody1, gallery_poster, skip_me]\n"
        "    when: \"item != 'skip_me'\"\n"
        "    with: {username: '{{ item }}'}\n    on_error: continue\n"
        "  - id: one\n    call: account.get\n    for_each: [demo_user]\n"
        "    with: {username: '{{ item }}'}\n"
    )
    args = ["run", str(path), "-t", "sandbox", "--report", str(tmp_path / "r.json")]

    result = invoke(*args)

    assert "5 loop items (3 ok, 1 failed, 1 skipped)" in result.stdout
    assert " 1 item: 1 ok" in result.stdout


def test_a_plan_of_one_request_says_request(reach: Reach, tmp_path: Path) -> None:
    setup = reach(Target.IMGUR)
    args = ["plan", str(_playbook(tmp_path)), "--reads", "-t", "imgur"]

    result = invoke(*args, "--base-url", str(setup.base_url), env=setup.env)

    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout.splitlines()[0] == (
        "Plan for playbook: 1 request (1 read sent)"
    )
