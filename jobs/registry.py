"""The kinds of background work. ``jobs`` knows none of them: the apps above register theirs
from their ``tasks`` module at start-up, so a service that creates a job looks its task up
here and never imports a task module (the import circle services → tasks → services is
gone)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any


@dataclasses.dataclass(frozen=True)
class JobKind:
    """One kind of job: its name (stored on the Job), label, who may start it, the Celery
    task that runs it (called with the job id), and labels of the counts it reports."""

    name: str
    label: str
    roles: frozenset[str]
    task: Any
    count_labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # A finished job's next step, if any: job → (url, label), e.g. confirming a preview.
    follow_up: Callable[[Any], tuple[str, str] | None] | None = None


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _KINDS[kind.name] = kind
    return kind


def kind_get(name: str) -> JobKind | None:
    return _KINDS.get(name)
