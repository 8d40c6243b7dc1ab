"""A saved deletehash goes only where a call takes one, never into a file name.

The report masks a saved deletehash, but a value sent as an album's title
is shown to whoever sees the album, and a file name is written to disk as
it is. A save is taken to hold a secret when its expression reads a field
named like one (`data.deletehash`), unless it only counts or compares.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jmespath import exceptions as jmespath_errors
from jmespath.lexer import Lexer

from runner.catalog import Endpoint
from runner.checks.context import StepFacts
from runner.checks.loop_reads import item_reads
from runner.loader import Where
from runner.redact import is_secret_field
from runner.templating import (
    ExpressionSyntaxError,
    compile_expression,
    parse_template,
    templates_in,
)

NAMES = ("unquoted_identifier", "quoted_identifier")
# Expressions whose value is true or false, or a number, whatever they read.
TRUTHS = frozenset({"comparator", "not_expression"})
NUMBERS = frozenset(
    {"length", "contains", "starts_with", "ends_with", "sum", "avg", "abs"}
)


def record_secret_saves(step: StepFacts) -> None:
    """Note which of the step's saves hold a secret, for the steps after it."""
    save = step.raw.get("save")
    if not isinstance(save, dict):
        return
    for name, text in save.items():
        if isinstance(text, str) and _reads_secret_field(text):
            step.playbook.secret_saves.add((step.id, str(name)))


def check_sent_secrets(step: StepFacts, endpoint: Endpoint) -> None:
    """Each value Imgur may show (a title, a comment) given a saved secret."""
    for param, where, value in step.given_params(endpoint):
        read = first_secret_read(step, value) if param.may_publish else None
        if read is not None:
            step.add(
                where,
                f"`{param.name}` would send `{read}`, which holds a deletehash "
                "or token, to Imgur as plain text others may see",
                "send a deletehash only where a call takes one, such as "
                "image.delete_anonymous's imageDeleteHash",
            )


def check_export_name(step: StepFacts, to: str, where: Where) -> bool:
    """An export's file name that reads a saved secret; True if it does."""
    read = first_secret_read(step, to)
    if read is None:
        return False
    step.add(
        where,
        f"the export's file name reads `{read}`, which holds a deletehash or "
        "token: it would be written to disk in the file's name",
        "name the file with vars, run.id or a saved id",
    )
    return True


def first_secret_read(step: StepFacts, value: Any) -> str | None:
    """The first saved secret read inside `value`'s templates (`steps.a.hash`)."""
    secret = step.playbook.secret_saves
    for read in _saves_read(value):
        saved, deeper = read[:2], read[2:]
        if saved in secret or any(is_secret_field(name) for name in deeper):
            return "steps." + ".".join(read)
    return None


def _saves_read(value: Any) -> Iterator[tuple[str, ...]]:
    """(step id, save name, field...) of each save that `value` reads."""
    for _, text in templates_in(value):
        try:
            template = parse_template(text)
        except ExpressionSyntaxError:
            continue  # reported with the other templates
        for expression in template.expressions:
            for path in expression.root_paths():
                if path[0] == "steps" and len(path) > 2 and path[2] != "items":
                    yield path[1:]
            for read in item_reads(expression.tree):
                yield read.step, read.field


def _reads_secret_field(text: str) -> bool:
    """Whether the save's value may hold what a secret field holds.

    A count, a sum or a comparison (`length(data[?deletehash])`) does not.
    """
    try:
        tree = compile_expression(text).tree
        tokens = list(Lexer().tokenize(text))
    except (ExpressionSyntaxError, jmespath_errors.LexerError):
        return False  # reported with the other expressions
    counted = tree["type"] == "function_expression" and tree["value"] in NUMBERS
    if tree["type"] in TRUTHS or counted:
        return False
    return any(t["type"] in NAMES and is_secret_field(t["value"]) for t in tokens)
