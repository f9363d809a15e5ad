"""What the 创星晋级 services share: limits and the number check."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")
IMPORT_MAX_ROWS = 5000
REGISTER_HEADER = ("姓名", "党员类别", "所在支部代码")


def _decimal(value: Any, field: str, errors: list, *, positive: bool = False) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.append({"field": field, "value": str(value), "message": _("请填写数字")})
        return None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        errors.append({"field": field, "value": str(value), "message": _("必须为正数")})
        return None
    if number != number.quantize(Decimal("0.1")) or number >= Decimal("10000"):
        errors.append(
            {"field": field, "value": str(value), "message": _("最多一位小数，小于10000")}
        )
        return None
    return number
