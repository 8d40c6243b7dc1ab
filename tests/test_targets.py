"""What a target needs, checked before a run and again before each call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from runner.cli import cli
from runner.errors import ConfigError, ExitCode, InvalidPlaybook
from runner.results import Status
from runner.run import RunRequest, check, run
from runner.sandbox import Sandbox
from runner.targets import Target

from .conftest import FAKE_ACCESS_TOKEN, FAKE_CLIENT_ID, QUICKSTART

WritePlaybook = Callable[..., Path]
CLIENT_ID_ONLY = {"IMGUR_CLIENT_ID": FAKE_CLIENT_ID}
NEEDS_TOKEN = (
    "account.get with username `me` needs a user access token, "
    "and only a Client-ID is set"
)


def invoke(*args: str, env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def refusals(request: RunRequest) -> list[str]:
    with pytest.raises(InvalidPlaybook) as refused:
        check(request)
    return [problem.message for problem in refused.value.problems]


# --- username `me` from values known before the run -------------------------

WHO_FROM_VARS = """\
version: 1
vars: {who: me}
steps:
  - id: profile
    call: account.get
    with: {username: "{{ vars.who }}"}
"""

WHO_FROM_A_LOOP = """\
version: 1
vars: {people: [demo_user, me]}
steps:
  - id: profiles
    call: account.get
    for_each: "{{ vars.people }}"
    as: who
    with: {username: "{{ who }}"}
"""

WHO_FROM_A_CSV = """\
version: 1
inputs: {people: people.csv}
steps:
  - id: profiles
    call: account.get
    for_each: "{{ inputs.people }}"
    with: {username: "{{ item.name }}"}
"""


@pytest.mark.parametrize(
    ("text", "overrides"),
    [
        (WHO_FROM_VARS, {}),
        (WHO_FROM_VARS.replace("who: me", "who: demo_user"), {"who": "me"}),
        (WHO_FROM_A_LOOP, {}),
        (WHO_FROM_A_CSV, {}),
    ],
    ids=["vars", "var-on-the-command-line", "loop-over-vars", "csv-input"],
)
def test_username_me_from_known_values_needs_a_token(
    write_playbook: WritePlaybook, text: str, overrides: dict[str, str]
) -> None:
    playbook = write_playbook(text)
    (playbook.parent / "people.csv").write_text("name\ndemo_user\nme\n")
    request = RunRequest(
        playbook, Target.IMGUR, overrides=overrides, env=CLIENT_ID_ONLY
    )

    assert refusals(request) == [NEEDS_TOKEN]


def test_other_known_usernames_need_no_token(write_playbook: WritePlaybook) -> None:
    text = WHO_FROM_VARS.replace("who: me", "who: demo_user")
    request = RunRequest(write_playbook(text), Target.IMGUR, env=CLIENT_ID_ONLY)

    assert check(request).steps[0].id == "profile"


def test_a_delete_with_a_client_id_points_to_its_anonymous_twin(
    write_playbook: WritePlaybook,
) -> None:
    text = "version: 1\nsteps:\n  - id: d\n    call: image.delete\n"
    text += "    with: {imageHash: abc}\n"
    request = RunRequest(write_playbook(text), Target.IMGUR, env=CLIENT_ID_ONLY)
    with pytest.raises(InvalidPlaybook) as refused:
        check(request)

    [problem] = refused.value.problems
    assert problem.hint is not None
    assert problem.hint.endswith(
        "for one made without an account, call image.delete_anonymous with its "
        "deletehash"
    )


# `me` only comes from a response here: the transport refuses it at run time.
WHO_FROM_A_RESPONSE = """\
version: 1
steps:
  - id: first
    call: account.get
    with: {username: demo_user}
    save: {who: "'me'"}
  - id: then
    call: account.get
    with: {username: "{{ steps.first.who }}"}
"""


def test_username_me_from_a_response_is_never_sent_with_a_client_id(
    write_playbook: WritePlaybook, sandbox: Sandbox, tmp_path: Path
) -> None:
    request = RunRequest(
        write_playbook(WHO_FROM_A_RESPONSE),
        Target.IMGUR,
        base_url=sandbox.url,
        report=tmp_path / "report.json",
        env=CLIENT_ID_ONLY,
    )

    first, then = run(request).result.steps

    assert (first.status, then.status) == (Status.SUCCEEDED, Status.FAILED)
    assert then.error == f"{NEEDS_TOKEN}; set IMGUR_ACCESS_TOKEN " + (
        "(an OAuth access token of the account)"
    )
    assert [r.path for r in sandbox.received] == ["/3/account/demo_user"]


# --- the sandbox target grants what its credentials can do ------------------

MY_PROFILE = """\
version: 1
steps:
  - id: me
    call: account.get
    with: {username: me}
    save: {url: data.url}
"""


def test_a_sandbox_at_a_base_url_with_only_a_client_id_is_refused_first(
    write_playbook: WritePlaybook, sandbox: Sandbox, tmp_path: Path
) -> None:
    playbook = write_playbook(MY_PROFILE)

    result = invoke(
        "run",
        str(playbook),
        "-t",
        "sandbox",
        "--base-url",
        sandbox.url,
        "--report",
        str(tmp_path / "report.json"),
        env=CLIENT_ID_ONLY,
    )

    assert result.exit_code == ExitCode.INVALID
    assert NEEDS_TOKEN in result.stderr
    assert sandbox.received == []


def test_the_runs_own_sandbox_needs_no_credentials(
    write_playbook: WritePlaybook, tmp_path: Path
) -> None:
    request = RunRequest(
        write_playbook(MY_PROFILE), Target.SANDBOX, report=tmp_path / "r.json"
    )

    [me] = run(request).result.steps

    assert (me.status, me.saved["url"]) == (Status.SUCCEEDED, "demo_user")


# --- --base-url --------------------------------------------------------------


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:8765/?client_id=q-SECRET-2",
        "http://127.0.0.1:8765/imgur#q-SECRET-2",
        "http://127.0.0.1:8765?",
    ],
    ids=["query", "fragment", "empty-query"],
)
def test_a_base_url_with_a_query_or_fragment_exits_2_without_showing_it(
    base_url: str, tmp_path: Path
) -> None:
    env = {"IMGUR_ACCESS_TOKEN": FAKE_ACCESS_TOKEN}

    result = invoke(
        "run",
        str(QUICKSTART),
        "-t",
        "imgur",
        "--base-url",
        base_url,
        "--report",
        str(tmp_path / "report.json"),
        env=env,
    )

    assert result.exit_code == ExitCode.INVALID
    assert "--base-url cannot have a query (?...) or a fragment (#...)" in (
        result.stderr
    )
    assert "q-SECRET-2" not in result.output + result.stderr
    assert not (tmp_path / "report.json").exists()


# --- credentials from the environment -----------------------------------------


@pytest.mark.parametrize("pasted", ["{}\n", " {}\r\n", "\t{} "], ids=repr)
def test_credentials_pasted_with_blanks_around_them_work(
    pasted: str, sandbox: Sandbox, tmp_path: Path
) -> None:
    request = RunRequest(
        QUICKSTART,
        Target.IMGUR,
        base_url=sandbox.url,
        report=tmp_path / "report.json",
        env={"IMGUR_ACCESS_TOKEN": pasted.format(FAKE_ACCESS_TOKEN)},
    )

    result = run(request).result

    assert result.status is Status.SUCCEEDED, [s.error for s in result.steps]


def test_a_credential_with_a_line_break_inside_is_named_not_shown() -> None:
    env = {"IMGUR_ACCESS_TOKEN": "FAKEaccess\nTOKEN9z8x7c6v"}

    result = invoke("validate", str(QUICKSTART), "-t", "imgur", env=env)

    assert result.exit_code == ExitCode.INVALID
    assert "IMGUR_ACCESS_TOKEN has a line break" in result.stderr
    assert "FAKEaccess" not in result.output + result.stderr


def test_a_credential_with_a_line_break_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="LOWCODEAPI_API_TOKEN"):
        check(
            RunRequest(
                QUICKSTART,
                Target.LOWCODEAPI,
                env={"LOWCODEAPI_API_TOKEN": "at_one\nat_two"},
            )
        )


@pytest.mark.parametrize(
    "name", ["IMGUR_CLIENT_ID", "IMGUR_ACCESS_TOKEN", "LOWCODEAPI_API_TOKEN"]
)
def test_a_credential_too_short_to_mask_is_refused_by_name(
    name: str, sandbox: Sandbox, tmp_path: Path
) -> None:
    target = Target.LOWCODEAPI if name.startswith("LOWCODEAPI") else Target.IMGUR
    base_url = sandbox.lowcodeapi_url if target is Target.LOWCODEAPI else sandbox.url
    args = ["run", str(QUICKSTART), "-t", target.value, "--base-url", base_url]
    args += ["--report", str(tmp_path / "report.json")]

    result = invoke(*args, env={name: " pw1\n"})

    assert result.exit_code == ExitCode.INVALID
    assert f"{name} is too short to be masked safely" in result.stderr
    assert "pw1" not in result.output + result.stderr
    assert sandbox.received == []
