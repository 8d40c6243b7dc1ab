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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jmespath
from jmespath import exceptions as jmespath_errors
from jmespath.lexer import Lexer
from jmespath.parser import ParsedResult
from jmespath.visitor import TreeInterpreter

from runner.errors import TemplateError
from runner.functions import OPTIONS
from runner.wording import shown

OPEN = "{{"
CLOSE = "}}"
QUOTES = "'\"`"
# Jinja filters people reach for, and the JMESPath that does the same ({} is
# the value before the `|`), or None where JMESPath has nothing like it.
DEFAULT = "{} || 'the value to use instead'"
FILTERS: dict[str, str | None] = {
    "length": "length({})",
    "count": "length({})",
    "join": "join(', ', {})",
    "sort": "sort({})",
    "reverse": "reverse({})",
    "first": "{}[0]",
    "last": "{}[-1]",
    "default": DEFAULT,
    "d": DEFAULT,
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
# Filter names that Imgur's responses also use as fields (an image's title).
RESPONSE_FIELDS = frozenset({"title"})
COMPARATORS = frozenset({"eq", "ne", "lt", "lte", "gt", "gte"})
# An `=` that is not part of ==, !=, <= or >=, outside quoted text.
LONE_EQUALS = re.compile(r"(?<![=!<>])=(?!=)")
QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|\"(?:[^\"\\]|\\.)*\"")
# Words other languages use for what JMESPath writes as && || and !.
LOGIC_WORDS = {"and": "&&", "or": "||", "not": "!"}
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

    def known_calls(self, roots: set[str]) -> list[Expression]:
        """Function calls whose arguments read only `roots` (or nothing).

        Their value is the same however the run goes, so it can be worked
        out before the run: `to_epoch(vars.before)`, `to_epoch('2021-02-30')`.
        Each is named by its function, as `to_epoch()`.
        """
        return [
            Expression(f"{node['value']}()", ParsedResult(self.source, node))  # type: ignore[arg-type]
            for node in _known_calls(self.tree, roots)
        ]


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
        expression = Expression(text, jmespath.compile(text))
    except jmespath_errors.ParseError as error:
        message = _parse_message(text, error)
        raise ExpressionSyntaxError(message, _mistake_hint(text)) from None
    except jmespath_errors.JMESPathError as error:
        raise ExpressionSyntaxError(
            f"`{text}` is not valid JMESPath: {error}", _mistake_hint(text)
        ) from None
    _check_functions(text, expression.tree)
    _check_quoted_text(text)
    return expression


def _mistake_hint(text: str) -> str | None:
    """The fix for a habit from other languages that JMESPath does not share."""
    if OPEN in text:
        return "a template cannot hold another: write {{ vars.x }} once"
    try:
        tokens = Lexer().tokenize(text)
        words = [t["value"] for t in tokens if t["type"] == "unquoted_identifier"]
    except jmespath_errors.LexerError:
        words = []
    if LONE_EQUALS.search(QUOTED.sub("", text)):
        return "compare with `==` (two equals signs)"
    used = [word for word in words if word in LOGIC_WORDS]
    if used:
        return "JMESPath writes " + ", ".join(
            f"{word} as `{LOGIC_WORDS[word]}`" for word in dict.fromkeys(used)
        )
    return None


def _check_quoted_text(text: str) -> None:
    """`x == "block"` compares with a field called block, which is never there.

    JMESPath reads double quotes as a field name; text goes in single quotes.

    Raises:
        ExpressionSyntaxError: a double-quoted name is compared with something.
    """
    tokens = [{"type": "start"}, *Lexer().tokenize(text)]
    for before, token, after in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if token["type"] != "quoted_identifier" or before["type"] == "dot":
            continue
        if before["type"] in COMPARATORS or after["type"] in COMPARATORS:
            word = token["value"]
            raise ExpressionSyntaxError(
                f'`"{word}"` in `{text}` is a field name in JMESPath, not text',
                f"write text in single quotes: '{word}'",
            )


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
        if FILTERS.get(name) == DEFAULT:
            hint = "a default is written with ||: {{ vars.x || 'instead' }}"
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


@dataclass(frozen=True)
class JinjaFilter:
    """`{{ x | upper }}`: a Jinja filter, which JMESPath reads as a field name."""

    name: str
    value: Expression  # what comes before the `|`
    source: str

    @property
    def may_be_a_field(self) -> bool:
        """Whether Imgur's responses use the name as a field (`| title`)."""
        return self.name in RESPONSE_FIELDS

    def problem(self, *, field_hint: bool = False) -> ExpressionSyntaxError:
        """The filter in words, with the JMESPath that does the same."""
        instead = FILTERS[self.name]
        hint = (
            f"write {{{{ {instead.format(self.value.source)} }}}}"
            if instead
            else f"JMESPath has no `{self.name}`: put the value in `vars:` as it "
            "should be"
        )
        if field_hint:
            field = f"{self.value.source}.{self.name}"
            hint += f" (for a field called `{self.name}`, write {field})"
        return ExpressionSyntaxError(
            f"`| {self.name}` in {{{{ {self.source} }}}} is a filter; templates "
            "are JMESPath, which has no filters",
            hint,
        )


def jinja_filter(expression: Expression) -> JinjaFilter | None:
    """The Jinja filter `expression` ends in, if it is ``x | name``."""
    tree = expression.tree
    if tree["type"] != "pipe":
        return None
    right = tree["children"][1]
    if right["type"] != "field" or right["value"] not in FILTERS:
        return None
    source = expression.source
    value = compile_expression(source[: source.rindex("|")])
    return JinjaFilter(right["value"], value, source)


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


def _known_calls(node: dict[str, Any], roots: set[str]) -> Iterator[dict[str, Any]]:
    """The outermost function calls read at the root that read only `roots`."""
    if node["type"] == "function_expression" and _reads_only(node, roots):
        yield node
        return
    children = _subnodes(node)
    if node["type"] in LEFT_READS:
        children = children[:1]
    elif node["type"] == "expref":
        children = []
    for child in children:
        yield from _known_calls(child, roots)


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
