"""One step's checks, in the order a reader meets its keys."""

from __future__ import annotations

from runner.catalog import Endpoint
from runner.checks import batch, references, secret_saves
from runner.checks.context import StepFacts
from runner.checks.masking import check_short_secrets
from runner.checks.parameters import check_parameters
from runner.wording import did_you_mean


def check_step(step: StepFacts) -> None:
    """Add every problem of `step`, then record what it saves for later steps."""
    _check_id(step)
    endpoint = _check_call(step)
    batch.check_loop(step)
    # Templates first: a value whose template reads a wrong name is not
    # also checked as the value it would render to.
    references.check_templates(step, step.raw.get("with"), step.at("with"))
    references.check_condition(step)
    references.check_response_expressions(step)
    if endpoint is not None:
        check_parameters(step, endpoint)
        check_short_secrets(step, endpoint)
        secret_saves.check_sent_secrets(step, endpoint)
        _check_destructive(step, endpoint)
        batch.check_pages(step, endpoint)
        batch.check_retry(step, endpoint)
    batch.check_export(step)
    _record_saves(step)
    secret_saves.record_secret_saves(step)


def _check_id(step: StepFacts) -> None:
    if step.id in step.playbook.saves:
        step.add(
            step.at("id"),
            f"step id `{step.id}` is used twice",
            hint="give each step its own id",
        )


def _check_call(step: StepFacts) -> Endpoint | None:
    name = step.raw.get("call")
    if not isinstance(name, str):
        return None
    catalog = step.playbook.catalog
    endpoint = catalog.get(name)
    if endpoint is None:
        hint = did_you_mean(catalog.suggest(name)) or (
            "`imgur-playbook endpoints` lists them"
        )
        step.add(step.at("call"), f"unknown endpoint `{name}`", hint=hint)
    return endpoint


def _check_destructive(step: StepFacts, endpoint: Endpoint) -> None:
    if not endpoint.destructive or step.playbook.planning:
        return
    if step.raw.get("allow_destructive") is not True:
        step.add(
            step.at("call"),
            f"{endpoint.name} {endpoint.destructive} and cannot be undone",
            hint="if you mean it, add `allow_destructive: true` to this step "
            "and run with --allow-destructive",
        )
    elif not step.playbook.allow_destructive:
        step.add(
            step.at("allow_destructive"),
            f"{endpoint.name} {endpoint.destructive}; the command line must agree",
            hint="run again with --allow-destructive",
        )


def _record_saves(step: StepFacts) -> None:
    save = step.raw.get("save")
    names = [str(k) for k in save] if isinstance(save, dict) else []
    if step.loop is not None:
        step.playbook.loops.setdefault(step.id, names)
        names = ["items"]
    step.playbook.saves.setdefault(step.id, names)
