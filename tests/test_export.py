"""`export:` writes saved values to CSV or JSON, whole, with no secret in them."""

import csv
import json
from pathlib import Path

import pytest

from runner.export import export_text
from runner.redact import Redactor
from runner.results import Status

from .conftest import RunText

FAVOURITES = """\
version: 1
steps:
  - id: favourites
    call: account.list_favorites
    with: {username: me}
    pages: all
    save:
      rows: "data[*].{id: id, title: title, link: link}"
    export: EXPORT
"""


def test_favourites_go_to_a_csv_file_beside_the_playbook(
    run_text: RunText, tmp_path: Path
) -> None:
    ran = run_text(
        FAVOURITES.replace("EXPORT", "{to: exports/favourites.csv, rows: rows}")
    )

    written = tmp_path / "exports" / "favourites.csv"
    with written.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == ["ArtAlb1", "Art0003", "Art0001"]
    assert rows[1] == {
        "id": "Art0003",
        "title": "Sketchbook page",
        "link": "https://i.imgur.com/Art0003.png",
    }
    exported = ran.report["steps"][0]["exported"]
    assert exported == {"file": str(written), "rows": 3}
    assert sorted(p.name for p in written.parent.iterdir()) == ["favourites.csv"]


def test_json_export_keeps_the_chosen_columns_in_order(
    run_text: RunText, tmp_path: Path
) -> None:
    run_text(
        FAVOURITES.replace(
            "EXPORT",
            "{to: 'out/{{ run.playbook }}.json', rows: rows, columns: [link, id]}",
        )
    )

    [written] = (tmp_path / "out").iterdir()
    rows = json.loads(written.read_text(encoding="utf-8"))
    assert list(rows[0]) == ["link", "id"]
    assert rows[0] == {"link": "https://imgur.com/a/ArtAlb1", "id": "ArtAlb1"}


def test_exports_never_hold_deletehashes(run_text: RunText, tmp_path: Path) -> None:
    ran = run_text(
        """\
        version: 1
        steps:
          - id: mine
            call: account.list_images
            with: {username: me}
            save:
              rows: "data[*].{id: id, deletehash: deletehash}"
              first_hash: "data[0].deletehash"
            export: {to: mine.csv, rows: rows}
        """
    )

    text = (tmp_path / "mine.csv").read_text(encoding="utf-8")
    assert ran.step("mine").status is Status.SUCCEEDED
    assert str(ran.step("mine").saved["first_hash"]) not in text
    assert text.splitlines()[1:] == ["Bq3xT9a,***", "vnKe11t,***"]


def test_a_loop_exports_what_each_item_saved(run_text: RunText, tmp_path: Path) -> None:
    run_text(
        """\
        version: 1
        steps:
          - id: people
            call: account.get
            for_each: [friendly_artist, gallery_poster]
            with: {username: "{{ item }}"}
            save: {name: data.url, reputation: data.reputation}
            export: {to: people.csv, rows: items}
        """
    )

    lines = (tmp_path / "people.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["name,reputation", "friendly_artist,2150", "gallery_poster,0"]


def test_rows_that_are_not_a_list_fail_the_step(
    run_text: RunText, tmp_path: Path
) -> None:
    ran = run_text(FAVOURITES.replace("EXPORT", "{to: out.csv, rows: 'rows[0].id'}"))

    step = ran.step("favourites")
    assert step.status is Status.FAILED
    assert step.error == 'export rows `rows[0].id` gave "ArtAlb1", not a list of rows'
    assert not (tmp_path / "out.csv").exists()


def test_cells_are_written_as_people_read_them() -> None:
    text = export_text(
        [{"a": None, "b": True, "c": [1, 2]}, {"a": "x,y", "d": 3}],
        None,
        "csv",
        Redactor(),
    )

    assert text.splitlines() == ["a,b,c,d", ',true,"[1, 2]",', '"x,y",,,3']


@pytest.mark.parametrize(
    ("name", "written"),
    [("people.csv", "name,reputation\n"), ("people.json", "[]\n")],
    ids=["csv", "json"],
)
def test_a_loop_whose_items_all_failed_writes_an_empty_export(
    name: str, written: str, run_text: RunText, tmp_path: Path
) -> None:
    ran = run_text(
        f"""\
        version: 1
        steps:
          - id: people
            call: account.get
            for_each: [nobody_at_all, nobody_either]
            on_error: continue
            with: {{username: "{{{{ item }}}}"}}
            save: {{name: data.url, reputation: data.reputation}}
            export: {{to: {name}, rows: items}}
        """
    )

    people = ran.step("people")
    assert people.status is Status.FAILED
    assert people.error == "2 of 2 items failed"
    assert (tmp_path / name).read_text(encoding="utf-8") == written
    assert people.exported is not None and people.exported.rows == 0


def test_a_loop_skipped_whole_writes_no_export(
    run_text: RunText, tmp_path: Path
) -> None:
    ran = run_text(
        """\
        version: 1
        vars: {go: false}
        steps:
          - id: people
            call: account.get
            for_each: [friendly_artist]
            when: vars.go
            with: {username: "{{ item }}"}
            save: {name: data.url}
            export: {to: people.csv, rows: items}
        """
    )

    assert ran.step("people").status is Status.SKIPPED
    assert not (tmp_path / "people.csv").exists()
