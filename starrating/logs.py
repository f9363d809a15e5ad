"""Log lines with a full timestamp and UTC offset in one zone, whichever process writes them
(gunicorn, Django, the Celery worker and beat), so the journal reads as one timeline."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class OffsetFormatter(logging.Formatter):
    """``2025-03-01T09:30:12.345+08:00 INFO name message`` in ``tz`` (the product's zone)."""

    def __init__(self, fmt: str | None = FORMAT, datefmt=None, style="%", tz="Asia/Shanghai"):
        super().__init__(fmt=fmt, datefmt=datefmt, style=style)
        self.tz = ZoneInfo(tz)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created, tz=self.tz)
        return moment.isoformat(timespec="milliseconds")
