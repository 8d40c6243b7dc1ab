"""What a playbook's values are before the run.

`vars`, `inputs` and the items of a loop over them are known as soon as the
playbook is read; what a response gives is not. The checks, the target's
credential checks and `plan` all render templates here, the same way, with
an Unknown wherever a value waits for the run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runner.errors import TemplateError
from runner.templating import Expression, Template, loop_items, parse_template
from runner.transports import Call

if TYPE_CHECKING:  # the playbook's checks read this module
    from runner.playbook import Playbook, Step

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


def known_secrets(playbook: Playbook) -> set[str]:
    """Every value a secret parameter is given that is known before the run.

    A deletehash in vars may show in an earlier step's title or failed
    `expect` before the call that sends it: it is masked from the start.
    """
    base = known_base(playbook.vars, playbook.inputs)
    found: set[str] = set()
    for step in playbook.steps:
        args = secret_args(step)
        if args:
            found.update(_step_secrets(step, args, base))
    return found


def secret_args(step: Step) -> dict[str, Any]:
    """The step's arguments that go to parameters the catalog marks secret."""
    return {
        name: value
        for name, value in step.args.items()
        if (param := step.endpoint.param(name)) is not None and param.secret
    }


def _step_secrets(
    step: Step, args: Mapping[str, Any], base: Mapping[str, Any]
) -> Iterator[str]:
    """Read as the transport reads them: a list's items, a comma-list's parts."""
    for scope in _every_scope(step, base):
        try:
            rendered = render_known(dict(args), scope)
        except TemplateError:
            continue  # the checks say why; nothing of it is sent
        yield from Call(step.endpoint, _known_parts(rendered)).secrets()


def _every_scope(step: Step, base: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each call's scope; a loop over what a response lists gives vars only."""
    if step.for_each is None:
        return [dict(base)]
    try:
        items = known_items(base, step.for_each)
    except TemplateError:
        items = None
    if items is None:
        return [dict(base)]
    return [{**base, step.as_name: item} for item in items]


def _known_parts(value: Any) -> Any:
    """`value` with None wherever it waits for the run."""
    if isinstance(value, Unknown | PartlyKnown):
        return None
    if isinstance(value, Mapping):
        return {k: _known_parts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_known_parts(item) for item in value]
    return value


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
