"""What a playbook's values are before the run.

`vars`, `inputs` and the items of a loop over them are known as soon as the
playbook is read; what a response gives is not. The checks, the target's
credential checks and `plan` all render templates here, the same way, with
an Unknown wherever a value waits for the run.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

from runner.templating import Expression, Template, loop_items, parse_template

KNOWN_ROOTS = frozenset({"vars", "inputs"})
# Items of a known list rendered one by one before a run; enough for any typo.
MOST_CHECKED_ITEMS = 1000


@dataclass(frozen=True)
class Unknown:
    """A value the run learns only when it gets there, shown as ``<expr>``."""

    source: str

    def __str__(self) -> str:
        return f"<{self.source}>"


class PartlyKnown(str):
    """Text with an Unknown rendered inside it."""

    __slots__ = ()


def known_base(vars: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """What every template can read before the run."""
    return {"vars": dict(vars), "inputs": dict(inputs)}


def call_scopes(
    base: Mapping[str, Any], for_each: Any, as_name: str
) -> list[dict[str, Any]] | None:
    """What each call of a step renders in, or None if its list is not known yet.

    Raises:
        TemplateError: the `for_each` template reads a var or input that
            is not there.
    """
    if for_each is None:
        return [dict(base)]
    items = known_items(base, for_each)
    if items is None:
        return None
    return [{**base, as_name: item} for item in items[:MOST_CHECKED_ITEMS]]


def known_items(base: Mapping[str, Any], for_each: Any) -> list[Any] | None:
    """All the items a `for_each` goes through, or None if not known yet.

    Raises:
        TemplateError: the `for_each` template reads a var or input that
            is not there.
    """
    values = render_known(for_each, base)
    return None if has_unknown(values) else loop_items(values)


def render_known(
    value: Any,
    scope: Mapping[str, Any],
    pending: Set[tuple[str, ...]] = frozenset(),
) -> Any:
    """Render templates, with an Unknown wherever they read what is not known.

    An expression is not known when it reads a root `scope` does not have,
    or a path that starts with one in `pending` (a step `plan` did not send).

    Raises:
        TemplateError: a known part reads something that is not there.
    """
    if isinstance(value, str) and "{{" in value:
        return _render_text(value, scope, pending)
    if isinstance(value, Mapping):
        return {k: render_known(v, scope, pending) for k, v in value.items()}
    if isinstance(value, list):
        return [render_known(item, scope, pending) for item in value]
    return value


def has_unknown(value: Any) -> bool:
    """Whether any part of a rendered value waits for the run."""
    if isinstance(value, Unknown | PartlyKnown):
        return True
    if isinstance(value, Mapping):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False


def _render_text(
    text: str, scope: Mapping[str, Any], pending: Set[tuple[str, ...]]
) -> Any:
    template = parse_template(text)
    lone = template.lone
    if lone is not None:
        if not _known(lone, scope, pending):
            return Unknown(lone.source)
        return lone.resolve(scope)
    unknown = [
        part for part in template.expressions if not _known(part, scope, pending)
    ]
    # The known parts are rendered as the run renders text (true, ["a"]).
    shown = Template(
        tuple(
            str(Unknown(part.source))
            if isinstance(part, Expression) and part in unknown
            else part
            for part in template.parts
        )
    )
    joined = shown.render(scope)
    return PartlyKnown(joined) if unknown else joined


def _known(
    expression: Expression,
    scope: Mapping[str, Any],
    pending: Set[tuple[str, ...]],
) -> bool:
    return not any(
        path[0] not in scope or any(path[: len(p)] == p for p in pending)
        for path in expression.root_paths()
    )
