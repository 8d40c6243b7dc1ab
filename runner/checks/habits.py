"""Habits from other template languages, which JMESPath reads otherwise.

Jinja's filters (`{{ x | upper }}`), one `=` for two, `and`, `or` and `not`
as words, text in double quotes: each is found before the run and named
with the JMESPath that does what was meant.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jmespath import exceptions as jmespath_errors
from jmespath.lexer import Lexer

from runner.checks.context import StepFacts
from runner.loader import Where
from runner.templating import (
    OPEN,
    QUOTED,
    Expression,
    ExpressionSyntaxError,
    compile_expression,
)

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
# What follows a number's digits that JMESPath's lexer leaves out: `.5`, `e3`.
DECIMALS = re.compile(r"(?:\.\d+)?(?:[eE][+-]?\d+)?")
# Words other languages use for what JMESPath writes as && || and !.
LOGIC_WORDS = {"and": "&&", "or": "||", "not": "!"}
DEFAULT_FIX = "a default is written with ||: {{ vars.x || 'instead' }}"

Found = tuple[str, str | None]  # a problem and its fix


def syntax_fix(error: ExpressionSyntaxError) -> str | None:
    """The fix for text that does not compile, naming the habit behind it."""
    text = error.source
    if text is None:
        return error.hint
    tokens = _tokens(text)
    if _calls(tokens) & {"default", "d"}:
        return DEFAULT_FIX
    if OPEN in text:
        return "a template cannot hold another: write {{ vars.x }} once"
    if LONE_EQUALS.search(QUOTED.sub("", text)):
        return "compare with `==` (two equals signs)"
    names = [t["value"] for t in tokens if t["type"] == "unquoted_identifier"]
    used = [name for name in names if name in LOGIC_WORDS]
    if used:
        return "JMESPath uses signs for these words: " + ", ".join(
            f"`{word}` → `{LOGIC_WORDS[word]}`" for word in dict.fromkeys(used)
        )
    numbered = _numbers_in_backticks(text, tokens)
    if numbered is not None:
        return f"JMESPath writes a number in backticks: {numbered}"
    return error.hint


def _numbers_in_backticks(text: str, tokens: list[dict[str, Any]]) -> str | None:
    """`text` with each number compared bare (`> 1`) put in backticks, if any."""
    kinds = ["start", *(token["type"] for token in tokens), "eof"]
    spans = [
        (token["start"], token["end"])
        for index, token in enumerate(tokens)
        if token["type"] == "number" and {kinds[index], kinds[index + 2]} & COMPARATORS
    ]
    if not spans:
        return None
    for start, end in reversed(spans):
        fraction = DECIMALS.match(text, end)  # JMESPath reads whole numbers only
        end = fraction.end() if fraction else end
        text = f"{text[:start]}`{text[start:end]}`{text[end:]}"
    return text


def _tokens(text: str) -> list[dict[str, Any]]:
    """`text` as JMESPath's lexer reads it, or nothing if it cannot."""
    try:
        return [dict(token) for token in Lexer().tokenize(text)]
    except jmespath_errors.LexerError:
        return []


def _calls(tokens: list[dict[str, Any]]) -> set[str]:
    """The names written as functions: `default(` and the like."""
    pairs = itertools.pairwise(tokens)
    return {a["value"] for a, b in pairs if b["type"] == "lparen" and a["value"]}


def quoted_text(expression: Expression) -> Found | None:
    """`x == "block"` compares with a field called block, which is never there.

    JMESPath reads double quotes as a field name; text goes in single quotes.
    """
    text = expression.source
    tokens = [{"type": "start"}, *Lexer().tokenize(text)]
    for before, token, after in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if token["type"] != "quoted_identifier" or before["type"] == "dot":
            continue
        if before["type"] in COMPARATORS or after["type"] in COMPARATORS:
            word = token["value"]
            return (
                f'`"{word}"` in `{text}` is a field name in JMESPath, not text',
                f"write text in single quotes: '{word}'",
            )
    return None


@dataclass(frozen=True)
class JinjaFilter:
    """`{{ x | upper }}`: a Jinja filter, which JMESPath reads as a field name."""

    name: str
    value: Expression  # what comes before the `|`
    source: str
    compared: str = ""  # what follows the filter: ` > `0``

    @property
    def may_be_a_field(self) -> bool:
        """Whether Imgur's responses use the name as a field (`| title`)."""
        return self.name in RESPONSE_FIELDS

    def problem(self, *, field_hint: bool = False, braced: bool = True) -> Found:
        """The filter in words, with the JMESPath that does the same.

        `braced` says the expression is a template's, written in `{{ }}`.
        """
        instead = FILTERS[self.name]
        fixed = instead.format(self.value.source) + self.compared if instead else ""
        hint = (
            f"write {_braced(fixed, braced)}"
            if instead
            else f"JMESPath has no `{self.name}`: put the value in `vars:` as it "
            "should be"
        )
        if field_hint:
            field = f"{self.value.source}.{self.name}"
            hint += f" (for a field called `{self.name}`, write {field})"
        message = (
            f"`| {self.name}` in {_braced(self.source, braced)} is a filter; "
            f"{'templates' if braced else 'expressions'} are JMESPath, which "
            "has no filters"
        )
        return message, hint


def _braced(source: str, braced: bool) -> str:
    return f"{{{{ {source} }}}}" if braced else f"`{source}`"


def jinja_filter(expression: Expression) -> JinjaFilter | None:
    """The Jinja filter `expression` ends in, if it is ``x | name``."""
    tree = expression.tree
    if tree["type"] != "pipe":
        return None
    right = tree["children"][1]
    if right["type"] == "comparator":  # `x | length > 0` compares the filter
        right = right["children"][0]
    if right["type"] != "field" or right["value"] not in FILTERS:
        return None
    source = expression.source
    bar = source.rindex("|")
    value = compile_expression(source[:bar])
    after = source[bar + 1 :].lstrip().removeprefix(right["value"])
    return JinjaFilter(right["value"], value, source, after.rstrip())


def check_filter(
    step: StepFacts, expression: Expression, where: Where, *, braced: bool = True
) -> None:
    """`{{ x | count }}` is a Jinja filter, unless `x` is known to have `count`.

    JMESPath reads it as the field `count` of `x`. When `x` is known before
    the run, its value decides; otherwise the name decides: a name Imgur's
    responses use as a field (`title`) is taken as one, any other is a filter.
    """
    used = jinja_filter(expression)
    if used is None or tuple(where) in step.faulty:
        return
    values = step.known_values(used.value)
    if values:  # none when `when` is known to skip every call
        if all(isinstance(v, Mapping) and used.name in v for v in values):
            return  # a field of a known mapping
        problem = used.problem(braced=braced)
    elif used.may_be_a_field:
        return
    else:
        problem = used.problem(field_hint=True, braced=braced)
    step.add(where, *problem)
