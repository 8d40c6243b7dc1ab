"""Comment endpoints through the transports, and what they leave in the sandbox."""

from __future__ import annotations

from runner.sandbox import DEMO_USER, Sandbox
from runner.sandbox.store import Comment

from .conftest import RunPlaybook, saved

SPAM_COMMENT = 2_000_000_001  # spam_bot_1's, on Art0001
OTHER_SPAM = 2_000_000_002  # spam_bot_2's, on Art0002


def _comment(sandbox: Sandbox, key: object) -> Comment:
    assert isinstance(key, int)
    return sandbox.store.comments[key]


def test_comments_and_replies_are_stored_and_counted(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    steps = saved(run_playbook("comment_threads"))

    comment = _comment(sandbox, steps["comment"]["id"])
    assert (comment.author, comment.item_id, comment.parent_id) == (
        DEMO_USER,
        "Art0001",
        None,
    )
    assert comment.text == "Lovely lines on this one."
    own_reply = _comment(sandbox, steps["reply_to_own"]["id"])
    assert own_reply.parent_id == comment.id
    spam_reply = _comment(sandbox, steps["reply_to_spam"]["id"])
    assert spam_reply.parent_id == SPAM_COMMENT
    assert _comment(sandbox, steps["plain_comment"]["id"]).deleted
    assert not _comment(sandbox, SPAM_COMMENT).deleted
    before = steps["before"]["comment_count"]
    assert isinstance(before, int)
    assert steps["after"]["comment_count"] == before + 3


def test_a_reply_notifies_the_parents_author_only(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    before = set(sandbox.store.notifications)

    steps = saved(run_playbook("comment_threads"))

    new = [
        sandbox.store.notifications[k]
        for k in set(sandbox.store.notifications) - before
    ]
    assert [(n.account, n.comment_id, n.viewed) for n in new] == [
        ("spam_bot_1", steps["reply_to_spam"]["id"], False)
    ]


def test_comment_votes_and_reports_are_stored(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    steps = saved(run_playbook("comment_votes"))

    demo = sandbox.store.account(DEMO_USER)
    assert demo is not None
    spam = _comment(sandbox, SPAM_COMMENT)
    assert spam.votes == {DEMO_USER: "down"}
    assert spam.reports == {demo.id: 2}
    other = _comment(sandbox, OTHER_SPAM)
    assert other.votes[DEMO_USER] == "up"
    ups_before = steps["other_before"]["ups"]
    assert isinstance(ups_before, int)
    assert steps["other_after"]["ups"] == ups_before + 1
