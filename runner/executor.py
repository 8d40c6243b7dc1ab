"""The step loop: render, send, check, save, and record what happened."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from runner.catalog import Endpoint
from runner.errors import (
    ConfigError,
    ExpectationFailed,
    PlaybookError,
    StepError,
    TemplateError,
)
from runner.expectations import failed_expectation
from runner.playbook import Playbook, Step
from runner.templating import render
from runner.transports import Call, FileUpload, Reply, Transport, reply_error

logger = logging.getLogger(__name__)


class Status(StrEnum):
    """How a step, or a whole run, ended."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_RUN = "not_run"
    INTERRUPTED = "interrupted"


@dataclass
class StepResult:
    """What one step did, as the report and the terminal show it."""

    id: str
    call: str
    status: Status = Status.NOT_RUN
    attempts: int = 0
    duration: float = 0.0
    method: str | None = None
    url: str | None = None
    http_status: int | None = None
    saved: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


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


class Observer(Protocol):
    """Told about each step as the run goes (the CLI prints, the report saves)."""

    def run_started(self, run: RunResult) -> None: ...

    def step_finished(self, run: RunResult, result: StepResult) -> None: ...


RATE_HEADERS = {
    "x-ratelimit-userlimit": "user_limit",
    "x-ratelimit-userremaining": "user_remaining",
    "x-ratelimit-userreset": "user_reset",
    "x-ratelimit-clientlimit": "client_limit",
    "x-ratelimit-clientremaining": "client_remaining",
}


class Executor:
    """Runs a checked playbook's steps in order against one transport."""

    def __init__(
        self,
        playbook: Playbook,
        transport: Transport,
        *,
        secrets: Mapping[str, str] | None = None,
        observers: tuple[Observer, ...] = (),
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.playbook = playbook
        self.transport = transport
        self.observers = observers
        self.clock = clock
        self.now = now
        self.result = RunResult(
            run_id=uuid.uuid4().hex[:12],
            playbook=playbook,
            target=transport.name,
            base_url=transport.base_url,
            started=now(),
            steps=[StepResult(s.id, s.call) for s in playbook.steps],
        )
        self.context: dict[str, Any] = {
            "vars": dict(playbook.vars),
            "secrets": dict(secrets or {}),
            "steps": {},
            "run": {
                "id": self.result.run_id,
                "started": self.result.started.isoformat(),
                "playbook": playbook.name,
                "target": transport.name,
            },
        }

    def run(self) -> RunResult:
        """Run every step until one fails; the result says what happened."""
        self.result.status = Status.SUCCEEDED
        for observer in self.observers:
            observer.run_started(self.result)
        try:
            for step, result in zip(
                self.playbook.steps, self.result.steps, strict=True
            ):
                self._run_step(step, result)
                if result.status is Status.FAILED:
                    self.result.status = Status.FAILED
                    break
        except KeyboardInterrupt:
            self.result.status = Status.INTERRUPTED
            raise
        finally:
            self.result.finished = self.now()
        return self.result

    def _run_step(self, step: Step, result: StepResult) -> None:
        started = self.clock()
        try:
            reply = self._attempt(step, result)
            self._check(step, reply)
            result.saved = self._save(step, reply)
            result.status = Status.SUCCEEDED
        except (StepError, TemplateError, ConfigError) as error:
            result.status = Status.FAILED
            result.error = _describe(error)
            logger.debug("step %s failed: %s", step.id, result.error)
        finally:
            result.duration = self.clock() - started
            self.context["steps"][step.id] = dict(result.saved)
        for observer in self.observers:
            observer.step_finished(self.result, result)

    def _attempt(self, step: Step, result: StepResult) -> Reply:
        call = Call(step.endpoint, self._arguments(step))
        result.attempts += 1
        reply = self.transport.send(call)
        result.method, result.url = reply.method, reply.url
        result.http_status = reply.status
        self._note_credits(reply)
        return reply

    def _arguments(self, step: Step) -> dict[str, Any]:
        rendered = render(dict(step.args), self.context)
        return prepare_arguments(step.endpoint, rendered, self.playbook)

    def _check(self, step: Step, reply: Reply) -> None:
        expected = step.expect.status
        if expected and reply.status not in expected:
            wanted = " or ".join(map(str, expected))
            error = reply_error(reply)
            detail = f" ({error})" if error else ""
            raise ExpectationFailed(
                f"expected HTTP {wanted}, got {reply.status}{detail}",
                http_status=reply.status,
            )
        if not expected:
            error = reply_error(reply)
            if error is not None:
                raise error
        document = self._document(reply)
        for expression in step.expect.that:
            failure = failed_expectation(expression, document)
            if failure:
                raise ExpectationFailed(failure, http_status=reply.status)

    def _save(self, step: Step, reply: Reply) -> dict[str, Any]:
        document = self._document(reply)
        return {name: e.search(document) for name, e in step.save.items()}

    def _document(self, reply: Reply) -> dict[str, Any]:
        return {**self.context, **reply.document()}

    def _note_credits(self, reply: Reply) -> None:
        for header, key in RATE_HEADERS.items():
            value = reply.headers.get(header)
            if value is not None and value.lstrip("-").isdigit():
                self.result.credits[key] = int(value)


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


def _file(value: Any, playbook: Playbook) -> Any:
    if not isinstance(value, Mapping):
        return value
    path = playbook.folder / str(value["file"])
    if not path.is_file():
        raise StepError(f"no file {path} (paths are relative to the playbook)")
    return FileUpload(path)


def _describe(error: PlaybookError) -> str:
    if isinstance(error, TemplateError):
        return f"template {error}"
    return str(error)
