from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StarsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "stars"
    verbose_name = _("创星晋级")

    def ready(self) -> None:
        from workbooks.registry import register_report_sheet

        from .report import OUTCOME_SHEET

        # The annual report (workbooks, below this app) shows each village's 奖惩凭星 outcome.
        register_report_sheet(OUTCOME_SHEET)
