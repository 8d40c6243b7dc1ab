"""Album endpoints through the transports, and what they leave in the sandbox.

Both transports of the `transport` fixture act as demo_user: the imgur one
holds an access token, which it sends rather than its Client-ID, and
LowCodeAPI injects the connected account's Bearer. Anonymous calls are made
by the imgur transport given only a Client-ID (`client_id_only`).
"""

from __future__ import annotations

from pathlib import Path

from runner.sandbox import DEMO_USER, Sandbox
from runner.sandbox.store import Account
from runner.targets import Target

from ..conftest import TargetSetup
from .conftest import PLAYBOOKS, RunPlaybook, run_green, saved

OTHERS_ALBUM = "ArtAlb1"  # friendly_artist's
OTHERS_IMAGES = ["Art0001", "Art0002", "Art0003"]
UPLOADS = ("first", "second", "third")
REFUSED_BY_ID = ("add_by_id", "set_by_id", "remove_by_id", "delete_by_id")


def test_an_album_goes_from_creation_to_deletion(
    run_playbook: RunPlaybook, sandbox: Sandbox, demo: Account
) -> None:
    steps = saved(run_playbook("album_lifecycle"))

    album_id = steps["create"]["id"]
    assert album_id not in sandbox.store.albums
    assert album_id not in demo.favorites
    assert steps["after_update"]["title"] == "Holiday 2026, the best of"
    assert steps["after_update"]["cover"] == steps["second"]["id"]
    # Deleting the album left the account's images.
    for upload in UPLOADS:
        assert sandbox.store.images[str(steps[upload]["id"])].owner == DEMO_USER


def test_refused_changes_leave_anothers_album_alone(
    run_playbook: RunPlaybook, sandbox: Sandbox
) -> None:
    run_playbook("album_lifecycle")

    assert sandbox.store.albums[OTHERS_ALBUM].image_ids == OTHERS_IMAGES


def test_favouriting_anothers_album_puts_it_first(
    run_playbook: RunPlaybook, demo: Account
) -> None:
    demo.favorites[:] = ["Art0001"]

    steps = saved(run_playbook("album_lifecycle"))

    assert steps["favorite_others"]["answer"] == "favorited"
    assert demo.favorites == [OTHERS_ALBUM, "Art0001"]


def test_an_accounts_album_by_deletehash_and_anothers_id_forbidden(
    run_playbook: RunPlaybook, sandbox: Sandbox, transport: Target
) -> None:
    steps = saved(run_playbook("album_anonymous"))

    # Both transports create the album as demo_user, who sees its deletehash.
    created = steps["create"]
    assert steps["after_set"]["shown_deletehash"] == created["deletehash"]
    assert steps["after_remove"]["images_count"] == 1
    assert created["id"] not in sandbox.store.albums
    for upload in UPLOADS:
        assert sandbox.store.images[str(steps[upload]["id"])].owner == DEMO_USER
    for step in REFUSED_BY_ID:
        assert steps[step]["status"] == 403, (transport, step)
    assert sandbox.store.albums[OTHERS_ALBUM].image_ids == OTHERS_IMAGES


def test_with_only_a_client_id_the_album_is_anonymous_and_an_id_no_key(
    client_id_only: TargetSetup, sandbox: Sandbox, tmp_path: Path
) -> None:
    playbook = PLAYBOOKS / "album_anonymous.yaml"

    steps = saved(run_green(client_id_only, playbook, tmp_path))

    assert steps["after_set"]["shown_deletehash"] is None  # nobody owns it
    assert steps["create"]["id"] not in sandbox.store.albums
    for upload in UPLOADS:
        assert sandbox.store.images[str(steps[upload]["id"])].owner is None
    for step in REFUSED_BY_ID:
        assert steps[step]["status"] == 401, step
    assert sandbox.store.albums[OTHERS_ALBUM].image_ids == OTHERS_IMAGES
