"""Secrets stay secret: no credential or deletehash in output, logs or report."""

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli
from runner.errors import InvalidPlaybook, RunInterrupted
from runner.executor import Executor
from runner.playbook import load_playbook
from runner.redact import MASK, Redactor
from runner.results import Status
from runner.run import RunRequest, run
from runner.sandbox import (
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    DEMO_USER,
    Sandbox,
)
from runner.targets import Target
from runner.transports import ImgurTransport

from .conftest import (
    FAKE_ACCESS_TOKEN,
    FAKE_CLIENT_ID,
    FAKE_CREDENTIALS,
    QUICKSTART,
    TARGETS,
    RunText,
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


# Loop items that are never sent are in the report from the start too.
NEVER_SENT = """\
version: 1
vars:
  rows:
    - {hash: rowhashskipped1, title: skip}
  hashes: [deadbeefcafe1, deadbeefcafe2, deadbeefcafe3]
steps:
  - id: skipped
    call: image.update_anonymous
    for_each: "{{ vars.rows }}"
    as: row
    when: "row.title != 'skip'"
    with: {imageDeleteHash: "{{ row.hash }}", title: "{{ row.title }}"}
  - id: delete
    call: image.delete_anonymous
    for_each: "{{ vars.hashes }}"
    when: "item != 'deadbeefcafe2'"
    with: {imageDeleteHash: "{{ item }}"}
"""


def test_hashes_of_loop_items_never_sent_are_masked(run_text: RunText) -> None:
    ran = run_text(NEVER_SENT)

    assert ran.step("skipped").status is Status.SKIPPED
    items = ran.step("delete").items or []
    assert [i.status for i in items] == [Status.FAILED, Status.NOT_RUN, Status.NOT_RUN]
    text = json.dumps(ran.report)
    for secret in ("rowhashskipped1", "deadbeefcafe2", "deadbeefcafe3"):
        assert secret not in text


def test_hashes_of_items_whose_arguments_cannot_be_made_are_masked(
    run_text: RunText,
) -> None:
    # The items come from a response, so no check before the run can try them.
    ran = run_text(
        """\
        version: 1
        steps:
          - id: listed
            call: account.get
            with: {username: me}
            save:
              rows: "[{hash: 'brokenrowhash1'}, {hash: 'brokenrowhash2'}]"
              names: "['brokenitemhash3']"
          - id: rows
            call: image.update_anonymous
            for_each: "{{ steps.listed.rows }}"
            as: row
            on_error: continue
            with:
              imageDeleteHash: "{{ row.hash }}{{ row.suffix }}"
              title: renamed
          - id: text
            call: image.delete_anonymous
            for_each: "{{ steps.listed.names }}"
            with: {imageDeleteHash: "{{ item }}-{{ steps.listed.rows[5].hash }}"}
        """
    )

    assert ran.step("rows").status is Status.FAILED
    assert ran.step("text").status is Status.FAILED
    text = json.dumps(ran.report)
    for secret in ("brokenrowhash1", "brokenrowhash2", "brokenitemhash3"):
        assert secret not in text


def test_a_call_s_hash_is_masked_before_the_sending_hook_sees_it(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    playbook = tmp_path / "p.yaml"
    playbook.write_text(
        "version: 1\nsteps:\n  - id: delete\n    call: image.delete_anonymous\n"
        "    with: {imageDeleteHash: singlehash77}\n    expect: {status: [404]}\n"
    )
    redactor = Redactor()
    seen: list[str] = []
    transport = ImgurTransport(sandbox.url, redactor, access_token=FAKE_ACCESS_TOKEN)
    executor = Executor(
        load_playbook(playbook),
        transport,
        redactor=redactor,
        sending=lambda run, call: seen.append(redactor.text("singlehash77")),
    )

    assert executor.run().status is Status.SUCCEEDED
    assert seen == [MASK]


EXPORTED_FROM_INPUTS = """\
version: 1
inputs:
  rows: rows.csv
vars:
  hashes: [varhashexport1]
steps:
  - id: me
    call: account.get
    with: {username: me}
    export: {to: out/rows.FORMAT, rows: inputs.rows, columns: [id, deletehash]}
  - id: plain
    call: account.get
    with: {username: me}
    export: {to: out/plain.FORMAT, rows: vars.hashes, columns: [deletehash]}
"""


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_exports_of_rows_from_inputs_never_hold_a_deletehash(
    fmt: str, run_text: RunText, tmp_path: Path
) -> None:
    (tmp_path / "rows.csv").write_text("id,deletehash\nabc,inputhashexport1\n")

    ran = run_text(EXPORTED_FROM_INPUTS.replace("FORMAT", fmt))

    assert ran.result.status is Status.SUCCEEDED
    written = (tmp_path / "out" / f"rows.{fmt}").read_text(encoding="utf-8")
    assert "inputhashexport1" not in written
    plain = (tmp_path / "out" / f"plain.{fmt}").read_text(encoding="utf-8")
    assert "varhashexport1" not in plain
    if fmt == "csv":
        assert written.splitlines() == ["id,deletehash", f"abc,{MASK}"]
        assert plain.splitlines() == ["deletehash", MASK]
    else:
        assert json.loads(written) == [{"id": "abc", "deletehash": MASK}]
        assert json.loads(plain) == [{"deletehash": MASK}]


# Values too short to be masked are refused, never shown.
SHORT_SECRET = """\
version: 1
secrets: [MY_SIGNATURE]
steps:
  - id: me
    call: account.get
    with: {username: me}
    expect: {that: ["secrets.MY_SIGNATURE != ''"]}
"""


@pytest.fixture
def runner_logging() -> Iterator[None]:
    """The `runner` logger as it was before the CLI configured it."""
    logger = logging.getLogger("runner")
    level, propagate, handlers = logger.level, logger.propagate, logger.handlers[:]
    yield
    logger.setLevel(level)
    logger.propagate = propagate
    logger.handlers[:] = handlers


@pytest.mark.usefixtures("runner_logging")
@pytest.mark.parametrize("command", ["plan", "validate", "run"])
def test_a_secret_too_short_to_mask_is_refused_by_name(
    command: str, reach: Reach, sandbox: Sandbox, tmp_path: Path
) -> None:
    playbook = tmp_path / "short.yaml"
    playbook.write_text(SHORT_SECRET)
    setup = reach(Target.IMGUR)
    args = [command, str(playbook)]
    if command != "plan":
        args += ["--target", "imgur"]
    if command == "run":
        args += ["--base-url", str(setup.base_url)]
        args += ["--report", str(tmp_path / "report.json")]

    result = CliRunner().invoke(cli, args, env={**setup.env, "MY_SIGNATURE": "pw1"})

    assert result.exit_code == 2, result.output + result.stderr
    assert "MY_SIGNATURE is too short to be masked safely" in result.stderr
    assert "pw1" not in result.output + result.stderr
    assert sandbox.received == []


# From a response: one known before the run is refused by the checks.
SHORT_DELETEHASH = """\
version: 1
steps:
  - id: listed
    call: account.get
    with: {username: me}
    save: {hashes: "['abc', 'given-long-enough']"}
  - id: rename
    call: image.update_anonymous
    for_each: "{{ steps.listed.hashes }}"
    on_error: continue
    with: {imageDeleteHash: "{{ item }}", title: renamed}
"""


def test_a_deletehash_too_short_to_mask_is_never_sent(
    run_text: RunText, sandbox: Sandbox
) -> None:
    ran = run_text(SHORT_DELETEHASH)

    items = ran.step("rename").items or []
    assert [i.status for i in items] == [Status.FAILED, Status.FAILED]
    assert items[0].error == (
        "the value of `imageDeleteHash` is too short to be masked safely in the "
        "report and logs, so the call was not sent; give `imageDeleteHash:` the "
        "whole value"
    )
    assert "HTTP 404" in (items[1].error or "")  # sent, and unknown to Imgur
    sent = [r.path for r in sandbox.received]
    assert sent == ["/3/account/me", "/3/image/given-long-enough"]
    assert "abc" not in json.dumps(ran.report)


# A deletehash column spelt as the catalog spells it, or as a person would.
SPELT_OTHERWISE = """\
version: 1
inputs:
  rows: rows.csv
steps:
  - id: me
    call: account.get
    with: {username: me}
    save: {rows: inputs.rows}
    export: {to: out/rows.FORMAT, rows: rows}
  - id: each
    call: image.get
    for_each: "{{ inputs.rows }}"
    with: {imageHash: "{{ item.id }}"}
"""


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("column", ["DeleteHash", "delete_hash", "albumDeleteHash"])
def test_a_deletehash_column_however_spelt_never_shows(
    column: str, fmt: str, run_text: RunText, tmp_path: Path
) -> None:
    (tmp_path / "rows.csv").write_text(f"id,{column}\nvnKe11t,spelthash0001\n")

    ran = run_text(SPELT_OTHERWISE.replace("FORMAT", fmt))

    assert ran.result.status is Status.SUCCEEDED
    written = (tmp_path / "out" / f"rows.{fmt}").read_text(encoding="utf-8")
    assert "spelthash0001" not in written
    assert "spelthash0001" not in json.dumps(ran.report)
    assert ran.report["steps"][0]["saved"]["rows"] == [{"id": "vnKe11t", column: MASK}]
    assert ran.report["steps"][1]["items"][0]["item"] == {
        "id": "vnKe11t",
        column: MASK,
    }


# A password is one secret, commas and all; a list of hashes is many.
COMMA_PASSWORD = """\
version: 1
secrets: [IMGUR_CLIENT_ID]
vars:
  password: my,pass,is,long,enough
steps:
  - id: delete
    call: account.delete_me
    allow_destructive: true
    with:
      client_id: "{{ secrets.IMGUR_CLIENT_ID }}"
      password: "{{ vars.password }}"
    save: {motto: "'pass it on'"}
"""


def test_a_password_with_commas_is_one_secret(
    run_text: RunText, sandbox: Sandbox
) -> None:
    sandbox.store.accounts[DEMO_USER].password = "my,pass,is,long,enough"

    ran = run_text(COMMA_PASSWORD, allow_destructive=True)

    delete = ran.step("delete")
    assert (delete.status, delete.http_status) == (Status.SUCCEEDED, 200)
    assert ran.report["steps"][0]["saved"] == {"motto": "pass it on"}
    assert DEMO_USER not in sandbox.store.accounts


def test_a_comma_list_of_deletehashes_is_masked_hash_by_hash(
    run_text: RunText,
) -> None:
    ran = run_text(
        """\
        version: 1
        steps:
          - id: add
            call: album.add_images_anonymous
            with:
              albumDeleteHash: albumhash0001
              deletehashes: "listedhash001,listedhash002"
            expect: {status: [404]}
            save: {note: "'listedhash002 was listed'"}
        """
    )

    assert ran.step("add").status is Status.SUCCEEDED
    assert ran.report["steps"][0]["saved"] == {"note": f"{MASK} was listed"}


# Items too short to be masked in text: the terminal shows them masked too.
# They come from a response, so no check before the run can refuse them.
SHORT_ITEMS = """\
version: 1
steps:
  - id: listed
    call: account.get
    with: {username: me}
    save:
      hashes: "['q7z']"
      rows: "[{dh: 'k9w', t: 'a'}]"
  - id: rename
    call: image.update_anonymous
    for_each: "{{ steps.listed.hashes }}"
    on_error: continue
    with: {imageDeleteHash: "{{ item }}", title: renamed}
  - id: rows
    call: image.update_anonymous
    for_each: "{{ steps.listed.rows }}"
    on_error: continue
    with: {imageDeleteHash: "{{ item.dh }}", title: "t {{ item.dh }}"}
"""


@pytest.mark.usefixtures("runner_logging")
def test_short_hashes_of_loop_items_never_show_in_the_terminal(
    reach: Reach, sandbox: Sandbox, tmp_path: Path
) -> None:
    playbook = tmp_path / "short.yaml"
    playbook.write_text(SHORT_ITEMS)
    setup = reach(Target.IMGUR)
    args = ["run", str(playbook), "--target", "imgur", "--base-url"]
    args += [str(setup.base_url), "--report", str(tmp_path / "report.json")]

    result = CliRunner().invoke(cli, args, env=setup.env)

    assert result.exit_code == 1, result.output + result.stderr
    shown = result.stdout + result.stderr
    assert "q7z" not in shown
    assert "k9w" not in shown
    assert f"[1] {MASK} " in result.stdout
    assert f'[1] {{"dh": "{MASK}", "t": "a"}}' in result.stdout
    assert [r.path for r in sandbox.received] == ["/3/account/me"]


class StopWhileLearning(Redactor):
    """A stop signal (SIGTERM is raised as Ctrl-C) while `value` is learnt."""

    def __init__(self, value: str) -> None:
        super().__init__()
        self.value_to_stop_at = value

    def add(self, secret: object) -> None:
        if secret == self.value_to_stop_at:
            raise KeyboardInterrupt
        super().add(secret)


def test_a_stop_while_loop_hashes_are_learnt_writes_none_of_them(
    reach: Reach, tmp_path: Path
) -> None:
    playbook = tmp_path / "loop.yaml"
    # From a response: hashes in vars are learnt before the run starts.
    playbook.write_text(
        "version: 1\nsteps:\n  - id: listed\n    call: account.get\n"
        "    with: {username: me}\n    save: {deletehashes: \"['learnthash001', "
        "'learnthash002', 'learnthash003']\"}\n"
        "  - id: delete\n    call: image.delete_anonymous\n"
        '    for_each: "{{ steps.listed.deletehashes }}"\n'
        '    with: {imageDeleteHash: "{{ item }}"}\n'
    )
    setup = reach(Target.IMGUR)
    report = tmp_path / "report.json"
    request = RunRequest(
        playbook=playbook,
        target=setup.target,
        base_url=setup.base_url,
        report=report,
        env=setup.env,
    )

    with pytest.raises(RunInterrupted):
        run(request, redactor=StopWhileLearning("learnthash002"))

    text = report.read_text(encoding="utf-8")
    assert json.loads(text)["steps"][1]["status"] == "interrupted"
    for secret in ("learnthash002", "learnthash003"):
        assert secret not in text


# A deletehash from --var, read by an earlier step before the call that sends it.
USED_BEFORE_SENT = """\
version: 1
vars:
  h: placeholder
steps:
  - id: note
    call: album.create
    with:
      title: "ref {{ vars.h | length(@) }} and more"
    expect:
      that: ["vars.h == 'nope'"]
  - id: delete
    call: image.delete_anonymous
    with: {imageDeleteHash: "{{ vars.h }}"}
"""


@pytest.mark.usefixtures("runner_logging")
@pytest.mark.parametrize("command", ["plan", "run"])
def test_a_deletehash_shown_before_the_call_that_sends_it_is_masked(
    command: str, reach: Reach, tmp_path: Path
) -> None:
    playbook = tmp_path / "leak.yaml"
    playbook.write_text(USED_BEFORE_SENT)
    setup = reach(Target.IMGUR)
    report = tmp_path / "report.json"
    args = ["-v", "--debug", command, str(playbook), "--var", "h=4KcXsvGp5kzrGJM"]
    if command == "run":
        args += ["--target", "imgur", "--base-url", str(setup.base_url)]
        args += ["--report", str(report)]

    result = CliRunner().invoke(cli, args, env=setup.env)

    assert result.exit_code == (1 if command == "run" else 0), result.output
    written = result.stdout + result.stderr
    if command == "run":  # the failed `expect` stops the run before `delete`
        assert f'vars.h is "{MASK}"' in result.stdout
        written += report.read_text(encoding="utf-8")
    else:
        assert f"DELETE /3/image/{MASK}" in result.stdout
    assert "4KcXsvGp5kzrGJM" not in written


SAVED_HASH = """\
version: 1
steps:
  - id: photo
    call: account.list_images
    with: {username: me}
    save: {id: "data[0].id", hash: "data[0].deletehash", first: "data[0]"}
  - id: album
    call: album.create
    with:
      title: TITLE
      deletehashes: ["{{ steps.photo.hash }}"]
    save: {id: data.id}
"""


@pytest.mark.parametrize(
    ("title", "read"),
    [
        ("'Holiday {{ steps.photo.hash }}'", "steps.photo.hash"),
        ("'{{ steps.photo.first.deletehash }}'", "steps.photo.first.deletehash"),
    ],
    ids=["saved-hash", "hash-field-of-a-save"],
)
def test_a_saved_deletehash_is_never_sent_where_people_see_it(
    write_playbook: Callable[[str], Path], title: str, read: str
) -> None:
    path = write_playbook(SAVED_HASH.replace("TITLE", title))
    with pytest.raises(InvalidPlaybook) as refused:
        load_playbook(path)

    [problem] = refused.value.problems
    assert (problem.step, problem.line) == ("album", 10)
    assert problem.message == (
        f"`title` would send `{read}`, which holds a deletehash or token, "
        "to Imgur as plain text others may see"
    )


@pytest.mark.parametrize(
    "save", ["length(data[?deletehash])", "contains(data[*].deletehash, 'x')"]
)
def test_a_count_or_truth_about_deletehashes_is_no_secret(
    write_playbook: Callable[[str], Path], save: str
) -> None:
    text = SAVED_HASH.replace('first: "data[0]"', f'first: "{save}"')
    path = write_playbook(text.replace("TITLE", "'{{ steps.photo.first }}'"))

    assert load_playbook(path).steps[1].args["title"] == "{{ steps.photo.first }}"


def test_a_saved_deletehash_may_go_where_a_call_takes_one(
    write_playbook: Callable[[str], Path],
) -> None:
    path = write_playbook(SAVED_HASH.replace("TITLE", "'{{ steps.photo.id }}'"))

    assert load_playbook(path).steps[1].args["deletehashes"] == [
        "{{ steps.photo.hash }}"
    ]


def test_an_export_named_by_a_saved_deletehash_is_refused_before_the_run(
    write_playbook: Callable[[str], Path],
) -> None:
    text = SAVED_HASH.replace("TITLE", "Holiday") + (
        "    export: {to: 'out/{{ steps.photo.hash }}.csv', rows: '[steps.photo]'}\n"
    )
    with pytest.raises(InvalidPlaybook) as refused:
        load_playbook(write_playbook(text))

    messages = [p.message for p in refused.value.problems]
    assert (
        "the export's file name reads `steps.photo.hash`, which holds a deletehash "
        "or token: it would be written to disk in the file's name"
    ) in messages


@pytest.mark.parametrize(
    "steps",
    [
        "  - id: retitle\n    call: image.update\n"
        "    for_each: '{{ steps.imgs.hashes }}'\n"
        "    with: {imageHash: x, title: '{{ item }}'}\n",
        "  - id: again\n    call: account.get\n    with: {username: me}\n"
        "    save: {h: 'steps.imgs.hashes[0]'}\n"
        "  - id: retitle\n    call: image.update\n"
        "    with: {imageHash: x, description: 'see {{ steps.again.h }}'}\n",
    ],
    ids=["loop-over-saved-hashes", "a-save-that-copies-a-hash"],
)
def test_a_known_deletehash_is_never_sent_where_imgur_shows_it(
    run_text: RunText, sandbox: Sandbox, steps: str
) -> None:
    ran = run_text(
        "version: 1\nsteps:\n  - id: imgs\n    call: account.list_images\n"
        "    with: {username: me}\n    save: {hashes: 'data[*].deletehash'}\n" + steps
    )

    retitle = ran.step("retitle")
    assert retitle.status is Status.FAILED
    assert "would send a deletehash or token to Imgur" in json.dumps(ran.report)
    assert "POST" not in [r.method for r in sandbox.received]
