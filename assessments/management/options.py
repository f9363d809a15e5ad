"""Shared parsing of the management commands' options (round, stage, user)."""

from __future__ import annotations

from django.core.management.base import CommandError

from assessments.models import Round, Stage
from assessments.selectors import round_get_by_year
from organizations.models import RatingTarget, User
from starrating.errors import DomainError


def add_target_argument(parser) -> None:
    parser.add_argument(
        "--target",
        choices=RatingTarget.values,
        default=RatingTarget.VILLAGE,
        help="评定对象：village 村（默认）或 township 镇街",
    )


def round_for(
    year: int, county_code: str | None = None, target: str = RatingTarget.VILLAGE
) -> Round:
    county_id = None
    if county_code:
        from organizations.models import Organization

        county_id = (
            Organization.objects.filter(code=county_code).values_list("pk", flat=True).first()
        )
        if county_id is None:
            raise CommandError(f"区县代码 {county_code} 不存在")
    try:
        return round_get_by_year(county_id=county_id, year=year, target=target)
    except Round.DoesNotExist as exc:
        raise CommandError(str(exc)) from exc


def stage_of(value: str) -> str:
    for stage in Stage:
        if value in (stage.value, str(stage.label)):
            return stage.value
    raise CommandError(f"阶段 {value} 不存在，可选：{', '.join(Stage.values)}")


def user_of(username: str | None) -> User | None:
    if not username:
        return None
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist as exc:
        raise CommandError(f"用户 {username} 不存在") from exc


def domain_error(exc: DomainError, limit: int = 200) -> CommandError:
    """A domain error as a command error listing every problem (sheet, row, column, …)."""
    lines = [exc.message]
    for e in exc.errors[:limit]:
        where = " ".join(
            str(x)
            for x in (
                e.get("sheet"),
                f"第{e['row']}行" if e.get("row") else "",
                f"{e['column']}列" if e.get("column") else "",
                e.get("organization"),
                e.get("organization_name"),
                e.get("item") or e.get("field"),
                f"值“{e['value']}”" if e.get("value") else "",
            )
            if x
        )
        lines.append(f"  {where}：{e.get('message')}")
    if len(exc.errors) > limit:
        lines.append(f"  ……另有{len(exc.errors) - limit}处")
    return CommandError("\n".join(lines))
