"""Secrets stay secret: no credential or deletehash in output, logs or report."""

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli
from runner.redact import MASK
from runner.sandbox import (
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    DEMO_USER,
    Sandbox,
)
from runner.targets import Target

from .conftest import (
    FAKE_CLIENT_ID,
    FAKE_CREDENTIALS,
    QUICKSTART,
    TARGETS,
    TargetSetup,
)

Reach = Callable[[Target], TargetSetup]

# Beyond the quickstart: keep a deletehash and use it in a URL.
ANONYMOUS_UPDATE = """\
version: 1
steps:
  - id: upload
    call: image.upload
    with: {{image: {{file: {image}}}, title: throwaway}}
    save: {{deletehash: data.deletehash, id: data.id}}
  - id: rename
    call: image.update_anonymous
    with:
      imageDeleteHash: "{{{{ steps.upload.deletehash }}}}"
      title: renamed
"""


def run_cli(setup: TargetSetup, playbook: Path, report: Path) -> tuple[str, str]:
    args = ["-v", "--debug", "run", str(playbook), "--target", setup.target.value]
    args += ["--report", str(report)]
    if setup.base_url:
        args += ["--base-url", setup.base_url]
    result = CliRunner().invoke(cli, args, env=setup.env)
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout, result.stderr


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_no_credential_appears_anywhere(
    target: Target, reach: Reach, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    stdout, stderr = run_cli(reach(target), QUICKSTART, report)

    assert "GET" in stderr, "-v should log every call"
    for written in (stdout, stderr, report.read_text()):
        for secret in FAKE_CREDENTIALS:
            assert secret not in written


@pytest.mark.parametrize("target", [Target.IMGUR, Target.LOWCODEAPI], ids=str)
def test_deletehashes_are_masked_in_saves_urls_and_logs(
    target: Target, reach: Reach, sandbox: Sandbox, tmp_path: Path
) -> None:
    image = QUICKSTART.parent / "images" / "beach.png"
    playbook = tmp_path / "anonymous.yaml"
    playbook.write_text(ANONYMOUS_UPDATE.format(image=image))
    report = tmp_path / "report.json"

    stdout, stderr = run_cli(reach(target), playbook, report)

    [renamed] = [i for i in sandbox.store.images.values() if i.title == "renamed"]
    text = report.read_text()
    for written in (stdout, stderr, text):
        assert renamed.deletehash not in written
    assert f'"deletehash": "{MASK}"' in text
    assert f"/3/image/{MASK}" in text
    assert f"/3/image/{MASK}" in stderr


# A deletehash given as input: through --var, and through a CSV for_each.
DELETEHASHES_GIVEN = """\
version: 1
vars:
  hash: given-on-the-command-line
inputs:
  rows: hashes.csv
steps:
  - id: by_var
    call: image.update_anonymous
    with: {imageDeleteHash: "{{ vars.hash }}", title: from var}
  - id: by_csv
    call: image.update_anonymous
    for_each: "{{ inputs.rows }}"
    as: row
    with: {imageDeleteHash: "{{ row.deletehash }}", title: from csv}
"""

LOG_FLAGS = {"verbose": ["-v"], "debug": ["--debug"]}
SEEDED_IMAGES = ("vnKe11t", "Bq3xT9a")


def run_flags(
    setup: TargetSetup, flags: list[str], playbook: Path, report: Path, *more: str
) -> tuple[str, str]:
    args = [*flags, "run", str(playbook), "--target", setup.target.value]
    args += ["--report", str(report), *more]
    if setup.base_url:
        args += ["--base-url", setup.base_url]
    result = CliRunner().invoke(cli, args, env=setup.env)
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout, result.stderr


@pytest.mark.parametrize("flags", LOG_FLAGS.values(), ids=LOG_FLAGS.keys())
@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_deletehashes_given_as_input_are_masked(
    target: Target, flags: list[str], reach: Reach, sandbox: Sandbox, tmp_path: Path
) -> None:
    # The run's own sandbox is seeded as this one: the same images and hashes.
    by_var, by_csv = (sandbox.store.images[i].deletehash for i in SEEDED_IMAGES)
    (tmp_path / "hashes.csv").write_text(f"deletehash\n{by_csv}\n")
    playbook = tmp_path / "given.yaml"
    playbook.write_text(DELETEHASHES_GIVEN)
    report = tmp_path / "report.json"

    stdout, stderr = run_flags(
        reach(target), flags, playbook, report, "--var", f"hash={by_var}"
    )

    calls = [line for line in stderr.splitlines() if "transports: POST" in line]
    assert [f"/3/image/{MASK}" in line for line in calls] == [True, True]
    for written in (stdout, stderr, report.read_text()):
        assert by_var not in written
        assert by_csv not in written
    if target is not Target.SANDBOX:
        titles = [sandbox.store.images[i].title for i in SEEDED_IMAGES]
        assert titles == ["from var", "from csv"]


# The refresh token comes on the command line; what Imgur issues is secret too.
REFRESH = """\
version: 1
vars:
  refresh: given-on-the-command-line
secrets: [IMGUR_CLIENT_ID, IMGUR_CLIENT_SECRET]
steps:
  - id: token
    call: auth.refresh_token
    with:
      refresh_token: "{{ vars.refresh }}"
      client_id: "{{ secrets.IMGUR_CLIENT_ID }}"
      client_secret: "{{ secrets.IMGUR_CLIENT_SECRET }}"
      grant_type: refresh_token
    save: {access_token: access_token, refresh_token: refresh_token}
"""


@pytest.mark.parametrize("flags", LOG_FLAGS.values(), ids=LOG_FLAGS.keys())
@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_refresh_tokens_client_secrets_and_new_tokens_are_masked(
    target: Target, flags: list[str], reach: Reach, sandbox: Sandbox, tmp_path: Path
) -> None:
    setup = reach(target)
    if target is Target.SANDBOX:  # at this sandbox, to see what it issues
        setup = TargetSetup(target, sandbox.url, setup.env)
    env = {**setup.env, "IMGUR_CLIENT_ID": FAKE_CLIENT_ID}
    env["IMGUR_CLIENT_SECRET"] = DEMO_CLIENT_SECRET
    playbook = tmp_path / "refresh.yaml"
    playbook.write_text(REFRESH)
    report = tmp_path / "report.json"
    demo = sandbox.store.account(DEMO_USER)
    assert demo is not None
    before = set(demo.tokens) | demo.refresh_tokens

    stdout, stderr = run_flags(
        TargetSetup(setup.target, setup.base_url, env),
        flags,
        playbook,
        report,
        "--var",
        f"refresh={DEMO_REFRESH_TOKEN}",
    )

    issued = (set(demo.tokens) | demo.refresh_tokens) - before
    assert issued, "the sandbox issued a new access token"
    secrets = {DEMO_REFRESH_TOKEN, DEMO_CLIENT_SECRET, *issued}
    for written in (stdout, stderr, report.read_text()):
        for secret in secrets:
            assert secret not in written
    assert "/oauth2/token" in stderr
