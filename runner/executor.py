"""The step loop: when, for_each, retry, pages, expect, save and export."""

from __future__ import annotations

import json
import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Protocol

from runner.arguments import prepare_arguments, require_values, saved_null
from runner.errors import (
    ConfigError,
    ExpectationFailed,
    PlaybookError,
    StepError,
    TemplateError,
    TransportError,
)
from runner.expectations import failed_expectation, truthy
from runner.export import as_rows, export_text, write_export
from runner.known import secret_args
from runner.pages import fetch_pages
from runner.playbook import OnError, Playbook, Step
from runner.redact import Redactor
from runner.replies import Reply, reply_error
from runner.results import (
    CallRecord,
    Exported,
    ItemResult,
    RunResult,
    Status,
    StepResult,
    plain,
)
from runner.retry import NO_RETRY, Retry
from runner.templating import (
    NULL_IN_TEXT,
    compile_expression,
    loop_items,
    parse_template,
    render,
    templates_in,
)
from runner.transports import Call, may_retry
from runner.wording import describe_value

logger = logging.getLogger(__name__)

UNEXPECTED = "imgur-playbook failed unexpectedly here (run with --debug)"
FINISHED = frozenset({Status.SUCCEEDED, Status.FAILED, Status.SKIPPED})


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


class Phase(Enum):
    """Where the current call is, so that an interruption can say it truly."""

    PREPARING = "preparing"
    SENDING = "sending"
    WAITING = "waiting"  # between tries


@dataclass
class Tries:
    """How often one call may be tried, and the tries of each request so far."""

    retry: Retry
    counts: dict[Any, int] = field(default_factory=dict)  # by page (None: no pages)


class Executor:
    """Runs a checked playbook's steps in order through one sender.

    `clock`, `sleep` and `rng` are injected so that tests wait for nothing;
    `sending` is told of each request just before it goes out. Without
    `retries`, each request is sent once: no retry, no `until` polling.
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
        sending: Callable[[RunResult, Call], None] | None = None,
        retries: bool = True,
    ) -> None:
        self.playbook = playbook
        self.sender = sender
        self.observers = observers
        self.redactor = redactor or Redactor()
        self.clock, self.now, self.sleep = clock, now, sleep
        self.rng = rng or random.Random()
        self.sending = sending
        self.retries = retries
        self.result = RunResult(
            run_id=uuid.uuid4().hex[:12],
            playbook=playbook,
            target=sender.name,
            base_url=sender.base_url,
            started=now(),
            steps=[StepResult(id=s.id, call=s.call) for s in playbook.steps],
        )
        self.context = self._context(secrets or {})
        self._phase = Phase.PREPARING
        self._sent = 0  # requests of the current call sent so far
        self._over = False  # every step that will run has run

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
        try:
            for observer in self.observers:
                observer.run_started(self.result)
            self._run_steps()
        except KeyboardInterrupt:
            if not self._over:
                self.result.status = Status.INTERRUPTED
                raise
            # Ctrl-C after the last step: the run is over and says so.
            logger.info("interrupted after the last step; the run had finished")
        except BaseException:
            self.result.status = Status.FAILED
            raise
        finally:
            self.result.finished = self.now()
        failed = self.result.failed
        self.result.status = Status.FAILED if failed else Status.SUCCEEDED
        return self.result

    def _run_steps(self) -> None:
        last = self.result.steps[-1] if self.result.steps else None
        for step, result in zip(self.playbook.steps, self.result.steps, strict=True):
            self._run_step(step, result)
            stops = result.status is Status.FAILED and self._stops(step)
            self._over = stops or result is last
            for observer in self.observers:
                observer.step_finished(self.result, result)
            if stops:
                break

    def _stops(self, step: Step) -> bool:
        return (step.on_error or self.playbook.on_error) is OnError.STOP

    def _run_step(self, step: Step, result: StepResult) -> None:
        started = self.clock()
        result.status = Status.RUNNING
        self._phase, self._sent = Phase.PREPARING, 0
        view: dict[str, Any] = {}
        try:
            if step.for_each is None:
                view = self._run_single(step, result)
            else:
                view = self._run_loop(step, result)
            self._export(step, result, view)
        except PlaybookError as error:
            result.status, result.error = Status.FAILED, self._describe(error)
        except KeyboardInterrupt:
            view = self._cut_short(step, result)
            raise
        except BaseException:
            if result.items is not None:
                result.sum_up_items()  # the items so far, the one that broke
            if result.status is Status.RUNNING:
                result.status, result.error = Status.FAILED, UNEXPECTED
            raise
        finally:
            result.duration = self.clock() - started
            self.context["steps"][step.id] = view

    def _run_single(self, step: Step, result: StepResult) -> dict[str, Any]:
        self._run_call(step, result, self.context)
        return dict(result.saved)

    def _run_loop(self, step: Step, result: StepResult) -> dict[str, Any]:
        """Call the endpoint once per item; the step's view lists their saves."""
        if not self._loop_holds(step):
            result.status = Status.SKIPPED
            result.note = _when_note(step)
            return {"items": []}  # what a loop whose items all skip saves
        values = self._loop_values(step)
        items = [ItemResult(index=i, item=v) for i, v in enumerate(values)]
        # A report written from here on (a SIGTERM) holds the items: learn first.
        self._keep_item_secrets(step, items)
        result.items = items
        each = _when_reads_item(step)
        for item in result.items:
            scope = {**self.context, step.as_name: item.item}
            self._run_call(step, item, scope, check_when=each)
            for observer in self.observers:
                observer.item_finished(self.result, result, item)
            if item.status is Status.FAILED and self._stops(step):
                break
        result.sum_up_items()
        if not values:
            result.note = "no items"
        return _loop_view(result)

    def _loop_holds(self, step: Step) -> bool:
        """A `when` that does not read the item is checked once, before the list."""
        if step.when is None or _when_reads_item(step):
            return True
        return self._holds(step, self.context)

    def _keep_item_secrets(self, step: Step, items: list[ItemResult]) -> None:
        """Learn what each item gives a secret parameter, before a report shows it.

        The items are in the report from the start: a deletehash in one that
        is never sent (the loop stops, `when` skips it) is never learned else.
        """
        secret = secret_args(step)
        if not secret:
            return
        for item in items:
            try:
                given = render(secret, {**self.context, step.as_name: item.item})
            except PlaybookError:
                given = _read_from_item(secret, step.as_name, item.item)
            for value in Call(step.endpoint, given).secrets():
                self.redactor.add(value)

    def _loop_values(self, step: Step) -> list[Any]:
        values = render(step.for_each, self.context)
        items = loop_items(values)
        if items is None:
            shown = describe_value(values)
            raise StepError(f"for_each gave {shown}, not a list to go through")
        return items

    def _cut_short(self, step: Step, result: StepResult) -> dict[str, Any]:
        """Record an interrupted step, and export what its loop finished."""
        if result.items is None:
            if result.status is Status.RUNNING:
                result.status, result.error = Status.INTERRUPTED, self._cut_off()
            return dict(result.saved) if result.status is Status.SUCCEEDED else {}
        result.sum_up_items(cut_off=True)
        if result.status is Status.INTERRUPTED and result.error is None:
            done = sum(i.status in FINISHED for i in result.items)
            result.error = f"interrupted after {done} of {len(result.items)} items"
        view = _loop_view(result)
        try:
            self._export(step, result, view)
        except PlaybookError as error:
            logger.warning("step %s: export not written: %s", step.id, error)
        return view

    def _run_call(
        self,
        step: Step,
        record: CallRecord,
        scope: Mapping[str, Any],
        *,
        check_when: bool = True,
    ) -> None:
        """One call with its checks and saves, recorded in `record`."""
        started = self.clock()
        record.status = Status.RUNNING
        self._phase, self._sent = Phase.PREPARING, 0
        try:
            if check_when and step.when is not None and not self._holds(step, scope):
                record.status, record.note = Status.SKIPPED, _when_note(step)
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
            record.status, record.error = Status.FAILED, self._describe(error)
            logger.debug("step %s failed: %s", step.id, record.error)
        except KeyboardInterrupt:
            record.status, record.error = Status.INTERRUPTED, self._cut_off()
            raise
        except Exception:
            record.status, record.error = Status.FAILED, UNEXPECTED
            raise
        finally:
            self._phase = Phase.PREPARING
            record.duration = self.clock() - started

    def _cut_off(self) -> str:
        sent = self._sent
        if self._phase is Phase.SENDING:
            return (
                "interrupted while waiting for the answer: "
                "Imgur may have acted on the request"
            )
        if self._phase is Phase.WAITING:
            tries = "try" if sent == 1 else "tries"
            return f"interrupted while waiting to try again, after {sent} {tries}"
        if sent:
            requests = "request" if sent == 1 else "requests"
            return f"interrupted after {sent} {requests} had been sent and answered"
        return "interrupted before its request was sent"

    def _holds(self, step: Step, scope: Mapping[str, Any]) -> bool:
        assert step.when is not None
        try:
            return truthy(step.when.search(scope))
        except TemplateError as error:  # `when` is JMESPath, not a template
            raise StepError(f"when `{error.expression}` {error.reason}") from None

    def _arguments(self, step: Step, scope: Mapping[str, Any]) -> dict[str, Any]:
        rendered = render(dict(step.args), scope)
        require_values(step, rendered, self.playbook)
        return prepare_arguments(step.endpoint, rendered, self.playbook)

    def _perform(
        self,
        step: Step,
        args: dict[str, Any],
        record: CallRecord,
        scope: Mapping[str, Any],
    ) -> Reply | None:
        """Fetch (every page, if asked), polling again while `until` is false.

        Each request (each page) has `retry.attempts` tries of its own;
        `record.attempts` counts the step's tries: one, and one per retry.
        """
        record.attempts = 1
        tries = Tries(step.retry if self.retries else NO_RETRY)
        until = tries.retry.until
        while True:
            reply = self._fetch(step, args, record, tries)
            if reply is None or until is None:
                return reply
            failure = failed_expectation(until, self._document(reply, scope))
            if failure is None:
                return reply
            most = max(tries.counts.values())
            if most >= tries.retry.attempts:
                raise ExpectationFailed(
                    f"still not true after {most} attempts: "
                    + failure.replace("expect ", "retry.until ", 1),
                    http_status=reply.status,
                )
            self._wait(step, tries.retry, most, record, None)

    def _fetch(
        self, step: Step, args: dict[str, Any], record: CallRecord, tries: Tries
    ) -> Reply | None:
        if step.pages is None:
            return self._send(step, args, record, tries)
        record.pages = 0

        def read(page: dict[str, Any]) -> Reply | None:
            reply = self._send(step, page, record, tries)
            record.pages = (record.pages or 0) + 1
            return reply

        reply, _ = fetch_pages(step.pages, args, read)
        return reply

    def _send(
        self, step: Step, args: dict[str, Any], record: CallRecord, tries: Tries
    ) -> Reply | None:
        """Send once, and again after a wait while the failure is passing."""
        request = args.get("page")  # each page has its own tries
        counts = tries.counts
        while True:
            counts[request] = counts.get(request, 0) + 1
            try:
                reply = self._exchange(step, args, record)
                if reply is None:
                    return None
                error = self._failure(step, reply)
                if error is None:
                    return reply
                raise error
            except StepError as error:
                again = may_retry(step.endpoint.method, error)
                if not again or counts[request] >= tries.retry.attempts:
                    raise
                self._wait(step, tries.retry, counts[request], record, error)

    def _exchange(
        self, step: Step, args: dict[str, Any], record: CallRecord
    ) -> Reply | None:
        """One request and its answer, noted in `record`."""
        call = Call(step.endpoint, args)
        for value in call.secrets():  # the `sending` hook may write the report
            self.redactor.add(value)
        published = published_secret(call, self.redactor)
        if published is not None:
            raise StepError(
                f"`{published}` would send a deletehash or token to Imgur, which "
                "keeps it where others may see it; nothing was sent"
            )
        if self.sending is not None:
            self.sending(self.result, call)
        self._phase = Phase.SENDING
        self._sent += 1
        try:
            reply = self.sender.send(call)
        except TransportError:
            self._phase = Phase.PREPARING
            raise
        self._phase = Phase.PREPARING
        if reply is not None:
            self._note(reply, record)
        return reply

    def _wait(
        self,
        step: Step,
        retry: Retry,
        tries: int,
        record: CallRecord,
        error: StepError | None,
    ) -> None:
        seconds = retry.wait_for(tries, error, self.rng)
        logger.info(
            "step %s: try %d of %d in %.1fs%s",
            step.id,
            tries + 1,
            retry.attempts,
            seconds,
            f" ({error})" if error else "",
        )
        self._phase = Phase.WAITING
        self.sleep(seconds)
        self._phase = Phase.PREPARING
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
        """What `save` names, copied: saves go into the report, never secrets.

        A `save` that reads `secrets` is refused before the run; the secrets
        are left out here all the same.
        """
        unsecret = {k: v for k, v in scope.items() if k != "secrets"}
        document = self._document(reply, unsecret)
        return {name: plain(e.search(document)) for name, e in step.save.items()}

    def _document(self, reply: Reply, scope: Mapping[str, Any]) -> dict[str, Any]:
        return {**scope, **reply.document()}

    def _export(self, step: Step, result: StepResult, view: dict[str, Any]) -> None:
        """Write the step's rows: a single call's if it succeeded; a loop's
        items that succeeded, however it ended, even none.

        A loop that `when` skipped whole, before its list, writes nothing.
        """
        export = step.export
        if export is None or not _exports(result):
            return
        document = {**self.context, **view}
        rows = as_rows(export.rows.search(document), export.rows.source)
        path = self.playbook.folder / self._export_name(export.to)
        columns = export.columns
        if not rows and columns is None and export.rows.source.strip() == "items":
            columns = tuple(step.save) or None  # a header-only file names them
        text = export_text(rows, columns, export.format, self.redactor)
        write_export(path, text)
        result.exported = Exported(file=str(path), rows=len(rows))

    def _export_name(self, to: str) -> str:
        """The export's file name, rendered; never one that holds a secret.

        Raises:
            StepError: the name holds a value the run keeps secret.
        """
        name = str(render(to, self.context))
        if self.redactor.holds_secret(name):
            raise StepError(
                f"export.to `{to}` would put a secret (a token or deletehash) "
                "in the file name; name the file from ids or titles instead"
            )
        return name

    def _describe(self, error: PlaybookError) -> str:
        if not isinstance(error, TemplateError):
            return str(error)
        reason = self._missing_step(error.expression)
        if reason is None and error.reason == NULL_IN_TEXT:
            origin = saved_null(f"{{{{ {error.expression} }}}}", self.playbook)
            return f"template {error}" + (f": {origin}" if origin else "")
        if reason is None:
            return f"template {error}"
        return f"template {{{{ {error.expression} }}}} has no value: {reason}"

    def _missing_step(self, source: str) -> str | None:
        """Why a step the expression reads saved nothing, if that is the cause."""
        for path in compile_expression(source).root_paths():
            if len(path) < 3 or path[0] != "steps":
                continue
            saved = self.context["steps"].get(path[1])
            if saved is None or path[2] in saved:
                continue
            reason = _nothing_saved(self.result, path[1])
            if reason is not None:
                return reason
        return None


def _nothing_saved(run: RunResult, step_id: str) -> str | None:
    result = next((s for s in run.steps if s.id == step_id), None)
    if result is None:
        return None
    if result.status is Status.SKIPPED:
        return f"step `{step_id}` was skipped ({result.note}), so it saved nothing"
    if result.status is Status.FAILED:
        return f"step `{step_id}` failed, so it saved nothing"
    return None


def _exports(result: StepResult) -> bool:
    """Whether the step's export is written, given how the step ended."""
    # A loop that made its list writes the items that succeeded, even none.
    return result.items is not None or result.status is Status.SUCCEEDED


def published_secret(call: Call, redactor: Redactor) -> str | None:
    """The parameter Imgur may show (a title) that a known secret would go to."""
    for param in call.endpoint.params:
        value = call.args.get(param.name)
        if not param.may_publish or value is None:
            continue
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        if redactor.holds_secret(text):
            return param.name
    return None


def _loop_view(result: StepResult) -> dict[str, Any]:
    """What later steps read of a loop: the saves of the items that succeeded."""
    items = result.items or []
    return {"items": [i.saved for i in items if i.status is Status.SUCCEEDED]}


def _when_note(step: Step) -> str:
    assert step.when is not None
    return f"when `{step.when.source}` was false"


def _when_reads_item(step: Step) -> bool:
    if step.when is None:
        return False
    return any(path[0] == step.as_name for path in step.when.root_paths())


def _read_from_item(args: Mapping[str, Any], name: str, item: Any) -> dict[str, Any]:
    """What each argument's templates read of the item, taken as it is.

    For an item whose arguments cannot be rendered: its values are in the
    report all the same.
    """
    read: dict[str, Any] = {}
    for arg, value in args.items():
        paths = [
            path[1:]
            for _, text in templates_in(value)
            for expression in parse_template(text).expressions
            for path in expression.root_paths()
            if path[0] == name
        ]
        read[arg] = [_field(item, path) for path in paths]
    return read


def _field(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value
