"""How far the report on disk lags the run when it is killed mid-upload.

    .venv/bin/python bench/report_lag.py [--uploads 300]

A run killed with kill -9 keeps only the report last written. Each time an
upload reaches the sandbox, this reads the report on disk and counts the
uploads it shows as done; the run has finished every upload before this
one, so the difference is what a kill at that moment would lose. Rows: the
old rule (pre-request writes fsync'd, within 10% of the run's time), the
current one (no fsync before a write request), and no budget at all; the
baseline is a plain `requests` session making the same uploads.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import requests
from rehearsal import through_runner

from runner import run as runs
from runner.report import write_report
from runner.sandbox import DEMO_ACCESS_TOKEN, RateLimits, Sandbox

IMAGE = Path(__file__).resolve().parents[1] / "playbooks/examples/images/beach.png"

UPLOADS = """\
version: 1
steps:
  - id: up
    call: image.upload
    for_each: "{{{{ [{items}] }}}}"
    with: {{image: {{file: beach.png}}, title: "{{{{ item }}}}"}}
"""


class ReportReader:
    """Wraps the sandbox: on each upload, how many the report shows as done."""

    def __init__(self, app: Any, report: Path, latency: float) -> None:
        self.app = app
        self.report = report
        self.latency = latency  # Imgur takes its time over an upload
        self.lags: list[int] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/3/upload":
            self.lags.append(len(self.lags) - self._done_on_disk())
            time.sleep(self.latency)
        return self.app(environ, start_response)  # type: ignore[no-any-return]

    def _done_on_disk(self) -> int:
        try:
            data = json.loads(self.report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
        items = data["steps"][0]["items"] or []
        return sum(item["status"] == "succeeded" for item in items)


def baseline(sandbox: Sandbox, uploads: int) -> None:
    headers = {"Authorization": f"Bearer {DEMO_ACCESS_TOKEN}"}
    with requests.Session() as session:
        for number in range(uploads):
            with IMAGE.open("rb") as image:
                session.post(
                    f"{sandbox.url}/3/upload",
                    headers=headers,
                    files={"image": image},
                    data={"title": str(number)},
                ).json()


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def fsync_always(*args: Any, durable: bool = True, **kwargs: Any) -> None:
    write_report(*args, durable=True, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds")
    options = parser.parse_args()
    uploads, latency = options.uploads, options.latency
    folder = Path(tempfile.mkdtemp(prefix="imgur-playbook-bench-"))
    shutil.copy(IMAGE, folder / "beach.png")
    playbook = folder / "uploads.yaml"
    items = ", ".join(f"`{n}`" for n in range(uploads))
    playbook.write_text(UPLOADS.format(items=items), encoding="utf-8")
    report = folder / "report.json"

    modes = {
        "fsync before writes, 10% budget": (fsync_always, 0.1),
        "no fsync before writes, 10%": (write_report, 0.1),
        "no fsync before writes, 25%": (write_report, 0.25),
        "no fsync before writes, no budget": (write_report, float("inf")),
    }
    limits = RateLimits(user_limit=100 * uploads, client_limit=100 * uploads)
    rows = []
    for label, (writer, share) in modes.items():
        sandbox = Sandbox(limits=limits)
        reader = ReportReader(sandbox.wsgi, report, latency)
        sandbox.wsgi = reader  # read when it starts listening
        report.unlink(missing_ok=True)
        with sandbox:
            base = timed(lambda s=sandbox: baseline(s, uploads))
            reader.lags.clear()
            runs.write_report, runs.WRITE_REQUEST_SHARE = writer, share
            seconds = timed(lambda s=sandbox: through_runner(s, playbook, report))
        lags = reader.lags
        rows.append((label, seconds / base, max(lags), statistics.mean(lags), lags))

    title = f"{uploads} uploads, {latency}s each"
    print(f"{title:42} {'x base':>7} {'max lag':>8} {'mean':>6} {'behind':>6}")
    for label, ratio, most, mean, lags in rows:
        behind = sum(lag > 0 for lag in lags)
        print(f"{label:42} {ratio:7.2f} {most:8d} {mean:6.2f} {behind:6d}")


if __name__ == "__main__":
    main()
