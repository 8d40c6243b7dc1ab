"""What a run did: the record of every step, every loop item and the run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runner.playbook import Playbook


class Status(StrEnum):
    """How a call, a step, or a whole run ended."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_RUN = "not_run"
    PLANNED = "planned"  # `plan` only: the request would be sent, was not
    INTERRUPTED = "interrupted"
    # Under way when the report was written: a run killed then leaves it so,
    # and Imgur may have acted on a request that was on its way.
    RUNNING = "running"


@dataclass(kw_only=True)
class CallRecord:
    """One call of an endpoint: for a step, or for one item of its loop."""

    status: Status = Status.NOT_RUN
    attempts: int = 0
    duration: float = 0.0
    method: str | None = None
    url: str | None = None
    http_status: int | None = None
    pages: int | None = None
    saved: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    note: str | None = None


@dataclass(kw_only=True)
class ItemResult(CallRecord):
    """One item of a `for_each` step."""

    index: int
    item: Any = None


@dataclass(kw_only=True)
class Exported:
    """A file a step's `export` wrote."""

    file: str
    rows: int


@dataclass(kw_only=True)
class StepResult(CallRecord):
    """What one step did, as the report and the terminal show it.

    For a `for_each` step, `items` holds each item's record and the step's
    own fields sum them up: the worst status, every attempt, the last reply.
    """

    id: str
    call: str
    items: list[ItemResult] | None = None
    exported: Exported | None = None

    def sum_up_items(self, *, cut_off: bool = False) -> None:
        """Set the step's fields from its items.

        With `cut_off` (the run was interrupted), a loop with items still to
        do is `interrupted`, whatever the items before did.
        """
        items = self.items or []
        ran = [i for i in items if i.status is not Status.NOT_RUN]
        self.attempts = sum(i.attempts for i in items)
        self.status = _worst(i.status for i in items)
        unfinished = (Status.NOT_RUN, Status.INTERRUPTED, Status.RUNNING)
        if cut_off and any(i.status in unfinished for i in items):
            self.status = Status.INTERRUPTED
        last = next((i for i in reversed(ran) if i.http_status is not None), None)
        if last is not None:
            self.method, self.url = last.method, last.url
            self.http_status = last.http_status
        failed = [i for i in items if i.status is Status.FAILED]
        if failed:
            self.error = f"{len(failed)} of {len(items)} items failed"

    def failed_items(self) -> int:
        return sum(i.status is Status.FAILED for i in self.items or ())


def _worst(statuses: Any) -> Status:
    """A loop's status: failed if any item failed, skipped if all were."""
    seen = set(statuses)
    order = (
        Status.FAILED,
        Status.INTERRUPTED,
        Status.RUNNING,
        Status.PLANNED,
        Status.SUCCEEDED,
    )
    for status in order:
        if status in seen:
            return status
    if seen == {Status.NOT_RUN}:
        return Status.NOT_RUN
    return Status.SKIPPED if seen else Status.SUCCEEDED


@dataclass
class RunResult:
    """The whole run: every step's result and how the run ended."""

    run_id: str
    playbook: Playbook
    target: str
    base_url: str
    started: datetime
    steps: list[StepResult]
    finished: datetime | None = None
    status: Status = Status.NOT_RUN
    credits: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(step.status is Status.FAILED for step in self.steps)


def plain(value: Any, _within: frozenset[int] = frozenset()) -> Any:
    """A deep copy of `value` made of JSON's types only.

    What a step saves is copied so that it never shares a list or a mapping
    with the run's live state; a value that contains itself is cut where it
    repeats, and anything JSON cannot hold becomes its text.
    """
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if not isinstance(value, Mapping | list | tuple):
        return str(value)
    if id(value) in _within:
        return "<the value again, inside itself>"
    within = _within | {id(value)}
    if isinstance(value, Mapping):
        return {str(key): plain(item, within) for key, item in value.items()}
    return [plain(item, within) for item in value]
