"""Account endpoints (and the feed) through the transports, and what they
leave in the sandbox.

Both transports of the `transport` fixture act as demo_user: the imgur one
sends its access token, LowCodeAPI the connected account's Bearer.
"""

from __future__ import annotations

from runner.sandbox import DEMO_USER, Sandbox
from runner.sandbox.store import Account

from ..conftest import FAKE_ACCESS_TOKEN
from .conftest import RunPlaybook, saved


def test_blocking_spammers_shows_in_the_block_list(
    run_playbook: RunPlaybook, demo: Account
) -> None:
    steps = saved(run_playbook("account_blocks"))

    assert steps["block"]["blocked"] is True
    assert steps["blocks"]["urls"] == ["spam_bot_1", "spam_bot_2"]
    assert steps["after"]["urls"] == ["spam_bot_1"]
    assert demo.blocked == ["spam_bot_1"]  # blocked twice, listed once


def test_a_new_username_renames_the_account_and_only_it_does(
    run_playbook: RunPlaybook, sandbox: Sandbox, demo: Account
) -> None:
    run_playbook("account_profile")

    # The settings update before it named `username: me` and renamed nothing:
    # the playbook checks the name after it (and Imgur refuses "me").
    assert demo.username == "HolidayPhotos"
    assert sandbox.store.account("holidayphotos") is demo
    assert sandbox.store.account(DEMO_USER) is None


def test_settings_changes_stick(run_playbook: RunPlaybook, demo: Account) -> None:
    steps = saved(run_playbook("account_profile"))

    assert steps["settings"]["privacy"] == "hidden"
    assert steps["updated"]["privacy"] == "secret"
    assert demo.settings.album_privacy == "secret"
    assert demo.settings.show_mature is True
    assert demo.settings.messaging_enabled is False
    assert demo.avatar == "default/Q"
    assert demo.bio == "Photos of holidays, mostly beaches."
    assert demo.verification_sent is not None


def test_submissions_are_the_accounts_gallery_posts(
    run_playbook: RunPlaybook,
) -> None:
    steps = saved(run_playbook("account_profile"))

    # All three were shared in the same second: the gallery's order by id.
    assert steps["submissions"]["ids"] == ["Art0001", "Art0002", "ArtAlb1"]


def test_the_gallery_profile_counts_what_the_store_holds(
    run_playbook: RunPlaybook,
) -> None:
    steps = saved(run_playbook("account_gallery_profile"))

    # Seeded: two comments by demo_user, two of its favourites in the gallery.
    assert steps["mine"]["comments"] == 2
    assert steps["mine"]["favorites"] == 2
    assert steps["mine"]["submissions"] == 0
    assert steps["artist"]["submissions"] == 3
    # A member since March 2017: a trophy for each full year, the latest first.
    trophies = steps["mine"]["trophies"]
    assert isinstance(trophies, list)
    assert trophies[-2:] == ["2 Years", "1 Year"]


def test_favourites_list_newest_first_and_follow_the_toggle(
    run_playbook: RunPlaybook, demo: Account
) -> None:
    steps = saved(run_playbook("account_favorites"))

    seeded = ["ArtAlb1", "Art0003", "Art0001"]
    assert steps["newest"]["ids"] == seeded
    assert steps["newest"]["albums"] == ["ArtAlb1"]
    assert steps["oldest"]["ids"] == seeded[::-1]
    assert steps["in_gallery"]["ids"] == ["ArtAlb1", "Art0001"]
    assert steps["favorited"]["ids"] == ["Art0002", *seeded]
    assert steps["after"]["ids"] == ["ArtAlb1", "Art0001"]
    assert demo.favorites == seeded


def test_an_album_is_listed_counted_and_deleted(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    steps = saved(run_playbook("account_albums"))

    album_id = steps["create"]["id"]
    assert steps["albums"]["ids"] == [album_id, "Hol1d4y"]
    assert steps["albums"]["privacies"] == ["secret", "hidden"]
    assert steps["count"]["count"] == 2
    assert steps["count_after"]["count"] == 1
    assert album_id not in sandbox.store.albums
    assert str(steps["upload"]["id"]) in sandbox.store.images


def test_an_image_is_deleted_by_its_deletehash(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    steps = saved(run_playbook("account_images"))

    image_id = steps["upload"]["id"]
    assert steps["mine"]["ids"] == [image_id, "Bq3xT9a", "vnKe11t"]
    assert (steps["count"]["count"], steps["count_after"]["count"]) == (3, 2)
    assert steps["second_page"]["ids"] == ["vnKe11t"]  # perPage: 2
    assert image_id not in sandbox.store.images


def test_a_deleted_comment_leaves_the_lists_but_keeps_its_replies(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    steps = saved(run_playbook("account_comments"))

    first = steps["oldest"]["first"]
    assert isinstance(first, int)
    assert steps["oldest"]["text"] == "What a sleepy cat!"
    assert steps["spam"]["ids"] == [2_000_000_001]
    assert (steps["count"]["count"], steps["count_after"]["count"]) == (2, 1)
    assert sandbox.store.comments[first].deleted
    replies = steps["comment"]["replies"]
    assert isinstance(replies, list) and len(replies) == 2
    assert not any(sandbox.store.comments[reply].deleted for reply in replies)


def test_reply_notifications_are_unseen_unless_all_are_asked_for(
    run_playbook: RunPlaybook,
) -> None:
    steps = saved(run_playbook("account_notifications"))

    assert steps["unseen"]["replies"] == ["She sleeps all day."]
    ids = steps["all"]["ids"]
    assert isinstance(ids, list) and ids == sorted(ids, reverse=True)  # newest first
    assert steps["all"]["viewed"] == [False, True]


def test_following_tags_changes_the_feed(
    run_playbook: RunPlaybook, sandbox: Sandbox, demo: Account
) -> None:
    steps = saved(run_playbook("account_tags"))

    assert demo.followed_tags == ["cats"]
    gallery = sandbox.store.gallery
    before, after = steps["feed_before"]["ids"], steps["feed"]["ids"]
    assert isinstance(before, list) and isinstance(after, list)
    assert set(before) == {i for i, post in gallery.items() if "art" in post.tags}
    assert set(after) == {i for i, post in gallery.items() if "cats" in post.tags}
    shared = [gallery[i].datetime for i in after]
    assert shared == sorted(shared, reverse=True)  # newest first


def test_deleting_the_account_takes_its_tokens_and_uploads(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    steps = saved(run_playbook("account_delete_me"))

    store = sandbox.store
    assert steps["delete"]["deleted"] is True
    assert store.account(DEMO_USER) is None
    assert store.account_for_token(FAKE_ACCESS_TOKEN) is None
    assert not [image for image in store.images.values() if image.owner == DEMO_USER]
    assert "Hol1d4y" not in store.albums
