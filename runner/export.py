"""A step's `export`: saved values written to a CSV or JSON file, atomically."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner.atomic import write_text_atomic
from runner.errors import PlaybookError, Problem, StepError
from runner.known import has_unknown, known_base, render_known
from runner.redact import Redactor
from runner.templating import Expression

if TYPE_CHECKING:  # a playbook is built with its exports
    from runner.playbook import Playbook

FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Export:
    """Where to write (a template), which rows, which columns, in what format."""

    to: str
    rows: Expression
    columns: tuple[str, ...] | None = None
    format: str = "csv"
    line: int | None = field(default=None, compare=False)  # of `to:`

    @staticmethod
    def format_of(to: str, given: str | None) -> str | None:
        """The format named, or the one the file's extension says, or None."""
        if given is not None:
            return given
        suffix = Path(to).suffix.lower().lstrip(".")
        return suffix if suffix in FORMATS else None


def overwrite_problems(playbook: Playbook, kept: Mapping[Path, str]) -> list[Problem]:
    """Exports that would replace a file the run reads, or another's file.

    `kept` names the files the run reads (the playbook, its data files);
    an export whose file name waits for the run is not known yet.
    """
    problems: list[Problem] = []
    earlier: dict[Path, tuple[str, Export]] = {}
    for step_id, export, path in export_paths(playbook):
        first_id, first = earlier.setdefault(same_path(path), (step_id, export))
        replaced = replaced_file(path, kept)
        if replaced is not None:
            message = f"export.to `{export.to}` is {replaced}: the run would replace it"
            hint = f"export to another file, such as `to: exports/{path.name}`"
        elif first is not export:
            message = (
                f"export.to `{export.to}` is the file step `{first_id}` exports to "
                f"(line {first.line}): this export would replace its rows"
            )
            hint = "give each step's export a file of its own"
        else:
            continue
        problems.append(Problem(playbook.path, export.line, message, step_id, hint))
    return problems


def export_paths(playbook: Playbook) -> Iterator[tuple[str, Export, Path]]:
    """Each step's export and its file, where the name is known before the run."""
    base = known_base(playbook.vars, playbook.inputs)
    for step in playbook.steps:
        if step.export is None:
            continue
        try:
            name = render_known(step.export.to, base)
        except PlaybookError:
            continue  # the checks say why
        if not has_unknown(name):
            yield step.id, step.export, playbook.folder / str(name)


def replaced_file(path: Path, kept: Mapping[Path, str]) -> str | None:
    """What `path` would replace of the `kept` files, in words, if any."""
    return next((what for file, what in kept.items() if _same_file(path, file)), None)


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)  # links and `..` included
    except OSError:  # one is not there yet
        return same_path(one) == same_path(other)


def same_path(path: Path) -> Path:
    """`path` as one spelling, to compare files that may not exist yet."""
    return Path(os.path.normcase(path.resolve()))


def as_rows(value: Any, source: str) -> list[Any]:
    """The value of `rows` as a list; a single mapping is one row.

    Raises:
        StepError: it is neither a list nor a mapping.
    """
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return value
    raise StepError(
        f"export rows `{source}` gave {json.dumps(value)[:60]}, not a list of rows"
    )


def export_text(
    rows: Sequence[Any],
    columns: Sequence[str] | None,
    fmt: str,
    redactor: Redactor,
) -> str:
    """The file's whole text: CSV with a header row, or a JSON array.

    No secret is written: a field named like one (`deletehash`, tokens) is
    masked whatever its value, and so is every value the run knows is secret.
    """
    if fmt == "json":
        chosen = [_pick(row, columns) for row in rows] if columns else list(rows)
        text = json.dumps(redactor.value(chosen), indent=2, ensure_ascii=False)
        return redactor.text(text) + "\n"
    header = list(columns) if columns else _columns(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        values = redactor.value(_pick(row, header))
        writer.writerow([_cell(values[name]) for name in header])
    return redactor.text(out.getvalue())


def write_export(path: Path, text: str) -> None:
    """Replace the file at `path` in one step.

    Raises:
        StepError: the file cannot be written.
    """
    try:
        write_text_atomic(path, text)
    except (FileExistsError, NotADirectoryError):
        raise StepError(_file_in_the_way(path)) from None
    except OSError as error:
        raise StepError(f"cannot write {path}: {error.strerror}") from None


def _file_in_the_way(path: Path) -> str:
    """Name the file that stands where one of `path`'s folders would be."""
    blocking = next((p for p in reversed(path.parents) if p.is_file()), path.parent)
    return (
        f"cannot write {path}: `{blocking}` is a file, not a folder; "
        "move it or choose another `to:`"
    )


def _columns(rows: Sequence[Any]) -> list[str]:
    """Every key of the rows, in the order they first appear."""
    names: dict[str, None] = {}
    for row in rows:
        if isinstance(row, Mapping):
            names.update(dict.fromkeys(str(key) for key in row))
    return list(names) or ["value"]


def _pick(row: Any, columns: Sequence[str]) -> dict[str, Any]:
    """The row's value for each column; a row that is one value fills the first."""
    values = row if isinstance(row, Mapping) else {columns[0]: row}
    return {name: values.get(name) for name in columns}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
