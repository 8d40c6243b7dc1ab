"""``{{ expr }}`` templates and JMESPath expressions over the run's context.

A value that is one template keeps the type of what it finds (a list stays a
list); a template inside longer text renders as text. A reference to
something the run does not have is an error, never an empty string. Write
``{{ '{{' }}`` for a literal ``{{``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jmespath
from jmespath import exceptions as jmespath_errors
from jmespath.parser import ParsedResult

from runner.errors import TemplateError
from runner.functions import OPTIONS

OPEN = "{{"
CLOSE = "}}"
QUOTES = "'\"`"
# Jinja filters people reach for, and the JMESPath that does the same ({} is
# the value before the `|`), or None where JMESPath has nothing like it.
FILTERS: dict[str, str | None] = {
    "length": "length({})",
    "count": "length({})",
    "join": "join(', ', {})",
    "sort": "sort({})",
    "reverse": "reverse({})",
    "first": "{}[0]",
    "last": "{}[-1]",
    "default": "{} || 'none'",
    "d": "{} || 'none'",
    "min": "min({})",
    "max": "max({})",
    "sum": "sum({})",
    "abs": "abs({})",
    "int": "to_number({})",
    "float": "to_number({})",
    "string": "to_string({})",
    "tojson": "to_string({})",
    "upper": None,
    "lower": None,
    "title": None,
    "capitalize": None,
    "trim": None,
    "replace": None,
    "round": None,
    "unique": None,
    "urlencode": None,
    "escape": None,
}

Where = tuple[str | int, ...]


class ExpressionSyntaxError(ValueError):
    """Text that is not a template or not a JMESPath expression."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.hint = hint
        super().__init__(message)


@dataclass(frozen=True)
class Expression:
    """A compiled JMESPath expression with the text it came from."""

    source: str
    parsed: ParsedResult

    @property
    def tree(self) -> dict[str, Any]:
        """The parsed expression as jmespath's nested node dicts."""
        tree: dict[str, Any] = self.parsed.parsed  # type: ignore[assignment]
        return tree

    def search(self, context: Mapping[str, Any]) -> Any:
        try:
            return self.parsed.search(context, options=OPTIONS)
        except jmespath_errors.JMESPathError as error:
            raise TemplateError(
                self.source, f"could not be worked out: {error}"
            ) from None

    def root_paths(self) -> list[tuple[str, ...]]:
        """Leading field names of every part read from the context root."""
        return list(_root_paths(self.tree))

    def element_paths(self) -> list[tuple[str, ...]]:
        """Field chains read from each element of a projection or filter."""
        return list(_element_paths(self.tree))

    def simple_path(self) -> tuple[str, ...] | None:
        """The names of a plain ``a.b.c`` expression, else None."""
        return _field_chain(self.tree)

    def resolve(self, context: Mapping[str, Any]) -> Any:
        """Search the context; a missing name is an error, an explicit null is not.

        Raises:
            TemplateError: the expression reads something the context lacks.
        """
        value = self.search(context)
        if value is None:
            path = self.simple_path()
            missing = _first_missing(context, path) if path else None
            if path is None or missing is not None:
                raise TemplateError(self.source, _undefined(missing))
        return value


def _undefined(missing: str | None) -> str:
    if missing:
        return f"is undefined: nothing is called `{missing}` at this point of the run"
    return "gave no value (null); add a default such as `|| 'none'`"


@lru_cache(maxsize=2048)
def compile_expression(source: str) -> Expression:
    """Compile JMESPath text.

    Raises:
        ExpressionSyntaxError: the text does not parse, with where and why.
    """
    text = source.strip()
    if not text:
        raise ExpressionSyntaxError("the expression is empty")
    try:
        expression = Expression(text, jmespath.compile(text))
    except jmespath_errors.ParseError as error:
        raise ExpressionSyntaxError(_parse_message(text, error)) from None
    except jmespath_errors.JMESPathError as error:
        raise ExpressionSyntaxError(
            f"`{text}` is not valid JMESPath: {error}"
        ) from None
    _check_functions(text, expression.tree)
    return expression


def _check_functions(text: str, node: dict[str, Any]) -> None:
    """Unknown functions and wrong argument counts, found before a run."""
    for child in node.get("children", []):
        if isinstance(child, dict):
            _check_functions(text, child)
    if node["type"] != "function_expression":
        return
    name, given = node["value"], len(node["children"])
    table = OPTIONS.custom_functions.FUNCTION_TABLE
    if name not in table:
        close = difflib.get_close_matches(name, list(table), n=1, cutoff=0.8)
        hint = (
            f"did you mean {close[0]}()?"
            if close
            else "JMESPath's functions (jmespath.org) and to_epoch(), from_epoch()"
        )
        raise ExpressionSyntaxError(f"`{text}`: there is no function {name}(); {hint}")
    signature = table[name]["signature"]
    variadic = any(arg.get("variadic") for arg in signature)
    wanted = len(signature)
    if given < wanted or (given > wanted and not variadic):
        count = f"at least {wanted}" if variadic else str(wanted)
        raise ExpressionSyntaxError(
            f"`{text}`: {name}() takes {count} argument"
            f"{'s' if wanted != 1 else ''}, not {given}"
        )


def _parse_message(text: str, error: jmespath_errors.ParseError) -> str:
    token = error.token_value or "the end"
    column = (error.lex_position or 0) + 1
    reason = str(error.msg).rstrip(":").lower()
    return f"`{text}` is not valid JMESPath: {reason} at `{token}` (column {column})"


@dataclass(frozen=True)
class Template:
    """Text split into literal parts and expressions."""

    parts: tuple[str | Expression, ...]

    @property
    def lone(self) -> Expression | None:
        """The expression if the whole value is one ``{{ }}``."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Expression):
            return self.parts[0]
        return None

    @property
    def expressions(self) -> list[Expression]:
        return [p for p in self.parts if isinstance(p, Expression)]

    def render(self, context: Mapping[str, Any]) -> Any:
        lone = self.lone
        if lone is not None:
            return lone.resolve(context)
        return "".join(_as_text(part, context) for part in self.parts)


def _as_text(part: str | Expression, context: Mapping[str, Any]) -> str:
    if isinstance(part, str):
        return part
    value = part.resolve(context)
    if value is None:
        raise TemplateError(part.source, "is null and cannot be put in text")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def is_template(text: object) -> bool:
    return isinstance(text, str) and OPEN in text


@lru_cache(maxsize=2048)
def parse_template(text: str) -> Template:
    """Split text into literals and compiled expressions.

    Raises:
        ExpressionSyntaxError: an unclosed ``{{`` or a bad expression.
    """
    parts: list[str | Expression] = []
    position = 0
    while (start := text.find(OPEN, position)) != -1:
        end = _closing(text, start + len(OPEN))
        if start > position:
            parts.append(text[position:start])
        expression = compile_expression(text[start + len(OPEN) : end])
        _check_filters(expression)
        parts.append(expression)
        position = end + len(CLOSE)
    if position < len(text):
        parts.append(text[position:])
    _check_braces(text, parts)
    return Template(tuple(parts))


def _check_filters(expression: Expression) -> None:
    """`{{ x | upper }}` is a Jinja filter, which JMESPath reads as a field name.

    Raises:
        ExpressionSyntaxError: a pipe into a bare name that is a Jinja filter.
    """
    tree = expression.tree
    if tree["type"] != "pipe":
        return
    right = tree["children"][1]
    if right["type"] != "field" or right["value"] not in FILTERS:
        return
    name, source = right["value"], expression.source
    value = source[: source.rindex("|")].strip()
    instead = FILTERS[name]
    hint = (
        f"write {{{{ {instead.format(value)} }}}}"
        if instead
        else f"JMESPath has no `{name}`: put the value in `vars:` as it should be"
    )
    raise ExpressionSyntaxError(
        f"`| {name}` in {{{{ {source} }}}} is a filter; templates are JMESPath, "
        "which has no filters",
        hint,
    )


def _check_braces(text: str, parts: list[str | Expression]) -> None:
    """A `}` outside the templates that no `{` opens: `{{ x }}}` has one too many.

    Raises:
        ExpressionSyntaxError: the text has a stray closing brace.
    """
    literal = "".join(part for part in parts if isinstance(part, str))
    if literal.count("}") > literal.count("{"):
        raise ExpressionSyntaxError(
            f"{text!r} has a `}}` that closes nothing",
            "remove it: a template is written {{ expression }}",
        )


def _closing(text: str, position: int) -> int:
    """Index of the ``}}`` that ends the template opened before `position`."""
    quote: str | None = None
    index = position
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = None
        elif char in QUOTES:
            quote = char
        elif text.startswith(CLOSE, index):
            return index
        index += 1
    raise ExpressionSyntaxError(
        f"`{OPEN}` has no closing `{CLOSE}` in {text!r}", f"end it with {CLOSE}"
    )


def render(value: Any, context: Mapping[str, Any]) -> Any:
    """Render every template inside `value` (mappings and lists included)."""
    if isinstance(value, str):
        return parse_template(value).render(context) if OPEN in value else value
    if isinstance(value, Mapping):
        return {key: render(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item, context) for item in value]
    return value


def loop_items(values: Any) -> list[Any] | None:
    """The items a rendered `for_each` goes through, or None if not a list.

    A mapping is gone through as ``{key, value}`` pairs.
    """
    if isinstance(values, Mapping):
        return [{"key": k, "value": v} for k, v in values.items()]
    return values if isinstance(values, list) else None


def describe_value(value: Any) -> str:
    """A value in words for a message: `text ("cats, aww")`, `the number 5`."""
    shown = json.dumps(value, ensure_ascii=False, default=str)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the value {shown}"
    if isinstance(value, int | float):
        return f"the number {shown}"
    if isinstance(value, str):
        return f"text ({shown})"
    if isinstance(value, Mapping):
        return f"a mapping ({shown})"
    return f"a list ({shown})" if isinstance(value, list) else shown


def templates_in(value: Any, where: Where = ()) -> Iterator[tuple[Where, str]]:
    """Every string holding ``{{`` inside `value`, with where it stands."""
    if isinstance(value, str):
        if OPEN in value:
            yield where, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from templates_in(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from templates_in(item, (*where, index))


def _field_chain(node: dict[str, Any]) -> tuple[str, ...] | None:
    if node["type"] == "field":
        return (node["value"],)
    if node["type"] != "subexpression":
        return None
    names: list[str] = []
    for child in node["children"]:
        chain = _field_chain(child)
        if chain is None:
            return None
        names.extend(chain)
    return tuple(names)


def _root_paths(node: dict[str, Any]) -> Iterator[tuple[str, ...]]:
    """Field chains evaluated against the root, e.g. ``steps.me.account``."""
    kind = node["type"]
    children = _subnodes(node)
    if kind == "field":
        yield (node["value"],)
    elif kind == "subexpression":
        yield from _subexpression_paths(children)
    elif kind in ("projection", "filter_projection", "index_expression", "pipe"):
        # Only the left side reads the root; the rest reads each element
        # (or, after a pipe, what the left side gave).
        if children:
            yield from _root_paths(children[0])
    elif kind == "expref" or kind == "current":
        return
    else:
        for child in children:
            yield from _root_paths(child)


def _element_paths(node: dict[str, Any]) -> Iterator[tuple[str, ...]]:
    """Chains read against a list's elements rather than the context root."""
    kind = node["type"]
    children = _subnodes(node)
    inner = children[1:] if kind in ("projection", "filter_projection") else []
    if kind == "expref":
        inner = children
    for child in children:
        if any(child is element for element in inner):
            yield from _root_paths(child)
        yield from _element_paths(child)


def _subnodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    """A node's child expressions; a slice's children are its bare numbers."""
    return [child for child in node.get("children", []) if isinstance(child, dict)]


def _subexpression_paths(children: list[dict[str, Any]]) -> Iterator[tuple[str, ...]]:
    names: list[str] = []
    for child in children:
        chain = _field_chain(child)
        if chain is None:
            inner = list(_root_paths(child))
            if names and inner:
                yield (*names, *inner[0])
            elif names:
                yield tuple(names)
            else:
                yield from inner
            return
        names.extend(chain)
    yield tuple(names)


def _first_missing(context: Mapping[str, Any], path: tuple[str, ...]) -> str | None:
    """The dotted prefix of `path` that the context lacks, if any."""
    current: Any = context
    for depth, name in enumerate(path):
        if not isinstance(current, Mapping) or name not in current:
            return ".".join(path[: depth + 1])
        current = current[name]
    return None
