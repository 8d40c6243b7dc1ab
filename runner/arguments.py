"""A step's rendered `with:` made ready to send: files opened, defaults filled.

A value that renders to null leaves an optional parameter out; a parameter
the call cannot go without fails the step before anything is sent, saying
where the null came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runner.catalog import Endpoint
from runner.errors import StepError
from runner.playbook import Playbook, Step
from runner.templating import parse_template
from runner.transports import FileUpload


def prepare_arguments(
    endpoint: Endpoint, args: Mapping[str, Any], playbook: Playbook
) -> dict[str, Any]:
    """Rendered arguments made ready to send: files opened, defaults filled.

    Raises:
        StepError: a rendered value does not fit its parameter.
    """
    prepared: dict[str, Any] = {}
    for name, value in args.items():
        param = endpoint.param(name)
        if param is None or value is None:
            continue  # an explicit null leaves the parameter out
        problem = param.type_problem(value)
        if problem:
            raise StepError(f"with.{name}: {problem}")
        prepared[name] = _file(value, playbook) if "file" in param.types else value
    for param in endpoint.in_place("path"):
        # Imgur paths cannot skip a middle segment, so defaults are sent.
        if param.name not in prepared and param.default is not None:
            prepared[param.name] = param.default
    return prepared


def require_values(step: Step, rendered: Mapping[str, Any], playbook: Playbook) -> None:
    """Fail unless every parameter the call needs has a value.

    Raises:
        StepError: a required parameter, or a path segment with no default,
            rendered to null; the message says which and why.
    """
    for name, value in rendered.items():
        param = step.endpoint.param(name)
        if value is None and param is not None and param.needs_value:
            raise StepError(_null_message(step, name, playbook))


def _null_message(step: Step, name: str, playbook: Playbook) -> str:
    source = step.args.get(name)
    if not isinstance(source, str) or "{{" not in source:
        return f"with.{name} is null, and {step.call} cannot be sent without it"
    text = f"with.{name}: `{source}` is null, and {step.call} cannot be sent without it"
    origin = saved_null(source, playbook)
    return f"{text}: {origin}" if origin else text


def saved_null(source: str, playbook: Playbook) -> str | None:
    """Which step saved the null `source` reads, and from what, if it is one."""
    lone = parse_template(source).lone
    path = lone.simple_path() if lone is not None else None
    if path is None or len(path) != 3 or path[0] != "steps":
        return None
    _, step_id, name = path
    saver = next((s for s in playbook.steps if s.id == step_id), None)
    if saver is None or name not in saver.save:
        return None
    expression = saver.save[name].source
    return (
        f"step `{step_id}` saved null for `{name}` "
        f"(`{expression}` matched nothing in its response)"
    )


def _file(value: Any, playbook: Playbook) -> Any:
    if not isinstance(value, Mapping):
        return value
    path = playbook.folder / str(value["file"])
    if not path.is_file():
        raise StepError(f"no file {path} (paths are relative to the playbook)")
    return FileUpload(path)
