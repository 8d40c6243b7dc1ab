"""Data files given to a playbook: its `inputs:` sources and the --vars-file."""

from __future__ import annotations

import csv
import glob
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from runner.errors import InvalidPlaybook, Problem
from runner.loader import Document, Where, decode, parse_document
from runner.wording import describe_value

# The top-level section the playbook schema gives data files, read in
# templates as {{ inputs.NAME }}.
SECTION = "inputs"
FORMATS = ("csv", "json", "yaml")
FILE_KEYS = {"file", "format", "delimiter"}
# What a spreadsheet writes between values instead of a comma: a semicolon
# where the comma is the decimal mark (European Excel), or a tab.
OTHER_DELIMITERS = {";": "`;`", "\t": "tabs"}
# Characters that cannot separate values: they quote them or end a row.
NOT_DELIMITERS = {'"', "\r", "\n"}
EXTENSIONS = {".csv": "csv", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}

# A CSV saved with the wrong delimiter gets every row wrong: show a few, count
# the rest, rather than bury the other problems under thousands of lines.
MAX_ROW_PROBLEMS = 10

QUOTING_HINT = (
    "a value that holds a comma, a quote or a line break goes in double quotes, "
    'with each quote inside doubled: "Smith, Bob","say ""hi"""'
)
JSON_HINT = (
    "JSON needs double quotes around keys and text, a comma between items "
    "and none after the last one"
)

# The decoder's messages, in words for someone who does not write JSON daily.
JSON_WORDS = {
    "Expecting value": "a value is missing, or is not JSON "
    "(text needs double quotes; true, false and null are lower case)",
    "Expecting property name": "a key is missing or not in double quotes",
    "Expecting ',' delimiter": "a comma is missing between two items",
    "Expecting ':' delimiter": "a colon is missing after a key",
    "Unterminated string": "text is missing its closing double quote",
    "Extra data": "there is more after the end of the JSON value",
    "Invalid control character": "text holds a tab or line break; "
    "write it as \\t or \\n",
    "Invalid \\escape": "a backslash in text must be written as \\\\",
}


@dataclass(frozen=True)
class Source:
    """One entry under `inputs:`: a file in some format, or a glob of files."""

    name: str
    where: Where  # its place in the playbook
    file: str | None = None
    format: str | None = None
    pattern: str | None = None
    delimiter: str | None = None  # a CSV's separator, when the playbook names one

    @property
    def label(self) -> str:
        return f"{SECTION} `{self.name}`"


def load_data(document: Document) -> tuple[dict[str, Any], list[Problem]]:
    """Read every source under the document's `inputs:`; problems, not exceptions."""
    raw = document.data.get(SECTION) if isinstance(document.data, dict) else None
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, entry in (raw if isinstance(raw, dict) else {}).items():
        source = _source(str(name), entry)
        if source is None:
            continue  # not one of the shapes: the JSON Schema reports it
        try:
            values[source.name] = _load(document, source)
        except InvalidPlaybook as error:
            problems.extend(error.problems)
    return values, problems


def input_files(document: Document, values: dict[str, Any]) -> dict[Path, str]:
    """Each file `inputs:` reads, with what names it: an export must not replace it.

    `values` are what `load_data` read: a glob's are the files it matched.
    """
    raw = document.data.get(SECTION) if isinstance(document.data, dict) else None
    files: dict[Path, str] = {}
    for name, entry in (raw if isinstance(raw, dict) else {}).items():
        source = _source(str(name), entry)
        if source is None:
            continue
        matched = [source.file] if source.file else values.get(source.name) or []
        for file in matched:
            files.setdefault(document.path.parent / str(file), source.label)
    return files


def load_vars_file(path: Path) -> Document:
    """The file given to --vars-file: YAML or JSON mapping var names to values.

    Raises:
        InvalidPlaybook: the file is missing, unreadable, broken or not a mapping.
    """
    label = "--vars-file"
    try:
        raw = path.read_bytes()
    except OSError as error:
        message = f"{label}: cannot read {path}: {_unreadable(error)}"
        hint = f"the path is relative to the folder you run in, {Path.cwd()}"
        raise InvalidPlaybook([Problem(path, None, message, hint=hint)]) from None
    text = _decode(path, raw, label)
    if path.suffix.lower() == ".json":
        document = _json_document(path, text, label)
    else:
        hint = "write one `name: value` per line"
        document = _yaml_document(path, text, label, empty_hint=hint)
    if not isinstance(document.data, dict):
        kind = describe_value(document.data)
        message = f"{label}: the file must map var names to values, not {kind}"
        hint = 'write one `name: value` per line (in JSON: {"name": value, ...})'
        raise InvalidPlaybook([Problem(path, 1, message, hint=hint)])
    return document


def _decode(path: Path, raw: bytes, label: str) -> str:
    """The bytes of a data file as text; UTF-8, with or without a BOM.

    Raises:
        InvalidPlaybook: they are not UTF-8, placed on the first bad line.
    """
    hint = "save the file as UTF-8 (a spreadsheet calls it CSV UTF-8)"
    return decode(path, raw, label, hint=hint)


def _source(name: str, entry: Any) -> Source | None:
    if isinstance(entry, str):
        return Source(name, (SECTION, name), file=entry)
    if not isinstance(entry, dict):
        return None
    keys = set(entry)
    if keys == {"files"} and isinstance(entry["files"], str):
        return Source(name, (SECTION, name, "files"), pattern=entry["files"])
    if "file" not in keys or not keys <= FILE_KEYS:
        return None
    file, fmt, delimiter = entry["file"], entry.get("format"), entry.get("delimiter")
    texts = [value for value in (fmt, delimiter) if value is not None]
    if not isinstance(file, str) or not all(isinstance(v, str) for v in texts):
        return None
    if fmt is not None and fmt.lower() not in FORMATS:
        return None  # the JSON Schema names the formats there are
    if delimiter is not None and len(delimiter) != 1:
        return None  # the JSON Schema says it is one character
    where = (SECTION, name, "file")
    return Source(name, where, file=file, format=fmt, delimiter=delimiter)


def _load(document: Document, source: Source) -> Any:
    if source.pattern is not None:
        return _matching_files(document, source)
    assert source.file is not None, "a source is a file or a pattern"
    fmt = _format(document, source)
    path = document.path.parent / source.file
    try:
        raw = path.read_bytes()
    except OSError as error:
        message = f"{source.label}: cannot read {source.file}: {_unreadable(error)}"
        folder = _folder(document)
        hint = (
            f"paths under `{SECTION}:` are relative to the playbook's folder, {folder}"
        )
        raise InvalidPlaybook(
            [document.problem(source.where, message, hint=hint)]
        ) from None
    text = _decode(path, raw, source.label)
    if fmt == "csv":
        return _read_csv(path, text, source)
    _check_no_delimiter(document, source)
    return READERS[fmt](path, text, source.label)


def _check_no_delimiter(document: Document, source: Source) -> None:
    """`delimiter` is for CSV files: elsewhere it would be silently ignored.

    Raises:
        InvalidPlaybook: the entry gives one for a JSON or YAML file.
    """
    if source.delimiter is None:
        return
    message = f"{source.label}: `delimiter` is for CSV files, and {source.file} is not"
    where = (SECTION, source.name, "delimiter")
    hint = "remove `delimiter:`, or add `format: csv` if the file is a CSV"
    raise InvalidPlaybook([document.problem(where, message, hint=hint)])


def _format(document: Document, source: Source) -> str:
    """The format the entry names, or the one its file's extension says.

    Raises:
        InvalidPlaybook: neither tells it.
    """
    assert source.file is not None, "only files have a format"
    given = source.format.lower() if source.format else None
    fmt = given or EXTENSIONS.get(Path(source.file).suffix.lower())
    if fmt in FORMATS:
        return fmt
    message = f"{source.label}: cannot tell the format of {source.file} from its name"
    hint = (
        f"give its format, as in `{source.name}: {{file: {source.file}, "
        "format: json}` (csv, json or yaml), or name the file .csv, .json, "
        ".yaml or .yml"
    )
    if glob.has_magic(source.file):
        hint = f'for the list of files that match, write {{files: "{source.file}"}}'
    raise InvalidPlaybook([document.problem(source.where, message, hint=hint)])


def _matching_files(document: Document, source: Source) -> list[str]:
    """Files the glob matches, sorted, as paths from the playbook's folder."""
    assert source.pattern is not None, "only globs match files"
    folder = document.path.parent
    matches = glob.glob(source.pattern, root_dir=folder, recursive=True)
    files = sorted(Path(m).as_posix() for m in matches if (folder / m).is_file())
    if not files:
        message = f"{source.label}: no file matches {source.pattern}"
        hint = (
            f"the pattern is relative to the playbook's folder, {_folder(document)}; "
            "* stands for any name in one folder, ** for any folders below"
        )
        raise InvalidPlaybook([document.problem(source.where, message, hint=hint)])
    return files


def _folder(document: Document) -> Path:
    return document.path.parent.resolve()


def _unreadable(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "there is no such file"
    if isinstance(error, IsADirectoryError):
        return "it is a folder, not a file"
    return error.strerror or str(error)


def _read_csv(path: Path, text: str, source: Source) -> list[dict[str, str]]:
    """Rows as dicts keyed by the header row, values stripped, blank rows skipped.

    Raises:
        InvalidPlaybook: no header, a bad column name, a row of the wrong width,
            or values separated by something else than the delimiter.
    """
    label = source.label
    _check_delimiter(path, source)
    rows = _csv_rows(path, text, label, source.delimiter or ",")
    if not rows:
        hint = "the first row names the columns, like: username,reason"
        problem = Problem(path, 1, f"{label}: the file is empty", hint=hint)
        raise InvalidPlaybook([problem])
    header_line, columns = rows[0]
    if source.delimiter is None:
        _check_commas(path, source, header_line, columns)
    header_problems = list(_header_problems(path, label, header_line, columns))
    if header_problems:
        raise InvalidPlaybook(header_problems)
    return _records(path, label, columns, rows[1:])


def _check_delimiter(path: Path, source: Source) -> None:
    """A quote or a line break cannot separate values.

    Raises:
        InvalidPlaybook: the playbook names one as the delimiter.
    """
    if source.delimiter not in NOT_DELIMITERS:
        return
    message = f"{source.label}: {source.delimiter!r} cannot separate values"
    hint = 'write the character between the values, such as `delimiter: ";"`'
    raise InvalidPlaybook([Problem(path, None, message, hint=hint)])


def _check_commas(path: Path, source: Source, line: int, columns: list[str]) -> None:
    """A header of one column holding a `;` or a tab is not a comma-separated file.

    Read with commas, `username;reason` is one column of that name, and
    every later mistake would be about it. csv.Sniffer is not used: on one
    line it guesses wrong (`username` gives the delimiter "e"), and a wrong
    guess would read a good file badly; this rule only refuses, and names
    the fix.

    Raises:
        InvalidPlaybook: the header is separated by another character.
    """
    if len(columns) != 1:
        return
    found = [char for char in OTHER_DELIMITERS if char in columns[0]]
    if not found:
        return
    char = found[0]
    shown = "\\t" if char == "\t" else char
    message = (
        f"{source.label}: the file separates values with "
        f"{OTHER_DELIMITERS[char]}, not commas (header row: {_shorten(columns[0])})"
    )
    hint = (
        f"keep the file and write `{source.name}: {{file: {source.file}, "
        f'delimiter: "{shown}"}}` under `inputs:`, or save it from the '
        'spreadsheet as "CSV UTF-8 (comma delimited)"'
    )
    raise InvalidPlaybook([Problem(path, line, message, hint=hint)])


def _csv_rows(
    path: Path, text: str, label: str, delimiter: str
) -> list[tuple[int, list[str]]]:
    """Each row that is not blank, with the line it starts on."""
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    rows = []
    start = 1
    try:
        for cells in reader:
            stripped = [cell.strip() for cell in cells]
            # a spreadsheet writes an emptied row as ",,,": no data in it either
            if any(stripped):
                rows.append((start, stripped))
            start = reader.line_num + 1
    except csv.Error as error:
        message = f"{label}: {_csv_words(error)}"
        raise InvalidPlaybook(
            [Problem(path, start, message, hint=QUOTING_HINT)]
        ) from None
    return rows


def _csv_words(error: csv.Error) -> str:
    reason = str(error)
    if reason == "unexpected end of data":
        return "a double quote opened in this row is never closed"
    if "expected after" in reason:
        return "a closing double quote must be followed by a comma or the row's end"
    return f"not valid CSV: {reason}"


def _header_problems(
    path: Path, label: str, line: int, columns: list[str]
) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for number, column in enumerate(columns, start=1):
        if not column:
            message = f"{label}: column {number} of the header row has no name"
            hint = (
                "the first row names the columns: fill in the name or delete the column"
            )
            yield Problem(path, line, message, hint=hint)
        elif column in seen:
            message = (
                f"{label}: the header names two columns `{column}` "
                f"(columns {seen[column]} and {number})"
            )
            yield Problem(path, line, message, hint="rename one of them")
        else:
            seen[column] = number


def _records(
    path: Path, label: str, columns: list[str], rows: list[tuple[int, list[str]]]
) -> list[dict[str, str]]:
    records = []
    problems = []
    for line, cells in rows:
        if len(cells) == len(columns):
            records.append(dict(zip(columns, cells, strict=True)))
        else:
            problems.append(_width_problem(path, label, line, columns, cells))
    if len(problems) > MAX_ROW_PROBLEMS:
        more = len(problems) - MAX_ROW_PROBLEMS
        message = f"{label}: {_count(more, 'more row')} with the wrong number of values"
        hint = (
            "is every value separated by a comma? for another separator, "
            'write `delimiter: ";"` beside `file:` under `inputs:`'
        )
        problems = [
            *problems[:MAX_ROW_PROBLEMS],
            Problem(path, None, message, hint=hint),
        ]
    if problems:
        raise InvalidPlaybook(problems)
    return records


def _width_problem(
    path: Path, label: str, line: int, columns: list[str], cells: list[str]
) -> Problem:
    message = (
        f"{label}: row has {_count(len(cells), 'value')} but the header has "
        f"{_count(len(columns), 'column')} ({', '.join(columns)}): "
        f"{_shorten(', '.join(cells))}"
    )
    if len(cells) > len(columns):
        hint = QUOTING_HINT
    else:
        hint = (
            "add the missing values; an empty one is nothing between commas: bob,,spam"
        )
    return Problem(path, line, message, hint=hint)


def _read_json(path: Path, text: str, label: str) -> Any:
    """The JSON value of the file.

    Raises:
        InvalidPlaybook: the file is empty or not JSON, placed on the bad line.
    """
    if not text.strip():
        hint = 'write a JSON value, like {"limit": 5} or ["a", "b"]'
        raise InvalidPlaybook(
            [Problem(path, 1, f"{label}: the file is empty", hint=hint)]
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        near = text[error.pos : error.pos + 20].split("\n")[0].strip()
        at = f" (at {near})" if near else ""
        message = (
            f"{label}: not valid JSON at column {error.colno}: "
            f"{_json_words(error.msg)}{at}"
        )
        problem = Problem(path, error.lineno, message, hint=JSON_HINT)
        raise InvalidPlaybook([problem]) from None


def _json_words(reason: str) -> str:
    for start, words in JSON_WORDS.items():
        if reason.startswith(start):
            return words
    return reason


def _read_yaml(path: Path, text: str, label: str) -> Any:
    hint = "write a YAML value, like a list of `- name: value` lines"
    return _yaml_document(path, text, label, empty_hint=hint).data


def _yaml_document(path: Path, text: str, label: str, *, empty_hint: str) -> Document:
    """Parse YAML, with the label in front of each problem it has.

    Raises:
        InvalidPlaybook: the text is empty or not YAML, placed in the file.
    """
    try:
        return parse_document(path, text, empty_hint=empty_hint)
    except InvalidPlaybook as error:
        problems = [replace(p, message=f"{label}: {p.message}") for p in error.problems]
        raise InvalidPlaybook(problems) from None


def _json_document(path: Path, text: str, label: str) -> Document:
    """JSON read by the JSON rules, with lines from reading it as YAML.

    Raises:
        InvalidPlaybook: the text is empty or not JSON.
    """
    data = _read_json(path, text, label)
    try:
        lines = parse_document(path, text).lines
    except InvalidPlaybook:
        lines = {}  # valid JSON that PyYAML rejects: problems go without a line
    return Document(path, data, lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


READERS: dict[str, Callable[[Path, str, str], Any]] = {
    "json": _read_json,
    "yaml": _read_yaml,
}
