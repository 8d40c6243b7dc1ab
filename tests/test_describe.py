"""Text views of the catalog: what `endpoints show` says and the step to paste."""

import re
from dataclasses import replace
from pathlib import Path

import pytest

from runner.catalog import Endpoint, load_catalog
from runner.describe import (
    endpoint_details,
    endpoint_list,
    matching,
    paste_secrets,
    paste_step,
)
from runner.errors import InvalidPlaybook
from runner.playbook import load_playbook

CATALOG = load_catalog()


def endpoint(name: str) -> Endpoint:
    found = CATALOG.get(name)
    assert found is not None
    return found


PLACEHOLDER = re.compile(r"<\w+>")


def pasted_playbook(endpoint: Endpoint, folder: Path, step: str) -> Path:
    (folder / "images").mkdir(exist_ok=True)
    (folder / "images" / "photo.jpg").write_bytes(b"a photo")
    secrets = ", ".join(paste_secrets(endpoint))
    path = folder / "playbook.yaml"
    path.write_text(f"version: 1\nsecrets: [{secrets}]\nsteps:\n{step}\n")
    return path


@pytest.mark.parametrize("endpoint", list(CATALOG), ids=lambda e: e.name)
def test_every_pasted_step_is_valid_once_its_placeholders_are_filled(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    filled = PLACEHOLDER.sub("abc123", paste_step(endpoint))
    path = pasted_playbook(endpoint, tmp_path, filled)
    playbook = load_playbook(path, allow_destructive=True)
    assert [step.call for step in playbook.steps] == [endpoint.name]


@pytest.mark.parametrize(
    "endpoint",
    [e for e in CATALOG if PLACEHOLDER.search(paste_step(e))],
    ids=lambda e: e.name,
)
def test_a_pasted_placeholder_is_refused_until_it_is_replaced(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    pasted = paste_step(endpoint)
    path = pasted_playbook(endpoint, tmp_path, pasted)
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(path, allow_destructive=True)
    placeholders = sorted(set(PLACEHOLDER.findall(pasted)))
    hints = sorted(p.hint or "" for p in caught.value.problems)
    assert hints == [f"replace {name} with a real value" for name in placeholders]
    assert "# replace each <...> with a real value" in pasted


def test_a_pasted_search_asks_for_what_it_searches() -> None:
    assert "      q: <q>" in paste_step(endpoint("gallery.search")).splitlines()


@pytest.mark.parametrize(
    ("name", "username"),
    [("account.block_user", "<username>"), ("account.get", "me")],
)
def test_a_pasted_call_about_another_account_asks_which(
    name: str, username: str
) -> None:
    assert f"      username: {username}" in paste_step(endpoint(name)).splitlines()


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


def names(*words: str) -> list[str]:
    return [e.name for e in matching(CATALOG, words)]


@pytest.mark.parametrize(
    ("word", "found"),
    [
        ("album", {"album.create", "account.list_albums", "gallery.get_album"}),
        ("comment", {"comment.get", "gallery.list_comments", "gallery.create_comment"}),
        ("tags", {"gallery.get_tag", "gallery.get_tag_info", "account.follow_tag"}),
        ("replies", {"comment.get_replies", "comment.reply"}),
        ("favourite", {"album.favorite", "image.favorite", "account.list_favorites"}),
        ("Favourites", {"account.list_favorites", "account.list_gallery_favorites"}),
    ],
    ids=["group-word", "comment", "plural", "ies-plural", "british", "british-plural"],
)
def test_a_word_finds_names_groups_and_summaries(word: str, found: set[str]) -> None:
    assert found <= set(names(word))


def test_the_group_a_word_names_comes_first() -> None:
    found = names("album")
    first_other = next(
        i for i, name in enumerate(found) if not name.startswith("album.")
    )
    assert all(name.startswith("album.") for name in found[:first_other])
    assert len(found[:first_other]) == 14
    assert endpoint_list(matching(CATALOG, ["album"])).startswith("album (14)\n")


def test_several_words_must_all_match() -> None:
    found = names("block", "status")
    assert found == ["account.block_status"]


@pytest.mark.parametrize(
    ("words", "found"),
    [
        (
            ("delete", "my", "picture"),
            ["account.delete_image", "image.delete_anonymous", "image.delete"],
        ),
        (("remove", "the", "photos"), ["account.delete_image", "image.delete"]),
        (("list", "my", "posts"), ["gallery.list", "gallery.list_comments"]),
        (("block", "a", "user"), ["account.block_user", "account.list_blocks"]),
    ],
    ids=["picture-is-image", "remove-is-delete", "post-is-gallery", "user-is-account"],
)
def test_a_search_in_everyday_words_finds_the_catalog_s(
    words: tuple[str, ...], found: list[str]
) -> None:
    result = names(*words)
    assert set(found) <= set(result), result


def test_a_search_leaves_little_words_out_but_not_alone() -> None:
    found = names("delete", "the", "my", "image")
    assert found and found == names("delete", "image")
    assert names("my") == ["account.list_my_images"]


def test_a_deletehash_is_not_a_deletion() -> None:
    assert "album.add_images_anonymous" not in names("delete")


def test_no_word_lists_every_endpoint_by_group() -> None:
    listing = endpoint_list(matching(CATALOG, []))
    groups = [line.split()[0] for line in listing.splitlines() if line.endswith(")")]
    assert groups == sorted(groups) and len(groups) == len(set(groups))


def test_details_name_the_sources_and_unconfirmed_facts_in_words() -> None:
    details = endpoint_details(endpoint("account.get_gallery_profile"))
    assert "Sources:" not in details and "LEGACY" not in details
    assert "Documented by: Imgur's API docs, LowCodeAPI" in details
    assert (
        "Not confirmed by Imgur's docs or any client checked: the authorization,"
        " the LowCodeAPI route." in details
    )
    assert "Auth: user access token (Bearer) (not confirmed)" in details


def test_the_old_lowcodeapi_format_shows_only_when_it_differs() -> None:
    album = endpoint_details(endpoint("album.create"))
    account = endpoint_details(endpoint("account.get"))
    assert "  LowCodeAPI: /imgur/3/album\n" in album
    assert "old format: /imgur/3/account/username, values in the query" in account


def test_a_new_username_says_what_it_is_sent_as() -> None:
    details = endpoint_details(endpoint("account.update_settings"))
    [line] = [line for line in details.splitlines() if "new_username" in line]
    assert "sent as `username`; renames the account" in line
    assert "username: me" in details and "new_username:" not in paste_step(
        endpoint("account.update_settings")
    )


def test_per_page_shows_its_range_and_that_it_is_inferred() -> None:
    details = endpoint_details(endpoint("account.list_albums"))
    [line] = [line for line in details.splitlines() if "perPage" in line][:1]
    assert "default 50; from 1 to 100; not confirmed" in line


BUILD_WORDS = re.compile(
    r"Postman|PMMD|\bPM\b|\bLCA|\bRS\b|README|\b[Ss]eed\b|php|imgurpython|CPAN"
    r"|userscript|artefact|Imgurs"
)


@pytest.mark.parametrize("endpoint", list(CATALOG), ids=lambda e: e.name)
def test_details_name_sources_in_plain_words(endpoint: Endpoint) -> None:
    assert BUILD_WORDS.findall(endpoint_details(endpoint)) == []


def test_details_keep_what_is_not_confirmed_in_a_note() -> None:
    details = endpoint_details(endpoint("account.list_reply_notifications"))
    response = "Response: data: array of Notification (content = Comment)"
    assert f"{response} (not confirmed)" in details
    assert (
        "whether this route returns a bare list or that mapping is not confirmed"
        in details
    )


def test_the_name_column_fits_the_longest_name() -> None:
    long = replace(endpoint("account.get"), name="account.get_" + "x" * 40)
    listed = [endpoint("account.list_reply_notifications"), long, endpoint("image.get")]

    rows = [line for line in endpoint_list(listed).splitlines() if "  GET " in line]

    assert len(rows) == 3
    assert len({row.index(" GET ") for row in rows}) == 1, rows
