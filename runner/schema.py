"""JSON Schema checks of a loaded document, every error placed in its file."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft7Validator, ValidationError
from jsonschema.validators import validator_for

from runner.catalog import Catalog, Endpoint
from runner.errors import Problem
from runner.loader import Document, Where
from runner.wording import shown

IDENTIFIER = "^[A-Za-z_][A-Za-z0-9_]*$"
# Text YAML reads as itself inside [...]: no quotes needed.
PLAIN_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
TEMPLATE = "\\{\\{"
STEP = "<step>"  # a whole step; no key can have this name
DEFINITIONS = "#/definitions/"
CHOICES = ("oneOf", "anyOf")
SHAPES = ("type", "const", "enum")  # what tells one alternative from another
# What to write when a section has the wrong kind of value ("" is the file).
TYPE_HINTS = {
    "": "a playbook is `key: value` lines: `version: 1`, then its steps "
    "indented under `steps:`",
    "steps": "list the steps under it, each starting with `- id: NAME` "
    "and a `call:` line below it",
    STEP: "write the step as `key: value` lines: `- id: NAME`, then "
    "`call: ENDPOINT` indented below it",
}
NAME_HINT = "use letters, digits and _ only, starting with a letter"
# A value to show in a fix, by the key it is written after.
EXAMPLES = {
    "version": "1",
    "id": "step1",
    "call": "account.get",
    "as": "photo",
    "name": "tidy_album",
    "attempts": "3",
    "delay": "2",
    "backoff": "2",
    "max_delay": "60",
    "status": "200",
    "that": '["data.id != null"]',
    "when": "\"item.reason == 'spam'\"",
    "until": "data.in_gallery",
    "for_each": '"{{ inputs.people }}"',
    "pages": "all",
    "to": "exports/rows.csv",
    "rows": "items",
    "columns": "[id, title]",
    "file": "people.csv",
    "files": '"photos/*.jpg"',
    "delimiter": '";"',
    "with": "{username: me}",
    "save": "{album_id: data.id}",
    "expect": "{status: 200}",
    "retry": "{attempts: 5, delay: 2}",
    "export": "{to: exports/rows.csv, rows: items}",
    "vars": "{title: Holiday}",
    "inputs": "{people: people.csv}",
    "secrets": "[IMGUR_ACCESS_TOKEN]",
}
# The same for one item of a list.
ITEM_EXAMPLES = {
    "that": '"data.id != null"',
    "secrets": "IMGUR_ACCESS_TOKEN",
    "columns": "id",
    "status": "200",
}
EXPRESSION_EXAMPLE = "data.id"
# Where a fix for a missing key says more than `add key: example`.
REQUIRED_FIXES = {
    "version": "add `version: 1` as the first line",
    "call": "add `call: ENDPOINT`, such as `call: account.get` "
    "(`imgur-playbook endpoints` lists them)",
    "steps": "add `steps:` and list the steps under it, each starting with "
    "`- id: NAME` and a `call:` line below it",
}
ITEM_NOUNS = {"steps": "step", "columns": "column"}
TYPE_WORDS = {  # each type in words, alone and in the plural
    "object": ("a mapping (key: value lines)", "mappings"),
    "array": ("a list", "lists"),
    "string": ("text", "texts"),
    "integer": ("a whole number", "whole numbers"),
    "boolean": ("true or false", "true or false values"),
    "number": ("a number", "numbers"),
    "null": ("null", "nulls"),
}


def schema_text(name: str) -> str:
    """The text of ``schemas/<name>.schema.json`` as shipped in the package."""
    files = resources.files("runner").joinpath("schemas", f"{name}.schema.json")
    return files.read_text("utf-8")


@cache
def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text(name))
    return schema


@cache
def playbook_validator() -> Draft7Validator:
    """The playbook schema without its per-endpoint part.

    The editor schema also checks each call's parameters; the runner does
    that itself against the catalog, with did-you-mean suggestions, so the
    generated ``calls`` part is left out here.
    """
    schema = dict(load_schema("playbook"))
    schema["definitions"] = {**schema["definitions"], "calls": {}}
    return Draft7Validator(schema)


def validator(name: str) -> Any:
    """A validator for any schema in ``schemas/`` by its short name."""
    schema = load_schema(name)
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def schema_problems(
    document: Document, catalog: Catalog | None = None
) -> list[tuple[Where, Problem]]:
    """Every way the document breaks the playbook schema, each with its place.

    With a catalog, a parameter written beside `with:` instead of under it
    is named as one.
    """
    errors = [
        focused
        for error in playbook_validator().iter_errors(document.data)
        for focused in _focus(error)
    ]
    misspelt = _misspelt(errors)
    placed = [
        placed
        for error in errors
        if (tuple(error.absolute_path), _missing(error)) not in misspelt
        for placed in _problems(document, error, catalog)
    ]
    return sorted(placed, key=lambda placed: placed[1].line or 0)


def _focus(error: ValidationError) -> list[ValidationError]:
    """`error`, or the errors of the one alternative its value was meant as.

    `status: 99` is a number out of range, which helps more than "not a
    number or a list"; a value that fits no alternative's shape, or several
    equally, keeps the error of the choice itself.
    """
    if error.validator not in CHOICES:
        return [error]
    fitting = [
        errors
        for errors in _alternatives(error)
        if not any(_wrong_shape(sub) for sub in errors)
    ]
    fewest = min(map(len, fitting), default=0)
    closest = [errors for errors in fitting if len(errors) == fewest]
    if len(closest) != 1:
        return [error]
    return [focused for sub in closest[0] for focused in _focus(sub)]


def _alternatives(error: ValidationError) -> list[list[ValidationError]]:
    """The errors of a oneOf or anyOf, one list per alternative."""
    groups: dict[Any, list[ValidationError]] = {}
    for sub in error.context or []:
        groups.setdefault(sub.relative_schema_path[0], []).append(sub)
    return list(groups.values())


def _wrong_shape(error: ValidationError) -> bool:
    """Whether the value is not even of the kind its alternative is about."""
    steps = [p for p in error.relative_schema_path if p != "$ref"]
    return error.validator in SHAPES and len(steps) == 2


def _misspelt(errors: list[ValidationError]) -> set[tuple[Any, str | None]]:
    """(place, key) of required keys that an unknown key there is a typo of.

    A misspelt required key is one problem, not two.
    """
    found: set[tuple[Any, str | None]] = set()
    for error in errors:
        for extra in _unexpected(error):
            close = _closest_key(error, extra)
            if close:
                found.add((tuple(error.absolute_path), close))
    return found


def _missing(error: ValidationError) -> str | None:
    if error.validator != "required":
        return None
    return str(error.message).split("'")[1]


def _problems(
    document: Document, error: ValidationError, catalog: Catalog | None
) -> list[tuple[Where, Problem]]:
    """One problem per unknown key of `error`, or else the one it describes."""
    where: Where = tuple(error.absolute_path)
    step = _step_id(document.data, where)
    extras = _unexpected(error)
    if extras:
        return [
            ((*where, str(extra)), _unknown_key(document, error, extra, step, catalog))
            for extra in extras
        ]

    message, hint = _explain(error)
    if _is_name(error):
        where = (*where, str(error.instance))
    if _wants_bool(error):
        hint = document.bool_hint(where) or hint
    hint = hint or _choices_hint(error)
    return [(where, document.problem(where, message, step=step, hint=hint))]


def _wants_bool(error: ValidationError) -> bool:
    """Whether `error` is true or false wanted where something else is written."""
    kinds = error.validator_value if error.validator == "type" else []
    return "boolean" in (kinds if isinstance(kinds, list) else [kinds])


def _step_id(data: Any, where: tuple[str | int, ...]) -> str | None:
    if len(where) >= 2 and where[0] == "steps" and isinstance(where[1], int):
        steps = data.get("steps") if isinstance(data, dict) else None
        if isinstance(steps, list) and where[1] < len(steps):
            step = steps[where[1]]
            if isinstance(step, dict) and isinstance(step.get("id"), str):
                return str(step["id"])
            return f"#{where[1] + 1}"
    return None


def _explain(error: ValidationError) -> tuple[str, str | None]:
    """A message for the playbook's author, and a fix where one is clear.

    jsonschema's own messages are written for programmers (Python reprs,
    "should be non-empty"), so none of them is shown.
    """
    if _is_name(error):
        return _bad_name(error)
    explain = EXPLAIN.get(str(error.validator), _not_allowed)
    return explain(error)


def _is_name(error: ValidationError) -> bool:
    """Whether `error` is about a key of a mapping rather than a value."""
    return "propertyNames" in error.absolute_schema_path


def _bad_name(error: ValidationError) -> tuple[str, str | None]:
    name = f"`{_literal(error.instance)}`{_in(_field_name(error))}"
    if error.validator == "pattern" and error.validator_value == IDENTIFIER:
        return f"{name} is not a usable name", NAME_HINT
    return f"{name} cannot be used as a name", None


def _required(error: ValidationError) -> tuple[str, str | None]:
    missing = str(_missing(error))
    example = EXAMPLES.get(missing)
    hint = f"add `{missing}: {example}`" if example else f"add `{missing}:` and a value"
    hint = REQUIRED_FIXES.get(missing, hint)
    return f"`{missing}` is missing{_in(_field_name(error))}", hint


def _wrong_type(error: ValidationError) -> tuple[str, str | None]:
    wanted = _type_words(error.validator_value)
    message = f"{_subject(error)} must be {wanted}, not {shown(error.instance)}"
    field = _field_name(error)
    hint = TYPE_HINTS.get(field or "")
    if hint is None and error.instance is None and field and field != STEP:
        hint = f"write a value after `{field}:`, or remove the line"
    return message, hint or _type_fix(error)


def _type_fix(error: ValidationError) -> str | None:
    """How to write the value as the kind wanted, from what was written."""
    kinds = error.validator_value
    wanted = set(kinds if isinstance(kinds, list) else [kinds])
    value, field = error.instance, _field_name(error) or ""
    if "array" in wanted and _is_scalar(value):
        return f"write a list: `{_assign(error, f'[{_flow(value)}]')}`"
    if "string" in wanted:
        return _text_fix(error)
    if "object" in wanted:
        example = EXAMPLES.get(field)
        if example:
            return f"write `name: value` pairs, such as `{field}: {example}`"
        return f"write `name: value` lines indented under `{field}:`"
    if wanted & {"integer", "number"}:
        example = str(value) if _is_number_text(value) else _example(error, "1")
        return f"write a number without quotes, such as `{_assign(error, example)}`"
    if "boolean" in wanted:
        return f"write `{_assign(error, 'true')}` or `{_assign(error, 'false')}`"
    return None


def _text_fix(error: ValidationError) -> str:
    """How to write text where a number, a list or a mapping is written."""
    schema = _schema_of(error)
    field = _field_name(error) or ""
    if schema.get("pattern") == IDENTIFIER:
        example = _assign(error, _example(error, "name1"))
        return f"write a name that starts with a letter, such as `{example}`"
    if schema == _resolved({"$ref": f"{DEFINITIONS}expression"}):
        example = _assign(error, _example(error, EXPRESSION_EXAMPLE))
        return f"write a JMESPath expression, such as `{example}`"
    if _is_scalar(error.instance):
        return f"put it in quotes: `{_assign(error, json.dumps(str(error.instance)))}`"
    return f"write one line of text after `{field}:`"


def _example(error: ValidationError, default: str | None = None) -> str | None:
    """A value to show for the one at fault, by its key (in a list, its item)."""
    last = error.absolute_path[-1] if error.absolute_path else None
    examples = ITEM_EXAMPLES if isinstance(last, int) else EXAMPLES
    return examples.get(_field_name(error) or "", default)


def _assign(error: ValidationError, value: Any) -> str:
    """How the value at fault is written: `key: value`, or in a list `value`."""
    last = error.absolute_path[-1] if error.absolute_path else None
    field = _field_name(error)
    if isinstance(last, int) or field in (None, STEP):
        return str(value)
    return f"{field}: {value}"


def _flow(value: Any) -> str:
    """`value` as an item of a YAML `[...]` list: quoted where YAML needs it."""
    text = _literal(value)
    if isinstance(value, str) and not PLAIN_WORD.fullmatch(text):
        return json.dumps(text)
    return text


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _is_number_text(value: Any) -> bool:
    """Whether `value` is a number written as text: "5"."""
    if not isinstance(value, str):
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True


def _wrong_constant(error: ValidationError) -> tuple[str, str | None]:
    expected: Any = error.validator_value
    wanted = _literal(expected)
    field = _field_name(error)
    hint = f"write `{field}: {wanted}`" if field and field != STEP else None
    if not _is_number(expected):
        return f"{_subject(error)} must be {wanted}, not {shown(error.instance)}", hint
    # `version: "1"` looks right to whoever typed it: the quotes are the mistake.
    if isinstance(error.instance, str) and error.instance.strip() == wanted:
        return f"{_subject(error)} must be the number {wanted}, without quotes", hint
    value = shown(error.instance)
    return f"{_subject(error)} must be the number {wanted}, not {value}", hint


def _not_one_of(error: ValidationError) -> tuple[str, str | None]:
    values: Any = error.validator_value
    allowed = [_literal(value) for value in values]
    value = shown(error.instance)
    close = difflib.get_close_matches(str(error.instance), allowed, n=1)
    if close:
        hint = f"did you mean `{close[0]}`?"
    else:
        hint = "write " + _either([f"`{_assign(error, a)}`" for a in allowed])
    return f"{_subject(error)} must be {_either(allowed)}, not {value}", hint


def _bad_pattern(error: ValidationError) -> tuple[str, str | None]:
    value = f"{_subject(error)} {shown(error.instance)}"
    if error.validator_value == IDENTIFIER:
        return f"{value} is not a usable name", NAME_HINT
    if error.validator_value == TEMPLATE:
        example = _example(error, '"{{ vars.NAME }}"')
        hint = f"write a {{{{ template }}}}, such as `{_assign(error, example)}`"
        return f"{value} is not a {{{{ template }}}}", hint
    return f"{value} is not written the way it must be", None


def _too_few(error: ValidationError) -> tuple[str, str | None]:
    count = error.validator_value
    field = _field_name(error) or ""
    noun = ITEM_NOUNS.get(field, "item")
    words = f"one {noun}" if count == 1 else f"{count} {noun}s"
    example = EXAMPLES.get(field)
    hint = TYPE_HINTS.get(field) or (
        f"list {words}, such as `{field}: {example}`, or remove `{field}:`"
        if example
        else f"list {words} under `{field}:`, or remove `{field}:`"
    )
    return f"{_subject(error)} needs at least {words}", hint


def _too_short(error: ValidationError) -> tuple[str, str | None]:
    count = error.validator_value
    field = _field_name(error)
    hint = f"write a value after `{field}:`, or remove the line"
    example = _example(error)
    if example:
        hint = f"write a value, such as `{_assign(error, example)}`, or remove the line"
    if count == 1:
        return f"{_subject(error)} cannot be empty", hint
    return f"{_subject(error)} needs at least {count} characters", hint


def _too_long(error: ValidationError) -> tuple[str, str | None]:
    count = error.validator_value
    words = "one character" if count == 1 else f"at most {count} characters"
    example = _example(error)
    hint = f"write {words}"
    if example:
        hint = f"{hint}, such as `{_assign(error, example)}`"
    return f"{_subject(error)} must be {words}, not {shown(error.instance)}", hint


def _repeated(error: ValidationError) -> tuple[str, str | None]:
    seen: set[str] = set()
    items: Any = error.instance
    for item in items:
        text = json.dumps(item, sort_keys=True, default=str)
        if text in seen:
            twice = f"`{_literal(item)}`"
            return f"{_subject(error)} lists {twice} twice", f"keep one {twice}"
        seen.add(text)
    return f"{_subject(error)} lists a value twice", "keep one of each"


def _out_of_range(error: ValidationError) -> tuple[str, str | None]:
    schema = _schema_of(error)
    span = _range(schema)
    example = _example(error)
    example = example if _is_number_text(example) else _bound(schema)
    hint = f"write {_type_words(schema.get('type'))} ({span})"
    if example is not None:
        hint = f"{hint}, such as `{_assign(error, example)}`"
    return f"{_subject(error)} must be {span}, not {shown(error.instance)}", hint


def _bound(schema: Mapping[str, Any]) -> str | None:
    """A value the schema allows: its minimum, or else its maximum."""
    bound = schema.get("minimum", schema.get("maximum"))
    return None if bound is None else _literal(bound)


def _no_choice(error: ValidationError) -> tuple[str, str | None]:
    return f"{_subject(error)} cannot be {shown(error.instance)}", _choices(error)


def _not_allowed(error: ValidationError) -> tuple[str, str | None]:
    return f"{_subject(error)} cannot be {shown(error.instance)}", None


EXPLAIN = {
    "required": _required,
    "type": _wrong_type,
    "const": _wrong_constant,
    "enum": _not_one_of,
    "pattern": _bad_pattern,
    "minItems": _too_few,
    "minLength": _too_short,
    "maxLength": _too_long,
    "uniqueItems": _repeated,
    "minimum": _out_of_range,
    "maximum": _out_of_range,
    "exclusiveMinimum": _out_of_range,
    "exclusiveMaximum": _out_of_range,
    "oneOf": _no_choice,
    "anyOf": _no_choice,
}


def _choices_hint(error: ValidationError) -> str | None:
    """What to write, when `error` is one alternative of a choice for its value."""
    choice = error.parent
    if not isinstance(choice, ValidationError) or choice.validator not in CHOICES:
        return None
    return None if error.relative_path else _choices(choice)


def _choices(error: ValidationError) -> str:
    alternatives: Any = error.validator_value
    return "write " + _either([_describe(schema) for schema in alternatives])


def _describe(schema: Any, plural: bool = False) -> str:
    """Words for the values a schema allows: "a whole number (1 or more)"."""
    schema = _resolved(schema)
    if "const" in schema:
        return f"`{_literal(schema['const'])}`"
    if "enum" in schema:
        return _either([f"`{_literal(value)}`" for value in schema["enum"]])
    if schema.get("pattern") == TEMPLATE:
        return "{{ templates }}" if plural else "a {{ template }}"
    if schema.get("pattern") == IDENTIFIER:
        return "names" if plural else "a name"

    if "items" in schema:
        items = _describe(schema["items"], plural=True)
        return f"{'lists' if plural else 'a list'} of {items}"
    if schema.get("required"):
        keys = " and ".join(f"`{key}:`" for key in schema["required"])
        return f"{'mappings' if plural else 'a mapping'} with {keys}"
    words = _type_words(schema.get("type"), plural)
    span = _range(schema)
    return f"{words} ({span})" if span else words


def _resolved(schema: Any) -> Mapping[str, Any]:
    """`schema`, or the definition its `$ref` names."""
    if not isinstance(schema, Mapping):
        return {}
    ref = str(schema.get("$ref", ""))
    if not ref.startswith(DEFINITIONS):
        return schema
    definitions = load_schema("playbook")["definitions"]
    return _resolved(definitions.get(ref.removeprefix(DEFINITIONS)))


def _range(schema: Mapping[str, Any]) -> str:
    """The bounds of a number in words: "from 100 to 599", "more than 0"."""
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"from {_literal(low)} to {_literal(high)}"
    bounds = {
        "minimum": "{} or more",
        "exclusiveMinimum": "more than {}",
        "maximum": "{} or less",
        "exclusiveMaximum": "less than {}",
    }
    words = [
        text.format(_literal(schema[k])) for k, text in bounds.items() if k in schema
    ]
    return " and ".join(words)


def _unknown_key(
    document: Document,
    error: ValidationError,
    extra: Any,
    step: str | None,
    catalog: Catalog | None,
) -> Problem:
    where = (*error.absolute_path, str(extra))
    endpoint = _called(error, catalog)
    if endpoint is not None and endpoint.param(str(extra)):
        message = f"`{extra}` is a parameter of {endpoint.name}: indent it under with:"
        hint = f"move `{extra}:` under `with:`, indented two spaces more than `with:`"
        return document.problem(where, message, step=step, hint=hint)
    close = _closest_key(error, extra)
    known = ", ".join(_schema_of(error).get("properties", {}))
    hint = f"did you mean `{close}`?" if close else f"allowed: {known}"
    home = _home_of(error, str(extra))
    if home is not None:
        hint = f"`{extra}` goes inside `{home}`: {home}: {_with_key(home, str(extra))}"
    message = f"unknown key `{_literal(extra)}`{_in(_field_name(error))}"
    return document.problem(where, message, step=step, hint=hint)


def _home_of(error: ValidationError, extra: str) -> str | None:
    """The key of this mapping whose own mapping has `extra`: `retry` for `until`."""
    for name, schema in _schema_of(error).get("properties", {}).items():
        if extra in _resolved(schema).get("properties", {}):
            return str(name)
    return None


def _with_key(home: str, key: str) -> str:
    """The example of `home` with `key: ...` in it: {attempts: 5, until: ...}."""
    example = EXAMPLES.get(home, "{}")
    if f"{key}:" in example:
        return example
    inner = example.strip("{}")
    return f"{{{inner}, {key}: ...}}" if inner else f"{{{key}: ...}}"


def _called(error: ValidationError, catalog: Catalog | None) -> Endpoint | None:
    """The endpoint the step at fault calls, if `error` is about a step's keys."""
    step: Any = error.instance
    if catalog is None or _field_name(error) != STEP or not isinstance(step, dict):
        return None
    call = step.get("call")
    return catalog.get(call) if isinstance(call, str) else None


def _closest_key(error: ValidationError, extra: Any) -> str | None:
    known = list(_schema_of(error).get("properties", {}))
    close = difflib.get_close_matches(str(extra), known, n=1)
    return close[0] if close else None


def _unexpected(error: ValidationError) -> list[Any]:
    """The keys `error` finds that its mapping does not allow, in file order."""
    if error.validator != "additionalProperties" or error.validator_value is not False:
        return []
    allowed = set(_schema_of(error).get("properties", {}))
    instance: Any = error.instance
    return [key for key in instance if key not in allowed]


def _schema_of(error: ValidationError) -> dict[str, Any]:
    schema = error.schema
    return dict(schema) if isinstance(schema, Mapping) else {}


def _field_name(error: ValidationError) -> str | None:
    path = list(error.absolute_path)
    if len(path) >= 2 and path[-2] == "steps" and isinstance(path[-1], int):
        return STEP
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else None


def _in(field: str | None) -> str:
    if field is None:
        return " at the top of the playbook"
    if field == STEP:
        return " in this step"
    return f" in `{field}`"


def _subject(error: ValidationError) -> str:
    """How a message names the value at fault: "`title`", "item 2 of `that`"."""
    field = _field_name(error)
    last = error.absolute_path[-1] if error.absolute_path else None
    if field == STEP:
        return "this step"
    if field is None:
        return "the playbook"
    if isinstance(last, int):
        return f"item {last + 1} of `{field}`"
    return f"`{field}`"


def _literal(value: Any) -> str:
    """A value as the playbook would spell it: text bare, the rest as JSON."""
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _either(words: list[str]) -> str:
    """`a`, `a or b`, `a, b or c`."""
    if len(words) <= 2:
        return " or ".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def _type_words(kind: Any, plural: bool = False) -> str:
    kinds = kind if isinstance(kind, list) else [kind]
    words = [TYPE_WORDS.get(k, ("a value", "values"))[plural] for k in kinds]
    return _either(words)
