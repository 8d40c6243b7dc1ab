"""The run report: JSON that validates against schemas/report.schema.json."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from runner.atomic import write_text_atomic
from runner.redact import Redactor
from runner.results import RunResult, Status, StepResult

REPORT_VERSION = 1
DEFAULT_REPORT_FOLDER = Path("reports")


def default_report_path(
    result: RunResult, folder: Path = DEFAULT_REPORT_FOLDER
) -> Path:
    """``reports/<playbook>-<UTC time>.json``, so runs never overwrite each other."""
    stamp = result.started.strftime("%Y%m%dT%H%M%SZ")
    return folder / f"{result.playbook.path.stem}-{stamp}-{result.run_id[:6]}.json"


def report_data(result: RunResult, redactor: Redactor) -> dict[str, Any]:
    """The report as plain data, with every secret masked."""
    data = {
        "report_version": REPORT_VERSION,
        "playbook": {
            "name": result.playbook.name,
            "file": str(result.playbook.path),
        },
        "target": {"name": result.target, "base_url": result.base_url},
        "run": {
            "id": result.run_id,
            "started": _time(result.started),
            "finished": _time(result.finished),
            "duration": _duration(result),
        },
        "status": _run_status(result),
        "totals": {**totals(result), "items": item_totals(result)},
        "credits": dict(result.credits),
        "steps": [_step(step) for step in result.steps],
    }
    masked: dict[str, Any] = redactor.value(data)
    return masked


def totals(result: RunResult) -> dict[str, int]:
    counts = {"steps": len(result.steps)}
    for status in (Status.SUCCEEDED, Status.FAILED, Status.SKIPPED, Status.NOT_RUN):
        counts[status.value] = sum(s.status is status for s in result.steps)
    return counts


def item_totals(result: RunResult) -> dict[str, int]:
    """Counts over the items of every `for_each` step."""
    items = [item for step in result.steps for item in step.items or ()]
    counts = {"items": len(items)}
    for status in (Status.SUCCEEDED, Status.FAILED, Status.SKIPPED, Status.NOT_RUN):
        counts[status.value] = sum(i.status is status for i in items)
    return counts


def write_report(path: Path, result: RunResult, redactor: Redactor) -> None:
    """Write the report atomically (it is rewritten after every step)."""
    text = json.dumps(report_data(result, redactor), indent=2, ensure_ascii=False)
    write_text_atomic(path, text + "\n")


def _step(step: StepResult) -> dict[str, Any]:
    data = asdict(step)
    for record in (data, *(data["items"] or ())):
        record["status"] = str(record["status"])
        record["duration"] = round(record["duration"], 4)
    return data


def _run_status(result: RunResult) -> str:
    if result.finished is None:
        return "running"
    return result.status.value


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _duration(result: RunResult) -> float | None:
    if result.finished is None:
        return None
    return round((result.finished - result.started).total_seconds(), 4)
