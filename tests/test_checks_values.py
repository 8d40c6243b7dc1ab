"""Static checks of what is known before a run: loops, files, numbers, templates.

Each of these mistakes used to reach the run (or be explained wrongly) and is
now a problem with its line and its fix before anything is sent.
"""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from runner.errors import InvalidPlaybook, Problem
from runner.playbook import load_playbook

WritePlaybook = Callable[[str], Path]

HEADER = "version: 1\nvars:\n  tags: 'cats, aww'\n  n: 5\n  t: hi\nsteps:\n"


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path)
    return caught.value.problems


@pytest.mark.parametrize(
    ("steps", "line", "message", "hint"),
    [
        (
            "  - id: a\n    call: account.follow_tag\n"
            "    for_each: '{{ vars.tags }}'\n    with: {tagName: '{{ item }}'}\n",
            9,
            '{{ vars.tags }} is text ("cats, aww"), not a list to go through',
            "make it a list: tags: [cats, aww]",
        ),
        (
            "  - id: a\n    call: account.follow_tag\n"
            "    for_each: '{{ vars.n }}'\n    with: {tagName: '{{ item }}'}\n",
            9,
            "{{ vars.n }} is the number 5, not a list to go through",
            "make it a list: n: [5]",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    save: {favourites: data}\n"
            "    export: {to: out.csv, rows: favourite}\n",
            11,
            "`favourite` is not something this step saved (it saves favourites)",
            "did you mean `favourites`?",
        ),
        (
            "  - id: a\n    call: account.get\n    for_each: [x]\n"
            "    with: {username: '{{ item }}'}\n"
            "    export: {to: out.csv, rows: 'rowz[*].id'}\n",
            11,
            "`rowz` is not something this step saved (it saves items)",
            "a loop's rows are its `items`",
        ),
        (
            "  - id: a\n    call: account.get\n    for_each: [x]\n    as: data\n"
            "    with: {username: '{{ data }}'}\n",
            10,
            "`data` is also a key of the response",
            "choose another name",
        ),
        (
            "  - id: a\n    call: image.upload\n    with: {image: beach.png}\n",
            9,
            '`image` is the text "beach.png": those words would be sent, not the file',
            "did you mean `image: {file: beach.png}`?",
        ),
        (
            "  - id: a\n    call: account.update_settings\n"
            "    with: {username: me, public_images: yes}\n",
            9,
            '`public_images` must be true or false, not "yes"',
            "write `public_images: true` (yes is text)",
        ),
        (
            "  - id: a\n    call: image.upload\n"
            "    with: {image: {file: beach.png}, disable_audio: on}\n",
            9,
            '`disable_audio` must be one of 1, not "on"',
            "write `disable_audio: 1` (on is text)",
        ),
        (
            "  - id: a\n    call: album.create\n    with:\n      privacy: hiden\n",
            10,
            '`privacy` must be one of public, hidden, secret, not "hiden"',
            "did you mean `hidden`?",
        ),
        (
            "  - id: a\n    call: account.list_favorites\n"
            "    with: {username: me, favoritesSort: latest}\n",
            9,
            '`favoritesSort` must be one of oldest, newest, not "latest"',
            "did you mean `newest`?",
        ),
        (
            "  - id: a\n    call: album.create\n"
            "    with: {title: '{{ vars.t | upper }}'}\n",
            9,
            "`| upper` in {{ vars.t | upper }} is a filter; templates are JMESPath",
            "JMESPath has no `upper`",
        ),
        (
            "  - id: a\n    call: album.create\n"
            "    with: {title: '{{ vars.tags | length }}'}\n",
            9,
            "`| length` in {{ vars.tags | length }} is a filter",
            "write {{ length(vars.tags) }}",
        ),
        (
            "  - id: a\n    call: album.create\n    with: {title: '{{vars.t}}}'}\n",
            9,
            "'{{vars.t}}}' has a `}` that closes nothing",
            "remove it",
        ),
        (
            "  - id: a\n    call: album.create\n    with: {title: x}\n"
            "    expect:\n      that: [\"data.url == '{{ vars.t }}'\"]\n",
            11,
            "this is a JMESPath expression already",
            "e.g. `data.url == vars.t`",
        ),
        (
            "  - id: a\n    call: album.create\n    with: {title: x}\n"
            "    when: vars.nope\n",
            10,
            "when `vars.nope`: `vars.nope` is not defined",
            None,
        ),
        (
            "  - id: a\n    call: album.create\n    with: {title: x}\n"
            "    retry: {attempts: 3, delay: .nan}\n",
            10,
            "`delay` is .nan, not a number a run can use",
            "write a number, such as `delay: 5`",
        ),
        (
            "  - id: a\n    call: album.create\n    with: {title: x}\n"
            "    retry: {attempts: 3, max_delay: .inf}\n",
            10,
            "`max_delay` must be more than 0 and 86400 or less, not .inf",
            None,
        ),
        (
            "  - id: a\n    call: album.create\n    with: {title: x}\n"
            "    retry: {attempts: 3, backoff: 1.0e+308}\n",
            10,
            "`backoff` must be from 1 to 10",
            None,
        ),
        (
            "  - id: a\n    call: album.create\n    with: {title: x}\n"
            "    retry: {attempts: 3, delay: 7200}\n",
            10,
            "`delay` must be more than 0 and 3600 or less, not 7200",
            None,
        ),
    ],
    ids=[
        "for_each-over-text",
        "for_each-over-a-number",
        "export-rows-not-saved",
        "export-rows-of-a-loop",
        "as-hidden-by-the-response",
        "file-path-as-text",
        "yes-for-true",
        "on-for-one",
        "typo-of-a-choice",
        "a-word-for-a-choice",
        "filter-without-jmespath",
        "filter-with-jmespath",
        "stray-brace",
        "quoted-template-in-that",
        "when-is-not-a-template",
        "retry-nan",
        "retry-inf",
        "retry-backoff-huge",
        "retry-delay-over-an-hour",
    ],
)
def test_each_mistake_is_found_before_the_run(
    write_playbook: WritePlaybook,
    tmp_path: Path,
    steps: str,
    line: int,
    message: str,
    hint: str | None,
) -> None:
    (tmp_path / "beach.png").write_bytes(b"png")
    problems = problems_of(write_playbook(HEADER + steps))

    assert len(problems) == 1, [str(p) for p in problems]
    [problem] = problems
    assert (problem.line, problem.step) == (line, "a"), str(problem)
    assert message in problem.message
    if hint:
        assert problem.hint is not None and hint in problem.hint, problem.hint


@pytest.mark.parametrize(
    "image",
    [
        "https://example.com/beach.png",
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
        "nothere.png",
    ],
    ids=["url", "base64", "no-such-file"],
)
def test_an_image_given_as_text_that_is_no_file_is_sent_as_text(
    write_playbook: WritePlaybook, image: str
) -> None:
    path = write_playbook(
        f"version: 1\nsteps:\n  - id: a\n    call: image.upload\n"
        f"    with: {{image: '{image}'}}\n"
    )
    assert load_playbook(path).steps[0].args == {"image": image}


def test_for_each_over_a_json_input_that_is_text(
    write_playbook: WritePlaybook,
) -> None:
    path = write_playbook(
        "version: 1\ninputs:\n  users: users.json\nsteps:\n"
        "  - id: a\n    call: account.get\n    for_each: '{{ inputs.users }}'\n"
        "    with: {username: '{{ item }}'}\n"
    )
    (path.parent / "users.json").write_text(json.dumps("bob, amy"))

    [problem] = problems_of(path)
    assert problem.line == 7
    assert problem.message.endswith('is text ("bob, amy"), not a list to go through')
    assert problem.hint == "the file of `inputs.users` must hold a list of rows"


def test_an_input_that_failed_to_load_is_one_problem(
    write_playbook: WritePlaybook,
) -> None:
    path = write_playbook(
        "version: 1\ninputs:\n  spammers: spammers.csv\nsteps:\n"
        "  - id: a\n    call: account.block_user\n"
        "    for_each: '{{ inputs.spammers }}'\n"
        "    with: {username: '{{ item.username }}'}\n"
    )
    (path.parent / "spammers.csv").write_text("username\nbob,extra\n")

    problems = problems_of(path)
    assert [p.file.name for p in problems] == ["spammers.csv"], problems
    assert "is not defined" not in str(problems[0])


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        (
            "- id: me\n  call: account.get\n",
            1,
            "a playbook is `key: value` lines: `version: 1`, then its steps",
        ),
        ("version: 1\nsteps:\n", 2, "list the steps under it"),
        ("version: 1\nname:\nsteps: []\n", 2, "write a value after `name:`"),
        (
            "version: 1\nsteps:\n  - id: a\n    call: album.create\n"
            "    retry: {attempts: 2, jitter: no}\n",
            5,
            "write `jitter: false` (no is text)",
        ),
    ],
    ids=["a-list", "steps-empty", "name-empty", "no-for-false"],
)
def test_a_playbook_of_the_wrong_shape_says_what_to_write(
    write_playbook: WritePlaybook, text: str, line: int, hint: str
) -> None:
    problems = problems_of(write_playbook(text))
    assert problems[0].line == line
    assert problems[0].hint is not None and hint in problems[0].hint


SHORT = "Qz7"  # a deletehash too short to be masked wherever it is written
SHORT_SECRETS = """\
version: 1
vars: {dh: long-enough-hash, hashes: [long-enough-hash]}
inputs: {rows: rows.csv}
steps:
  - id: a
"""


@pytest.mark.parametrize(
    ("step", "overrides", "message", "hint"),
    [
        (
            f"    call: image.update_anonymous\n"
            f"    with: {{imageDeleteHash: {SHORT}, title: t}}\n",
            {},
            "the value of `imageDeleteHash` has fewer than 4 characters",
            "give `imageDeleteHash:` the whole value",
        ),
        (
            "    call: image.update_anonymous\n"
            "    with: {imageDeleteHash: '{{ vars.dh }}', title: t}\n",
            {"dh": SHORT},
            "; vars.dh gives it (from --var)",
            "give `dh` the whole value",
        ),
        (
            "    call: album.add_images_anonymous\n"
            "    with: {albumDeleteHash: long-enough-hash, "
            "deletehashes: '{{ vars.hashes }}'}\n",
            {"hashes": f"[long-enough-hash, {SHORT}]"},
            "the value of `deletehashes` has fewer than 4 characters",
            "give `hashes` the whole value",
        ),
        (
            "    call: image.update_anonymous\n"
            "    for_each: '{{ inputs.rows }}'\n"
            "    with: {imageDeleteHash: '{{ item.dh }}', title: t}\n",
            {},
            "; {{ item.dh }} gives it for item 2",
            "give the whole value",
        ),
        (
            "    call: album.add_images_anonymous\n"
            f"    with: {{albumDeleteHash: 'long-enough-hash', "
            f"deletehashes: 'long-enough-hash,{SHORT}'}}\n",
            {},
            "the value of `deletehashes` has fewer than 4 characters",
            "give `deletehashes:` the whole value",
        ),
    ],
    ids=["written-out", "from-a-var", "in-a-list", "from-a-row", "in-commas"],
)
def test_a_secret_too_short_to_mask_is_refused_before_the_run(
    write_playbook: WritePlaybook,
    step: str,
    overrides: dict[str, str],
    message: str,
    hint: str,
) -> None:
    path = write_playbook(SHORT_SECRETS + step)
    (path.parent / "rows.csv").write_text(f"dh\nlong-enough-hash\n{SHORT}\n")

    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path, overrides=overrides)

    [problem] = caught.value.problems
    assert message in problem.message
    assert problem.hint == hint
    assert problem.line == SHORT_SECRETS.count("\n") + step.count("\n")
    assert SHORT not in str(problem)


def test_a_secret_that_is_no_list_is_one_value_however_many_commas(
    write_playbook: WritePlaybook,
) -> None:
    path = write_playbook(
        "version: 1\nsteps:\n  - id: bye\n    call: account.delete_me\n"
        "    allow_destructive: true\n"
        "    with: {client_id: someclientid, password: 'my,pass,is,long'}\n"
    )

    step = load_playbook(path, allow_destructive=True).steps[0]
    assert step.args["password"] == "my,pass,is,long"
