"""What the organization-health services share: one collector of every problem of a form, so a
caller is told all of them at once (400 with each field named), and the audit snapshot."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from starrating.errors import InvalidInput


class Problems:
    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def add(self, field: str, message: str, value: Any = None) -> None:
        problem = {"field": field, "message": message}
        if value is not None:
            problem["value"] = str(value)[:100]
        self.errors.append(problem)

    def text(self, fields: dict, name: str, label: str, *, max_length: int, required=True) -> str:
        value = str(fields.get(name) or "").strip()
        if required and not value:
            self.add(name, _("请填写%(f)s") % {"f": label})
        elif len(value) > max_length:
            self.add(name, _("%(f)s不超过%(n)s个字") % {"f": label, "n": max_length})
        return value

    def date(self, fields: dict, name: str, label: str, *, required=True) -> datetime.date | None:
        value = fields.get(name)
        if isinstance(value, datetime.date):
            return value
        if value in (None, "") and not required:
            return None
        if value in (None, ""):
            self.add(name, _("请填写%(f)s") % {"f": label})
            return None
        try:
            day = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            self.add(name, _("%(f)s格式应为 YYYY-MM-DD") % {"f": label}, value)
            return None
        if not 1900 <= day.year <= 2100:
            self.add(name, _("%(f)s超出范围") % {"f": label}, value)
            return None
        return day

    def integer(
        self, fields: dict, name: str, label: str, *, low: int, high: int, required=True
    ) -> int | None:
        value = fields.get(name)
        if value in (None, "") and not required:
            return None
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            self.add(name, _("%(f)s应为整数") % {"f": label}, value)
            return None
        if not low <= number <= high:
            self.add(
                name, _("%(f)s应在%(a)s到%(b)s之间") % {"f": label, "a": low, "b": high}, value
            )
            return None
        return number

    def choice(self, fields: dict, name: str, label: str, choices) -> str:
        value = str(fields.get(name) or "").strip()
        if value not in choices.values:
            self.add(name, _("%(f)s不是有效选项") % {"f": label}, value)
        return value

    def unknown(self, fields: dict, allowed) -> None:
        for name in sorted(set(fields) - set(allowed)):
            self.add(name, _("未知字段"))

    def raise_if_any(self, message: str) -> None:
        if self.errors:
            raise InvalidInput(message, self.errors)


def snapshot(obj: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and not isinstance(value, bool | int | str):
            value = str(value)
        out[name] = value
    return out
