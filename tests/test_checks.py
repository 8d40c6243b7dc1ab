"""Static checks: every problem found before a request, each in its place."""

from collections.abc import Callable
from pathlib import Path

import pytest

from runner.errors import InvalidPlaybook, Problem
from runner.playbook import load_playbook

WritePlaybook = Callable[[str], Path]

HEADER = "version: 1\nvars:\n  title: Holiday\nsteps:\n"


def problems_of(path: Path, **options: bool) -> list[Problem]:
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path, **options)
    return caught.value.problems


def one_problem(write: WritePlaybook, steps: str) -> Problem:
    problems = problems_of(write(HEADER + steps))
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_a_good_playbook_builds_its_model(write_playbook: WritePlaybook) -> None:
    path = write_playbook(
        HEADER + "  - id: me\n    call: account.get\n    with: {username: me}\n"
        "    save: {name: data.url}\n"
    )
    playbook = load_playbook(path)
    [step] = playbook.steps
    assert (step.id, step.call, step.line) == ("me", "account.get", 5)
    assert step.save["name"].source == "data.url"


@pytest.mark.parametrize(
    ("steps", "line", "message", "hint"),
    [
        (
            "  - id: a\n    call: album.creat\n",
            6,
            "unknown endpoint `album.creat`",
            "did you mean `album.create`",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {usrname: me}\n",
            7,
            "has no parameter `usrname`",
            "did you mean `username`",
        ),
        (
            "  - id: a\n    call: account.get\n",
            5,
            "`username` is required by account.get",
            "add `username:`",
        ),
        (
            "  - id: a\n    call: album.create\n    with: {privacy: hiden}\n",
            7,
            "must be one of public, hidden, secret",
            None,
        ),
        (
            "  - id: a\n    call: account.list_images\n"
            "    with:\n      username: me\n      page: two\n",
            9,
            "`page` must be a whole number",
            None,
        ),
        (
            "  - id: a\n    call: album.create\n"
            "    with: {title: '{{ vars.titel }}'}\n",
            7,
            "`vars.titel` is not defined",
            "did you mean `title`",
        ),
        (
            "  - id: a\n    call: album.create\n    with: {title: '{{ steps.b.x }}'}\n"
            "  - id: b\n    call: album.create\n    save: {x: data.id}\n",
            7,
            "step `b` has not run yet",
            "move this step after it",
        ),
        (
            "  - id: a\n    call: album.create\n    save: {id: data.id}\n"
            "  - id: b\n    call: album.create\n"
            "    with: {title: '{{ steps.a.name }}'}\n",
            10,
            "step `a` saves no `name` (it saves id)",
            None,
        ),
        (
            "  - id: a\n    call: album.create\n    save: {id: 'data[?x = 1]'}\n",
            7,
            "not valid JMESPath",
            None,
        ),
        (
            "  - id: a\n    call: album.create\n    expect:\n"
            "      that: ['{{ data.id }}']\n",
            8,
            "JMESPath expression already",
            "data.id",
        ),
        (
            "  - id: a\n    call: image.upload\n"
            "    with: {image: {file: nothere.png}}\n",
            7,
            "no file",
            "relative to the playbook",
        ),
        (
            "  - id: a\n    call: album.create\n  - id: a\n    call: album.create\n",
            7,
            "step id `a` is used twice",
            None,
        ),
        (
            "  - id: a\n    call: image.upload\n    with: {title: Beach}\n",
            7,
            "image.upload needs `image` or `video`",
            "add `image:` or `video:` under `with:`",
        ),
        (
            "  - id: a\n    call: account.list_blocks\n    with: {page: 1}\n",
            7,
            "account.list_blocks has no parameter `page`",
            "account.list_blocks takes no parameters",
        ),
    ],
    ids=[
        "unknown-endpoint",
        "unknown-parameter",
        "missing-required",
        "value-not-allowed",
        "page-not-a-number",
        "undefined-var",
        "step-not-run-yet",
        "name-not-saved",
        "bad-jmespath",
        "template-in-expression",
        "missing-file",
        "duplicate-id",
        "upload-without-image-or-video",
        "parameter-of-a-parameterless-endpoint",
    ],
)
def test_each_mistake_is_named_placed_and_explained(
    write_playbook: WritePlaybook,
    steps: str,
    line: int,
    message: str,
    hint: str | None,
) -> None:
    problem = one_problem(write_playbook, steps)
    assert problem.line == line
    assert problem.step == "a" or problem.step == "b"
    assert message in problem.message
    if hint:
        assert problem.hint is not None and hint in problem.hint


@pytest.mark.parametrize(
    ("call", "args"),
    [
        ("album.create", "{ids: 'abc,def'}"),
        ("album.create", "{ids: [abc, def]}"),
        (
            "album.add_images_anonymous",
            "{albumDeleteHash: anonalbum1, deletehashes: 'hash1,hash2'}",
        ),
    ],
    ids=["comma-string", "list", "deletehashes-string"],
)
def test_album_images_go_as_a_list_or_a_comma_string(
    write_playbook: WritePlaybook, call: str, args: str
) -> None:
    step = f"  - id: a\n    call: {call}\n    with: {args}\n"
    assert load_playbook(write_playbook(HEADER + step)).steps[0].call == call


def test_a_video_is_uploaded_without_an_image(write_playbook: WritePlaybook) -> None:
    path = write_playbook(
        HEADER + "  - id: a\n    call: image.upload\n"
        "    with: {video: {file: clip.mp4}}\n"
    )
    (path.parent / "clip.mp4").write_bytes(b"not really a video")
    assert load_playbook(path).steps[0].args["video"] == {"file": "clip.mp4"}


def test_a_misspelt_upload_field_is_one_problem(write_playbook: WritePlaybook) -> None:
    problem = one_problem(
        write_playbook, "  - id: a\n    call: image.upload\n    with: {imge: x}\n"
    )
    assert problem.hint is not None and "did you mean `image`" in problem.hint


def test_all_problems_are_reported_at_once(write_playbook: WritePlaybook) -> None:
    path = write_playbook(
        "version: 1\nstpes: []\nsteps:\n"
        "  - id: a\n    call: album.creat\n"
        "  - id: b\n    call: account.get\n    with: {username: '{{ vars.x }}'}\n"
    )
    problems = problems_of(path)
    assert [p.line for p in problems] == [2, 5, 8]
    assert all(p.file == path for p in problems)


def test_a_destructive_call_needs_the_step_and_the_command_line(
    write_playbook: WritePlaybook,
) -> None:
    steps = (
        "  - id: bye\n    call: account.delete_me\n{extra}"
        "    with: {{password: long-password, client_id: someclientid}}\n"
    )
    unmarked = write_playbook(HEADER + steps.format(extra=""))
    [problem] = problems_of(unmarked, allow_destructive=True)
    assert "cannot be undone" in problem.message
    assert problem.hint and "allow_destructive: true" in problem.hint

    marked = write_playbook(
        HEADER + steps.format(extra="    allow_destructive: true\n")
    )
    [problem] = problems_of(marked)
    assert problem.hint == "run again with --allow-destructive"
    assert load_playbook(marked, allow_destructive=True).steps[0].call == (
        "account.delete_me"
    )


@pytest.mark.parametrize(
    ("override", "expected"),
    [({"count": "7"}, 7), ({"count": "seven"}, "whole number"), ({"cuont": "x"}, "")],
    ids=["typed", "wrong-type", "unknown-var"],
)
def test_var_overrides_keep_the_playbook_type(
    write_playbook: WritePlaybook, override: dict[str, str], expected: object
) -> None:
    path = write_playbook(
        "version: 1\nvars: {count: 3}\nsteps:\n  - id: a\n    call: album.create\n"
    )
    name = next(iter(override))
    if isinstance(expected, int):
        assert load_playbook(path, overrides=override).vars[name] == expected
        return
    [problem] = problems_of_overrides(path, override)
    assert problem.line == 2
    if expected:
        assert expected in problem.message
    else:
        assert problem.message == "--var cuont=x: the playbook has no var `cuont`"
        assert problem.hint == "did you mean --var count=x?"


def problems_of_overrides(path: Path, overrides: dict[str, str]) -> list[Problem]:
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path, overrides=overrides)
    return caught.value.problems


def test_vars_cannot_hold_templates(write_playbook: WritePlaybook) -> None:
    path = write_playbook(
        "version: 1\nvars:\n  a: '{{ run.id }}'\n"
        "steps:\n  - id: a\n    call: album.create\n"
    )
    [problem] = problems_of(path)
    assert problem.line == 3
    assert "plain values" in problem.message


STEP = "  - id: a\n    call: account.get\n    with: {username: me}\n"


@pytest.mark.parametrize(
    ("text", "message", "fix"),
    [
        (
            "steps:\n" + STEP,
            "`version` is missing at the top of the playbook",
            "add `version: 1` as the first line",
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    until: data.in_gallery\n",
            "unknown key `until` in this step",
            "`until` goes inside `retry`: retry: {attempts: 5, delay: 2, until: ...}",
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    expect: {that: data.id != null}\n",
            '`that` must be a list, not "data.id != null"',
            'write a list: `that: ["data.id != null"]`',
        ),
        (
            "version: 1\nsteps:\n  - id: 1\n    call: account.get\n"
            "    with: {username: me}\n",
            "`id` must be text, not 1",
            "write a name that starts with a letter, such as `id: step1`",
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    on_error: skip\n",
            '`on_error` must be stop or continue, not "skip"',
            "write `on_error: stop` or `on_error: continue`",
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    retry: {attempts: 0}\n",
            "`attempts` must be from 1 to 100, not 0",
            "write a whole number (from 1 to 100), such as `attempts: 3`",
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    expect: {status: [200, 99]}\n",
            "item 2 of `status` must be from 100 to 599, not 99",
            "write a whole number (from 100 to 599), such as `200`",
        ),
        (
            "version: 1\nsteps:\n  - id: a\n    with: {username: me}\n",
            "`call` is missing in this step",
            "add `call: ENDPOINT`, such as `call: account.get` "
            "(`imgur-playbook endpoints` lists them)",
        ),
        (
            "version: 1\nsecrets: IMGUR_TOKEN\nsteps:\n" + STEP,
            '`secrets` must be a list, not "IMGUR_TOKEN"',
            "write a list: `secrets: [IMGUR_TOKEN]`",
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    retry: yes\n",
            '`retry` must be a mapping (key: value lines), not "yes"',
            "write `name: value` pairs, such as `retry: {attempts: 5, delay: 2}`",
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    description: 5\n",
            "`description` must be text, not 5",
            'put it in quotes: `description: "5"`',
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    save: {n: 5}\n",
            "`n` must be text, not 5",
            "write a JMESPath expression, such as `n: data.id`",
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    retry: {attempts: '3'}\n",
            '`attempts` must be a whole number, not "3"',
            "write a number without quotes, such as `attempts: 3`",
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    retry: {attempts: 3, jitter: 2}\n",
            "`jitter` must be true or false, not 2",
            "write `jitter: true` or `jitter: false`",
        ),
        (
            "version: 1\ninputs: {a: {file: a.csv, delimiter: ';;'}}\nsteps:\n" + STEP,
            '`delimiter` must be one character, not ";;"',
            'write one character, such as `delimiter: ";"`',
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    save: {d: data}\n"
            "    export: {to: '', rows: d}\n",
            "`to` cannot be empty",
            "write a value, such as `to: exports/rows.csv`, or remove the line",
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    save: {d: data}\n"
            "    export: {to: a.csv, rows: d, columns: []}\n",
            "`columns` needs at least one column",
            "list one column, such as `columns: [id, title]`, or remove `columns:`",
        ),
        (
            "version: 1\nsteps:\n" + STEP + "    for_each: inputs.people\n",
            '`for_each` "inputs.people" is not a {{ template }}',
            'write a {{ template }}, such as `for_each: "{{ inputs.people }}"`',
        ),
    ],
    ids=[
        "missing-version",
        "until-beside-retry",
        "that-not-a-list",
        "id-a-number",
        "enum",
        "minimum",
        "minimum-in-a-list",
        "missing-call",
        "secrets-not-a-list",
        "retry-not-a-mapping",
        "text-not-a-number",
        "expression-not-a-number",
        "number-in-quotes",
        "boolean",
        "max-length",
        "min-length",
        "min-items",
        "pattern",
    ],
)
def test_a_schema_mistake_says_how_to_fix_it(
    write_playbook: WritePlaybook, text: str, message: str, fix: str
) -> None:
    problems = [
        p for p in problems_of(write_playbook(text)) if "format of ''" not in p.message
    ]

    assert [(p.message, p.hint) for p in problems] == [(message, fix)]
