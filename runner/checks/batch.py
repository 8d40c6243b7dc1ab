"""The keys of batch work: for_each and as, pages, retry and export."""

from __future__ import annotations

import difflib
from typing import Any

from runner.catalog import Catalog, Endpoint
from runner.checks.context import RESPONSE_KEYS, TEMPLATE_ROOTS, StepFacts
from runner.checks.references import (
    check_element_reads,
    check_templates,
    compiled,
    expression_reads_secrets,
    reads_secrets,
    reference_problem,
)
from runner.checks.secret_saves import check_export_name
from runner.errors import TemplateError
from runner.export import Export
from runner.known import has_unknown, render_known
from runner.templating import (
    ExpressionSyntaxError,
    compile_expression,
    is_template,
    loop_items,
    parse_template,
)
from runner.wording import describe_value, did_you_mean

# The method that only reads, which `until` can ask again without harm.
READ = "GET"


def check_loop(step: StepFacts) -> None:
    """`as` names a loop's item; `for_each` gives a list known or to come."""
    if step.loop is None:
        if "as" in step.raw:
            step.add(
                step.at("as"),
                "`as` names the item of a `for_each`, and this step has none",
                hint="add `for_each:` or remove `as:`",
            )
        return
    _check_item_name(step, step.loop)
    # The list is read before any item exists.
    check_templates(step, step.raw.get("for_each"), step.at("for_each"), item=False)
    _check_loop_list(step)


def _check_item_name(step: StepFacts, name: str) -> None:
    if name in TEMPLATE_ROOTS:
        step.add(
            step.at("as"),
            f"`{name}` already means something in templates",
            hint="choose another name, e.g. `as: photo`",
        )
    elif name in RESPONSE_KEYS:
        step.add(
            step.at("as"),
            f"`{name}` is also a key of the response, which hides the "
            "item in `save`, `expect` and `retry.until`",
            hint="choose another name, e.g. `as: photo`",
        )


def _check_loop_list(step: StepFacts) -> None:
    """A `for_each` over vars or inputs must find a list there."""
    text = step.raw.get("for_each")
    where = step.at("for_each")
    if not is_template(text) or where in step.faulty:
        return
    try:
        values = render_known(text, step.playbook.base)
    except (ExpressionSyntaxError, TemplateError):
        return  # reported with the other templates
    if has_unknown(values) or loop_items(values) is not None:
        return
    step.add(
        where,
        f"{text} is {describe_value(values)}, not a list to go through",
        hint=_list_hint(str(text), values),
    )


def _list_hint(text: str, values: Any) -> str:
    lone = parse_template(text).lone
    path = lone.simple_path() if lone else None
    if path is None or len(path) != 2:
        return "give `for_each:` a list, like [a, b]"
    if path[0] == "inputs":
        return f"the file of `inputs.{path[1]}` must hold a list of rows"
    items = values.split(",") if isinstance(values, str) else [values]
    listed = ", ".join(str(item).strip() for item in items)
    return f"make it a list: {path[1]}: [{listed}]"


def check_pages(step: StepFacts, endpoint: Endpoint) -> None:
    if "pages" in step.raw and not endpoint.paged:
        step.add(
            step.at("pages"),
            f"{endpoint.name} is not a paged list, so `pages:` does not apply",
            hint="remove `pages:`; paged lists take a `page` parameter "
            "(`imgur-playbook endpoints show NAME` says)",
        )


def check_retry(step: StepFacts, endpoint: Endpoint) -> None:
    """`until` asks again and again: harmless for a read, not for a write."""
    retry = step.raw.get("retry")
    if not isinstance(retry, dict) or "until" not in retry:
        return
    if endpoint.method != READ:
        step.add(
            step.at("retry", "until"),
            f"`until` would send {endpoint.name} ({endpoint.method}) again on "
            "each attempt, doing it again each time",
            hint="`until` is for polling a read until it shows a change: "
            "remove it here, and poll with a later step that reads the result "
            f"({_reader_of(step.playbook.catalog, endpoint)})",
        )


def _reader_of(catalog: Catalog, endpoint: Endpoint) -> str:
    """A GET endpoint of the same group, in words, to poll with."""
    reads = [e.name for e in catalog if e.group == endpoint.group and e.method == READ]
    if not reads:
        return "a GET endpoint: `imgur-playbook endpoints` lists them"
    name = f"{endpoint.group}.get"
    return f"a GET endpoint, such as {name if name in reads else reads[0]}"


def check_export(step: StepFacts) -> None:
    export = step.raw.get("export")
    if not isinstance(export, dict):
        return
    if isinstance(export.get("to"), str):
        _check_export_file(step, export["to"], export.get("format"))
    if "rows" in export:
        _check_export_rows(step, export["rows"])
        _check_export_columns(step, export["rows"], export.get("columns"))


def _check_export_file(step: StepFacts, to: str, fmt: Any) -> None:
    where = step.at("export", "to")
    if Export.format_of(to, fmt) is None:
        step.add(
            where,
            f"cannot tell the format of {to!r}",
            hint="end the file name in .csv or .json, or add `format: csv`",
        )
    check_templates(step, to, where)
    if check_export_name(step, to, where):
        return
    if reads_secrets(to):
        step.add(
            where,
            "the export's file name reads secrets, which would put a secret "
            "in a file name (and in the report, as ***)",
            hint="name the file with vars, run.id or a saved value",
        )
        return
    _check_export_folder(step, to, where)


def _check_export_folder(step: StepFacts, to: str, where: tuple[Any, ...]) -> None:
    """An export replaces its file whole, which a folder cannot be."""
    try:
        name = render_known(to, step.playbook.base)
    except (ExpressionSyntaxError, TemplateError):
        return  # reported with the other templates
    if has_unknown(name) or where in step.faulty:
        return
    path = step.playbook.folder / str(name)
    if path.is_dir():
        step.add(
            where,
            f"the export would replace the folder {path}",
            hint=f"name a file in it, such as `to: {str(name).rstrip('/')}/rows.csv`",
        )


def _check_export_rows(step: StepFacts, rows: Any) -> None:
    """`rows` reads what this step saved (`items` for a loop), or the run."""
    where = step.at("export", "rows")
    expression = compiled(step, where, rows)
    if expression is None or check_element_reads(step, expression, where):
        return
    if expression_reads_secrets(expression):
        step.add(
            where,
            f"`{expression.source}` reads secrets, and an export never holds one",
            hint="export what the step saved",
        )
        return
    saved = _own_saves(step)
    for path in expression.root_paths():
        if path[0] in saved:
            continue
        if path[0] in TEMPLATE_ROOTS:
            problem = reference_problem(step, path, in_template=True)
        else:
            problem = _not_saved(step, path[0], saved)
        if problem:
            step.add(where, f"`{expression.source}`: {problem[0]}", problem[1])


def _check_export_columns(step: StepFacts, rows: Any, columns: Any) -> None:
    """Each column is a field of the rows, where the playbook tells their fields.

    A misspelt column would be written empty on every row, found only in
    the file after the run.
    """
    if not isinstance(columns, list) or step.at("export", "rows") in step.faulty:
        return
    keys = _row_keys(rows, _row_keys_by_name(step))
    if keys is None:
        return  # the rows' fields come from the response
    for index, column in enumerate(columns):
        if isinstance(column, str) and column not in keys:
            message, hint = _unknown_column(step, column, keys)
            step.add(step.at("export", "columns", index), message, hint)


def _row_keys_by_name(step: StepFacts) -> dict[str, list[str]]:
    """The fields of the rows each of this step's own names holds, where known.

    A loop's `items` are mappings of its save names; a save written as
    `data[*].{id: id, title: title}` holds rows of `id` and `title`.
    """
    save = step.raw.get("save")
    saves = save if isinstance(save, dict) else {}
    if step.loop is not None:
        return {"items": [str(name) for name in saves]}
    known: dict[str, list[str]] = {}
    for name, text in saves.items():
        keys = _row_keys(text, {})
        if keys is not None:
            known[str(name)] = list(keys)
    return known


def _row_keys(text: Any, named: dict[str, list[str]]) -> tuple[str, ...] | None:
    """The fields of the rows the JMESPath `text` gives, if it tells them."""
    if not isinstance(text, str):
        return None
    try:
        return compile_expression(text).row_keys(named)
    except ExpressionSyntaxError:
        return None  # reported with the other expressions


def _unknown_column(
    step: StepFacts, column: str, keys: tuple[str, ...]
) -> tuple[str, str | None]:
    if not keys:
        message = f"export column `{column}` would be empty: the rows have no fields"
        return message, f"add `{column}: <JMESPath>` under this step's `save:`"
    listed = ", ".join(keys)
    message = (
        f"export column `{column}` is not a field of the rows (they have {listed}), "
        "so it would be written empty"
    )
    close = did_you_mean(difflib.get_close_matches(column, keys, n=1))
    return message, close or f"choose columns among {listed}"


def _own_saves(step: StepFacts) -> list[str]:
    """The names this step's export reads as its own."""
    if step.loop is not None:
        return ["items"]
    save = step.raw.get("save")
    return [str(name) for name in save] if isinstance(save, dict) else []


def _not_saved(step: StepFacts, root: str, saved: list[str]) -> tuple[str, str | None]:
    listed = ", ".join(saved) or "nothing"
    message = f"`{root}` is not something this step saved (it saves {listed})"
    close = difflib.get_close_matches(root, [*saved, *TEMPLATE_ROOTS], n=1)
    if close:
        return message, did_you_mean(close)
    if step.loop is not None:
        return message, "a loop's rows are its `items`, e.g. `rows: items`"
    return message, f"add `{root}: <JMESPath>` under this step's `save:`"
