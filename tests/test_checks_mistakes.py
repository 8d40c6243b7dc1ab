"""Mistakes a new user makes, each caught before the run with its own fix.

Each of these used to pass `validate` and fail (or quietly do nothing) in
the run, or was caught with a message that sent the reader the wrong way.
"""

from collections.abc import Callable
from pathlib import Path

import pytest

from runner.errors import InvalidPlaybook, Problem
from runner.playbook import Playbook, load_playbook

WritePlaybook = Callable[[str], Path]

HEADER = """\
version: 1
secrets: [MY_NOTE]
vars:
  name: Ann
  stats: {count: 3}
  tags: [cats, aww]
  hashes: "secretcomma444, secretcomma555"
  before: "2021-01-01"
  sort: newest
inputs:
  people: people.csv
  rows: h.csv
steps:
"""
# The first step starts on this line of the playbook.
FIRST = HEADER.count("\n") + 1
PEOPLE = "username,action\nbob,block\namy,keep\n"
HASHES = "deletehash,title\nsecrethash111,ok\nsecrethash222,fine\n"
SECRET_VALUES = ("secretcomma444", "secrethash111", "secrethash222")


@pytest.fixture
def playbook_of(tmp_path: Path, write_playbook: WritePlaybook) -> WritePlaybook:
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "h.csv").write_text(HASHES, encoding="utf-8")
    (tmp_path / "beach.png").write_bytes(b"png")
    (tmp_path / "exports").mkdir()
    return lambda steps: write_playbook(HEADER + steps)


def problems_of(path: Path, **overrides: str) -> list[Problem]:
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path, overrides=overrides)
    return caught.value.problems


def one_problem(path: Path, **overrides: str) -> Problem:
    problems = problems_of(path, **overrides)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def loaded(path: Path) -> Playbook:
    return load_playbook(path)


@pytest.mark.parametrize(
    ("steps", "message", "hint"),
    [
        (
            "  - id: a\n    call: album.create\n"
            "    with: {deletehashes: '{{ vars.hashes }}', title: t}\n",
            "`deletehashes` must be a list; vars.hashes is text",
            None,
        ),
        (
            "  - id: a\n    call: image.update_anonymous\n"
            "    for_each: '{{ inputs.rows }}'\n"
            "    with: {imageDeleteHash: '{{ item.deletehash }}', "
            "title: '{{ to_epoch(item.title) }}'}\n",
            "{{ to_epoch(item.title) }} could not be worked out: to_epoch() needs "
            "a date like 2024-05-01 or 2024-05-01T10:00 (read as UTC unless it "
            "gives a zone: 2024-05-01T10:00+02:00), not 'ok' for item 1 "
            '({"deletehash": "***", "title": "ok"})',
            None,
        ),
        (
            "  - id: a\n    call: image.delete_anonymous\n"
            "    for_each: '{{ inputs.rows }}'\n"
            "    with: {imageDeleteHash: '{{ item }}'}\n",
            "`imageDeleteHash` must be text; {{ item }} gives a mapping for item 1",
            None,
        ),
    ],
    ids=["secret-list-from-a-var", "item-with-a-deletehash", "secret-from-an-item"],
)
def test_a_check_never_quotes_a_secret(
    playbook_of: WritePlaybook, steps: str, message: str, hint: str | None
) -> None:
    problem = one_problem(playbook_of(steps))
    assert (problem.message, problem.hint) == (message, hint)
    assert not any(secret in str(problem) for secret in SECRET_VALUES)


@pytest.mark.parametrize(
    ("steps", "line", "message", "hint"),
    [
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    save: {note: secrets.MY_NOTE}\n",
            3,
            "`save.note` reads secrets; saved values are written to the report, "
            "so a secret cannot be saved",
            "read {{ secrets.NAME }} where it is needed instead",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    save: {me: data}\n"
            "    export: {to: 'exports/{{ secrets.MY_NOTE }}.csv', rows: '[me]'}\n",
            4,
            "the export's file name reads secrets, which would put a secret in a "
            "file name (and in the report, as ***)",
            "name the file with vars, run.id or a saved value",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    save: {me: data}\n"
            "    export: {to: exports, rows: '[me]', format: csv}\n",
            4,
            "the export would replace the folder ",
            "name a file in it, such as `to: exports/rows.csv`",
        ),
        (
            "  - id: a\n    call: image.upload\n"
            "    with: {image: {file: beach.png}}\n"
            "    retry: {attempts: 5, until: 'data.id != null'}\n",
            3,
            "`until` would send image.upload (POST) again on each attempt, doing it "
            "again each time",
            "`until` is for polling a read until it shows a change",
        ),
    ],
    ids=[
        "save-reads-a-secret",
        "export-named-by-a-secret",
        "export-to-a-folder",
        "until-on-an-upload",
    ],
)
def test_what_would_fail_after_a_request_fails_before_the_run(
    playbook_of: WritePlaybook, steps: str, line: int, message: str, hint: str
) -> None:
    problem = one_problem(playbook_of(steps))
    assert problem.line == FIRST + line, str(problem)
    assert message in problem.message
    assert problem.hint is not None and problem.hint.startswith(hint)


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("when", "person.Action == 'block'"),
        ("save", "{what: person.Action}"),
        ("expect", "{that: ['person.Action != null']}"),
        ("retry", "{attempts: 2, until: 'person.Action != null'}"),
    ],
    ids=["when", "save", "expect", "until"],
)
def test_a_misspelt_field_of_the_loop_item_is_caught_in_every_expression(
    playbook_of: WritePlaybook, key: str, text: str
) -> None:
    steps = (
        "  - id: a\n    call: account.get\n    for_each: '{{ inputs.people }}'\n"
        f"    as: person\n    with: {{username: '{{{{ person.username }}}}'}}\n"
        f"    {key}: {text}\n"
    )
    problem = one_problem(playbook_of(steps))
    assert problem.message.endswith(
        ": no item has a field `Action` (their fields: username, action)"
    )
    assert problem.hint == "did you mean `person.action`?"
    assert problem.line == FIRST + 5


def test_an_item_read_by_the_wrong_name_says_what_the_loop_calls_it(
    playbook_of: WritePlaybook,
) -> None:
    steps = (
        "  - id: a\n    call: account.block_user\n"
        "    for_each: '{{ inputs.people }}'\n    as: person\n"
        "    when: \"item.action == 'block'\"\n"
        "    with: {username: '{{ person.username }}'}\n"
    )
    problem = one_problem(playbook_of(steps))
    assert problem.message == (
        "when `item.action == 'block'`: this loop calls its item `person` (as: person)"
    )
    assert problem.hint == "write `person.action`"


@pytest.mark.parametrize(
    ("steps", "overrides", "message", "hint"),
    [
        (
            "  - id: a\n    call: account.list_images\n    for_each: [x]\n"
            "    with: {username: me}\n"
            "    when: 'item < to_epoch(vars.before)'\n",
            {"before": "01/02/2021"},
            "when `item < to_epoch(vars.before)`: to_epoch() needs a date like "
            "2024-05-01 or 2024-05-01T10:00 "
            "(read as UTC unless it gives a zone: 2024-05-01T10:00+02:00), "
            "not '01/02/2021'; vars.before is "
            '"01/02/2021" (from --var)',
            "--var before=2024-05-01",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    when: \"to_epoch('2021-02-30') > `0`\"\n",
            {},
            "when `to_epoch('2021-02-30') > `0``: to_epoch() needs a date like "
            "2024-05-01 or 2024-05-01T10:00 "
            "(read as UTC unless it gives a zone: 2024-05-01T10:00+02:00), "
            "not '2021-02-30'",
            None,
        ),
        (
            "  - id: a\n    call: account.list_favorites\n"
            "    with: {username: me, favoritesSort: '{{ vars.sort }}'}\n",
            {"sort": "latest"},
            '`favoritesSort` must be one of oldest, newest; vars.sort is "latest" '
            "(from --var)",
            "--var sort=newest",
        ),
        (
            "  - id: a\n    call: account.list_favorites\n"
            "    with: {username: me, favoritesSort: '{{ vars.name }}'}\n",
            {},
            '`favoritesSort` must be one of oldest, newest; vars.name is "Ann"',
            "write `name: newest` under `vars:`",
        ),
    ],
    ids=["date-from-var", "date-written-out", "choice-from-var", "choice-in-vars"],
)
def test_a_value_known_before_the_run_that_would_fail_fails_now(
    playbook_of: WritePlaybook,
    steps: str,
    overrides: dict[str, str],
    message: str,
    hint: str | None,
) -> None:
    problem = one_problem(playbook_of(steps), **overrides)
    assert (problem.message, problem.hint) == (message, hint)
    assert problem.line is not None and problem.line > FIRST


@pytest.mark.parametrize(
    "title",
    [
        "Hi {{ vars.name }} :-}",
        "{{ vars.stats | count }}",
        "{{ steps.a.image | title }}",
        "{ {{ vars.name }} }",
    ],
    ids=["smiley", "field-of-a-known-mapping", "field-imgur-has", "braces-around"],
)
def test_braces_and_pipes_that_are_not_mistakes_pass(
    playbook_of: WritePlaybook, title: str
) -> None:
    steps = (
        "  - id: a\n    call: account.get\n    with: {username: me}\n"
        "    save: {image: data}\n"
        f"  - id: b\n    call: album.create\n    with: {{title: '{title}'}}\n"
    )
    assert loaded(playbook_of(steps)).steps[1].args == {"title": title}


@pytest.mark.parametrize(
    ("title", "message", "hint"),
    [
        (
            "{{ vars.tags | count }}",
            "`| count` in {{ vars.tags | count }} is a filter",
            "write {{ length(vars.tags) }}",
        ),
        (
            "{{ steps.a.image | length }}",
            "`| length` in {{ steps.a.image | length }} is a filter",
            "write {{ length(steps.a.image) }} (for a field called `length`, "
            "write steps.a.image.length)",
        ),
        (
            "{{ vars.name | default }}",
            "`| default` in {{ vars.name | default }} is a filter",
            "write {{ vars.name || 'the value to use instead' }}",
        ),
    ],
    ids=["known-list", "unknown-value", "default"],
)
def test_a_jinja_filter_is_named_with_the_jmespath_for_it(
    playbook_of: WritePlaybook, title: str, message: str, hint: str
) -> None:
    steps = (
        "  - id: a\n    call: account.get\n    with: {username: me}\n"
        "    save: {image: data}\n"
        f"  - id: b\n    call: album.create\n    with: {{title: '{title}'}}\n"
    )
    problem = one_problem(playbook_of(steps))
    assert message in problem.message
    assert problem.hint == hint


@pytest.mark.parametrize(
    ("steps", "line", "message", "hint"),
    [
        (
            "  - id: a\n    call: image.upload\n    image: {file: beach.png}\n",
            2,
            "`image` is a parameter of image.upload: indent it under with:",
            "move `image:` under `with:`, indented two spaces more than `with:`",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    when: vars.name = 'Ann'\n",
            3,
            "`vars.name = 'Ann'` is not valid JMESPath",
            "compare with `==` (two equals signs)",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    when: vars.name == 'Ann' and vars.sort == 'newest'\n",
            3,
            "is not valid JMESPath",
            "JMESPath uses signs for these words: `and` → `&&`",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            '    when: vars.name == "Ann"\n',
            3,
            '`"Ann"` in `vars.name == "Ann"` is a field name in JMESPath, not text',
            "write text in single quotes: 'Ann'",
        ),
        (
            "  - id: a\n    call: album.create\n"
            "    with: {title: '{{ {{ vars.name }} }}'}\n",
            2,
            "has a template inside a template",
            "write it once: {{ vars.name }}",
        ),
        (
            "  - id: a\n    call: image.upload\n    with: {image: {file: beach.png}}\n"
            "    save: {image_id: data.id}\n"
            "  - id: b\n    call: image.get\n"
            "    with: {imageHash: '{{ steps.a.imageid }}'}\n",
            6,
            "step `a` saves no `imageid` (it saves image_id)",
            "did you mean `image_id`?",
        ),
        (
            "  - id: a\n    call: gallery.get_album\n"
            "    with: {galleryHash: <galleryHash>}\n",
            2,
            "<galleryHash> is a placeholder, not a value",
            "replace <galleryHash> with a real value",
        ),
        (
            "  - id: a\n    call: account.list_images\n    with: {username: me}\n"
            "    save: {ids: 'response.data[].id'}\n",
            3,
            "`response` is not a field; save, expect and until already read",
            "leave `response.` out: `data[].id`",
        ),
    ],
    ids=[
        "parameter-beside-with",
        "one-equals-sign",
        "and-for-&&",
        "double-quoted-text",
        "template-in-a-template",
        "save-name-typo",
        "pasted-placeholder",
        "response-prefix",
    ],
)
def test_a_common_mistake_gets_its_own_fix(
    playbook_of: WritePlaybook, steps: str, line: int, message: str, hint: str
) -> None:
    problem = one_problem(playbook_of(steps))
    assert problem.line == FIRST + line, str(problem)
    assert message in problem.message
    assert problem.hint == hint
