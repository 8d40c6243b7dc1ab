"""The command line: messages, exit codes, and the main path as a real process."""

import json
import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result

from runner.cli import cli
from runner.errors import ExitCode
from runner.sandbox import DEMO_ACCESS_TOKEN
from runner.targets import Target

from .conftest import FAKE_ACCESS_TOKEN, QUICKSTART, TargetSetup

Reach = Callable[[Target], TargetSetup]
WritePlaybook = Callable[[str], Path]


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env or {})


def test_help_documents_the_exit_codes() -> None:
    result = invoke("run", "--help")
    assert result.exit_code == 0
    assert "2    the playbook is invalid" in result.output
    assert "130  interrupted" in result.output


@pytest.mark.parametrize(
    "loud", [[], ["--debug"], ["-vv"]], ids=["plain", "debug", "vv"]
)
def test_a_failure_of_the_tool_itself_exits_3_with_a_masked_traceback_on_request(
    monkeypatch: pytest.MonkeyPatch, loud: list[str]
) -> None:
    def broken(request: object) -> None:
        raise RuntimeError(f"broken while holding {FAKE_ACCESS_TOKEN}")

    monkeypatch.setattr("runner.cli.check", broken)
    env = {"IMGUR_ACCESS_TOKEN": FAKE_ACCESS_TOKEN}
    result = invoke(*loud, "validate", str(QUICKSTART), "--target", "imgur", env=env)

    assert result.exit_code == ExitCode.INTERNAL
    assert FAKE_ACCESS_TOKEN not in result.output + result.stderr
    if loud:
        assert "Traceback" in result.stderr
        assert "RuntimeError: broken while holding ***" in result.stderr
    else:
        assert "Traceback" not in result.stderr
        assert "run again with --debug" in result.stderr


def test_validate_accepts_the_quickstart() -> None:
    result = invoke("validate", str(QUICKSTART))
    assert result.exit_code == ExitCode.OK
    assert result.stdout.strip().endswith("valid (7 steps)")


def test_validate_lists_every_problem_with_its_place(
    write_playbook: WritePlaybook,
) -> None:
    path = write_playbook(
        "version: 1\nsteps:\n  - id: a\n    call: album.creat\n"
        "  - id: b\n    call: account.get\n"
    )
    result = invoke("validate", str(path))
    assert result.exit_code == ExitCode.INVALID
    assert "2 problems found before anything was sent" in result.stderr
    assert f"{path}:4: step a: unknown endpoint `album.creat`" in result.stderr
    assert "did you mean `album.create`?" in result.stderr
    assert f"{path}:5: step b: `username` is required" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_validate_with_a_target_checks_its_credentials(
    write_playbook: WritePlaybook,
) -> None:
    path = write_playbook(
        "version: 1\nsteps:\n  - id: a\n    call: account.list_blocks\n"
    )
    env = {"IMGUR_CLIENT_ID": "someclientid"}
    result = invoke("validate", str(path), "--target", "imgur", env=env)
    assert result.exit_code == ExitCode.INVALID
    assert "needs a user access token" in result.stderr
    assert "set IMGUR_ACCESS_TOKEN" in result.stderr


@pytest.mark.parametrize(
    ("images", "refused"),
    [
        ("ids: [abc, def]", True),
        ("ids: 'abc,def'", True),
        ("deletehashes: [anonhash1]", False),
    ],
    ids=["ids-list", "ids-string", "deletehashes"],
)
def test_validate_with_only_a_client_id_refuses_album_ids(
    write_playbook: WritePlaybook, images: str, refused: bool
) -> None:
    path = write_playbook(
        f"version: 1\nsteps:\n  - id: a\n    call: album.create\n"
        f"    with: {{{images}}}\n"
    )
    env = {"IMGUR_CLIENT_ID": "someclientid"}
    result = invoke("validate", str(path), "--target", "imgur", env=env)
    message = (
        "album.create with `ids` needs a user access token, and only a Client-ID is set"
    )
    assert (message in result.stderr) is refused
    assert result.exit_code == (ExitCode.INVALID if refused else ExitCode.OK)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", str(QUICKSTART)], "choose a target"),
        (["run", str(QUICKSTART), "--target", "imgur"], "set IMGUR_CLIENT_ID"),
        (["run", str(QUICKSTART), "--target", "lowcodeapi"], "LOWCODEAPI_API_TOKEN"),
        (["run", str(QUICKSTART), "--target", "mars"], "'mars' is not one of"),
        (["run", str(QUICKSTART), "--var", "oops"], "write it as NAME=VALUE"),
        (["validate", "missing.yaml"], "missing.yaml: no such file"),
        (
            ["run", str(QUICKSTART), "-t", "imgur", "--base-url", "127.0.0.1:8765"],
            "--base-url '127.0.0.1:8765' is not a usable address",
        ),
        (
            ["run", str(QUICKSTART), "-t", "imgur", "--base-url", "http://[::1"],
            "is not a usable address",
        ),
        (
            ["run", str(QUICKSTART), "-t", "imgur", "--base-url", "http://u:pw@x.io"],
            "must not hold a user name or password",
        ),
        (
            ["run", str(QUICKSTART), "-t", "sandbox", "--base-url", "https://x.io"],
            "--target sandbox runs on this machine, but --base-url points at x.io",
        ),
        (
            ["run", str(QUICKSTART), "-t", "sandbox", "--report", "/proc/no/r.json"],
            "cannot write the report to /proc/no/r.json",
        ),
        (["run", str(QUICKSTART), "--env-file", "no.env"], "'no.env' does not exist"),
        (
            ["validate", str(QUICKSTART), "--var", "album_titel=x"],
            "did you mean --var album_title=x?",
        ),
    ],
    ids=[
        "no-target",
        "no-imgur-credentials",
        "no-api-token",
        "bad-target",
        "bad-var",
        "missing-file",
        "base-url-without-scheme",
        "base-url-broken",
        "base-url-with-password",
        "sandbox-elsewhere",
        "report-unwritable",
        "env-file-missing",
        "unknown-var",
    ],
)
def test_setup_mistakes_exit_2_with_a_clear_message(
    args: list[str], words: str
) -> None:
    result = invoke(*args)
    assert result.exit_code == ExitCode.INVALID
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failed_step_exits_1(
    reach: Reach, write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    path = write_playbook(
        "version: 1\nsteps:\n  - id: gone\n    call: album.get\n"
        "    with: {albumHash: NoSuchAlbum}\n"
    )
    setup = reach(Target.IMGUR)
    report = tmp_path / "r.json"
    result = invoke(
        "run",
        str(path),
        "-t",
        "imgur",
        "--base-url",
        str(setup.base_url),
        "--report",
        str(report),
        env=setup.env,
    )
    assert result.exit_code == ExitCode.STEP_FAILED
    assert "FAIL  gone" in result.stdout
    assert "HTTP 404" in result.stdout
    assert "Run failed: 1 failed" in result.stdout
    assert json.loads(report.read_text())["status"] == "failed"


def test_endpoints_lists_a_group_and_shows_one() -> None:
    listing = invoke("endpoints", "album")
    assert listing.exit_code == 0
    assert "album (14)" in listing.stdout and "album.create" in listing.stdout
    shown = invoke("endpoints", "show", "account.block_user")
    assert "POST /account/v1/{username}/block" in shown.stdout
    assert "Auth: user access token (Bearer)" in shown.stdout
    assert "call: account.block_user" in shown.stdout


def test_endpoints_show_ignores_case() -> None:
    result = invoke("endpoints", "show", "ALBUM.CREATE")
    assert result.exit_code == 0
    assert result.stdout.startswith("album.create: Create a new album")


def test_endpoints_show_of_a_group_points_to_its_list() -> None:
    result = invoke("endpoints", "show", "album")
    assert result.exit_code == ExitCode.INVALID
    assert "'album' is a group of 14 endpoints, not one endpoint" in result.stderr
    assert "`imgur-playbook endpoints album` lists them" in result.stderr


@pytest.mark.parametrize(
    "names", [[], ["album.create", "extra"]], ids=["no-name", "two-names"]
)
def test_endpoints_show_takes_one_name(names: list[str]) -> None:
    result = invoke("endpoints", "show", *names)
    assert result.exit_code == ExitCode.INVALID
    assert "Error: `endpoints show` takes one endpoint name, e.g. " in result.stderr
    assert "write:" not in result.stderr


def test_endpoints_show_suggests_a_name() -> None:
    result = invoke("endpoints", "show", "album.creat")
    assert result.exit_code == ExitCode.INVALID
    assert "did you mean album.create" in result.stderr


def test_version_names_python_and_the_libraries() -> None:
    result = invoke("version")
    assert "imgur-playbook 0.1.0" in result.stdout
    assert "jmespath" in result.stdout and "Python 3." in result.stdout


def test_the_readme_command_runs_as_a_real_process(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "runner",
            "run",
            str(QUICKSTART),
            "--target",
            "sandbox",
            "--report",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Run succeeded: 7 succeeded" in done.stdout
    assert json.loads(report.read_text())["status"] == "succeeded"


def test_the_sandbox_command_serves_until_stopped() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "runner", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = first.split()[3]
        assert url.startswith("http://127.0.0.1:")
        answer = requests.get(
            f"{url}/3/account/me",
            headers={"Authorization": f"Bearer {DEMO_ACCESS_TOKEN}"},
            timeout=10,
        )
        assert answer.json()["data"]["url"] == "demo_user"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_validate_with_a_target_needs_the_secrets(
    write_playbook: WritePlaybook,
) -> None:
    path = write_playbook(
        "version: 1\nsecrets: [QA_NOT_SET]\nsteps:\n  - id: me\n"
        "    call: account.get\n    with: {username: '{{ secrets.QA_NOT_SET }}'}\n"
    )

    assert invoke("validate", str(path)).exit_code == ExitCode.OK
    result = invoke("validate", str(path), "--target", "sandbox")
    assert result.exit_code == ExitCode.INVALID
    assert "needs the secrets QA_NOT_SET" in result.stderr


def test_quiet_still_says_why_a_step_failed(
    reach: Reach, write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    path = write_playbook(
        "version: 1\nsteps:\n  - id: me\n    call: account.get\n"
        "    with: {username: me}\n  - id: gone\n    call: album.get\n"
        "    with: {albumHash: NoSuchAlbum}\n"
    )
    setup = reach(Target.IMGUR)
    args = ["-q", "run", str(path), "-t", "imgur", "--base-url", str(setup.base_url)]

    result = invoke(*args, "--report", str(tmp_path / "r.json"), env=setup.env)

    assert result.exit_code == ExitCode.STEP_FAILED
    assert "FAIL  gone" in result.stdout and "HTTP 404" in result.stdout
    assert "me" not in result.stdout.split("FAIL")[0]


@pytest.mark.parametrize(
    ("flags", "level"),
    [
        ([], logging.WARNING),
        (["-v"], logging.INFO),
        (["-vv"], logging.DEBUG),
        (["-q"], logging.ERROR),
        (["-v", "--debug"], logging.DEBUG),
        (["-q", "--debug"], logging.DEBUG),
    ],
    ids=["default", "v", "vv", "q", "v-debug", "q-debug"],
)
def test_debug_wins_over_the_other_log_flags(flags: list[str], level: int) -> None:
    assert invoke(*flags, "version").exit_code == 0
    assert logging.getLogger("runner").level == level
