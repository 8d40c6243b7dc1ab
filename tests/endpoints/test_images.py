"""Image endpoints through the transports, and what they leave in the sandbox.

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

DEMO_ACCOUNT_ID = 10_000_001
OTHERS_IMAGE = "Art0002"  # friendly_artist's, in the gallery
REFUSED_BY_ID = ("retitle_by_id", "delete_by_id")


def test_an_image_goes_from_upload_to_deletion(
    run_playbook: RunPlaybook, sandbox: Sandbox, demo: Account
) -> None:
    steps = saved(run_playbook("image_lifecycle"))

    upload = steps["upload"]
    assert upload["account"] == DEMO_USER
    assert steps["reread"]["title"] == "Beach at sunset"
    assert upload["id"] not in sandbox.store.images
    assert sandbox.store.image_by_deletehash(str(upload["deletehash"])) is None
    assert upload["id"] not in demo.favorites


def test_favouriting_toggles_the_newest_favourite(
    run_playbook: RunPlaybook, demo: Account
) -> None:
    demo.favorites[:] = ["Art0001"]

    steps = saved(run_playbook("image_lifecycle"))

    assert steps["favorite"]["answer"] == "favorited"
    assert steps["unfavorite"]["answer"] == "unfavorited"
    assert steps["favorite_others"]["answer"] == "favorited"
    assert demo.favorites == [OTHERS_IMAGE, "Art0001"]


def test_favouriting_a_favourite_takes_it_out(
    run_playbook: RunPlaybook, demo: Account
) -> None:
    demo.favorites[:] = [OTHERS_IMAGE, "Art0001"]

    steps = saved(run_playbook("image_lifecycle"))

    assert steps["favorite_others"]["answer"] == "unfavorited"
    assert demo.favorites == ["Art0001"]


def test_an_accounts_deletehash_works_and_anothers_id_is_forbidden(
    run_playbook: RunPlaybook, sandbox: Sandbox, transport: Target
) -> None:
    steps = saved(run_playbook("image_anonymous"))

    # Both transports upload as demo_user, who then sees the deletehash.
    upload = steps["upload"]
    assert upload["account_id"] == DEMO_ACCOUNT_ID
    assert steps["read"]["shown_deletehash"] == upload["deletehash"]
    assert upload["id"] not in sandbox.store.images
    for step in REFUSED_BY_ID:
        assert steps[step]["status"] == 403, (transport, step)
    assert sandbox.store.images["Art0003"].title == "Sketchbook page"


def test_with_only_a_client_id_the_image_is_anonymous_and_an_id_no_key(
    client_id_only: TargetSetup, sandbox: Sandbox, tmp_path: Path
) -> None:
    playbook = PLAYBOOKS / "image_anonymous.yaml"

    steps = saved(run_green(client_id_only, playbook, tmp_path))

    upload = steps["upload"]
    assert upload["account_id"] == 0  # Imgur's mark of an anonymous upload
    assert steps["read"]["shown_deletehash"] is None  # nobody owns it
    assert upload["id"] not in sandbox.store.images
    for step in REFUSED_BY_ID:
        assert steps[step]["status"] == 401, step
    assert sandbox.store.images["Art0003"].title == "Sketchbook page"
