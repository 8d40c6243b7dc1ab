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
        "    with: {{password: x, client_id: y}}\n"
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
    [({"count": "7"}, 7), ({"count": "seven"}, None), ({"new": "x"}, "x")],
    ids=["typed", "wrong-type", "new-var"],
)
def test_var_overrides_keep_the_playbook_type(
    write_playbook: WritePlaybook, override: dict[str, str], expected: object
) -> None:
    path = write_playbook(
        "version: 1\nvars: {count: 3}\nsteps:\n  - id: a\n    call: album.create\n"
    )
    name = next(iter(override))
    if expected is None:
        with pytest.raises(InvalidPlaybook, match="problem") as caught:
            load_playbook(path, overrides=override)
        assert "whole number" in caught.value.problems[0].message
    else:
        assert load_playbook(path, overrides=override).vars[name] == expected


def test_vars_cannot_hold_templates(write_playbook: WritePlaybook) -> None:
    path = write_playbook(
        "version: 1\nvars:\n  a: '{{ run.id }}'\n"
        "steps:\n  - id: a\n    call: album.create\n"
    )
    [problem] = problems_of(path)
    assert problem.line == 3
    assert "plain values" in problem.message
