"""`export:` writes saved values to CSV or JSON, whole, with no secret in them."""

import csv
import json
from collections.abc import Callable
from contextlib import chdir
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from runner.cli import cli
from runner.export import export_text
from runner.redact import Redactor
from runner.results import Status
from runner.sandbox import Sandbox

from .conftest import FAKE_ACCESS_TOKEN, FAKE_CLIENT_ID, RunText

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


def test_a_file_name_made_of_a_deletehash_is_refused(
    run_text: RunText, tmp_path: Path
) -> None:
    ran = run_text(
        """\
        version: 1
        steps:
          - id: first
            call: account.list_images
            with: {username: me}
            save: {image: "data[0]"}
          - id: mine
            call: account.list_images
            with: {username: me}
            save: {rows: "data[*].id"}
            export: {to: "out/{{ to_string(steps.first.image) }}.csv", rows: rows}
        """
    )

    step = ran.step("mine")
    assert step.status is Status.FAILED
    assert "would put a secret (a token or deletehash) in the file name" in str(
        step.error
    )
    assert not (tmp_path / "out").exists()
    deletehash = ran.step("first").saved["image"]["deletehash"]
    assert deletehash not in json.dumps(ran.report)


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


def test_a_loop_whose_export_fails_says_why_on_screen(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    (tmp_path / "loop.yaml").write_text(
        "version: 1\nsteps:\n  - id: people\n    call: account.get\n"
        "    for_each: [friendly_artist]\n    with: {username: '{{ item }}'}\n"
        "    save: {name: data.url}\n"
        "    export: {to: people.csv, rows: 'items[0].name'}\n",
        encoding="utf-8",
    )

    result = invoke(sandbox, tmp_path, "loop.yaml", "--report", "r.json")

    assert result.exit_code == 1, result.output
    assert "1 item: 1 ok" in result.stdout
    assert 'export rows `items[0].name` gave "friendly_artist"' in result.stdout


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


# Files the run reads, each of which an export or the report could replace.
READS_FILES = """\
version: 1
inputs:
  rows: people.csv
  notes: {files: "notes/*.txt"}
steps:
  - id: me
    call: account.get
    with: {username: me}
    save: {u: "[data]"}
    export: {to: TO, rows: u, columns: [url], format: csv}
"""


@pytest.fixture
def reads_files(tmp_path: Path) -> Path:
    (tmp_path / "people.csv").write_text("name\nfriendly_artist\n", encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("kept\n", encoding="utf-8")
    (tmp_path / "vars.yaml").write_text("who: me\n", encoding="utf-8")
    return tmp_path


def invoke(sandbox: Sandbox, tmp_path: Path, *args: str) -> Result:
    setup = ["--target", "imgur", "--base-url", sandbox.url]
    env = {"IMGUR_CLIENT_ID": FAKE_CLIENT_ID, "IMGUR_ACCESS_TOKEN": FAKE_ACCESS_TOKEN}
    with chdir(tmp_path):
        return CliRunner().invoke(cli, ["run", *args, *setup], env=env)


@pytest.mark.parametrize(
    ("to", "replaced"),
    [
        ("people.csv", "the file inputs `rows` reads"),
        ("notes/../notes/a.txt", "the file inputs `notes` reads"),
        ("playbook.yaml", "the playbook itself"),
        ("vars.yaml", "the --vars-file"),
    ],
    ids=["input-file", "input-glob", "playbook", "vars-file"],
)
def test_an_export_that_would_replace_a_file_the_run_reads_is_refused(
    to: str, replaced: str, reads_files: Path, sandbox: Sandbox
) -> None:
    playbook = reads_files / "playbook.yaml"
    playbook.write_text(READS_FILES.replace("TO", to), encoding="utf-8")
    before = {p: p.read_bytes() for p in reads_files.rglob("*") if p.is_file()}

    result = invoke(sandbox, reads_files, str(playbook), "--vars-file", "vars.yaml")

    assert result.exit_code == 2, result.output
    assert f"{playbook}:10: step me: export.to `{to}` is {replaced}" in result.stderr
    assert sandbox.received == []
    assert {p: p.read_bytes() for p in before} == before


def test_two_exports_to_one_file_are_refused(
    write_playbook: Callable[[str], Path], sandbox: Sandbox, tmp_path: Path
) -> None:
    playbook = write_playbook(
        """\
        version: 1
        steps:
          - id: first
            call: account.get
            with: {username: me}
            save: {u: "[data]"}
            export: {to: out/me.csv, rows: u}
          - id: second
            call: account.get
            with: {username: me}
            save: {u: "[data]"}
            export: {to: ./out/../out/me.csv, rows: u}
        """
    )

    result = invoke(sandbox, tmp_path, str(playbook))

    assert result.exit_code == 2, result.output
    assert (
        f"{playbook}:12: step second: export.to `./out/../out/me.csv` is the file "
        "step `first` exports to (line 7): this export would replace its rows"
    ) in result.stderr
    assert sandbox.received == []


@pytest.mark.parametrize(
    ("report", "replaced"),
    [
        ("playbook.yaml", "the playbook itself"),
        ("people.csv", "the file inputs `rows` reads"),
        ("notes/a.txt", "the file inputs `notes` reads"),
        ("vars.yaml", "the --vars-file"),
        ("./me.csv", "the file step `me` exports to"),
    ],
    ids=["playbook", "input-file", "input-glob", "vars-file", "export"],
)
def test_a_report_that_would_replace_a_file_of_the_run_is_refused(
    report: str, replaced: str, reads_files: Path, sandbox: Sandbox
) -> None:
    playbook = reads_files / "playbook.yaml"
    playbook.write_text(READS_FILES.replace("TO", "me.csv"), encoding="utf-8")
    before = {p: p.read_bytes() for p in reads_files.rglob("*") if p.is_file()}
    more = ["--vars-file", "vars.yaml", "--report", report]

    result = invoke(sandbox, reads_files, str(playbook), *more)

    assert result.exit_code == 2, result.output
    said = f"cannot write the report to {Path(report)}: it is {replaced}"
    assert said in result.stderr
    assert sandbox.received == []
    assert {p: p.read_bytes() for p in before} == before


def test_a_file_where_the_export_s_folder_would_be_is_named(
    run_text: RunText, tmp_path: Path
) -> None:
    (tmp_path / "exports").write_text("not a folder\n", encoding="utf-8")

    ran = run_text(
        FAVOURITES.replace("EXPORT", "{to: exports/favourites.csv, rows: rows}")
    )

    step = ran.step("favourites")
    assert step.status is Status.FAILED
    assert step.error == (
        f"cannot write {tmp_path}/exports/favourites.csv: `{tmp_path}/exports` is "
        "a file, not a folder; move it or choose another `to:`"
    )
