"""Every example playbook runs green against the sandbox and does what it says.

The examples are copied to a temporary folder first, so that their exports
land there and not in the repository.
"""

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from runner.results import RunResult, Status
from runner.run import RunRequest, run
from runner.sandbox import DEMO_USER, Sandbox
from runner.sandbox.store import Account
from runner.targets import Target

from .conftest import EXAMPLES, TargetSetup

NAMES = sorted(path.stem for path in EXAMPLES.glob("*.yaml"))

RunExample = Callable[..., RunResult]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy, ignore=shutil.ignore_patterns("exports"))
    return copy


@pytest.fixture
def run_example(
    reach: Callable[[Target], TargetSetup], folder: Path, tmp_path: Path
) -> RunExample:
    def run_named(
        name: str, target: Target = Target.IMGUR, **overrides: str
    ) -> RunResult:
        setup = reach(target)
        request = RunRequest(
            playbook=folder / f"{name}.yaml",
            target=target,
            base_url=setup.base_url,
            report=tmp_path / f"{name}.report.json",
            overrides=overrides,
            env=setup.env,
        )
        result = run(request, sleep=lambda seconds: None).result
        failed = [(s.id, s.error) for s in result.steps if s.status is Status.FAILED]
        assert result.status is Status.SUCCEEDED, failed
        return result

    return run_named


@pytest.fixture
def demo(sandbox: Sandbox) -> Account:
    account = sandbox.store.account(DEMO_USER)
    assert account is not None
    return account


def test_there_are_the_examples_the_readme_shows() -> None:
    assert NAMES == [
        "block_spammers",
        "delete_old_images",
        "export_favourites",
        "follow_tags",
        "quickstart",
        "tidy_album",
        "upload_folder",
    ]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("target", [Target.IMGUR, Target.LOWCODEAPI], ids=str)
def test_every_example_runs_green(
    run_example: RunExample, name: str, target: Target
) -> None:
    run_example(name, target)


def test_block_spammers_blocks_each_account_of_the_csv(
    run_example: RunExample, demo: Account, folder: Path
) -> None:
    run_example("block_spammers")

    with (folder / "spammers.csv").open(encoding="utf-8") as handle:
        listed = [row["username"] for row in csv.DictReader(handle)]
    assert demo.blocked == listed


def test_delete_old_images_keeps_what_is_newer(
    run_example: RunExample, sandbox: Sandbox, demo: Account
) -> None:
    fresh = sandbox.store.add_image(demo, mime="image/png", width=1, height=1, size=9)
    for _ in range(60):  # two pages of the account's images, and some more
        sandbox.store.add_image(demo, mime="image/png", width=1, height=1, size=9)
    for image in list(sandbox.store.images.values())[-60:]:
        image.datetime = 1_500_000_000  # 2017

    result = run_example("delete_old_images", before="2020-01-01")

    mine = [i for i in sandbox.store.images.values() if i.owner == DEMO_USER]
    assert {i.id for i in mine} == {fresh.id, "vnKe11t", "Bq3xT9a"}
    delete = next(s for s in result.steps if s.id == "delete")
    statuses = [item.status for item in delete.items or ()]
    assert statuses.count(Status.SUCCEEDED) == 60
    assert statuses.count(Status.SKIPPED) == 3


def test_export_favourites_writes_every_favourite(
    run_example: RunExample, demo: Account, folder: Path
) -> None:
    run_example("export_favourites")

    with (folder / "exports" / "favourites.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["id"] for row in rows] == list(reversed(demo.favorites))
    assert set(rows[0]) == {"id", "title", "link"}


def test_upload_folder_puts_every_file_in_one_album(
    run_example: RunExample, sandbox: Sandbox, folder: Path
) -> None:
    result = run_example("upload_folder", title="Summer", privacy="secret")

    album_id = next(s for s in result.steps if s.id == "album").saved["album_id"]
    album = sandbox.store.albums[str(album_id)]
    titles = [sandbox.store.images[i].title for i in album.image_ids]
    assert (album.title, album.privacy) == ("Summer", "secret")
    assert titles == ["Summer"] * len(list((folder / "images").iterdir()))


def test_tidy_album_retitles_every_image(
    run_example: RunExample, sandbox: Sandbox
) -> None:
    run_example("tidy_album", title="Beach days", privacy="secret")

    album = sandbox.store.albums["Hol1d4y"]
    assert album.privacy == "secret"
    assert {sandbox.store.images[i].title for i in album.image_ids} == {"Beach days"}


def test_follow_tags_leaves_the_tags_as_listed(
    run_example: RunExample, demo: Account
) -> None:
    run_example("follow_tags")

    assert set(demo.followed_tags) == {"cats", "aww"}
