"""`pages:` reads a paged list page after page and joins the pages' data."""

import pytest

from runner.results import Status
from runner.sandbox import DEMO_USER, Sandbox
from runner.sandbox.gallery_posts import tagged
from runner.sandbox.store import GalleryPost
from runner.targets import Target

from .conftest import RunText

LIST_IMAGES = """\
version: 1
steps:
  - id: images
    call: account.list_images
    with: {username: me}
    PAGES
    save: {ids: "data[*].id", count: length(data)}
"""


def add_images(sandbox: Sandbox, count: int) -> None:
    demo = sandbox.store.account(DEMO_USER)
    for _ in range(count):
        sandbox.store.add_image(demo, mime="image/png", width=1, height=1, size=9)


@pytest.mark.parametrize("target", [Target.IMGUR, Target.LOWCODEAPI], ids=str)
def test_all_pages_are_read_until_an_empty_one(
    run_text: RunText, sandbox: Sandbox, target: Target
) -> None:
    add_images(sandbox, 118)  # with the two seeded: 120, pages of 50

    ran = run_text(LIST_IMAGES.replace("PAGES", "pages: all"), target)

    images = ran.step("images")
    assert images.status is Status.SUCCEEDED
    assert images.saved["count"] == 120
    assert len(set(images.saved["ids"])) == 120  # no page read twice
    assert images.pages == 4  # three with images, then the empty one
    assert images.url is not None and images.url.split("?")[0].endswith("/images/3")
    assert ran.report["steps"][0]["pages"] == 4


def test_a_page_limit_stops_early(run_text: RunText, sandbox: Sandbox) -> None:
    add_images(sandbox, 118)

    ran = run_text(LIST_IMAGES.replace("PAGES", "pages: 2"))

    images = ran.step("images")
    assert (images.saved["count"], images.pages) == (100, 2)


def test_paging_starts_at_the_page_given(run_text: RunText, sandbox: Sandbox) -> None:
    add_images(sandbox, 118)
    text = LIST_IMAGES.replace("{username: me}", "{username: me, page: 2}")

    ran = run_text(text.replace("PAGES", "pages: all"))

    assert (ran.step("images").saved["count"], ran.step("images").pages) == (20, 2)


def test_a_short_list_is_one_page_and_the_empty_one(run_text: RunText) -> None:
    ran = run_text(LIST_IMAGES.replace("PAGES", "pages: all"))

    images = ran.step("images")
    assert (images.saved["count"], images.pages) == (2, 2)


def tag_posts(sandbox: Sandbox, count: int) -> None:
    poster = sandbox.store.account("gallery_poster")
    assert poster is not None
    for number in range(count):
        image = sandbox.store.add_image(
            poster, mime="image/png", width=1, height=1, size=9
        )
        post = GalleryPost(image.id, False, poster.username, f"Cat {number}", 0)
        post.tags = ["cats"]
        sandbox.store.gallery[image.id] = post


@pytest.mark.parametrize("target", [Target.IMGUR, Target.LOWCODEAPI], ids=str)
def test_a_tags_items_are_paged_and_the_tag_is_kept(
    run_text: RunText, sandbox: Sandbox, target: Target
) -> None:
    seeded = len(tagged(sandbox.store, "cats"))
    tag_posts(sandbox, 70)  # and the seeded few: two pages of up to 60

    ran = run_text(
        """\
        version: 1
        steps:
          - id: cats
            call: gallery.get_tag
            with: {tagName: cats, sort: time}
            pages: all
            save: {name: data.name, ids: "data.items[*].id"}
        """,
        target,
    )

    cats = ran.step("cats")
    assert cats.status is Status.SUCCEEDED, cats.error
    assert (cats.saved["name"], cats.pages) == ("cats", 3)
    assert len(cats.saved["ids"]) == len(set(cats.saved["ids"])) == seeded + 70
