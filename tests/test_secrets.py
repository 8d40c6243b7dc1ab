"""Secrets stay secret: no credential or deletehash in output, logs or report."""

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli
from runner.redact import MASK
from runner.sandbox import Sandbox
from runner.targets import Target

from .conftest import FAKE_CREDENTIALS, QUICKSTART, TARGETS, TargetSetup

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
