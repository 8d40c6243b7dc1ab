"""Static checks of the batch language: loops, conditions, pages, retry, export."""

from collections.abc import Callable
from pathlib import Path

import pytest

from runner.errors import InvalidPlaybook
from runner.pages import Pages
from runner.playbook import OnError, load_playbook

WritePlaybook = Callable[[str], Path]

HEADER = "version: 1\nvars:\n  users: [a, b]\nsteps:\n"
BLOCK_EACH = (
    "  - id: block\n    call: account.block_user\n"
    "    for_each: '{{ vars.users }}'\n    with: {username: '{{ item }}'}\n"
    "    save: {blocked: data.blocked}\n"
)


@pytest.mark.parametrize(
    ("steps", "line", "message", "hint"),
    [
        (
            "  - id: a\n    call: account.get\n    with: {username: '{{ item }}'}\n",
            7,
            "`item` is only known inside a `for_each` step",
            "add `for_each:`",
        ),
        (
            "  - id: a\n    call: account.get\n    as: user\n"
            "    with: {username: me}\n",
            7,
            "`as` names the item of a `for_each`",
            None,
        ),
        (
            "  - id: a\n    call: account.block_user\n"
            "    for_each: '{{ vars.users }}'\n    as: vars\n"
            "    with: {username: x}\n",
            8,
            "`vars` already means something",
            "as: photo",
        ),
        (
            "  - id: a\n    call: account.block_user\n"
            "    for_each: '{{ item.list }}'\n    with: {username: x}\n",
            7,
            "`item` is not known yet: the items come from this `for_each`",
            "the list reads vars, inputs or what an earlier step saved",
        ),
        (
            BLOCK_EACH + "  - id: b\n    call: account.get\n"
            "    with: {username: '{{ steps.block.blocked }}'}\n",
            12,
            "step `block` runs for each item",
            "steps.block.items[*].blocked",
        ),
        (
            "  - id: me\n    call: account.get\n    with: {username: me}\n"
            "    save: {url: data.url}\n  - id: b\n    call: account.get\n"
            "    with: {username: '{{ steps.me.items[0].url }}'}\n",
            11,
            "step `me` has no `for_each`, so it has no items (it saves url)",
            "read what it saved directly, e.g. `steps.me.url`",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    save: {url: data.url}\n"
            "    export: {to: 'out/{{ steps.a.url }}.csv', rows: '[url]'}\n",
            9,
            "step `a` reads what it saves itself",
            "`with` and `export.to` are made before its answer comes",
        ),
        (
            BLOCK_EACH + "  - id: b\n    call: account.get\n"
            "    with: {username: '{{ steps.block.itemz[0] }}'}\n",
            12,
            "step `block` runs for each item",
            "read `steps.block.items`",
        ),
        (
            BLOCK_EACH + "  - id: b\n    call: account.get\n"
            "    with: {username: '{{ steps.block.items[0].blokced }}'}\n",
            12,
            "the items of step `block` have no `blokced` (each item saves blocked)",
            "did you mean `blocked`?",
        ),
        (
            BLOCK_EACH + "  - id: b\n    call: account.get\n"
            "    with: {username: me}\n"
            "    when: length(steps.block.items[?user]) > `0`\n",
            13,
            "the items of step `block` have no `user`",
            "add `user: <JMESPath>` under that step's `save:`",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    when: vars.user == 'x'\n",
            8,
            "`vars.user` is not defined",
            "did you mean `users`",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    when: '{{ vars.users }}'\n",
            8,
            "JMESPath expression already",
            None,
        ),
        (
            "  - id: a\n    call: album.get\n    with: {albumHash: x}\n"
            "    pages: all\n",
            8,
            "album.get is not a paged list",
            None,
        ),
        (
            "  - id: a\n    call: account.list_images\n    with: {username: me}\n"
            "    pages: 0\n",
            8,
            "`pages`",
            None,
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    retry: {attempts: 3, until: 'data.x = 1'}\n",
            8,
            "not valid JMESPath",
            None,
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    retry: {attemps: 3}\n",
            8,
            "unknown key `attemps`",
            "did you mean `attempts`",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    save: {me: data}\n    export: {to: out.txt, rows: '[me]'}\n",
            9,
            "cannot tell the format of 'out.txt'",
            "format: csv",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    on_error: ignore\n",
            8,
            "`on_error` must be stop or continue",
            None,
        ),
        (
            "  - id: a\n    call: account.get\n"
            "    with: {username: '{{ inputs.people }}'}\n",
            7,
            "`inputs.people` is not defined",
            "inputs:",
        ),
    ],
    ids=[
        "item-outside-a-loop",
        "as-without-for_each",
        "as-shadows-a-root",
        "for_each-reads-its-own-item",
        "loop-step-saves-items",
        "items-of-no-loop",
        "export-name-reads-its-own-save",
        "loop-items-misspelt",
        "loop-item-field-misspelt",
        "loop-item-field-unsaved-in-a-filter",
        "when-reads-an-undefined-var",
        "when-in-braces",
        "pages-on-a-single-item",
        "pages-zero",
        "until-does-not-parse",
        "retry-key-misspelt",
        "export-format-unknown",
        "on_error-not-allowed",
        "unknown-input",
    ],
)
def test_each_batch_mistake_is_named_placed_and_explained(
    write_playbook: WritePlaybook,
    steps: str,
    line: int,
    message: str,
    hint: str | None,
) -> None:
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(write_playbook(HEADER + steps))

    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert (problem.line, problem.step in ("a", "b")) == (line, True), str(problem)
    assert message in problem.message
    if hint:
        assert problem.hint is not None and hint in problem.hint


def test_a_batch_step_builds_its_model(write_playbook: WritePlaybook) -> None:
    path = write_playbook(
        "version: 1\non_error: continue\nvars: {users: [a]}\nsteps:\n"
        "  - id: block\n    call: account.block_user\n"
        "    for_each: '{{ vars.users }}'\n    as: user\n"
        "    when: \"user != 'b'\"\n    with: {username: '{{ user }}'}\n"
        "    on_error: stop\n"
        "    retry: {attempts: 4, delay: 0.5, max_delay: 5}\n"
        "  - id: images\n    call: account.list_images\n    with: {username: me}\n"
        "    retry: {attempts: 2, until: 'length(data) > `0`'}\n"
        "    pages: 3\n    save: {rows: 'data[*].{id: id}'}\n"
        "    export: {to: 'out/{{ run.id }}.json', rows: rows, columns: [id]}\n"
    )
    playbook = load_playbook(path)

    block, images = playbook.steps
    assert playbook.on_error is OnError.CONTINUE
    assert (block.as_name, block.on_error) == ("user", OnError.STOP)
    assert block.when is not None and block.when.source == "user != 'b'"
    assert (block.retry.attempts, block.retry.delay, block.retry.max_delay) == (
        4,
        0.5,
        5,
    )
    assert block.retry.until is None and images.retry.until is not None
    assert images.pages == Pages(3) and images.on_error is None
    assert images.export is not None
    assert (images.export.format, images.export.columns) == ("json", ("id",))


def test_run_names_inside_a_filter_are_caught(write_playbook: WritePlaybook) -> None:
    path = write_playbook(
        HEADER + "  - id: a\n    call: account.list_images\n    with: {username: me}\n"
        "    save: {old: 'data[?datetime < to_epoch(vars.before)].id'}\n"
    )
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path)

    [problem] = caught.value.problems
    assert problem.line == 8
    assert problem.message.startswith(
        "`vars.before` inside `[...]` of `data[?datetime < to_epoch(vars.before)]"
    )
    assert problem.hint is not None and "when:" in problem.hint


@pytest.mark.parametrize(
    ("steps", "line", "message"),
    [
        (
            "  - id: a\n    call: album.create\n"
            "    with: {privacy: '{{ vars.mode }}'}\n",
            7,
            '`privacy` must be one of public, hidden, secret; vars.mode is "hello"',
        ),
        (
            "  - id: a\n    call: account.block_user\n"
            "    for_each: '{{ vars.people }}'\n"
            "    with: {username: '{{ item.usernme }}'}\n",
            8,
            "{{ item.usernme }}: no item has a field `usernme` (their fields: "
            "username)",
        ),
        (
            "  - id: a\n    call: account.list_images\n"
            "    for_each: [0, -1]\n    with: {username: me, page: '{{ item }}'}\n",
            8,
            "`page` must be a whole number (0 or more); {{ item }} gives -1 for item 2",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "  - id: b\n    call: album.create\n    with: {title: '{{ steps.a }}'}\n",
            10,
            "{{ steps.a }} is everything that step saved, not one value",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    expect: {that: ['foo(data)']}\n",
            8,
            "`foo(data)`: there is no function foo()",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: me}\n"
            "    expect: {that: ['contains(data)']}\n",
            8,
            "`contains(data)`: contains() takes 2 arguments, not 1",
        ),
        (
            "  - id: a\n    call: account.get\n    with: {username: ''}\n",
            7,
            '`username` cannot be "": it is part of the URL',
        ),
        (
            "  - id: a\n    call: image.delete\n    with: {imageHash: '..'}\n",
            7,
            '`imageHash` cannot be "..": it is part of the URL',
        ),
    ],
    ids=[
        "var-not-allowed",
        "csv-column-typo",
        "negative-page-in-a-list",
        "a-whole-step",
        "unknown-function",
        "wrong-argument-count",
        "empty-path-value",
        "dot-dot-path-value",
    ],
)
def test_values_known_before_the_run_are_checked_as_values(
    write_playbook: WritePlaybook, steps: str, line: int, message: str
) -> None:
    header = (
        "version: 1\nvars:\n  mode: hello\n  people:\n"
        "    - {username: spam_bot_1}\nsteps:\n"
    )
    text = header + steps
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(write_playbook(text))

    problems = caught.value.problems
    assert [(p.line, p.message) for p in problems] == [(line + 2, message)]


@pytest.mark.parametrize(
    ("call", "reader"),
    [
        ("album.create", "a GET endpoint, such as album.get"),
        ("comment.create", "a GET endpoint, such as comment.get"),
        ("image.upload", "a GET endpoint, such as image.get"),
        ("auth.refresh_token", "a GET endpoint: `imgur-playbook endpoints` lists"),
    ],
    ids=["album", "comment", "image", "a-group-without-reads"],
)
def test_until_on_a_write_names_a_read_of_its_own_group(
    write_playbook: WritePlaybook, call: str, reader: str
) -> None:
    path = write_playbook(
        f"{HEADER}  - id: a\n    call: {call}\n"
        "    retry: {attempts: 2, until: 'data.id'}\n"
    )
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path)

    hints = [p.hint or "" for p in caught.value.problems if "`until`" in p.message]
    assert len(hints) == 1 and reader in hints[0], hints


@pytest.mark.parametrize(
    ("step", "message", "hint"),
    [
        (
            "    save: {favourites: 'data[*].{id: id, title: title, link: link}'}\n"
            "    export: {to: f.csv, rows: favourites, columns: [id, titel, link]}\n",
            "export column `titel` is not a field of the rows (they have id, "
            "title, link), so it would be written empty",
            "did you mean `title`?",
        ),
        (
            "    save: {all: data}\n"
            "    export: {to: f.csv, rows: 'all[*].{id: id, title: title}', "
            "columns: [id, link]}\n",
            "export column `link` is not a field of the rows (they have id, "
            "title), so it would be written empty",
            "choose columns among id, title",
        ),
        (
            "    for_each: '{{ vars.users }}'\n"
            "    save: {username: data.url, bio: data.bio}\n"
            "    export: {to: f.csv, rows: items, columns: [username, bios]}\n",
            "export column `bios` is not a field of the rows (they have "
            "username, bio), so it would be written empty",
            "did you mean `bio`?",
        ),
        (
            "    for_each: '{{ vars.users }}'\n"
            "    export: {to: f.csv, rows: items, columns: [username]}\n",
            "export column `username` would be empty: the rows have no fields",
            "add `username: <JMESPath>` under this step's `save:`",
        ),
    ],
    ids=["save-of-a-hash", "rows-of-a-hash", "loop-items", "loop-saving-nothing"],
)
def test_an_export_column_the_rows_lack_is_refused(
    write_playbook: WritePlaybook, step: str, message: str, hint: str
) -> None:
    path = write_playbook(
        f"{HEADER}  - id: a\n    call: account.get\n    with: {{username: me}}\n{step}"
    )
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path)

    [problem] = caught.value.problems
    assert (problem.message, problem.hint) == (message, hint)
    assert problem.line == len(path.read_text().splitlines())


@pytest.mark.parametrize(
    "step",
    [
        "    save: {favourites: data}\n"
        "    export: {to: f.csv, rows: favourites, columns: [id, titel]}\n",
        "    save: {favourites: 'data[*].{id: id, title: title}'}\n"
        "    export: {to: f.csv, rows: 'favourites[*].id', columns: [anything]}\n",
        "    save: {favourites: 'data[*].{id: id}'}\n"
        "    export: {to: f.csv, rows: 'inputs.people', columns: [anything]}\n",
    ],
    ids=["fields-from-the-response", "rows-of-single-values", "rows-from-the-run"],
)
def test_export_columns_the_playbook_cannot_tell_are_left_to_the_run(
    write_playbook: WritePlaybook, step: str
) -> None:
    path = write_playbook(
        "version: 1\ninputs: {people: people.csv}\nsteps:\n"
        "  - id: a\n    call: account.get\n"
        f"    with: {{username: me}}\n{step}"
    )
    (path.parent / "people.csv").write_text("username\nbob\n")

    assert load_playbook(path).steps[0].export is not None
