"""Secret values known before the run must be long enough to be masked.

A deletehash of three characters cannot be masked in text (the mask would
hide parts of ordinary words), so it would show in the report and logs.
The transport refuses to send such a value; one known before the run (in
`with:`, vars, a --var or an input) is refused here, before any earlier
step has written anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from runner.catalog import Endpoint, Param
from runner.checks.context import KnownCall, StepFacts
from runner.errors import TemplateError
from runner.known import render_known
from runner.redact import MIN_SECRET_LENGTH, too_short_to_mask
from runner.templating import (
    Expression,
    ExpressionSyntaxError,
    parse_template,
    templates_in,
)
from runner.transports import Call


def check_short_secrets(step: StepFacts, endpoint: Endpoint) -> None:
    """Each secret parameter's value, in each call known before the run."""
    for param, _, value in step.given_params(endpoint):
        if param.secret:
            _check_secret(step, endpoint, param, value)


def _check_secret(
    step: StepFacts, endpoint: Endpoint, param: Param, value: Any
) -> None:
    for number, sent in _known_values(step, value):
        if _too_short(Call(endpoint, {param.name: sent})):
            where = step.at("with", param.name)
            step.add(where, _message(step, param, value, number), _fix(param, value))
            return


def _too_short(call: Call) -> bool:
    """Read as the transport reads it: a list's items, a comma-list's parts."""
    return any(too_short_to_mask(text.strip()) for _, text in call.named_secrets())


def _known_values(step: StepFacts, value: Any) -> Iterator[tuple[int | None, Any]]:
    """What `value` is in each call, as far as it is known before the run."""
    expressions = _expressions(value)
    if expressions is None:
        return  # a template that does not parse is reported
    calls: list[KnownCall] | None = step.known_calls(expressions)
    if calls is None:  # the known parts are rendered, the rest left unknown
        calls = [(None, step.playbook.base)] if step.runs_at_all else []
    for number, scope in calls:
        try:
            yield number, render_known(value, scope)
        except TemplateError:
            return  # reported with the other templates


def _expressions(value: Any) -> list[Expression] | None:
    try:
        templates = [parse_template(text) for _, text in templates_in(value)]
    except ExpressionSyntaxError:
        return None
    return [e for template in templates for e in template.expressions]


def _message(step: StepFacts, param: Param, value: Any, number: int | None) -> str:
    """What is too short and where it came from; never the value, a secret."""
    said = (
        f"the value of `{param.name}` has fewer than {MIN_SECRET_LENGTH} "
        "characters, too short to be masked in the report and logs"
    )
    if not isinstance(value, str) or "{{" not in value:
        return said
    name = _lone_var(value)
    read = f"vars.{name}" if name else value
    origin = step.playbook.origin(name) if name else ""
    call = f" for item {number}" if number is not None else ""
    return f"{said}; {read} gives it{call}{origin}"


def _fix(param: Param, value: Any) -> str:
    if isinstance(value, str) and "{{" in value:
        name = _lone_var(value)
        return f"give `{name}` the whole value" if name else "give the whole value"
    return f"give `{param.name}:` the whole value"


def _lone_var(text: str) -> str | None:
    """The var's name if `text` is that var alone: `{{ vars.dh }}`."""
    lone = parse_template(text).lone
    path = lone.simple_path() if lone else None
    return path[1] if path and len(path) == 2 and path[0] == "vars" else None
