"""One run from start to end: check, open the target, execute, report."""

from __future__ import annotations

import errno
import io
import logging
import os
import random
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from runner.atomic import require_plain_file
from runner.errors import ConfigError, InvalidPlaybook, Problem, RunInterrupted
from runner.executor import Executor, Observer, Sender
from runner.export import export_paths, overwrite_problems, replaced_file
from runner.known import known_secrets
from runner.loader import not_utf8
from runner.plan import Plan, Planner
from runner.playbook import Playbook, load_playbook
from runner.redact import Redactor, require_maskable
from runner.report import DEFAULT_REPORT_FOLDER, default_report_path, write_report
from runner.results import ItemResult, RunResult, Status, StepResult
from runner.targets import (
    Credentials,
    Target,
    check_base_url,
    open_transport,
    require_credentials,
    target_problems,
)
from runner.transports import Call

logger = logging.getLogger(__name__)

# Seconds between rewrites of the report while a run goes.
REPORT_INTERVAL = 1.0
# Before a write request the report is rewritten too, so that a run killed
# mid-request shows it under way; but never more than this share of the time.
WRITE_REQUEST_SHARE = 0.25


@dataclass
class RunRequest:
    """Everything the command line says about a run."""

    playbook: Path
    target: Target | None = None
    base_url: str | None = None
    report: Path | None = None
    overrides: Mapping[str, str] = field(default_factory=dict)
    vars_file: Path | None = None
    allow_destructive: bool = False
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    result: RunResult
    report: Path


DEFAULT_ENV_FILE = Path(".env")


def load_env(env_file: Path | None) -> dict[str, str]:
    """The process environment over a .env file (the real environment wins).

    Without `env_file`, ``.env`` in the current folder is read if it is there.
    """
    path = env_file or DEFAULT_ENV_FILE
    values: dict[str, str] = {}
    if path.is_file():
        values = _dotenv(path)
    return {**values, **os.environ}


class _Lines(logging.Handler):
    """Keeps what python-dotenv says about lines it cannot read."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _dotenv(path: Path) -> dict[str, str]:
    """The NAME=value lines of a .env file.

    Raises:
        ConfigError: the file cannot be read, or is not UTF-8 text.
    """
    text = _env_text(path)
    # python-dotenv logs bad lines itself; say it once, in our words.
    dotenv_logger = logging.getLogger("dotenv.main")
    lines = _Lines()
    dotenv_logger.addHandler(lines)
    dotenv_logger.propagate = False
    try:
        read = dotenv_values(stream=io.StringIO(text))
    finally:
        dotenv_logger.removeHandler(lines)
        dotenv_logger.propagate = True
    if lines.messages:
        logger.warning(
            "%s: %d line(s) are not NAME=value and were skipped (%s)",
            path,
            len(lines.messages),
            lines.messages[0],
        )
    bare = [name for name, value in read.items() if value is None]
    if bare:
        logger.warning(
            "%s: %s has no value and was skipped; write %s=value",
            path,
            ", ".join(bare),
            bare[0],
        )
    return {k: v for k, v in read.items() if v is not None}


def _env_text(path: Path) -> str:
    """The text of a .env file, which python-dotenv would read as UTF-8.

    Raises:
        ConfigError: the file cannot be read, or is not UTF-8 text.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, words = not_utf8(raw, error)
        problem = Problem(path, line, words, hint="save the file as UTF-8")
        raise ConfigError(str(problem)) from None


def check(request: RunRequest, *, planning: bool = False) -> Playbook:
    """Every check that can run before a request: file, catalog, target.

    With `planning`, a destructive step is let through: a plan sends no write.

    Raises:
        InvalidPlaybook: with all the problems found.
    """
    playbook = load_playbook(
        request.playbook,
        overrides=request.overrides,
        vars_file=request.vars_file,
        allow_destructive=request.allow_destructive,
        planning=planning,
    )
    overwrites = overwrite_problems(playbook, kept_files(playbook, request.vars_file))
    if overwrites:
        raise InvalidPlaybook(overwrites)
    if request.target is not None:
        if request.base_url is not None:
            check_base_url(request.target, request.base_url)
        credentials = Credentials.from_env(request.env)
        require_credentials(request.target, credentials)
        problems = target_problems(
            playbook, request.target, credentials, request.base_url
        )
        if problems:
            raise InvalidPlaybook(problems)
        _require_secrets(playbook, request.env)
    return playbook


def run(
    request: RunRequest,
    observers: Sequence[Observer] = (),
    redactor: Redactor | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> Outcome:
    """Check the playbook, then run it and write its report.

    `redactor` learns every secret of the run, for whoever shows its output;
    `sleep` and `rng` are how retries wait (tests pass their own).

    Raises:
        InvalidPlaybook: the playbook failed its checks; nothing was sent.
        ConfigError: credentials or secrets are missing.
    """
    if request.target is None:
        raise ConfigError("choose a target: --target imgur, lowcodeapi or sandbox")
    playbook = check(request)
    if request.report is not None:
        _keeps_files(request.report, playbook, request.vars_file)
    _writable(request.report or DEFAULT_REPORT_FOLDER / "report.json")
    credentials = Credentials.from_env(request.env)
    redactor = redactor or Redactor()  # open_transport teaches it the credentials
    secrets = _secrets(playbook, request.env, redactor)
    learn_known_secrets(playbook, redactor)
    writer = ReportWriter(
        request.report, redactor, interval=REPORT_INTERVAL, share=WRITE_REQUEST_SHARE
    )

    def executor_for(sender: Sender) -> Executor:
        return Executor(
            playbook,
            sender,
            secrets=secrets,
            observers=(writer, *observers),
            redactor=redactor,
            sleep=sleep,
            rng=rng,
            sending=writer.request_sending,
        )

    opened = open_transport(request.target, credentials, redactor, request.base_url)
    result = _run_on(opened, executor_for, writer)
    return Outcome(result, writer.path_for(result))


def _run_on(
    target: AbstractContextManager[Sender],
    executor_for: Callable[[Sender], Executor],
    writer: ReportWriter,
) -> RunResult:
    """Open the target, run the steps on it, and close it.

    Raises:
        RunInterrupted: Ctrl-C (or a stop signal) came once the steps began.
        KeyboardInterrupt: Ctrl-C came before they began: nothing was sent.
    """
    executor: Executor | None = None
    try:
        with target as sender:
            executor = executor_for(sender)
            _execute(executor, writer)
    except KeyboardInterrupt:
        # After the steps (the sandbox or the connection closing), the run
        # has ended and its report says how.
        if executor is None or executor.result.status is Status.NOT_RUN:
            raise
        if executor.result.status is Status.INTERRUPTED:
            raise RunInterrupted(writer.path_for(executor.result)) from None
        logger.info("Ctrl-C came after the run had ended; its report is written")
    return executor.result


def _execute(executor: Executor, writer: ReportWriter) -> None:
    """Run the steps; the report is finished however they end.

    Raises:
        RunInterrupted: Ctrl-C (or a stop signal) came while they ran.
    """
    try:
        executor.run()
    except KeyboardInterrupt:
        raise RunInterrupted(writer.path_for(executor.result)) from None
    finally:
        writer.finish(executor.result)


def plan(
    request: RunRequest, *, reads: bool = False, redactor: Redactor | None = None
) -> Plan:
    """Check the playbook and list the requests a run would make.

    With `reads`, GET requests go to the target so that loops over what
    they list expand; nothing else is sent.

    Raises:
        InvalidPlaybook: the playbook failed its checks.
        ConfigError: `reads` without a target, or missing credentials.
    """
    playbook = check(request, planning=True)
    redactor = redactor or Redactor()
    learn_known_secrets(playbook, redactor)
    known = [name for name in playbook.secrets if request.env.get(name)]
    secrets = {name: request.env[name] for name in known}
    for name, value in secrets.items():
        require_maskable(name, value)
        redactor.add(value)
    if not reads:
        return Planner(playbook, None, secrets=secrets, redactor=redactor).plan()
    if request.target is None:
        raise ConfigError("--reads sends the plan's GET requests: choose a --target")
    credentials = Credentials.from_env(request.env)
    with open_transport(request.target, credentials, redactor, request.base_url) as t:
        return Planner(playbook, t, secrets=secrets, redactor=redactor).plan()


def kept_files(playbook: Playbook, vars_file: Path | None) -> dict[Path, str]:
    """The files a run reads, in words: no export or report may replace one."""
    kept = {playbook.path: "the playbook itself"}
    if vars_file is not None:
        kept[vars_file] = "the --vars-file"
    for path, label in playbook.input_files.items():
        kept[path] = f"the file {label} reads"
    return kept


def _keeps_files(report: Path, playbook: Playbook, vars_file: Path | None) -> None:
    """Refuse a report that would replace a file the run reads or writes.

    Raises:
        ConfigError: naming the file it would replace.
    """
    kept = kept_files(playbook, vars_file)
    for step_id, _, path in export_paths(playbook):
        kept[path] = f"the file step `{step_id}` exports to"
    replaced = replaced_file(report, kept)
    if replaced is not None:
        raise ConfigError(_unwritable(report, f"it is {replaced}"))


def _writable(report: Path) -> None:
    """Make sure the report can be written before the first request.

    A file is made and removed next to it, named as the report's own
    temporary file will be, so a name too long or a folder that refuses
    files is found now.

    Raises:
        ConfigError: its folder cannot be made or written to, or it is a folder.
    """
    try:
        if report.is_dir():
            raise ConfigError(_unwritable(report, "it is a folder"))
        require_plain_file(report)
        report.parent.mkdir(parents=True, exist_ok=True)
        descriptor, trial = tempfile.mkstemp(
            dir=report.parent, prefix=f".{report.name}."
        )
        os.close(descriptor)
        os.unlink(trial)
    except OSError as error:
        raise ConfigError(_unwritable(report, _os_words(error, report))) from None


def _unwritable(report: Path, reason: str) -> str:
    return f"cannot write the report to {report}: {reason}; choose another --report"


def _os_words(error: OSError, report: Path) -> str:
    if isinstance(error, FileExistsError | NotADirectoryError):
        return f"a file stands where its folder {report.parent} would be"
    if error.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    if isinstance(error, PermissionError) or error.errno == errno.EROFS:
        return "the folder is read-only"
    return (error.strerror or str(error)).lower()


def _require_secrets(playbook: Playbook, env: Mapping[str, str]) -> None:
    missing = [name for name in playbook.secrets if name not in env]
    if missing:
        names = ", ".join(missing)
        raise ConfigError(
            f"{playbook.path}: the playbook needs the secrets {names}; "
            "set them in the environment or in a .env file"
        )
    empty = [name for name in playbook.secrets if not env[name]]
    if empty:
        names = ", ".join(empty)
        noun = "secret" if len(empty) == 1 else "secrets"
        raise ConfigError(
            f"{playbook.path}: the {noun} {names} {'is' if len(empty) == 1 else 'are'}"
            " set but empty; give a value after the = in the environment or .env file"
        )
    for name in playbook.secrets:
        require_maskable(name, env[name])


def learn_known_secrets(playbook: Playbook, redactor: Redactor) -> None:
    """Mask from the start what secret parameters get from vars and inputs.

    The executor learns a call's secrets as it sends them; one used in an
    earlier step (a title, a failed `expect`) would show until then.
    """
    for value in known_secrets(playbook):
        redactor.add(value)


def _secrets(
    playbook: Playbook, env: Mapping[str, str], redactor: Redactor
) -> dict[str, str]:
    _require_secrets(playbook, env)
    values = {name: env[name] for name in playbook.secrets}
    for value in values.values():
        redactor.add(value)
    return values


class ReportWriter:
    """Rewrites the report as the run goes, so an interrupted run keeps it.

    At the start, at the end, and in between at most once every `interval`
    seconds: a run of thousands of calls would otherwise spend its time
    rewriting a growing report. Before a write request (not a GET) it is
    rewritten as well, so that a run killed while Imgur works on an upload
    shows that step under way, unless writing has already taken more than
    `share` of the run's time.
    """

    def __init__(
        self,
        path: Path | None,
        redactor: Redactor,
        *,
        interval: float = 1.0,
        share: float = WRITE_REQUEST_SHARE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.redactor = redactor
        self.interval = interval
        self.share = share
        self.clock = clock
        self.started = clock()
        self.written = -interval
        self.spent = 0.0  # seconds spent writing the report

    def path_for(self, result: RunResult) -> Path:
        if self.path is None:
            self.path = default_report_path(result)
        return self.path

    def run_started(self, run: RunResult) -> None:
        self.write(run)

    def item_finished(self, run: RunResult, step: StepResult, item: ItemResult) -> None:
        self._write_if_due(run)

    def step_finished(self, run: RunResult, result: StepResult) -> None:
        self._write_if_due(run)

    def request_sending(self, run: RunResult, call: Call) -> None:
        if call.endpoint.method == "GET":
            self._write_if_due(run)
        elif self.spent <= self.share * (self.clock() - self.started + self.interval):
            # A killed process's writes are kept by the system: no need to
            # wait for the disk, which costs more than the write itself.
            self.write(run, durable=False)
        else:
            self._write_if_due(run)

    def _write_if_due(self, run: RunResult) -> None:
        if self.clock() - self.written >= self.interval:
            self.write(run)

    def write(self, run: RunResult, *, durable: bool = True) -> None:
        began = self.clock()
        write_report(self.path_for(run), run, self.redactor, durable=durable)
        self.written = self.clock()
        self.spent += self.written - began

    def finish(self, run: RunResult) -> None:
        """The last write, made whole even if Ctrl-C comes in the middle of it.

        By then the run is over: stopping now would only leave a report that
        says `running` and a terminal that says something else.
        """
        try:
            self.write(run)
        except KeyboardInterrupt:
            logger.info("Ctrl-C came after the run had ended; writing its report")
            self.write(run)


def parse_overrides(pairs: Sequence[str]) -> dict[str, Any]:
    """``["key=value", ...]`` from --var.

    Raises:
        ConfigError: a pair has no ``=`` or no key.
    """
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--var {pair!r}: write it as NAME=VALUE")
        overrides[key.strip()] = value
    return overrides
