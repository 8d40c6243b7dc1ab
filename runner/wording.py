"""Values in words, for messages to the person who wrote the playbook.

Every message that quotes a value goes through here, so that a value reads
the same everywhere (`"cats"`, `5`, `.nan`) and a secret is never quoted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from runner.redact import MASK, is_secret_field

# Longer values are cut, so that a message stays one readable line.
SHOWN_WIDTH = 40


def shown(value: Any, width: int = SHOWN_WIDTH) -> str:
    """`value` as the playbook would hold it: JSON, cut to `width`."""
    if isinstance(value, float) and not math.isfinite(value):
        return yaml_number(value)
    return shortened(json.dumps(value, ensure_ascii=False, default=str), width)


def shortened(text: str, width: int) -> str:
    """`text` cut to `width` characters, the cut marked with "..."."""
    return text if len(text) <= width else text[: width - 3] + "..."


def yaml_number(number: float) -> str:
    """How YAML spells a number that is not finite: .nan, .inf or -.inf."""
    if math.isnan(number):
        return ".nan"
    return ".inf" if number > 0 else "-.inf"


def describe_value(value: Any) -> str:
    """A value in words: `text ("cats, aww")`, `the number 5`, `a list ([1])`."""
    text = shown(value)
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the value {text}"
    if isinstance(value, int | float):
        return f"the number {text}"
    if isinstance(value, str):
        return f"text ({text})"
    if isinstance(value, Mapping):
        return f"a mapping ({text})"
    return f"a list ({text})" if isinstance(value, list) else text


def kind_of(value: Any) -> str:
    """What sort of value `value` is, without quoting it: for secrets."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a mapping" if isinstance(value, Mapping) else "a list"


def type_in_words(value: Any) -> str:
    """The type of a playbook value, and how to write one: for --var fixes."""
    words = {
        bool: "true or false",
        int: "a whole number (digits, like 10 or -3)",
        float: "a number (like 2.5 or 1e3)",
        str: "text",
        list: "a list (like [a, b])",
        dict: "a mapping (like {a: 1})",
    }
    return words.get(type(value), "not a single value")


def masked(value: Any) -> Any:
    """`value` with the values of secret fields replaced by the mask."""
    if isinstance(value, Mapping):
        return {
            key: MASK if is_secret_field(key) else masked(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def preview(value: Any, *, secret: bool = False) -> str:
    """`value` shown in a message, secret fields masked; only its kind if secret."""
    return kind_of(value) if secret else shown(masked(value))


def did_you_mean(names: Iterable[str]) -> str | None:
    """`did you mean `a` or `b`?`, or None without a name to offer."""
    names = list(names)
    if not names:
        return None
    return "did you mean " + " or ".join(f"`{n}`" for n in names) + "?"
