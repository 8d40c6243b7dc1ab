"""Habits from other template languages, each named with the JMESPath for it."""

from collections.abc import Callable
from pathlib import Path

import pytest

from runner.errors import InvalidPlaybook, Problem
from runner.playbook import load_playbook

WritePlaybook = Callable[[str], Path]

HEADER = """\
version: 1
vars: {a: x, b: y, title: Holiday}
steps:
  - id: a
    call: album.create
"""


def one_problem(path: Path) -> Problem:
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path)
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


@pytest.mark.parametrize(
    ("step", "message", "hint"),
    [
        (
            "    with: {title: '{{ vars.a or not vars.b }}'}\n",
            "`vars.a or not vars.b` is not valid JMESPath",
            "JMESPath uses signs for these words: `or` → `||`, `not` → `!`",
        ),
        (
            "    with: {title: t}\n    when: vars.a = 'x'\n",
            "`vars.a = 'x'` is not valid JMESPath",
            "compare with `==` (two equals signs)",
        ),
        (
            "    with: {title: '{{ default(vars.title) }}'}\n",
            "`default(vars.title)`: there is no function default()",
            "a default is written with ||: {{ vars.x || 'instead' }}",
        ),
        (
            '    with: {title: t}\n    when: vars.a == "x"\n',
            '`"x"` in `vars.a == "x"` is a field name in JMESPath, not text',
            "write text in single quotes: 'x'",
        ),
        (
            "    with: {title: '{{ vars.a == \"x\" }}'}\n",
            '`"x"` in `vars.a == "x"` is a field name in JMESPath, not text',
            "write text in single quotes: 'x'",
        ),
        (
            "    with: {title: '{{ vars.title | upper }}'}\n",
            "`| upper` in {{ vars.title | upper }} is a filter",
            "JMESPath has no `upper`: put the value in `vars:` as it should be",
        ),
        (
            "    with: {title: t}\n    when: vars.a | length\n",
            "`| length` in `vars.a | length` is a filter",
            "write `length(vars.a)` (for a field called `length`, write vars.a.length)",
        ),
        (
            "    with: {title: t}\n    save: {n: 'data | count'}\n",
            "`| count` in `data | count` is a filter",
            "write `length(data)` (for a field called `count`, write data.count)",
        ),
        (
            "    with: {title: t}\n    expect: {that: ['data.images | first']}\n",
            "`| first` in `data.images | first` is a filter",
            "write `data.images[0]` (for a field called `first`, write "
            "data.images.first)",
        ),
        (
            "    with: {title: t}\n"
            "    when: length(vars.a) > 1 && vars.b < 2.5 && vars.b < 1e3\n",
            "is not valid JMESPath: invalid token at `1`",
            "JMESPath writes a number in backticks: "
            "length(vars.a) > `1` && vars.b < `2.5` && vars.b < `1e3`",
        ),
        (
            "    with: {title: t}\n    when: vars.a == true\n",
            "a bare `true` is read as a field called true, not the value",
            "write the value in backticks, as in: x == `true`",
        ),
        (
            "    with: {title: t}\n    save: {off: 'data.privacy == false'}\n",
            "a bare `false` is read as a field called false, not the value",
            "write the value in backticks, as in: x == `false`",
        ),
        (
            "    with: {title: t}\n    expect: {that: ['data.id | length > `0`']}\n",
            "`| length` in `data.id | length > `0`` is a filter",
            "write `length(data.id) > `0`` (for a field called `length`, write "
            "data.id.length)",
        ),
    ],
    ids=[
        "or-and-not",
        "one-equals-sign",
        "jinja-default",
        "double-quotes-in-when",
        "double-quotes-in-a-template",
        "jinja-filter",
        "filter-in-when",
        "filter-in-save",
        "filter-in-expect",
        "bare-numbers",
        "bare-true",
        "bare-false-over-a-response",
        "filter-then-a-comparison",
    ],
)
def test_a_habit_from_elsewhere_is_named_with_its_fix(
    write_playbook: WritePlaybook, step: str, message: str, hint: str
) -> None:
    problem = one_problem(write_playbook(HEADER + step))

    assert message in problem.message
    assert problem.hint == hint


def test_a_field_that_is_named_like_a_filter_is_a_field(
    write_playbook: WritePlaybook,
) -> None:
    playbook = write_playbook(
        "version: 1\nvars: {photo: {title: Beach}}\nsteps:\n"
        "  - id: a\n    call: album.create\n"
        "    with: {title: '{{ vars.photo | title }}'}\n"
    )

    assert load_playbook(playbook).steps[0].args["title"] == (
        "{{ vars.photo | title }}"
    )


def test_a_bare_null_reads_as_null(write_playbook: WritePlaybook) -> None:
    playbook = write_playbook(
        HEADER + "    with: {title: t}\n    when: vars.a != null\n"
        "    expect: {that: ['data.id != null']}\n"
    )

    assert load_playbook(playbook).steps[0].when is not None
