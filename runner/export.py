"""A step's `export`: saved values written to a CSV or JSON file, atomically."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.atomic import write_text_atomic
from runner.errors import StepError
from runner.redact import Redactor
from runner.templating import Expression

FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Export:
    """Where to write (a template), which rows, which columns, in what format."""

    to: str
    rows: Expression
    columns: tuple[str, ...] | None = None
    format: str = "csv"

    @staticmethod
    def format_of(to: str, given: str | None) -> str | None:
        """The format named, or the one the file's extension says, or None."""
        if given is not None:
            return given
        suffix = Path(to).suffix.lower().lstrip(".")
        return suffix if suffix in FORMATS else None


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
    except OSError as error:
        raise StepError(f"cannot write {path}: {error.strerror}") from None


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
