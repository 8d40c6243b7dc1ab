"""The `imgur-playbook` command: parses options and calls the core."""

from __future__ import annotations

from runner import startup  # first: a Ctrl-C while the rest loads exits quietly

# isort: split
import logging
import platform
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from runner import __version__
from runner.catalog import Catalog, Endpoint, load_catalog
from runner.console import (
    StepPrinter,
    plan_text,
    problems_text,
    sandbox_banner,
    summary,
)
from runner.describe import endpoint_details, endpoint_list, matching
from runner.errors import (
    ConfigError,
    ExitCode,
    InvalidPlaybook,
    PlaybookError,
    RunInterrupted,
    SandboxError,
)
from runner.redact import RedactingFilter, Redactor
from runner.results import Status
from runner.run import RunRequest, check, load_env, parse_overrides, plan, run
from runner.targets import CREDENTIAL_VARIABLES, Target

startup.loaded()

F = TypeVar("F", bound=Callable[..., Any])

TARGET_VARIABLE = "IMGUR_PLAYBOOK_TARGET"

EXIT_CODES_HELP = """\b
Exit codes:
  0    every step succeeded
  1    a step failed; for plan, a read failed or a step cannot be made
  2    the playbook is invalid, or the command line or setup is wrong
  3    imgur-playbook itself failed (run again with --debug and report it)
  130  interrupted (Ctrl-C, kill, a closed terminal); the report keeps
       what was done
"""


class TargetChoice(click.Choice[str]):
    """A target's name in any case; a wrong one from the environment says so."""

    def __init__(self) -> None:
        super().__init__([t.value for t in Target], case_sensitive=False)

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            if not _from_environment(param, ctx):
                raise
            names = ", ".join(t.value for t in Target)
            raise click.BadParameter(
                f"{value!r} is not a target; set it to one of {names}",
                ctx=ctx,
                param=param,
                param_hint=f"the environment variable {TARGET_VARIABLE}",
            ) from None


def _from_environment(param: click.Parameter | None, ctx: click.Context | None) -> bool:
    if param is None or ctx is None or param.name is None:
        return False
    return ctx.get_parameter_source(param.name) is ParameterSource.ENVIRONMENT


def playbook_options(command: F) -> F:
    """Options shared by `run`, `validate` and `plan`."""
    decorators = [
        click.argument("playbook", type=click.Path(path_type=Path, dir_okay=False)),
        click.option(
            "--target",
            "-t",
            type=TargetChoice(),
            envvar=TARGET_VARIABLE,
            help=f"Where to send calls, in any case (or set {TARGET_VARIABLE}).",
        ),
        click.option(
            "--var",
            "variables",
            multiple=True,
            metavar="NAME=VALUE",
            help="Override a value under `vars:` (repeatable).",
        ),
        click.option(
            "--vars-file",
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="PATH",
            help="Override values under `vars:` from a YAML or JSON file of "
            "NAME: VALUE lines; --var wins over it.",
        ),
        click.option(
            "--allow-destructive",
            is_flag=True,
            help="Let steps marked allow_destructive run.",
        ),
        click.option(
            "--env-file",
            type=click.Path(path_type=Path, exists=True, dir_okay=False),
            help="Read credentials and secrets from this file too "
            "[default: .env, if there is one].",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def run_request(
    *,
    playbook: Path,
    target: str | None,
    variables: tuple[str, ...],
    vars_file: Path | None,
    allow_destructive: bool,
    env_file: Path | None,
    base_url: str | None = None,
    report: Path | None = None,
) -> RunRequest:
    """What `playbook_options` (and --base-url, --report) ask of the core.

    Raises:
        ConfigError: a --var is not NAME=VALUE, or the .env file is unreadable.
    """
    env = load_env(env_file)
    # Masked from here on, so even a failure of the tool itself cannot show them.
    redactor: Redactor = click.get_current_context().obj["redactor"]
    for name in CREDENTIAL_VARIABLES:
        redactor.add(env.get(name, "").strip())
    return RunRequest(
        playbook=playbook,
        target=Target(target) if target else None,
        base_url=base_url,
        report=report,
        overrides=parse_overrides(variables),
        vars_file=vars_file,
        allow_destructive=allow_destructive,
        env=env,
    )


class PlaybookGroup(click.Group):
    """Turns the core's errors into messages and exit codes, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except InvalidPlaybook as error:
            click.echo(problems_text(error.problems, f"{error}:"), err=True)
            ctx.exit(ExitCode.INVALID)
        except RunInterrupted as error:
            click.echo(
                f"Interrupted; the report keeps what was done: {error.report}",
                err=True,
            )
            ctx.exit(ExitCode.INTERRUPTED)
        except (ConfigError, SandboxError) as error:
            _error(str(error))
            ctx.exit(ExitCode.INVALID)
        except PlaybookError as error:
            _error(str(error))
            ctx.exit(ExitCode.STEP_FAILED)
        except KeyboardInterrupt:
            click.echo(_interrupted(ctx.invoked_subcommand, ctx.obj), err=True)
            ctx.exit(ExitCode.INTERRUPTED)
        except Exception:
            _internal_error(ctx)
            ctx.exit(ExitCode.INTERNAL)


class NotFound(click.ClickException):
    """A name on the command line that matches nothing."""

    exit_code = ExitCode.INVALID


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


# `kill` and a closed terminal stop a run as Ctrl-C does: the report is
# finished first. Windows has no SIGHUP.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextmanager
def stopped_like_ctrl_c() -> Iterator[None]:
    """Within: the stop signals raise KeyboardInterrupt, as Ctrl-C does."""
    previous = {stop: signal.signal(stop, _interrupt) for stop in STOP_SIGNALS}
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)


def _interrupted(command: str | None, state: dict[str, Any] | None) -> str:
    """What a Ctrl-C outside a run's steps stopped.

    A run whose steps had started raises RunInterrupted instead.
    """
    report = (state or {}).get("report")
    if report is not None:
        return f"Interrupted after the run had ended; its report: {report}"
    if command == "run":
        return (
            "Interrupted before the run started: nothing was sent "
            "and no report was written."
        )
    return "Interrupted."


def _error(message: str) -> None:
    click.echo(click.style("error: ", fg="red", bold=True) + message, err=True)


def _internal_error(ctx: click.Context) -> None:
    state = ctx.obj or {}
    if state.get("debug") or state.get("verbose", 0) >= 2:
        redactor: Redactor = state.get("redactor") or Redactor()
        click.echo(redactor.text(traceback.format_exc()), err=True)
        return
    click.echo(
        "imgur-playbook failed unexpectedly; run again with --debug "
        "and report what it prints.",
        err=True,
    )


def output_options(command: F) -> F:
    """-v, -q and --debug, taken before or after the command's name.

    The group and each command have them; given in both places, they add up.
    """
    decorators = [
        click.option(
            "-v",
            "--verbose",
            count=True,
            expose_value=False,
            callback=_output_option,
            help="-v: a line per API call; -vv: debug.",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            expose_value=False,
            callback=_output_option,
            help="Only the summary and errors.",
        ),
        click.option(
            "--debug",
            is_flag=True,
            expose_value=False,
            callback=_output_option,
            help="Debug logs and tracebacks (secrets masked).",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _output_option(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Note one of -v, -q, --debug where every command reads it; log as it says."""
    state = ctx.ensure_object(dict)
    if param.name == "verbose":
        state["verbose"] = state.get("verbose", 0) + value
    else:
        state[str(param.name)] = state.get(param.name, False) or value
    redactor = state.setdefault("redactor", Redactor())
    level = log_level(
        state.get("verbose", 0), state.get("quiet", False), state.get("debug", False)
    )
    configure_logging(level, redactor)


@click.group(cls=PlaybookGroup, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="imgur-playbook")
@output_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Run checked YAML playbooks of Imgur account maintenance.

    -v, -q and --debug may also follow the command: `run FILE -v`.
    """
    ctx.ensure_object(dict).setdefault("redactor", Redactor())


def log_level(verbose: int, quiet: bool, debug: bool) -> int:
    """--debug wins over -v and -q; -q wins over -v."""
    if debug or verbose > 1:
        return logging.DEBUG
    if quiet:
        return logging.ERROR
    return logging.INFO if verbose == 1 else logging.WARNING


def configure_logging(level: int, redactor: Redactor) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter(redactor))
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("runner")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@cli.command("run", epilog=EXIT_CODES_HELP)
@playbook_options
@output_options
@click.option(
    "--base-url",
    metavar="URL",
    help="Send calls here instead of the target's usual address.",
)
@click.option(
    "--report",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the JSON report [default: reports/NAME-TIME.json].",
)
@click.pass_context
def run_command(
    ctx: click.Context, /, base_url: str | None, report: Path | None, **options: Any
) -> None:
    """Check PLAYBOOK, then run its steps in order and write a report."""
    redactor: Redactor = ctx.obj["redactor"]
    request = run_request(**options, base_url=base_url, report=report)
    quiet = ctx.obj.get("quiet", False)
    printer = StepPrinter(redactor, click.echo, failures_only=quiet)
    with stopped_like_ctrl_c():
        outcome = run(request, (printer,), redactor)
    ctx.obj["report"] = outcome.report  # a Ctrl-C from now on comes after the run
    click.echo(redactor.text(summary(outcome.result, outcome.report)))
    if outcome.result.status is not Status.SUCCEEDED:
        ctx.exit(ExitCode.STEP_FAILED)


@cli.command("validate", epilog=EXIT_CODES_HELP)
@playbook_options
@output_options
def validate_command(**options: Any) -> None:
    """Check PLAYBOOK without sending anything.

    With --target, also check that the target's credentials allow every call.
    """
    request = run_request(**options)
    steps = len(check(request).steps)
    noun = "step" if steps == 1 else "steps"
    click.echo(f"{request.playbook}: valid ({steps} {noun})")


@cli.command("plan", epilog=EXIT_CODES_HELP)
@playbook_options
@click.option(
    "--reads",
    is_flag=True,
    help="Send the GET requests to the target, so loops over listed items "
    "expand. Nothing else is sent.",
)
@click.option("--base-url", metavar="URL", help="With --reads: where to send them.")
@output_options
@click.pass_context
def plan_command(
    ctx: click.Context, /, reads: bool, base_url: str | None, **options: Any
) -> None:
    """List every request a run of PLAYBOOK would make, in order, sending no write.

    Values that come from responses show as <steps.ID.NAME>. Exits 1 if a
    read failed or a step cannot be made (its line starts with !).
    """
    redactor: Redactor = ctx.obj["redactor"]
    request = run_request(**options, base_url=base_url)
    planned = plan(request, reads=reads, redactor=redactor)
    click.echo(redactor.text(plan_text(planned)))
    if planned.result.failed:
        ctx.exit(ExitCode.STEP_FAILED)


@cli.command("sandbox")
@output_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 127.0.0.1 is this machine only.",
)
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0 picks a free port.",
)
def sandbox_command(host: str, port: int) -> None:
    """Serve the local Imgur sandbox in the foreground until Ctrl-C."""
    # Imported here: the sandbox pulls in werkzeug and Pillow, which the
    # other commands do not need at start-up.
    from runner import sandbox

    def announce(started: sandbox.Sandbox) -> None:
        click.echo(sandbox_banner(started), nl=False)

    sandbox.serve(host, port, on_ready=announce)


@cli.command("endpoints")
@output_options
@click.argument("words", nargs=-1)
def endpoints_command(words: tuple[str, ...]) -> None:
    """List the endpoints a playbook can call, by group.

    \b
    imgur-playbook endpoints              every endpoint
    imgur-playbook endpoints album        one group (account, album, image, ...)
    imgur-playbook endpoints block user   endpoints whose text has every word
    imgur-playbook endpoints show NAME    one endpoint in full, with a step to paste
    """
    catalog = load_catalog()
    if words[:1] == ("show",):
        if len(words) != 2:
            raise click.UsageError(
                "`endpoints show` takes one endpoint name, "
                "e.g. `imgur-playbook endpoints show album.create`"
            )
        click.echo(endpoint_details(_endpoint(catalog, words[1])))
        return
    found = matching(catalog, words)
    if not found:
        raise NotFound(f"no endpoint matches {' '.join(words)!r}")
    click.echo(endpoint_list(found))


def _endpoint(catalog: Catalog, name: str) -> Endpoint:
    key = name.lower()  # every catalog name is lower case
    endpoint = catalog.get(key)
    if endpoint is not None:
        return endpoint
    members = [e.name for e in catalog if e.group == key]
    if members:
        raise NotFound(
            f"{name!r} is a group of {len(members)} endpoints, not one endpoint; "
            f"`imgur-playbook endpoints {key}` lists them"
        )
    close = catalog.suggest(key)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise NotFound(f"no endpoint {name!r}{hint}")


@cli.command("version")
@output_options
def version_command() -> None:
    """Versions of imgur-playbook, Python and key libraries, for bug reports."""
    click.echo(f"imgur-playbook {__version__}")
    click.echo(f"Python {platform.python_version()} ({sys.executable})")
    for package in (
        "pyyaml",
        "jsonschema",
        "requests",
        "jmespath",
        "click",
        "werkzeug",
    ):
        click.echo(f"{package} {_installed(package)}")


def _installed(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def main() -> None:
    """The `imgur-playbook` console script."""
    cli(prog_name="imgur-playbook")
