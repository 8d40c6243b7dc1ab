"""Optional fields and guarded calls: valid playbooks the checks let through.

Rows often leave a field out, and a `when` or a `&&` often guards a call
that only works for some values. The checks refuse only what would fail
(or be a typo), never the careful way of writing it.
"""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from runner.errors import InvalidPlaybook, Problem
from runner.known import MOST_CHECKED_ITEMS
from runner.playbook import Playbook, load_playbook

WritePlaybook = Callable[[str], Path]

LOOP = """\
version: 1
inputs:
  imgs: items.json
steps:
  - id: t
    call: image.update
    for_each: "{{ inputs.imgs }}"
"""
# The loop's keys after `for_each` start on this line.
AFTER_LOOP = LOOP.count("\n") + 1


@pytest.fixture
def loop_over(
    tmp_path: Path, write_playbook: WritePlaybook
) -> Callable[[list[object], str], Path]:
    """A playbook that goes through `items` with the step keys `keys`."""

    def write(items: list[object], keys: str) -> Path:
        (tmp_path / "items.json").write_text(json.dumps(items), encoding="utf-8")
        return write_playbook(LOOP + keys)

    return write


def problems_of(path: Path, **overrides: str) -> list[Problem]:
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path, overrides=overrides)
    return caught.value.problems


def one_problem(path: Path, **overrides: str) -> Problem:
    problems = problems_of(path, **overrides)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


IDS_ONLY = [{"id": "abc12345"}, {"id": "def67890"}]
SOME_TITLED = [{"id": "abc12345", "title": "Beach"}, {"id": "def67890"}]


@pytest.mark.parametrize(
    ("items", "keys"),
    [
        (
            IDS_ONLY,
            "    with: {imageHash: '{{ item.id }}', "
            "title: \"{{ item.title || 'Untitled' }}\"}\n",
        ),
        (
            IDS_ONLY,
            "    when: 'item.skip != `true`'\n    with: {imageHash: '{{ item.id }}'}\n",
        ),
        (
            IDS_ONLY,
            "    when: 'item.title == `null`'\n"
            "    with: {imageHash: '{{ item.id }}', title: none}\n",
        ),
        (
            IDS_ONLY,
            "    with: {imageHash: '{{ item.id }}', "
            "title: \"{{ not_null(item.title, 'x') }}\"}\n",
        ),
        (
            IDS_ONLY,
            "    when: \"type(item.title) == 'string'\"\n"
            "    with: {imageHash: '{{ item.id }}'}\n",
        ),
        (
            SOME_TITLED,
            "    when: 'item.title != `null`'\n"
            "    with: {imageHash: '{{ item.id }}', title: '{{ item.title }}'}\n",
        ),
    ],
    ids=["default", "compared", "compared-with-null", "not-null", "type", "guarded"],
)
def test_a_field_read_as_optional_passes(
    loop_over: Callable[[list[object], str], Path], items: list[object], keys: str
) -> None:
    playbook: Playbook = load_playbook(loop_over(items, keys))

    assert playbook.steps[0].call == "image.update"


def test_every_item_is_looked_at_for_a_field(
    loop_over: Callable[[list[object], str], Path],
) -> None:
    """Past the items rendered one by one, a field is still found, not a typo."""
    many = [{"id": f"id{n:05}", "title": "t"} for n in range(MOST_CHECKED_ITEMS)]
    items: list[object] = [*many, {"id": "last1234", "titles": "the last"}]
    keys = (
        "    when: 'item.titles != `null`'\n"
        "    with: {imageHash: '{{ item.id }}', title: '{{ item.titles }}'}\n"
    )

    assert load_playbook(loop_over(items, keys)).steps[0].when is not None


@pytest.mark.parametrize(
    ("items", "keys", "message", "hint"),
    [
        (
            SOME_TITLED,
            "    with: {imageHash: '{{ item.id }}', "
            "title: \"{{ item.titel || 'Untitled' }}\"}\n",
            "{{ item.titel || 'Untitled' }}: no item has a field `titel` "
            "(their fields: id, title)",
            "did you mean `item.title`?",
        ),
        (
            SOME_TITLED,
            "    when: 'item.Title != `null`'\n"
            "    with: {imageHash: '{{ item.id }}'}\n",
            "when `item.Title != `null``: no item has a field `Title` "
            "(their fields: id, title)",
            "did you mean `item.title`?",
        ),
        (
            IDS_ONLY,
            "    with: {imageHash: '{{ item.ID }}'}\n",
            "{{ item.ID }}: no item has a field `ID` (their fields: id)",
            "did you mean `item.id`?",
        ),
    ],
    ids=["typo-behind-a-default", "typo-in-when", "typo-given-to-a-parameter"],
)
def test_a_misspelt_field_is_refused_wherever_it_is_read(
    loop_over: Callable[[list[object], str], Path],
    items: list[object],
    keys: str,
    message: str,
    hint: str,
) -> None:
    problem = one_problem(loop_over(items, keys))

    assert problem.message.endswith(message), problem.message
    assert problem.hint == hint
    assert problem.line == AFTER_LOOP


def test_a_field_a_call_cannot_go_without_is_refused_for_its_item(
    loop_over: Callable[[list[object], str], Path],
) -> None:
    keys = "    with: {imageHash: '{{ item.id }}', title: '{{ item.title }}'}\n"

    problem = one_problem(loop_over(SOME_TITLED, keys))

    assert problem.message == (
        "{{ item.title }} is undefined: nothing is called `item.title` at this "
        'point of the run for item 2 ({"id": "def67890"})'
    )


GUARDED = """\
version: 1
vars:
  before: ""
steps:
  - id: images
    call: account.list_images
    with: {username: me}
    save:
      images: "data[*].{id: id, uploaded: datetime}"
  - id: delete
    call: image.delete
    allow_destructive: true
    for_each: "{{ steps.images.images }}"
    as: image
    when: "WHEN"
    with:
      imageHash: "{{ image.id }}"
"""


@pytest.mark.parametrize(
    "when",
    [
        "vars.before != '' && image.uploaded < to_epoch(vars.before)",
        "vars.before == '' || image.uploaded < to_epoch(vars.before)",
    ],
    ids=["and", "or"],
)
def test_a_guarded_call_is_worked_out_only_where_its_guard_lets_it(
    write_playbook: WritePlaybook, when: str
) -> None:
    path = write_playbook(GUARDED.replace("WHEN", when))

    assert load_playbook(path, allow_destructive=True).steps[1].when is not None
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path, allow_destructive=True, overrides={"before": "01/02/2021"})
    [problem] = caught.value.problems
    assert "to_epoch() needs a date like 2024-05-01" in problem.message
    assert problem.hint == "--var before=2024-05-01"


SKIPPED = """\
version: 1
vars:
  before: ""
steps:
  - id: x
    call: account.get
    when: "vars.before != ''"
    with: {username: me}
    expect:
      that: ["data.created < to_epoch(vars.before)"]
"""


def test_the_expressions_of_a_step_when_skips_are_not_worked_out(
    write_playbook: WritePlaybook,
) -> None:
    path = write_playbook(SKIPPED)

    assert load_playbook(path).steps[0].expect.that
    problem = one_problem(path, before="01/02/2021")
    assert problem.line == SKIPPED.count("\n")
    assert "to_epoch() needs a date like 2024-05-01" in problem.message


def test_a_call_when_skips_for_its_item_is_not_rendered(
    loop_over: Callable[[list[object], str], Path],
) -> None:
    keys = "    when: 'item.title != `null`'\n" + (
        "    with: {imageHash: '{{ item.id }}', title: 'New: {{ item.title }}'}\n"
    )
    path = loop_over(SOME_TITLED, keys)

    assert load_playbook(path).steps[0].args["title"] == "New: {{ item.title }}"
    problem = one_problem(loop_over(SOME_TITLED, keys.replace("`null`", "`1`")))
    assert problem.message.endswith(
        "nothing is called `item.title` at this point of the run for item 2 "
        '({"id": "def67890"})'
    )
