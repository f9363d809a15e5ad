"""Write the annual report workbook (汇总, 星级名单, 评分明细, 短板弱项, 整改台账)."""

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from assessments.management.options import add_target_argument, round_for, user_of
from organizations.models import AuditLog
from organizations.services import audit_record
from workbooks.report import report_export


class Command(BaseCommand):
    help = "导出年度星级评定报表（Excel）。"

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, required=True, help="年度，如 2024")
        parser.add_argument("--township", help="镇（街道）区划代码；省略则导出全区")
        parser.add_argument("--county", help="区县代码（库中有多个区县时必填）")
        add_target_argument(parser)
        parser.add_argument("--user", help="按该用户的权限范围导出")
        parser.add_argument("--output", required=True, help="输出文件 .xlsx")

    def handle(self, *args, **options):
        round_ = round_for(options["round"], options["county"], options["target"])
        user = user_of(options["user"])
        try:
            counts = report_export(
                options["output"],
                round_=round_,
                user=user,
                township_code=options["township"],
            )
        except Http404 as exc:
            raise CommandError(str(exc)) from exc
        audit_record(
            actor=user,
            action=AuditLog.Action.EXPORT,
            obj=round_,
            after={"report": options["output"], "township": options["township"], **counts},
            reason="manage.py export_report",
        )
        self.stdout.write(
            f"已导出 {counts['villages']} 个村（{counts['with_result']} 个有结果）、"
            f"{counts['townships']} 个镇（街道）到 {options['output']}"
        )
