"""The run report: JSON that validates against schemas/report.schema.json."""

from __future__ import annotations

import json
import logging
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

from runner.atomic import write_text_atomic
from runner.redact import Redactor
from runner.results import CallRecord, RunResult, Status, StepResult, plain

logger = logging.getLogger(__name__)

REPORT_VERSION = 1
DEFAULT_REPORT_FOLDER = Path("reports")
# What the totals count, in this order; together they add up to the whole.
COUNTED = (
    Status.SUCCEEDED,
    Status.FAILED,
    Status.SKIPPED,
    Status.INTERRUPTED,
    Status.RUNNING,
    Status.NOT_RUN,
)


def default_report_path(
    result: RunResult, folder: Path = DEFAULT_REPORT_FOLDER
) -> Path:
    """``reports/<playbook>-<UTC time>.json``, so runs never overwrite each other."""
    stamp = result.started.strftime("%Y%m%dT%H%M%SZ")
    return folder / f"{result.playbook.path.stem}-{stamp}-{result.run_id[:6]}.json"


def report_data(
    result: RunResult, redactor: Redactor, *, values: bool = True
) -> dict[str, Any]:
    """The report as plain data, with every secret masked.

    Without `values`, saved values and loop items are left out: the report
    that is still written when they cannot be.
    """
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
        "steps": [_step(step, values) for step in result.steps],
    }
    masked: dict[str, Any] = redactor.value(data)
    return masked


def totals(result: RunResult) -> dict[str, int]:
    """Steps by how they ended; `running` is only seen while a run goes."""
    return {"steps": len(result.steps), **_counts(result.steps)}


def item_totals(result: RunResult) -> dict[str, int]:
    """Counts over the items of every `for_each` step."""
    items = [item for step in result.steps for item in step.items or ()]
    return {"items": len(items), **_counts(items)}


def _counts(records: list[Any]) -> dict[str, int]:
    counts = dict.fromkeys((status.value for status in COUNTED), 0)
    for record in records:
        if record.status in COUNTED:
            counts[record.status.value] += 1
    return counts


def write_report(
    path: Path, result: RunResult, redactor: Redactor, *, durable: bool = True
) -> None:
    """Write the report atomically (it is rewritten as the run goes).

    A value JSON cannot hold is written as its text; if the values still
    cannot be written, the report is written without them rather than not
    at all. See `write_text_atomic` for `durable`.
    """
    try:
        text = _json(report_data(result, redactor))
    except (RecursionError, ValueError, TypeError) as error:
        logger.warning("the report leaves out saved values: %s", error)
        text = _json(report_data(result, redactor, values=False))
    write_text_atomic(path, text + "\n", durable=durable)


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def _step(step: StepResult, values: bool) -> dict[str, Any]:
    data = _record(step, values)
    data["items"] = (
        None if step.items is None else [_record(i, values) for i in step.items]
    )
    exported = step.exported
    data["exported"] = (
        {"file": exported.file, "rows": exported.rows} if exported else None
    )
    return data


def _record(record: CallRecord, values: bool) -> dict[str, Any]:
    data = {field.name: getattr(record, field.name) for field in fields(record)}
    data["status"] = record.status.value
    data["duration"] = round(record.duration, 4)
    data["saved"] = plain(record.saved) if values else {}
    if "item" in data:
        data["item"] = plain(data["item"]) if values else None
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
