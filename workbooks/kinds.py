"""The kinds of Excel job and the labels of what they count (shown on the job pages)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    EXPORT_TEMPLATE = "export_template", _("导出评分模板")
    EXPORT_REPORT = "export_report", _("导出年度报表")
    IMPORT_SCORES = "import_scores", _("导入评分")
    IMPORT_ORGANIZATIONS = "import_organizations", _("导入组织")
    PREVIEW_ORGANIZATIONS = "preview_organizations", _("组织导入预览")
    EXPORT_LEDGER = "export_ledger", _("导出整改台账")
    IMPORT_PAIRINGS = "import_pairings", _("导入包保结对")  # ledgers.services.pairings.IMPORT_KIND
    IMPORT_HISTORY = "import_history", _("导入历年星级")


COUNT_LABELS = {
    "sheets": _("工作表"),
    "townships": _("镇（街道）"),
    "villages": _("村"),
    "with_result": _("有评定结果的村"),
    "items": _("指标"),
    "cells": _("得分"),
    "created": _("新增"),
    "updated": _("修改"),
    "unchanged": _("未变"),
    "sheets_changed": _("变动的评分表"),
    "deactivated": _("停用"),
    "rectifications": _("整改台账"),
    "active_villages": _("全县有效村"),
    "skipped_sheets": _("跳过的工作表"),
}
