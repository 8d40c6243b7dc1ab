"""The catalog: its shape, and the facts the runner relies on."""

import re

import pytest

from runner.catalog import (
    Auth,
    Endpoint,
    catalog_data,
    load_catalog,
    unsendable_segment,
)
from runner.schema import validator

CATALOG = load_catalog()
LIST_OR_TEXT = ("array", "string")


def test_the_catalog_file_matches_its_schema() -> None:
    errors = list(validator("catalog").iter_errors(catalog_data()))
    assert errors == []


def test_it_holds_the_85_lowcodeapi_endpoints_and_credits() -> None:
    names = [e.name for e in CATALOG]
    assert len(names) == 86 == len(set(names))
    assert [e.name for e in CATALOG if e.lowcodeapi is None] == ["credits.get"]


@pytest.mark.parametrize("endpoint", list(CATALOG), ids=lambda e: e.name)
def test_path_placeholders_and_path_parameters_agree(endpoint: Endpoint) -> None:
    placeholders = set(re.findall(r"{(\w+)}", endpoint.path))
    params = {p.name for p in endpoint.in_place("path")}
    assert placeholders == params


def test_parameters_keep_their_place_type_and_allowed_values() -> None:
    album = CATALOG.get("album.create")
    assert album is not None
    ids = album.param("ids")
    privacy = album.param("privacy")
    assert ids is not None and privacy is not None
    assert (ids.place, ids.wire) == ("body", "ids[]")
    assert privacy.values == ("public", "hidden", "secret")
    assert album.auth is Auth.EITHER and album.body == "form"


def test_uploads_take_a_file_or_text() -> None:
    upload = CATALOG.get("image.upload")
    assert upload is not None and upload.body == "multipart"
    image = upload.param("image")
    assert image is not None
    assert image.place == "file" and image.types == ("file", "string")


def test_lists_the_reference_also_takes_as_a_comma_string() -> None:
    both = {
        (e.name, p.name) for e in CATALOG for p in e.params if p.types == LIST_OR_TEXT
    }
    assert both == {
        ("album.create", "ids"),
        ("album.update", "ids"),
        ("album.set_images", "ids"),
        ("album.add_images_anonymous", "deletehashes"),
    }


def test_an_upload_takes_an_image_or_a_video() -> None:
    upload = CATALOG.get("image.upload")
    assert upload is not None and upload.one_of_required == (("image", "video"),)
    assert upload.unmet_groups(["title"]) == [("image", "video")]
    assert upload.unmet_groups(["video"]) == []


@pytest.mark.parametrize(
    "endpoint",
    [e for e in CATALOG if e.one_of_required],
    ids=lambda e: e.name,
)
def test_one_of_required_names_optional_parameters(endpoint: Endpoint) -> None:
    for group in endpoint.one_of_required:
        params = [endpoint.param(name) for name in group]
        assert all(p is not None and not p.required for p in params)


def test_album_ids_need_a_user_where_a_client_id_would_do() -> None:
    needs_user = {(e.name, p.name) for e in CATALOG for p in e.params if p.needs_user}
    assert needs_user == {("album.create", "ids"), ("album.update", "ids")}


def test_unconfirmed_facts_stay_marked() -> None:
    album = CATALOG.get("album.create")
    profile = CATALOG.get("account.get_gallery_profile")
    assert album is not None and profile is not None
    assert album.response["unconfirmed"] is True
    assert profile.unconfirmed_auth and not profile.confirmed


def test_the_gallery_profile_uses_the_real_route() -> None:
    profile = CATALOG.get("account.get_gallery_profile")
    assert profile is not None and profile.lowcodeapi is not None
    assert profile.path == "/3/account/{username}/gallery_profile"
    # LowCodeAPI's own table points at the settings route by mistake: kept
    # as a fact, while the real route is what the proxy is sent.
    assert profile.lowcodeapi.listed_path == "/3/account/{username}/settings"
    assert profile.lowcodeapi.path == profile.path
    assert profile.lowcodeapi.unconfirmed


def test_deletehashes_and_credentials_are_secret_parameters() -> None:
    secret = {(e.name, p.name) for e in CATALOG for p in e.params if p.secret}
    assert ("image.delete_anonymous", "imageDeleteHash") in secret
    assert ("auth.refresh_token", "client_secret") in secret
    assert ("album.create", "title") not in secret


def test_only_the_account_deletion_is_destructive() -> None:
    assert [e.name for e in CATALOG if e.destructive] == ["account.delete_me"]


@pytest.mark.parametrize(
    ("typo", "best"),
    [("album.creat", "album.create"), ("image.updte", "image.update")],
    ids=["missing-letter", "swapped-letters"],
)
def test_suggestions_put_the_closest_name_first(typo: str, best: str) -> None:
    assert CATALOG.suggest(typo)[0] == best


@pytest.mark.parametrize("endpoint", list(CATALOG), ids=lambda e: e.name)
def test_parameter_names_are_unique_per_endpoint(endpoint: Endpoint) -> None:
    names = [p.name for p in endpoint.params]
    sent = [(p.place, p.wire) for p in endpoint.params]
    assert len(names) == len(set(names))
    assert len(sent) == len(set(sent))


def test_a_new_username_has_its_own_name_and_goes_as_username() -> None:
    settings = CATALOG.get("account.update_settings")
    assert settings is not None
    path, new = settings.param("username"), settings.param("new_username")
    assert path is not None and new is not None
    assert (path.place, new.place) == ("path", "body")
    assert new.wire_for("HolidayPhotos") == "username"
    assert not new.required and "renames the account" in new.description


def test_lists_go_as_name_brackets_and_text_as_plain_name() -> None:
    album = CATALOG.get("album.create")
    assert album is not None
    ids = album.param("ids")
    assert ids is not None
    assert (ids.wire_for(["a", "b"]), ids.wire_for("a,b")) == ("ids[]", "ids")


# Markup, a {{placeholder}}, a wire name such as ids[], or a cut-off line.
NOT_A_SUMMARY = re.compile(r"\{\{|\||\]\(|^#|\[\]|\.\.\.$")


@pytest.mark.parametrize("endpoint", list(CATALOG), ids=lambda e: e.name)
def test_every_summary_reads_as_a_summary(endpoint: Endpoint) -> None:
    assert not NOT_A_SUMMARY.search(endpoint.summary)
    assert endpoint.summary[:1].isupper()


def test_the_feed_is_not_summarised_as_the_settings() -> None:
    feed, settings = CATALOG.get("feed.get"), CATALOG.get("account.get_settings")
    assert feed is not None and settings is not None
    assert feed.summary != settings.summary
    assert "follow" in feed.summary


PER_PAGE = {
    "account.list_gallery_favorites",
    "account.list_favorites",
    "account.list_submissions",
    "account.list_albums",
    "account.list_album_ids",
    "account.list_comments",
    "account.list_comment_ids",
    "account.list_images",
    "account.list_image_ids",
}


def test_the_account_lists_take_per_page_and_the_gallery_does_not() -> None:
    assert {e.name for e in CATALOG if e.param("perPage")} == PER_PAGE
    gallery = CATALOG.get("gallery.list")
    assert gallery is not None and gallery.paged


def test_per_page_is_unconfirmed_where_no_note_names_the_route() -> None:
    guessed = {e.name for e in CATALOG if (p := e.param("perPage")) and p.unconfirmed}
    assert guessed == PER_PAGE - {"account.list_images"}
    images = CATALOG.get("account.list_images")
    assert images is not None and images.confirmed


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (100, None),
        ("1", None),
        (0, "`perPage` must be from 1 to 100, not 0"),
        ("500", '`perPage` must be from 1 to 100, not "500"'),
    ],
    ids=["largest", "text-smallest", "zero", "too-many"],
)
def test_per_page_runs_from_1_to_100(value: object, problem: str | None) -> None:
    albums = CATALOG.get("account.list_albums")
    assert albums is not None
    per_page = albums.param("perPage")
    assert per_page is not None
    assert (per_page.default, per_page.place) == (50, "query")
    found = per_page.type_problem(value)
    assert (str(found) if found else None) == problem


def test_sent_values_are_keyed_by_the_catalogs_names() -> None:
    settings = CATALOG.get("account.update_settings")
    assert settings is not None
    sent = {"username": "HolidayPhotos", "bio": "Beaches"}
    assert settings.named(sent, "body") == {
        "new_username": "HolidayPhotos",
        "bio": "Beaches",
    }
    assert settings.named(sent, "query") == sent
    # Imgur knows no `new_username` field: sent under that name, it is unread.
    assert settings.named({"new_username": "HolidayPhotos"}, "body") == {}


@pytest.mark.parametrize(
    ("call", "name", "value", "said"),
    [
        (
            "album.create",
            "deletehashes",
            "secretcomma444, secretcomma555",
            "`deletehashes` must be a list, not text",
        ),
        ("image.delete_anonymous", "imageDeleteHash", 12345, None),
        (
            "image.delete_anonymous",
            "imageDeleteHash",
            ["secrethash111"],
            "`imageDeleteHash` must be text, not a list",
        ),
    ],
    ids=["comma-string-for-a-list", "number-is-text", "list-for-text"],
)
def test_a_secret_value_that_does_not_fit_is_not_quoted(
    call: str, name: str, value: object, said: str | None
) -> None:
    endpoint = CATALOG.get(call)
    param = endpoint.param(name) if endpoint else None
    assert param is not None and param.secret
    found = param.type_problem(value)
    assert (str(found) if found else None) == said
    assert "secret" not in str(found)


@pytest.mark.parametrize(
    ("value", "unsendable"),
    [(None, True), ("", True), (" . ", True), ("..", True), ("a.b", False), (0, False)],
    ids=["null", "empty", "dot", "dot-dot", "dotted-name", "zero"],
)
def test_a_path_segment_needs_a_value_that_stays_in_its_place(
    value: object, unsendable: bool
) -> None:
    assert unsendable_segment(value) is unsendable
