"""``{{ expr }}`` templates and JMESPath expressions over the run's context.

A value that is one template keeps the type of what it finds (a list stays a
list); a template inside longer text renders as text. A reference to
something the run does not have is an error, never an empty string. Write
``{{ '{{' }}`` for a literal ``{{``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

import jmespath
from jmespath import exceptions as jmespath_errors
from jmespath.visitor import TreeInterpreter

from runner.errors import TemplateError
from runner.functions import OPTIONS
from runner.wording import shown

OPEN = "{{"
CLOSE = "}}"
QUOTES = "'\"`"
# Quoted text or name inside an expression: 'text', `literal` or "name".
QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|\"(?:[^\"\\]|\\.)*\"")
# jmespath's type names in words.
JMESPATH_TYPES = {
    "string": "text",
    "number": "a number",
    "array": "a list",
    "object": "a mapping",
    "boolean": "true or false",
    "null": "null",
    "array-string": "a list of texts",
    "array-number": "a list of numbers",
    "expref": "an &expression",
}

Where = tuple[str | int, ...]


class ExpressionSyntaxError(ValueError):
    """Text that is not a template or not a JMESPath expression.

    `source` is the JMESPath text at fault, when one expression is.
    """

    def __init__(
        self, message: str, hint: str | None = None, *, source: str | None = None
    ) -> None:
        self.hint = hint
        self.source = source
        super().__init__(message)


@dataclass(frozen=True)
class Expression:
    """A compiled JMESPath expression with the text it came from."""

    source: str
    # The parsed expression as jmespath's nested node dicts.
    tree: dict[str, Any] = field(compare=False, repr=False)

    def search(self, context: Mapping[str, Any]) -> Any:
        """The expression's value in `context`.

        Raises:
            TemplateError: a function was given a value it cannot work with.
        """
        return evaluate(self.source, self.tree, context)

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
        """Search the context; a missing name is an error, a null is not.

        A null goes on to the parameter it is for, which says whether the
        call can go without it.

        Raises:
            TemplateError: the expression reads something the context lacks.
        """
        value = self.search(context)
        if value is None:
            for path in self.root_paths():
                missing = first_missing(context, path)
                if missing is not None:
                    raise TemplateError(self.source, _undefined(missing))
        return value

    def row_keys(self, named: Mapping[str, Sequence[str]]) -> tuple[str, ...] | None:
        """The keys of each row the expression gives, if the text tells them.

        `{id: id, title: title}` at its end names them; a name in `named`
        (a save, a loop's `items`) has the keys given there. Else None.
        """
        return _row_keys(self.tree, named, None)

    def known_calls(self, scope: Mapping[str, Any]) -> list[Expression]:
        """Function calls whose arguments read only what `scope` has (or nothing).

        Their value is the same however the run goes, so it can be worked
        out before the run: `to_epoch(vars.before)`, `to_epoch('2021-02-30')`.
        The right side of `a && b` or `a || b` counts only where `a` is known
        and lets the run go on to it: `vars.x != '' && to_epoch(vars.x)`
        guards the call. Each is named by its function, as `to_epoch()`.
        """
        calls = _known_calls(self.tree, scope)
        return [Expression(f"{node['value']}()", node) for node in calls]


def evaluate(source: str, node: dict[str, Any], context: Mapping[str, Any]) -> Any:
    """A parsed node's value in `context`; `source` names it in errors.

    Raises:
        TemplateError: a function was given a value it cannot work with.
    """
    try:
        return TreeInterpreter(OPTIONS).visit(node, context)  # type: ignore[arg-type]
    except jmespath_errors.JMESPathTypeError as error:
        raise TemplateError(source, _type_words(error)) from None
    except jmespath_errors.JMESPathError as error:
        raise TemplateError(source, f"could not be worked out: {error}") from None


def _type_words(error: jmespath_errors.JMESPathTypeError) -> str:
    wanted = " or ".join(JMESPATH_TYPES.get(t, t) for t in error.expected_types)
    return (
        f"could not be worked out: {error.function_name}() needs {wanted}, "
        f"not {shown(error.current_value)}"
    )


def _undefined(missing: str) -> str:
    return f"is undefined: nothing is called `{missing}` at this point of the run"


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
        parsed = jmespath.compile(text)
    except jmespath_errors.ParseError as error:
        raise ExpressionSyntaxError(_parse_message(text, error), source=text) from None
    except jmespath_errors.JMESPathError as error:
        message = f"`{text}` is not valid JMESPath: {error}"
        raise ExpressionSyntaxError(message, source=text) from None
    expression = Expression(text, cast(dict[str, Any], parsed.parsed))
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
            else "use one of JMESPath's functions (jmespath.org), to_epoch() "
            "or from_epoch()"
        )
        message = f"`{text}`: there is no function {name}()"
        raise ExpressionSyntaxError(message, hint, source=text)
    signature = table[name]["signature"]
    variadic = any(arg.get("variadic") for arg in signature)
    wanted = len(signature)
    if given < wanted or (given > wanted and not variadic):
        count = f"at least {wanted}" if variadic else str(wanted)
        raise ExpressionSyntaxError(
            f"`{text}`: {name}() takes {count} argument"
            f"{'s' if wanted != 1 else ''}, not {given}",
            source=text,
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


NULL_IN_TEXT = "is null and cannot be put in text"


def _as_text(part: str | Expression, context: Mapping[str, Any]) -> str:
    if isinstance(part, str):
        return part
    value = part.resolve(context)
    if value is None:
        raise TemplateError(part.source, NULL_IN_TEXT)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def is_template(text: object) -> bool:
    return isinstance(text, str) and OPEN in text


@lru_cache(maxsize=2048)
def parse_template(text: str) -> Template:
    """Split text into literals and compiled expressions.

    Raises:
        ExpressionSyntaxError: an unclosed ``{{``, a template inside a
            template, a stray ``}`` after one, or a bad expression.
    """
    parts: list[str | Expression] = []
    position = 0
    while (start := text.find(OPEN, position)) != -1:
        end = _closing(text, start + len(OPEN))
        if start > position:
            parts.append(text[position:start])
        inner = text[start + len(OPEN) : end]
        _check_nested(text, inner)
        parts.append(compile_expression(inner))
        position = end + len(CLOSE)
        _check_stray_brace(text, position)
    if position < len(text):
        parts.append(text[position:])
    return Template(tuple(parts))


def _check_nested(text: str, inner: str) -> None:
    """`{{ {{ x }} }}`: one template written inside another.

    Raises:
        ExpressionSyntaxError: `inner` opens a template of its own.
    """
    if OPEN in QUOTED.sub("", inner):
        once = inner[inner.index(OPEN) + len(OPEN) :].strip()
        raise ExpressionSyntaxError(
            f"{text!r} has a template inside a template",
            f"write it once: {{{{ {once} }}}}",
        )


def _check_stray_brace(text: str, position: int) -> None:
    """`{{ x }}}` has one `}` too many; a `}` elsewhere in text is just text.

    Raises:
        ExpressionSyntaxError: the template ending before `position` is
            followed by a `}`.
    """
    if text.startswith("}", position):
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


# What a `for_each` calls each of its items, unless `as:` names it otherwise.
LOOP_NAME = "item"


def loop_items(values: Any) -> list[Any] | None:
    """The items a rendered `for_each` goes through, or None if not a list.

    A mapping is gone through as ``{key, value}`` pairs.
    """
    if isinstance(values, Mapping):
        return [{"key": k, "value": v} for k, v in values.items()]
    return values if isinstance(values, list) else None


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


# Nodes whose first child is read from where they stand, and the rest from it.
LEFT_READS = frozenset(
    {
        "subexpression",
        "projection",
        "filter_projection",
        "index_expression",
        "pipe",
        "flatten",
        "value_projection",
    }
)


# For `a && b` and `a || b`: the truth of `a` that makes the run work out `b`.
GOES_ON_WHEN = {"and_expression": True, "or_expression": False}


def _known_calls(
    node: dict[str, Any], scope: Mapping[str, Any]
) -> Iterator[dict[str, Any]]:
    """The outermost function calls read at the root that read only `scope`."""
    if node["type"] == "function_expression" and _reads_only(node, set(scope)):
        yield node
        return
    children = _subnodes(node)
    if node["type"] in LEFT_READS:
        children = children[:1]
    elif node["type"] == "expref":
        children = []
    elif node["type"] in GOES_ON_WHEN and not _goes_on(node, scope):
        children = children[:1]
    for child in children:
        yield from _known_calls(child, scope)


def _goes_on(node: dict[str, Any], scope: Mapping[str, Any]) -> bool:
    """Whether `a && b` (or `a || b`) is known to work out `b` in `scope`."""
    left = _subnodes(node)[0]
    if not _reads_only(left, set(scope)):
        return False
    negated = {"type": "not_expression", "children": [left]}
    try:  # jmespath's own truth, through its `!`
        truth = not evaluate("", negated, scope)
    except TemplateError:
        return False  # the left side fails, and is reported itself
    return truth == GOES_ON_WHEN[node["type"]]


def _reads_only(node: dict[str, Any], roots: set[str]) -> bool:
    """Whether `node`, read at the root, reads nothing but fields in `roots`."""
    kind = node["type"]
    if kind == "field":
        return bool(node["value"] in roots)
    if kind in ("current", "identity"):
        return False  # the whole context, which holds the response
    if kind in LEFT_READS:
        return _reads_only(_subnodes(node)[0], roots)
    if kind == "expref":
        return True  # read from each element of a list given beside it
    return all(_reads_only(child, roots) for child in _subnodes(node))


# Functions whose result holds rows of their first argument, keys unchanged.
ROW_KEEPING = frozenset({"sort_by", "reverse", "max_by", "min_by"})


def _row_keys(
    node: dict[str, Any],
    named: Mapping[str, Sequence[str]],
    current: tuple[str, ...] | None,
) -> tuple[str, ...] | None:
    """The keys of the rows `node` gives; `current` is those of `@`."""
    kind = node["type"]
    children = _subnodes(node)
    if kind == "multi_select_dict":
        return tuple(str(pair["value"]) for pair in children)
    if kind == "field":
        keys = named.get(node["value"])
        return None if keys is None else tuple(keys)
    if kind in ("identity", "current"):
        return current
    if kind in ("projection", "filter_projection", "pipe"):
        # The right side is read from each row (or the whole) the left gives.
        return _row_keys(children[1], {}, _row_keys(children[0], named, current))
    if kind == "subexpression":
        return _row_keys(children[-1], {}, None)
    keeps = kind == "function_expression" and node["value"] in ROW_KEEPING
    if (kind == "index_expression" or keeps) and children:
        return _row_keys(children[0], named, current)
    return None


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


def first_missing(context: Mapping[str, Any], path: tuple[str, ...]) -> str | None:
    """The dotted prefix of `path` that the context lacks, if any."""
    current: Any = context
    for depth, name in enumerate(path):
        if not isinstance(current, Mapping) or name not in current:
            return ".".join(path[: depth + 1])
        current = current[name]
    return None
