"""Text views of the catalog: what `endpoints show` says and the step to paste."""

from pathlib import Path

import pytest

from runner.catalog import Endpoint, load_catalog
from runner.describe import endpoint_details, paste_secrets, paste_step
from runner.playbook import load_playbook

CATALOG = load_catalog()


def endpoint(name: str) -> Endpoint:
    found = CATALOG.get(name)
    assert found is not None
    return found


@pytest.mark.parametrize("endpoint", list(CATALOG), ids=lambda e: e.name)
def test_every_pasted_step_is_valid_in_a_playbook(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "photo.jpg").write_bytes(b"a photo")
    secrets = ", ".join(paste_secrets(endpoint))
    path = tmp_path / "playbook.yaml"
    path.write_text(
        f"version: 1\nsecrets: [{secrets}]\nsteps:\n{paste_step(endpoint)}\n"
    )
    playbook = load_playbook(path, allow_destructive=True)
    assert [step.call for step in playbook.steps] == [endpoint.name]


def test_a_step_reading_secrets_says_which_to_list() -> None:
    pasted = paste_step(endpoint("account.delete_me"))
    assert paste_secrets(endpoint("account.delete_me")) == [
        "IMGUR_CLIENT_ID",
        "IMGUR_PASSWORD",
    ]
    first = pasted.splitlines()[0]
    assert first == "  # the playbook needs: secrets: [IMGUR_CLIENT_ID, IMGUR_PASSWORD]"


def test_a_step_without_secrets_has_no_comment() -> None:
    assert "#" not in paste_step(endpoint("album.create"))


def test_an_upload_says_it_needs_an_image_or_a_video() -> None:
    details = endpoint_details(endpoint("image.upload"))
    assert "give at least one of: image, video" in details
    assert "    with:\n      image:\n        file: images/photo.jpg" in details


def test_album_ids_show_both_forms_and_the_user_they_need() -> None:
    details = endpoint_details(endpoint("album.create"))
    [ids] = [line for line in details.splitlines() if line.startswith("  ids ")]
    assert "array|string" in ids
    assert "needs a user access token" in ids
