"""First run of a new installation: the province, city and county, the 三员 administrators and
the first county administrator, and the catalogue.

Lives in ``indicators`` because it loads the catalogue and the app order lets indicators call
organizations, not the other way round; the work is ``organizations.installation`` and
``indicators.services``.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators.services import catalogue_load_file, catalogue_summary
from organizations.services import password_generate
from organizations.services.installation import installation_setup
from starrating.errors import DomainError

DEFAULT_CATALOGUE = Path(settings.BASE_DIR) / "fixtures" / "catalogue_2024.json"


class Command(BaseCommand):
    help = (
        "系统首次初始化：创建省、市、区县，系统管理员和另外两名三员管理员、首个县级管理员，"
        "导入指标体系。"
        "可重复运行；系统中已有乡镇、村或其他账号时拒绝运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="省名称，如 吉林省")
        parser.add_argument("--province-code", required=True, help="省代码，2位或12位，如 22")
        parser.add_argument("--city", required=True, help="市名称，如 白山市")
        parser.add_argument("--city-code", required=True, help="市代码，4位或12位，如 2206")
        parser.add_argument("--county", required=True, help="县（区）名称，如 浑江区")
        parser.add_argument("--county-code", required=True, help="县代码，6位或12位，如 220602")
        parser.add_argument("--admin", default="admin", help="系统管理员用户名（默认 admin）")
        parser.add_argument("--admin-name", default="", help="系统管理员姓名")
        parser.add_argument(
            "--catalogue", type=Path, default=DEFAULT_CATALOGUE, help="指标体系 JSON 文件"
        )

    def handle(self, *args, **options):
        catalogue_path: Path = options["catalogue"]
        if not catalogue_path.is_file():
            raise CommandError(f"指标体系文件不存在：{catalogue_path}")
        # The password from the environment (scripts), else a new random one printed once.
        password = os.environ.get("SETUP_ADMIN_PASSWORD") or password_generate()
        try:
            with transaction.atomic():
                result = installation_setup(
                    province_name=options["province"],
                    province_code=options["province_code"],
                    city_name=options["city"],
                    city_code=options["city_code"],
                    county_name=options["county"],
                    county_code=options["county_code"],
                    username=options["admin"],
                    password=password,
                    full_name=options["admin_name"],
                )
                catalogue = catalogue_load_file(catalogue_path)
        except DomainError as exc:
            details = "\n".join(f"  {e.get('field', '')}: {e['message']}" for e in exc.errors)
            raise CommandError(f"{exc.message}\n{details}".rstrip()) from exc

        out = self.stdout.write
        if result.created:
            out(self.style.SUCCESS("初始化完成。"))
        else:
            out("系统此前已初始化，本次未做修改。")
        out(f"区县：{result.county}")
        out(f"系统管理员：{result.admin.username}（管理账号、角色和指标体系，可登录后台管理）")
        if "admin" in result.created:
            shown = (
                "（取自 SETUP_ADMIN_PASSWORD）"
                if os.environ.get("SETUP_ADMIN_PASSWORD")
                else password
            )
            out(f"初始密码：{shown}  请登录后立即修改。")
        for username, initial in result.passwords.items():
            out(f"账号 {username} 初始密码：{initial}  请交给本人，登录后立即修改。")
        out(catalogue_summary(catalogue))
        out("")
        out("下一步：")
        out(
            "  1. 各管理员通过 https:// 网址登录并修改密码：系统管理员（admin）管理账号，"
            "安全管理员（secadmin）管理登录与会话策略，安全审计员（auditadmin）查看审计日志，"
            "县级管理员（countyadmin）开展评定工作；"
        )
        out(
            "  2. 导入乡镇和村：“导入导出” → “导入组织机构”（Excel），"
            "或 manage.py import_organizations 文件.xlsx；"
        )
        out(
            "  3. 系统管理员在“用户管理”中为镇街评分员、村书记、考评组等创建账号"
            "（可用Excel批量创建；每个账号一个角色和所属组织）；"
        )
        out("  4. 在“评定轮次”中新建本年度评定并开启。")
