"""The step loop: when, for_each, retry, pages, expect, save and export."""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from runner.catalog import Endpoint
from runner.errors import (
    ConfigError,
    ExpectationFailed,
    PlaybookError,
    StepError,
    TemplateError,
)
from runner.expectations import failed_expectation, truthy
from runner.export import as_rows, export_text, write_export
from runner.pages import fetch_pages
from runner.playbook import OnError, Playbook, Step
from runner.redact import Redactor
from runner.results import (
    CallRecord,
    Exported,
    ItemResult,
    RunResult,
    Status,
    StepResult,
)
from runner.templating import loop_items, render
from runner.transports import Call, FileUpload, Reply, reply_error

logger = logging.getLogger(__name__)

UNEXPECTED = "imgur-playbook failed unexpectedly here (run with --debug)"


class Sender(Protocol):
    """Sends a call and returns the reply; `plan` returns None for unsent ones."""

    name: str
    base_url: str

    def send(self, call: Call) -> Reply | None: ...


class Observer(Protocol):
    """Told about each step as the run goes (the CLI prints, the report saves)."""

    def run_started(self, run: RunResult) -> None: ...

    def item_finished(
        self, run: RunResult, step: StepResult, item: ItemResult
    ) -> None: ...

    def step_finished(self, run: RunResult, result: StepResult) -> None: ...


RATE_HEADERS = {
    "x-ratelimit-userlimit": "user_limit",
    "x-ratelimit-userremaining": "user_remaining",
    "x-ratelimit-userreset": "user_reset",
    "x-ratelimit-clientlimit": "client_limit",
    "x-ratelimit-clientremaining": "client_remaining",
}


class Executor:
    """Runs a checked playbook's steps in order through one sender.

    `clock`, `sleep` and `rng` are injected so that tests wait for nothing.
    """

    def __init__(
        self,
        playbook: Playbook,
        sender: Sender,
        *,
        secrets: Mapping[str, str] | None = None,
        observers: tuple[Observer, ...] = (),
        redactor: Redactor | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.playbook = playbook
        self.sender = sender
        self.observers = observers
        self.redactor = redactor or Redactor()
        self.clock, self.now, self.sleep = clock, now, sleep
        self.rng = rng or random.Random()
        self.result = RunResult(
            run_id=uuid.uuid4().hex[:12],
            playbook=playbook,
            target=sender.name,
            base_url=sender.base_url,
            started=now(),
            steps=[StepResult(id=s.id, call=s.call) for s in playbook.steps],
        )
        self.context = self._context(secrets or {})
        self._sending = False  # a request is on its way: for an interruption

    def _context(self, secrets: Mapping[str, str]) -> dict[str, Any]:
        return {
            "vars": dict(self.playbook.vars),
            "secrets": dict(secrets),
            "inputs": dict(self.playbook.inputs),
            "steps": {},
            "run": {
                "id": self.result.run_id,
                "started": self.result.started.isoformat(),
                "playbook": self.playbook.name,
                "target": self.sender.name,
            },
        }

    def run(self) -> RunResult:
        """Run the steps in order until one fails and says stop."""
        for observer in self.observers:
            observer.run_started(self.result)
        try:
            for step, result in zip(
                self.playbook.steps, self.result.steps, strict=True
            ):
                self._run_step(step, result)
                if result.status is Status.FAILED and self._stops(step):
                    break
        except KeyboardInterrupt:
            self.result.status = Status.INTERRUPTED
            raise
        except BaseException:
            self.result.status = Status.FAILED
            raise
        else:
            failed = self.result.failed
            self.result.status = Status.FAILED if failed else Status.SUCCEEDED
        finally:
            self.result.finished = self.now()
        return self.result

    def _stops(self, step: Step) -> bool:
        return (step.on_error or self.playbook.on_error) is OnError.STOP

    def _run_step(self, step: Step, result: StepResult) -> None:
        started = self.clock()
        view: dict[str, Any] = {}
        try:
            if step.for_each is None:
                self._run_call(step, result, self.context)
                view = dict(result.saved)
            else:
                view = self._run_loop(step, result)
            self._export(step, result, view)
        except PlaybookError as error:
            result.status, result.error = Status.FAILED, _describe(error)
        except BaseException:
            if result.items is not None:
                result.sum_up_items()  # the items so far, the one cut off
            raise
        finally:
            result.duration = self.clock() - started
            self.context["steps"][step.id] = view
        for observer in self.observers:
            observer.step_finished(self.result, result)

    def _run_loop(self, step: Step, result: StepResult) -> dict[str, Any]:
        """Call the endpoint once per item; the step's view lists their saves."""
        values = self._loop_values(step)
        result.items = [ItemResult(index=i, item=v) for i, v in enumerate(values)]
        for item in result.items:
            scope = {**self.context, step.as_name: item.item}
            self._run_call(step, item, scope)
            for observer in self.observers:
                observer.item_finished(self.result, result, item)
            if item.status is Status.FAILED and self._stops(step):
                break
        result.sum_up_items()
        if not values:
            result.note = "no items"
        return {"items": [item.saved for item in result.items]}

    def _loop_values(self, step: Step) -> list[Any]:
        values = render(step.for_each, self.context)
        items = loop_items(values)
        if items is None:
            raise StepError(f"for_each gave {_kind(values)}, not a list to go through")
        return items

    def _run_call(
        self, step: Step, record: CallRecord, scope: Mapping[str, Any]
    ) -> None:
        """One call with its checks and saves, recorded in `record`."""
        started = self.clock()
        try:
            if step.when is not None and not self._holds(step, scope):
                record.status = Status.SKIPPED
                record.note = f"when `{step.when.source}` was false"
                return
            args = self._arguments(step, scope)
            reply = self._perform(step, args, record, scope)
            if reply is None:
                record.status = Status.PLANNED
                return
            self._expect(step, reply, scope)
            record.saved = self._save(step, reply, scope)
            record.status = Status.SUCCEEDED
        except (StepError, TemplateError, ConfigError) as error:
            record.status, record.error = Status.FAILED, _describe(error)
            logger.debug("step %s failed: %s", step.id, record.error)
        except KeyboardInterrupt:
            record.status, record.error = Status.INTERRUPTED, self._cut_off()
            raise
        except Exception:
            record.status, record.error = Status.FAILED, UNEXPECTED
            raise
        finally:
            self._sending = False
            record.duration = self.clock() - started

    def _cut_off(self) -> str:
        if self._sending:
            return (
                "interrupted while waiting for the answer: "
                "Imgur may have acted on the request"
            )
        return "interrupted before its request was sent"

    def _holds(self, step: Step, scope: Mapping[str, Any]) -> bool:
        assert step.when is not None
        return truthy(step.when.search(scope))

    def _arguments(self, step: Step, scope: Mapping[str, Any]) -> dict[str, Any]:
        rendered = render(dict(step.args), scope)
        return prepare_arguments(step.endpoint, rendered, self.playbook)

    def _perform(
        self,
        step: Step,
        args: dict[str, Any],
        record: CallRecord,
        scope: Mapping[str, Any],
    ) -> Reply | None:
        """Fetch (every page, if asked), polling again while `until` is false."""
        record.attempts = 1
        until = step.retry.until
        while True:
            reply = self._fetch(step, args, record)
            if reply is None or until is None:
                return reply
            failure = failed_expectation(until, self._document(reply, scope))
            if failure is None:
                return reply
            if record.attempts >= step.retry.attempts:
                raise ExpectationFailed(
                    f"still not true after {record.attempts} attempts: "
                    + failure.replace("expect ", "retry.until ", 1),
                    http_status=reply.status,
                )
            self._wait(step, record, None)

    def _fetch(
        self, step: Step, args: dict[str, Any], record: CallRecord
    ) -> Reply | None:
        if step.pages is None:
            return self._send(step, args, record)
        reply, record.pages = fetch_pages(
            step.pages, args, lambda page: self._send(step, page, record)
        )
        return reply

    def _send(
        self, step: Step, args: dict[str, Any], record: CallRecord
    ) -> Reply | None:
        """Send once, and again after a wait while the failure is passing."""
        while True:
            try:
                self._sending = True
                reply = self.sender.send(Call(step.endpoint, args))
                self._sending = False
                if reply is None:
                    return None
                self._note(reply, record)
                error = self._failure(step, reply)
                if error is None:
                    return reply
                raise error
            except StepError as error:
                if not error.retryable or record.attempts >= step.retry.attempts:
                    raise
                self._wait(step, record, error)

    def _wait(self, step: Step, record: CallRecord, error: StepError | None) -> None:
        seconds = step.retry.wait_for(record.attempts, error, self.rng)
        logger.info(
            "step %s: try %d of %d in %.1fs%s",
            step.id,
            record.attempts + 1,
            step.retry.attempts,
            seconds,
            f" ({error})" if error else "",
        )
        self.sleep(seconds)
        record.attempts += 1

    def _note(self, reply: Reply, record: CallRecord) -> None:
        record.method, record.url = reply.method, reply.url
        record.http_status = reply.status
        for header, key in RATE_HEADERS.items():
            value = reply.headers.get(header)
            if value is not None and value.lstrip("-").isdigit():
                self.result.credits[key] = int(value)

    def _failure(self, step: Step, reply: Reply) -> StepError | None:
        """The error a reply stands for, given the statuses the step expects."""
        expected = step.expect.status
        error = reply_error(reply)
        if not expected:
            return error
        if reply.status in expected:
            return None
        wanted = " or ".join(map(str, expected))
        detail = f" ({error})" if error else ""
        return ExpectationFailed(
            f"expected HTTP {wanted}, got {reply.status}{detail}",
            http_status=reply.status,
            retryable=error.retryable if error else False,
            retry_after=error.retry_after if error else None,
        )

    def _expect(self, step: Step, reply: Reply, scope: Mapping[str, Any]) -> None:
        document = self._document(reply, scope)
        for expression in step.expect.that:
            failure = failed_expectation(expression, document)
            if failure:
                raise ExpectationFailed(failure, http_status=reply.status)

    def _save(
        self, step: Step, reply: Reply, scope: Mapping[str, Any]
    ) -> dict[str, Any]:
        document = self._document(reply, scope)
        return {name: e.search(document) for name, e in step.save.items()}

    def _document(self, reply: Reply, scope: Mapping[str, Any]) -> dict[str, Any]:
        return {**scope, **reply.document()}

    def _export(self, step: Step, result: StepResult, view: dict[str, Any]) -> None:
        """Write the step's rows, unless the step did nothing worth writing."""
        export = step.export
        if export is None or result.status in (Status.SKIPPED, Status.PLANNED):
            return
        if result.status is Status.FAILED and not result.items:
            return
        document = {**self.context, **view}
        rows = as_rows(export.rows.search(document), export.rows.source)
        path = self.playbook.folder / str(render(export.to, self.context))
        text = export_text(rows, export.columns, export.format)
        write_export(path, self.redactor.text(text))
        result.exported = Exported(file=str(path), rows=len(rows))


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


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return f"{type(value).__name__} {str(value)[:40]!r}"


def _describe(error: PlaybookError) -> str:
    if isinstance(error, TemplateError):
        return f"template {error}"
    return str(error)
