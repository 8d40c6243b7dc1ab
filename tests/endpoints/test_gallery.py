"""Gallery endpoints through the transports, and what they leave in the sandbox.

Both transports act as demo_user: the imgur one sends its access token, and
LowCodeAPI injects the connected account's Bearer.
"""

from __future__ import annotations

from runner.sandbox import DEMO_USER, Sandbox
from runner.sandbox.gallery_posts import counts
from runner.sandbox.store import GalleryPost

from .conftest import RunPlaybook, saved

ARTIST = "friendly_artist"
DEMO_IMAGE = "vnKe11t"
DEMO_ALBUM = "Hol1d4y"


def test_browsing_reads_the_seeded_gallery(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    steps = saved(run_playbook("gallery_browse"))

    store = sandbox.store
    viral = [post.id for post in store.gallery.values() if post.in_most_viral]
    assert steps["hot"]["count"] == len(viral)
    assert steps["top_with_previews"]["preview"] == 3
    assert steps["subreddit"]["ids"] == ["Aww0001"]
    numbers = counts(store, store.gallery["Art0001"])
    assert steps["image"]["ups"] == numbers.ups
    assert steps["image"]["points"] == numbers.points
    assert steps["image"]["comment_count"] == numbers.comment_count
    assert steps["image"]["tags"] == ["cats", "art"]
    assert steps["album"]["images"] == len(store.albums["ArtAlb1"].image_ids)


def test_browsing_changes_nothing(run_playbook: RunPlaybook, sandbox: Sandbox) -> None:
    before = {key: (post.votes.copy(), post.tags[:]) for key, post in _posts(sandbox)}

    run_playbook("gallery_browse")

    assert {k: (p.votes, p.tags) for k, p in _posts(sandbox)} == before


def _posts(sandbox: Sandbox) -> list[tuple[str, GalleryPost]]:
    return list(sandbox.store.gallery.items())


def test_a_vote_turns_vetoes_and_returns(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    steps = saved(run_playbook("gallery_votes"))

    post = sandbox.store.gallery["Art0002"]
    assert post.votes[DEMO_USER] == "up"
    before = {name: _int(steps["before"][name]) for name in ("ups", "downs")}
    assert steps["after_down"] == {
        "ups": before["ups"] - 1,
        "downs": before["downs"] + 1,
    }
    assert steps["after_veto"]["points"] == _int(steps["before"]["points"]) - 1
    assert steps["after"] == before
    assert counts(sandbox.store, post).ups == before["ups"]


def test_sharing_posts_retags_reports_and_removes(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    steps = saved(run_playbook("gallery_share"))

    store = sandbox.store
    assert DEMO_IMAGE not in store.gallery  # removed again at the end
    assert DEMO_IMAGE in store.images
    album = store.gallery[DEMO_ALBUM]
    assert (album.owner, album.is_album, album.in_most_viral) == (
        DEMO_USER,
        True,
        False,
    )
    assert album.title == "The whole holiday"
    assert album.tags == ["holiday"]
    assert steps["retagged"]["tags"] == ["beach", "sunset"]
    assert "sunset" in store.tags
    assert steps["shared_album"]["images"] == 2


def test_refused_changes_leave_anothers_post_alone(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    run_playbook("gallery_share")

    store = sandbox.store
    demo = store.account(DEMO_USER)
    assert demo is not None
    post = store.gallery["Art0001"]
    assert post.owner == ARTIST
    assert post.tags == ["cats", "art"]
    assert post.reports == {demo.id: 2}
    assert "Art0003" not in store.gallery


def test_default_tags_feature_the_biggest(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    steps = saved(run_playbook("gallery_tags"))

    assert steps["defaults"]["featured"] == "cats"
    assert _strings(steps["defaults"]["galleries"])[:2] == [
        "Most Viral",
        "User Submitted",
    ]
    tagged = [p.id for p in sandbox.store.gallery.values() if "cats" in p.tags]
    assert sorted(_strings(steps["tag"]["ids"])) == sorted(tagged)
    followers = [a for a in sandbox.store.accounts.values() if "art" in a.followed_tags]
    assert steps["followed"]["followers"] == len(followers)


def test_search_finds_by_words_indices_and_advanced_fields(
    run_playbook: RunPlaybook,
) -> None:
    steps = saved(run_playbook("gallery_search"))

    assert sorted(_strings(steps["words"]["ids"])) == ["Art0001", "Art0002", "ArtAlb1"]
    assert steps["exact_phrase"]["found"] == "Art0002"


def _int(value: object) -> int:
    assert isinstance(value, int), value
    return value


def _strings(value: object) -> list[str]:
    assert isinstance(value, list), value
    return [str(item) for item in value]
