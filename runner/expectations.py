"""`expect.that` checks, explained with the values that made them fail."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jmespath.visitor import TreeInterpreter

from runner.errors import TemplateError
from runner.functions import OPTIONS
from runner.templating import Expression
from runner.wording import shown

# Parts of an expression worth showing when it turns out false.
_SHOWN_CHILDREN = ("comparator", "function_expression", "not_expression")
_LOGICAL = ("and_expression", "or_expression")
MAX_SHOWN = 120


def failed_expectation(
    expression: Expression, document: Mapping[str, Any]
) -> str | None:
    """Why `expression` is not true of `document`, or None when it is."""
    try:
        value = expression.search(document)
    except TemplateError as error:
        return f"expect `{expression.source}` {error.reason}"
    if truthy(value):
        return None
    shown = "; ".join(_explain(expression.tree, document)) or _show(value)
    return f"expect `{expression.source}` is false: {shown}"


def truthy(value: Any) -> bool:
    """JMESPath's truth, as `when`, `until` and `expect` use it."""
    # JMESPath truth: empty lists, objects and strings, false and null are
    # false; unlike Python's, 0 is true (and 0 == False, so no `in` test).
    if value is None or value is False:
        return False
    return not (isinstance(value, str | list | dict) and not value)


def _explain(node: Any, document: Mapping[str, Any]) -> Iterator[str]:
    kind = node["type"]
    if kind in _LOGICAL:
        for child in node["children"]:
            if not truthy(_evaluate(child, document)):
                yield from _explain(child, document)
                return
    elif kind in _SHOWN_CHILDREN:
        for child in node["children"]:
            if child["type"] not in ("literal", "raw_string"):
                yield f"{_source(child)} is {_show(_evaluate(child, document))}"


def _evaluate(node: Any, document: Mapping[str, Any]) -> Any:
    try:
        return TreeInterpreter(OPTIONS).visit(node, document)
    except Exception:
        return None


def _source(node: Any) -> str:
    """A readable rendering of a parsed node (field chains, else its kind)."""
    kind = node["type"]
    if kind == "field":
        return str(node["value"])
    if kind == "subexpression":
        return ".".join(_source(child) for child in node["children"])
    if kind == "projection":
        left, right = node["children"]
        rest = "" if right["type"] == "identity" else "." + _source(right)
        return _source(left) + "[*]" + rest
    if kind in ("index_expression", "filter_projection"):
        return _source(node["children"][0]) + "[...]"
    if kind == "index":
        return str(node["value"])
    if kind == "function_expression":
        return f"{node['value']}(...)"
    return str(kind).replace("_", " ")


def _show(value: Any) -> str:
    return shown(value, MAX_SHOWN)
