"""How much the runner adds to the HTTP calls it makes, against the sandbox.

    .venv/bin/python bench/run_overhead.py [--calls 1000]

The baseline is a plain `requests` session making the same calls to the same
sandbox in the same run, so the ratios hold on any machine. Goals: a loop
of N items and a playbook of N steps both stay within a small constant factor
of the baseline (the report is rewritten at most once a second, not after
every call), and memory grows with what the run keeps, not with N squared.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import requests
from rehearsal import through_runner

from runner import run as runs
from runner.sandbox import DEMO_ACCESS_TOKEN, RateLimits, Sandbox

LOOP = """\
version: 1
vars: {{n: {calls}}}
steps:
  - id: look
    call: account.get
    for_each: "{{{{ [{items}] }}}}"
    with: {{username: me}}
    save: {{url: data.url}}
"""

STEP = """\
  - id: s{number}
    call: account.get
    with: {{username: me}}
    save: {{url: data.url}}
"""


def baseline(sandbox: Sandbox, calls: int) -> None:
    """The same calls with nothing but requests."""
    headers = {"Authorization": f"Bearer {DEMO_ACCESS_TOKEN}"}
    with requests.Session() as session:
        for _ in range(calls):
            answer = session.get(f"{sandbox.url}/3/account/me", headers=headers)
            answer.json()


def measure(action: Callable[[], None]) -> tuple[float, float]:
    """Seconds taken, then (in a second pass) peak megabytes allocated."""
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    tracemalloc.start()  # slows what it watches, so not while timing
    action()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    calls = parser.parse_args().calls
    folder = Path(tempfile.mkdtemp(prefix="imgur-playbook-bench-"))
    loop = folder / "loop.yaml"
    loop.write_text(LOOP.format(calls=calls, items=", ".join(["`1`"] * calls)))
    steps = folder / "steps.yaml"
    body = "".join(STEP.format(number=n) for n in range(calls))
    steps.write_text("version: 1\nsteps:\n" + body)

    budget = 100 * calls  # every pass of every row, with room to spare
    limits = RateLimits(user_limit=budget, client_limit=budget)
    with Sandbox(limits=limits) as sandbox:
        base, base_mb = measure(lambda: baseline(sandbox, calls))
        rows = [("requests alone (baseline)", base, base_mb)]
        playbooks = ((f"{calls} loop items", loop), (f"{calls} steps", steps))
        for label, playbook in playbooks:
            seconds, peak = measure(
                lambda p=playbook: through_runner(sandbox, p, folder / "r.json")
            )
            rows.append((label, seconds, peak))
        runs.REPORT_INTERVAL = 0.0  # the report after every call, as it was
        seconds, peak = measure(
            lambda: through_runner(sandbox, steps, folder / "r.json")
        )
        rows.append((f"{calls} steps, report after each", seconds, peak))

    print(f"{'':34} {'seconds':>8} {'x base':>7} {'peak MB':>8}")
    for label, seconds, peak in rows:
        print(f"{label:34} {seconds:8.2f} {seconds / base:7.2f} {peak:8.1f}")


if __name__ == "__main__":
    main()
