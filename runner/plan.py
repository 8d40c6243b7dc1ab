"""`imgur-playbook plan`: every request a run would make, sending no write.

The plan walks the playbook with the executor's own rules (when, for_each,
pages) but hands each request to a recorder instead of the target. A value
that only a response can give is shown as a placeholder. With reads on, GET
requests are sent for real, so that what they save is known and loops over
listed items expand; each is sent once (no retry, no `until` polling), and
no export is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runner.arguments import prepare_arguments, require_values
from runner.catalog import Endpoint
from runner.errors import StepError
from runner.executor import Executor, Sender, Tries
from runner.known import Unknown, has_unknown, render_known
from runner.playbook import Playbook, Step
from runner.redact import MASK
from runner.replies import Reply
from runner.results import CallRecord, ItemResult, RunResult, Status, StepResult
from runner.templating import Expression, parse_template
from runner.transports import Call, wire_text


@dataclass
class PlannedRequest:
    """One request of the plan, with the arguments as far as they are known."""

    step: str
    index: int | None
    method: str
    path: str
    args: dict[str, Any]
    sent: bool
    notes: list[str] = field(default_factory=list)
    # It stands for as many requests as a response lists items or pages.
    repeats: bool = False
    error: str | None = None  # why a read that was sent failed


@dataclass
class Plan:
    """The requests in order, and the walk's record of steps and items."""

    result: RunResult
    requests: list[PlannedRequest]


class NotSending:
    """The sender when reads are off: nothing leaves the machine."""

    name = "plan"
    base_url = ""

    def send(self, call: Call) -> Reply | None:
        return None


class Planner(Executor):
    """The executor with a recorder in place of the target."""

    def __init__(self, playbook: Playbook, sender: Sender | None, **kwargs: Any):
        # A plan asks once: it waits for nothing.
        super().__init__(playbook, sender or NotSending(), retries=False, **kwargs)
        self.reads = sender is not None
        self.requests: list[PlannedRequest] = []
        # Secrets not set are shown, not needed: nothing is sent with them.
        missing = set(playbook.secrets) - set(self.context["secrets"])
        self.pending: set[tuple[str, ...]] = {("secrets", n) for n in missing}
        self._record: CallRecord | None = None
        self._notes: list[str] = []
        self._step_notes: list[str] = []  # the step's, shown on each request

    def plan(self) -> Plan:
        return Plan(self.run(), self.requests)

    def _run_step(self, step: Step, result: StepResult) -> None:
        self._step_notes = []
        super()._run_step(step, result)
        if result.status is Status.PLANNED:
            self.pending.add(("steps", step.id))

    def _loop_holds(self, step: Step) -> bool:
        self._notes = []
        holds = super()._loop_holds(step)
        self._step_notes = self._notes
        return holds

    def _loop_values(self, step: Step) -> list[Any]:
        if _reads_any(_expressions(step.for_each), self.pending):
            return [Unknown(str(step.for_each).strip("{} "))]
        return super()._loop_values(step)

    def _run_call(
        self,
        step: Step,
        record: CallRecord,
        scope: Mapping[str, Any],
        *,
        check_when: bool = True,
    ) -> None:
        self._record, self._notes = record, list(self._step_notes)
        if isinstance(record, ItemResult) and isinstance(record.item, Unknown):
            self._notes.append(f"for each item of {record.item}")
            scope = {**scope, step.as_name: {}}
            self.pending.add((step.as_name,))
        try:
            super()._run_call(step, record, scope, check_when=check_when)
        finally:
            self.pending.discard((step.as_name,))

    def _holds(self, step: Step, scope: Mapping[str, Any]) -> bool:
        assert step.when is not None
        if _reads_any([step.when], self.pending):
            self._notes.append(f"only if `{step.when.source}`")
            return True
        return super()._holds(step, scope)

    def _stops(self, step: Step) -> bool:
        return False  # a plan lists every step, whatever one read found

    def _expect(self, step: Step, reply: Reply, scope: Mapping[str, Any]) -> None:
        """Not checked: what a read finds still lacks the plan's unsent writes."""

    def _save(
        self, step: Step, reply: Reply, scope: Mapping[str, Any]
    ) -> dict[str, Any]:
        saved = super()._save(step, reply, scope)
        for name, expression in step.save.items():
            if _reads_any([expression], self.pending):
                saved[name] = Unknown(expression.source)
        return saved

    def _arguments(self, step: Step, scope: Mapping[str, Any]) -> dict[str, Any]:
        rendered = render_known(dict(step.args), scope, self.pending)
        require_values(step, rendered, self.playbook)
        return planned_arguments(step.endpoint, rendered)

    def _send(
        self, step: Step, args: dict[str, Any], record: CallRecord, tries: Tries
    ) -> Reply | None:
        known = not has_unknown(args)
        sent = self.reads and known and step.endpoint.method == "GET"
        request = self._request(step, args, sent)
        self.requests.append(request)
        if not sent:
            return None
        prepared = prepare_arguments(step.endpoint, args, self.playbook)
        try:
            return super()._send(step, prepared, record, tries)
        except StepError as error:
            request.error = str(error)  # the read failed: the plan says so
            raise

    def _export(self, step: Step, result: StepResult, view: dict[str, Any]) -> None:
        """Say which file the run would write; a plan writes nothing."""
        if step.export is None or (
            result.items is None and result.status is Status.SKIPPED
        ):
            return
        to = render_known(step.export.to, self.context, self.pending)
        mine = [r for r in self.requests if r.step == step.id]
        if mine:
            mine[-1].notes.append(f"would write {self.playbook.folder / str(to)}")

    def _request(self, step: Step, args: dict[str, Any], sent: bool) -> PlannedRequest:
        notes = list(self._notes)
        if step.pages is not None and not sent:
            notes.append(f"pages: {step.pages.text}, until an empty page")
        if step.retry.attempts > 1:
            notes.append(f"up to {step.retry.attempts} attempts")
        if step.endpoint.destructive:
            notes.append(
                f"destructive: {step.endpoint.destructive}; the run needs "
                "`allow_destructive: true` on the step and --allow-destructive"
            )
        record = self._record
        index = record.index if isinstance(record, ItemResult) else None
        unknown_item = isinstance(record, ItemResult) and isinstance(
            record.item, Unknown
        )
        return PlannedRequest(
            step=step.id,
            index=index,
            method=step.endpoint.method,
            path=_path(step.endpoint, args),
            args=_shown_args(step.endpoint, args),
            sent=sent,
            notes=notes,
            repeats=unknown_item or (step.pages is not None and not sent),
        )


def planned_arguments(endpoint: Endpoint, args: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments as the plan shows them: nulls dropped, path defaults filled."""
    shown = {k: v for k, v in args.items() if v is not None and endpoint.param(k)}
    for param in endpoint.in_place("path"):
        if param.name not in shown and param.default is not None:
            shown[param.name] = param.default
    return shown


def _expressions(value: Any) -> list[Expression]:
    if isinstance(value, str) and "{{" in value:
        return parse_template(value).expressions
    if isinstance(value, list):
        return [e for item in value for e in _expressions(item)]
    return []


def _reads_any(expressions: list[Expression], pending: set[tuple[str, ...]]) -> bool:
    return any(
        path[: len(p)] == p
        for expression in expressions
        for path in expression.root_paths()
        for p in pending
    )


def _path(endpoint: Endpoint, args: Mapping[str, Any]) -> str:
    path = endpoint.path
    for param in endpoint.in_place("path"):
        if param.name in args:
            value = args[param.name]
            if isinstance(value, Unknown):
                shown = str(value)
            else:
                shown = MASK if param.secret else wire_text(value)
            path = path.replace("{" + param.name + "}", shown)
    return path


def _shown_args(endpoint: Endpoint, args: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments outside the path; secret ones masked unless unknown."""
    shown = {}
    for name, value in args.items():
        param = endpoint.param(name)
        if param is None or param.place == "path":
            continue
        secret = param.secret and not isinstance(value, Unknown)
        shown[name] = MASK if secret else value
    return shown
