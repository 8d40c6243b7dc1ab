"""for_each, when and on_error, run against the sandbox on loopback."""

from pathlib import Path

import pytest

from runner.results import Status
from runner.sandbox import DEMO_USER, Sandbox

from .conftest import RunText

BLOCK_EACH = """\
version: 1
vars:
  users: [spam_bot_1, nobody_at_all, spam_bot_2]
steps:
  - id: block
    call: account.block_user
    for_each: "{{ vars.users }}"
    as: user
    with: {username: "{{ user }}"}
    save: {blocked: data.blocked}
    ON_ERROR
  - id: blocks
    call: account.list_blocks
    save: {urls: "data.items[*].url"}
"""


def blocked(sandbox: Sandbox) -> list[str]:
    account = sandbox.store.account(DEMO_USER)
    assert account is not None
    return list(account.blocked)


def test_each_item_is_called_and_reported(run_text: RunText, sandbox: Sandbox) -> None:
    ran = run_text(BLOCK_EACH.replace("ON_ERROR", "on_error: continue"))

    block = ran.step("block")
    assert [i.status for i in block.items or ()] == [
        Status.SUCCEEDED,
        Status.FAILED,
        Status.SUCCEEDED,
    ]
    assert block.status is Status.FAILED
    assert block.error == "1 of 3 items failed"
    assert blocked(sandbox) == ["spam_bot_1", "spam_bot_2"]
    # The run goes on past the failed item and the step, and says it failed.
    assert ran.step("blocks").saved["urls"] == ["spam_bot_1", "spam_bot_2"]
    assert ran.report["status"] == "failed"
    items = ran.report["steps"][0]["items"]
    assert [i["item"] for i in items] == ["spam_bot_1", "nobody_at_all", "spam_bot_2"]
    assert "HTTP 404" in items[1]["error"] and items[0]["saved"] == {"blocked": True}
    assert ran.report["totals"]["items"] == {
        "items": 3,
        "succeeded": 2,
        "failed": 1,
        "skipped": 0,
        "interrupted": 0,
        "running": 0,
        "not_run": 0,
    }


def test_a_failed_item_stops_the_loop_and_the_run_by_default(
    run_text: RunText, sandbox: Sandbox
) -> None:
    ran = run_text(BLOCK_EACH.replace("ON_ERROR", ""))

    items = ran.step("block").items or []
    assert [i.status for i in items] == [
        Status.SUCCEEDED,
        Status.FAILED,
        Status.NOT_RUN,
    ]
    assert ran.step("blocks").status is Status.NOT_RUN
    assert blocked(sandbox) == ["spam_bot_1"]


def test_later_steps_read_each_items_saves(run_text: RunText) -> None:
    ran = run_text(
        """\
        version: 1
        steps:
          - id: look
            call: account.get
            for_each: [friendly_artist, gallery_poster]
            with: {username: "{{ item }}"}
            save: {id: data.id, name: data.url}
          - id: again
            call: account.get
            for_each: "{{ steps.look.items }}"
            as: found
            with: {username: "{{ found.name }}"}
            expect:
              that: ["data.id == found.id"]
            save: {id: data.id}
        """
    )

    look, again = ran.step("look"), ran.step("again")
    assert [i.saved["name"] for i in look.items or ()] == [
        "friendly_artist",
        "gallery_poster",
    ]
    assert [i.saved["id"] for i in again.items or ()] == [10_000_003, 10_000_002]
    assert again.status is Status.SUCCEEDED


def test_when_skips_the_items_it_is_false_for(
    run_text: RunText, sandbox: Sandbox
) -> None:
    ran = run_text(
        """\
        version: 1
        vars:
          accounts:
            - {name: spam_bot_1, reason: spam}
            - {name: friendly_artist, reason: none}
        steps:
          - id: block
            call: account.block_user
            for_each: "{{ vars.accounts }}"
            when: "item.reason == 'spam'"
            with: {username: "{{ item.name }}"}
          - id: never
            call: account.get
            with: {username: me}
            when: "length(vars.accounts) > `5`"
        """
    )

    items = ran.step("block").items or []
    assert [i.status for i in items] == [Status.SUCCEEDED, Status.SKIPPED]
    assert items[1].note == "when `item.reason == 'spam'` was false"
    assert ran.step("never").status is Status.SKIPPED
    assert ran.result.status is Status.SUCCEEDED
    assert blocked(sandbox) == ["spam_bot_1"]


def test_an_empty_list_is_a_loop_with_nothing_to_do(run_text: RunText) -> None:
    ran = run_text(
        """\
        version: 1
        vars: {users: []}
        steps:
          - id: block
            call: account.block_user
            for_each: "{{ vars.users }}"
            with: {username: "{{ item }}"}
        """
    )

    block = ran.step("block")
    assert (block.status, block.items, block.note) == (Status.SUCCEEDED, [], "no items")


def test_a_for_each_that_is_not_a_list_fails_the_step(run_text: RunText) -> None:
    ran = run_text(
        """\
        version: 1
        steps:
          - id: me
            call: account.get
            with: {username: me}
            save: {name: data.url}
          - id: block
            call: account.block_user
            for_each: "{{ steps.me.name }}"
            with: {username: "{{ item }}"}
        """
    )

    block = ran.step("block")
    assert block.status is Status.FAILED
    assert block.error == 'for_each gave text ("demo_user"), not a list to go through'


def test_on_error_continue_on_one_step_lets_the_run_go_on(
    run_text: RunText,
) -> None:
    ran = run_text(
        """\
        version: 1
        steps:
          - id: gone
            call: album.get
            with: {albumHash: NoSuchAlbum}
            on_error: continue
          - id: me
            call: account.get
            with: {username: me}
          - id: gone_again
            call: album.get
            with: {albumHash: NoSuchAlbum}
          - id: never
            call: account.get
            with: {username: me}
        """
    )

    statuses = [s.status for s in ran.result.steps]
    assert statuses == [Status.FAILED, Status.SUCCEEDED, Status.FAILED, Status.NOT_RUN]
    assert ran.result.status is Status.FAILED


def test_a_false_when_skips_a_loop_before_its_list_is_made(
    run_text: RunText,
) -> None:
    ran = run_text(
        """\
        version: 1
        vars: {go: false}
        steps:
          - id: s
            call: account.get
            with: {username: me}
            when: vars.go
            save: {ids: "[data.url]"}
          - id: t
            call: account.block_user
            when: vars.go
            for_each: "{{ steps.s.ids }}"
            with: {username: "{{ item }}"}
        """
    )

    t = ran.step("t")
    assert (t.status, t.note, t.items) == (
        Status.SKIPPED,
        "when `vars.go` was false",
        None,
    )
    assert ran.result.status is Status.SUCCEEDED


def test_reading_what_a_skipped_step_would_have_saved_says_so(
    run_text: RunText,
) -> None:
    ran = run_text(
        """\
        version: 1
        vars: {go: false}
        on_error: continue
        steps:
          - id: s
            call: account.get
            with: {username: me}
            when: vars.go
            save: {ids: "[data.url]"}
          - id: t
            call: account.block_user
            for_each: "{{ steps.s.ids }}"
            with: {username: "{{ item }}"}
          - id: gone
            call: album.get
            with: {albumHash: NoSuchAlbum}
            save: {title: data.title}
          - id: u
            call: account.get
            with: {username: "{{ steps.gone.title }}"}
        """
    )

    assert ran.step("t").error == (
        "template {{ steps.s.ids }} has no value: step `s` was skipped "
        "(when `vars.go` was false), so it saved nothing"
    )
    assert ran.step("u").error == (
        "template {{ steps.gone.title }} has no value: "
        "step `gone` failed, so it saved nothing"
    )


BLOCK_AND_EXPORT = """\
version: 1
on_error: continue
vars:
  users: [spam_bot_1, nobody_at_all, spam_bot_2]
steps:
  - id: block
    call: account.block_user
    for_each: "{{ vars.users }}"
    as: user
    with: {username: "{{ user }}"}
    save: {name: user}
    export: {to: blocked.csv, rows: items}
  - id: check
    call: account.get
    for_each: "{{ steps.block.items }}"
    with: {username: "{{ item.name }}"}
    save: {url: data.url}
"""


def test_later_steps_and_exports_get_only_the_items_that_succeeded(
    run_text: RunText, tmp_path: Path
) -> None:
    ran = run_text(BLOCK_AND_EXPORT)

    block = ran.step("block")
    assert [i.status for i in block.items or ()] == [
        Status.SUCCEEDED,
        Status.FAILED,
        Status.SUCCEEDED,
    ]
    lines = (tmp_path / "blocked.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["name", "spam_bot_1", "spam_bot_2"]
    assert block.exported is not None and block.exported.rows == 2
    check = ran.step("check")
    assert check.status is Status.SUCCEEDED
    assert [i.saved["url"] for i in check.items or ()] == ["spam_bot_1", "spam_bot_2"]
    # The report still lists every item of the loop, with its status.
    assert len(ran.report["steps"][0]["items"]) == 3


SKIPPED_LOOP = """\
version: 1
vars:
  names: [spam_bot_1, spam_bot_2]
  go: false
steps:
  - id: block
    call: account.block_user
    for_each: "{{ vars.names }}"
    when: WHEN
    with: {username: "{{ item }}"}
    save: {name: item}
  - id: again
    call: account.get
    for_each: "{{ steps.block.items[*].name }}"
    with: {username: "{{ item }}"}
"""


@pytest.mark.parametrize(
    "when",
    ["vars.go", "vars.go && item != `null`"],
    ids=["when-before-the-list", "when-on-each-item"],
)
def test_a_skipped_loop_saves_no_items_either_way(
    when: str, run_text: RunText, sandbox: Sandbox
) -> None:
    ran = run_text(SKIPPED_LOOP.replace("WHEN", repr(when)))

    assert ran.step("block").status is Status.SKIPPED
    again = ran.step("again")
    assert (again.status, again.items, again.note) == (
        Status.SUCCEEDED,
        [],
        "no items",
    )
    assert ran.result.status is Status.SUCCEEDED
    assert blocked(sandbox) == []
