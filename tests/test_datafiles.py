"""A playbook's `inputs:` sources: CSV, JSON and YAML files and globs of files."""

import textwrap
from pathlib import Path
from typing import Any

import pytest

from runner.datafiles import MAX_ROW_PROBLEMS, load_data
from runner.errors import InvalidPlaybook, Problem
from runner.loader import load_document, parse_document
from runner.playbook import load_playbook


class Folder:
    """A playbook's folder: write the data files, then the playbook's `inputs:`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    def load(self, data: str) -> tuple[dict[str, Any], list[Problem]]:
        """Load a playbook whose line 2 is `inputs:` and whose entries follow."""
        text = "version: 1\ninputs:\n" + textwrap.indent(textwrap.dedent(data), "  ")
        playbook = self.write("playbook.yaml", text)
        return load_data(load_document(playbook))

    def problem(self, data: str) -> Problem:
        _, problems = self.load(data)
        assert len(problems) == 1, problems
        return problems[0]


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    return Folder(tmp_path)


# Reading each format


def test_a_csv_file_becomes_a_list_of_rows_keyed_by_its_header(folder: Folder) -> None:
    folder.write(
        "spammers.csv",
        'username , reason\nbob,  spam links \n\n"Smith, Ann","says ""buy now"""\n',
    )
    values, problems = folder.load("spammers: spammers.csv\n")
    assert problems == []
    assert values["spammers"] == [
        {"username": "bob", "reason": "spam links"},
        {"username": "Smith, Ann", "reason": 'says "buy now"'},
    ]


def test_a_csv_file_saved_by_a_spreadsheet_reads_the_same(folder: Folder) -> None:
    # Excel's "CSV UTF-8" starts with a BOM, ends lines with CRLF and writes
    # emptied rows as bare commas.
    folder.write("tags.csv", b"\xef\xbb\xbftag,count\r\ncats,3\r\n,\r\ndogs,4\r\n")
    values, problems = folder.load("tags: tags.csv\n")
    assert problems == []
    assert values["tags"] == [
        {"tag": "cats", "count": "3"},
        {"tag": "dogs", "count": "4"},
    ]


def test_a_csv_value_may_span_lines_inside_quotes(folder: Folder) -> None:
    folder.write("notes.csv", 'id,text\n1,"two\nlines"\n2,one\n')
    values, _ = folder.load("notes: notes.csv\n")
    assert values["notes"] == [
        {"id": "1", "text": "two\nlines"},
        {"id": "2", "text": "one"},
    ]


@pytest.mark.parametrize(
    ("name", "content", "entry"),
    [
        ("settings.json", '{"limit": 5, "tags": ["a", "b"]}', "settings.json"),
        ("settings.yaml", "limit: 5\ntags: [a, b]\n", "settings.yaml"),
        ("settings.yml", "limit: 5\ntags: [a, b]\n", "settings.yml"),
        (
            "config.txt",
            '{"limit": 5, "tags": ["a", "b"]}',
            "{file: config.txt, format: json}",
        ),
        ("config.txt", "limit: 5\ntags: [a, b]\n", "{file: config.txt, format: YAML}"),
    ],
    ids=["json", "yaml", "yml", "format-json", "format-yaml-any-case"],
)
def test_json_and_yaml_files_are_read_by_extension_or_format(
    folder: Folder, name: str, content: str, entry: str
) -> None:
    folder.write(name, content)
    values, problems = folder.load(f"settings: {entry}\n")
    assert problems == []
    assert values == {"settings": {"limit": 5, "tags": ["a", "b"]}}


def test_an_absolute_path_is_read_as_it_is(folder: Folder, tmp_path: Path) -> None:
    elsewhere = folder.write("elsewhere/list.json", "[1, 2]")
    values, _ = folder.load(f"numbers: {elsewhere}\n")
    assert values["numbers"] == [1, 2]


def test_every_source_is_read_even_when_one_has_a_problem(folder: Folder) -> None:
    folder.write("good.json", "[1]")
    values, problems = folder.load("good: good.json\nbad: missing.json\n")
    assert values == {"good": [1]}
    assert [p.line for p in problems] == [4]


@pytest.mark.parametrize(
    "data",
    [
        "odd: 5\n",
        "odd: {file: a.csv, sheet: 2}\n",
        "odd: {file: a.csv, files: '*.csv'}\n",
        "odd: {files: [a.jpg]}\n",
        "odd: [a.csv]\n",
    ],
    ids=["number", "unknown-key", "file-and-files", "files-not-text", "list"],
)
def test_an_entry_of_another_shape_is_left_to_the_schema(
    folder: Folder, data: str
) -> None:
    assert folder.load(data) == ({}, [])


def test_a_playbook_without_data_has_none() -> None:
    assert load_data(parse_document(Path("p.yaml"), "version: 1\nvars: {}\n")) == (
        {},
        [],
    )
    assert load_data(parse_document(Path("p.yaml"), "[1, 2]\n")) == ({}, [])


# Globs of files


def test_a_glob_lists_matching_files_sorted_from_the_playbook_folder(
    folder: Folder,
) -> None:
    for name in ("photos/b.jpg", "photos/a.jpg", "photos/notes.txt"):
        folder.write(name, b"")
    (folder.root / "photos" / "folder.jpg").mkdir()
    values, problems = folder.load('photos: {files: "photos/*.jpg"}\n')
    assert problems == []
    assert values["photos"] == ["photos/a.jpg", "photos/b.jpg"]


def test_a_double_star_glob_reaches_into_sub_folders(folder: Folder) -> None:
    for name in ("photos/top.png", "photos/2024/may/deep.png"):
        folder.write(name, b"")
    values, _ = folder.load('photos: {files: "photos/**/*.png"}\n')
    assert values["photos"] == ["photos/2024/may/deep.png", "photos/top.png"]


def test_a_glob_that_matches_nothing_says_so_at_the_entry(folder: Folder) -> None:
    (folder.root / "photos").mkdir()
    problem = folder.problem('photos:\n  files: "photos/*.jpg"\n')
    assert problem.file == folder.root / "playbook.yaml"
    assert problem.line == 4
    assert problem.message == "inputs `photos`: no file matches photos/*.jpg"
    assert problem.hint is not None
    assert "relative to the playbook's folder" in problem.hint


# Problems placed in the playbook


def test_a_missing_file_is_placed_at_its_entry_in_the_playbook(
    folder: Folder,
) -> None:
    problem = folder.problem("other: {files: '*.yaml'}\nspammers: spammers.csv\n")
    assert problem.file == folder.root / "playbook.yaml"
    assert problem.line == 4
    assert "inputs `spammers`: cannot read spammers.csv" in problem.message
    assert "there is no such file" in problem.message
    assert problem.hint is not None
    assert f"relative to the playbook's folder, {folder.root}" in problem.hint


def test_a_folder_given_as_a_file_is_a_problem(folder: Folder) -> None:
    (folder.root / "spammers.csv").mkdir()
    problem = folder.problem("spammers: spammers.csv\n")
    assert problem.line == 3
    assert "it is a folder, not a file" in problem.message


def test_an_unknown_extension_asks_for_a_format(folder: Folder) -> None:
    folder.write("config.txt", "{}")
    problem = folder.problem("settings: config.txt\n")
    assert problem.line == 3
    assert "cannot tell the format of config.txt" in problem.message
    assert problem.hint is not None
    assert "`settings: {file: config.txt, format: json}`" in problem.hint
    assert "(csv, json or yaml)" in problem.hint


def test_a_glob_written_as_a_file_suggests_files(folder: Folder) -> None:
    problem = folder.problem("photos: photos/*.jpg\n")
    assert (
        problem.hint
        == 'for the list of files that match, write {files: "photos/*.jpg"}'
    )


def test_an_unknown_format_is_one_problem_naming_the_ones_there_are(
    folder: Folder,
) -> None:
    folder.write("list.xml", "<a/>")
    playbook = folder.write(
        "playbook.yaml",
        "version: 1\ninputs:\n  items: {file: list.xml, format: xml}\nsteps:\n"
        "  - id: a\n    call: account.get\n    with: {username: me}\n",
    )
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(playbook)

    [problem] = caught.value.problems
    assert (problem.line, problem.message, problem.hint) == (
        3,
        '`format` must be csv, json or yaml, not "xml"',
        "write `format: csv`, `format: json` or `format: yaml`",
    )


# Values separated by another character than a comma


@pytest.mark.parametrize(
    ("content", "separator", "written"),
    [
        ("username;reason\nbob;spam\n", "`;`", '";"'),
        ("username\treason\nbob\tspam\n", "tabs", '"\\t"'),
    ],
    ids=["semicolons", "tabs"],
)
def test_a_csv_file_separated_otherwise_says_how_to_read_it(
    folder: Folder, content: str, separator: str, written: str
) -> None:
    csv_file = folder.write("spammers.csv", content)
    problem = folder.problem("spammers: spammers.csv\n")
    assert (problem.file, problem.line) == (csv_file, 1)
    assert problem.message.startswith(
        f"inputs `spammers`: the file separates values with {separator}, not commas"
    )
    assert problem.hint == (
        "keep the file and write `spammers: {file: spammers.csv, "
        f"delimiter: {written}}}` under `inputs:`, or save it from the "
        'spreadsheet as "CSV UTF-8 (comma delimited)"'
    )


@pytest.mark.parametrize(
    ("content", "entry"),
    [
        ("username;reason\nbob;spam\n", '{file: spammers.csv, delimiter: ";"}'),
        ("username\treason\nbob\tspam\n", '{file: spammers.csv, delimiter: "\\t"}'),
        ("username|reason\nbob|spam\n", "{file: spammers.csv, delimiter: '|'}"),
    ],
    ids=["semicolons", "tabs", "bars"],
)
def test_a_csv_file_is_read_with_the_delimiter_given(
    folder: Folder, content: str, entry: str
) -> None:
    folder.write("spammers.csv", content)
    values, problems = folder.load(f"spammers: {entry}\n")
    assert problems == []
    assert values["spammers"] == [{"username": "bob", "reason": "spam"}]


def test_a_comma_given_as_delimiter_reads_a_semicolon_as_text(folder: Folder) -> None:
    folder.write("notes.csv", "note;s\nbuy milk; eggs\n")
    values, problems = folder.load('notes: {file: notes.csv, delimiter: ","}\n')
    assert problems == []
    assert values["notes"] == [{"note;s": "buy milk; eggs"}]


@pytest.mark.parametrize(
    ("name", "entry", "words"),
    [
        ("rows.json", '{file: rows.json, delimiter: ";"}', "`delimiter` is for CSV"),
        ("rows.csv", "{file: rows.csv, delimiter: '\"'}", "cannot separate values"),
    ],
    ids=["on-a-json-file", "a-quote"],
)
def test_a_delimiter_that_cannot_apply_is_a_problem(
    folder: Folder, name: str, entry: str, words: str
) -> None:
    folder.write(name, "[]")
    problem = folder.problem(f"rows: {entry}\n")
    assert words in problem.message
    assert problem.hint


def test_a_semicolon_file_is_one_problem_before_its_columns_are_read(
    folder: Folder,
) -> None:
    folder.write("spammers.csv", "username;reason\nbob;spam\n")
    playbook = folder.write(
        "playbook.yaml",
        "version: 1\ninputs: {spammers: spammers.csv}\nsteps:\n"
        "  - id: block\n    call: account.block_user\n"
        "    for_each: '{{ inputs.spammers }}'\n"
        "    with: {username: '{{ item.username }}'}\n",
    )
    with pytest.raises(InvalidPlaybook) as caught:
        load_playbook(playbook)

    [problem] = caught.value.problems
    assert "separates values with `;`" in problem.message


# Problems placed in the data file


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        (
            "username,reason\nbob,spam\nann,spam,again\n",
            3,
            "row has 3 values but the header has 2 columns (username, reason): "
            "ann, spam, again",
        ),
        ("username,reason\n\nbob\n", 3, "row has 1 value but the header has 2"),
        ("username,,reason\nbob,x,spam\n", 1, "column 2 of the header row has no name"),
        (
            "name,reason,name\na,b,c\n",
            1,
            "the header names two columns `name` (columns 1 and 3)",
        ),
        ("", 1, "the file is empty"),
        ("\n\n", 1, "the file is empty"),
        ('username,reason\nbob,"spam\nann,spam\n', 2, "never closed"),
        ('username,reason\n"bob"x,spam\n', 2, "closing double quote must be"),
    ],
    ids=[
        "too-many-values",
        "too-few-values",
        "unnamed-column",
        "repeated-column",
        "empty",
        "blank-only",
        "unclosed-quote",
        "text-after-quote",
    ],
)
def test_a_broken_csv_file_is_placed_in_it(
    folder: Folder, content: str, line: int, words: str
) -> None:
    csv_file = folder.write("spammers.csv", content)
    problem = folder.problem("spammers: spammers.csv\n")
    assert (problem.file, problem.line) == (csv_file, line)
    assert problem.message.startswith("inputs `spammers`: ")
    assert words in problem.message
    assert problem.hint


def test_a_csv_file_with_every_row_wrong_shows_only_the_first_few(
    folder: Folder,
) -> None:
    rows = "".join(f"user{n};spam\n" for n in range(25))
    folder.write("spammers.csv", f"username,reason\n{rows}")
    _, problems = folder.load("spammers: spammers.csv\n")
    assert len(problems) == MAX_ROW_PROBLEMS + 1
    assert problems[0].line == 2
    assert problems[-1].message == (
        "inputs `spammers`: 15 more rows with the wrong number of values"
    )


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ('{\n  "limit": 5\n  "tags": []\n}\n', 3, "a comma is missing between"),
        ('[\n  "a",\n  "b",\n]\n', 4, "a value is missing"),
        ("{'limit': 5}", 1, "a key is missing or not in double quotes"),
        ("  \n", 1, "the file is empty"),
    ],
    ids=["missing-comma", "trailing-comma", "single-quotes", "empty"],
)
def test_a_broken_json_file_is_placed_in_it(
    folder: Folder, content: str, line: int, words: str
) -> None:
    json_file = folder.write("settings.json", content)
    problem = folder.problem("settings: settings.json\n")
    assert (problem.file, problem.line) == (json_file, line)
    assert problem.message.startswith("inputs `settings`: ")
    assert words in problem.message


def test_a_broken_yaml_file_is_placed_in_it(folder: Folder) -> None:
    yaml_file = folder.write("settings.yaml", "limit: 5\ntags: [a, b\nname: x\n")
    problem = folder.problem("settings: settings.yaml\n")
    assert (problem.file, problem.line) == (yaml_file, 3)
    assert problem.message.startswith("inputs `settings`: YAML syntax:")


def test_a_file_that_is_not_utf8_is_placed_on_its_bad_line(folder: Folder) -> None:
    latin1 = "name\nbob\nRené\n".encode("latin-1")
    csv_file = folder.write("people.csv", latin1)
    problem = folder.problem("people: people.csv\n")
    assert (problem.file, problem.line) == (csv_file, 3)
    assert "not UTF-8 text (it holds the byte 0xe9)" in problem.message
    assert problem.hint is not None and "UTF-8" in problem.hint


def test_dates_in_a_yaml_file_stay_text(folder: Folder) -> None:
    folder.write("rows.yaml", "- {username: bob, since: 2021-01-01}\n")
    values, problems = folder.load("rows: rows.yaml\n")
    assert problems == []
    assert values == {"rows": [{"username": "bob", "since": "2021-01-01"}]}


def test_an_empty_yaml_file_says_what_to_write(folder: Folder) -> None:
    folder.write("rows.yaml", "")
    problem = folder.problem("rows: rows.yaml\n")
    assert problem.message == "inputs `rows`: the file is empty"
    assert problem.hint is not None and "- name: value" in problem.hint


def test_a_utf16_file_says_so(folder: Folder) -> None:
    folder.write("people.csv", "name\nbob\n".encode("utf-16"))
    problem = folder.problem("people: people.csv\n")
    assert (problem.line, problem.message) == (
        1,
        "inputs `people`: the file is saved as UTF-16, not UTF-8",
    )
