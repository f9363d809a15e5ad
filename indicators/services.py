"""Writes of the catalogue: loading the published JSON form and copying to a new year."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from organizations.models import AuditLog, RatingTarget, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted, reject_unknown_fields

from .models import Catalogue, Category, Item


def catalogue_load(*, data: dict[str, Any], actor: User | None = None) -> Catalogue:
    """Create a catalogue from its JSON form (``fixtures/catalogue_2024.json``); idempotent by
    name: an existing catalogue of that name is returned untouched."""
    existing = Catalogue.objects.filter(name=data.get("name")).first()
    if existing is not None:
        return existing
    catalogue_validate(data)
    return _catalogue_write(data, actor=actor)


def catalogue_create(*, actor: User, data: dict[str, Any], ip: str | None = None) -> Catalogue:
    """A new catalogue from its JSON form (the form ``catalogue_as_data`` gives), editable
    until a round using it opens: the indicator maintainer's (the API's counterpart of
    ``load_catalogue``). Validated as a whole — every problem listed — then written in one
    transaction and audited. A name already taken is a conflict, never a silent no-op."""
    if not (actor.is_superuser or actor.has_role("indicator_maintainer")):
        raise NotPermitted(_("只有指标维护员可以新建指标体系。"))
    catalogue_validate(data)
    if Catalogue.objects.filter(name=data["name"]).exists():
        raise Conflict(_("名称为“%(n)s”的指标体系已存在。") % {"n": data["name"]})
    return _catalogue_write(data, actor=actor, ip=ip)


def _catalogue_write(data: dict[str, Any], *, actor: User | None, ip: str | None = None):
    with transaction.atomic():
        catalogue = Catalogue.objects.create(
            name=data["name"],
            year=data["year"],
            target=data.get("target") or RatingTarget.VILLAGE,
            description=data.get("description", ""),
        )
        items: list[Item] = []
        position = 0
        for c_pos, c in enumerate(data["categories"], start=1):
            category = Category.objects.create(
                catalogue=catalogue,
                code=c["code"],
                name=c["name"],
                description=c.get("description", ""),
                max_points=Decimal(c["max_points"]),
                pass_points=Decimal(c["pass_points"]) if c.get("pass_points") else None,
                position=c_pos,
            )
            for i in c["items"]:
                position += 1
                items.append(_item(catalogue, category, i, position))
        for i in data.get("special_items", []):
            position += 1
            items.append(_item(catalogue, None, i, position))
        Item.objects.bulk_create(items)
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=catalogue,
            after={"name": catalogue.name, "items": len(items)},
            ip=ip,
        )
    return catalogue


def catalogue_validate(data: dict[str, Any]) -> None:
    """Check a catalogue's JSON form: scored items of each category sum to its maximum, the
    categories to 100, codes unique, kinds known. Every problem is reported at once."""
    errors: list[dict[str, str]] = []

    def error(where: str, message: str) -> None:
        errors.append({"field": where, "message": message})

    def points(value: Any, where: str) -> Decimal:
        try:
            result = Decimal(str(value))
        except ArithmeticError:
            error(where, _("不是有效的分值：%(v)s") % {"v": value})
            return Decimal("0")
        if not result.is_finite() or result < 0 or result != result.quantize(Decimal("0.01")):
            error(where, _("分值必须是不小于0、最多两位小数的数：%(v)s") % {"v": value})
            return Decimal("0")
        return result

    for key in ("name", "year", "categories"):
        if not data.get(key):
            error(key, _("缺少必填项"))
    if data.get("target") not in (None, "", *RatingTarget.values):
        error("target", _("评定对象只能是village（村/社区）或township（镇街）"))
    seen: set[str] = set()
    total = Decimal("0")
    for c in data.get("categories") or []:
        code = c.get("code", "?")
        if code in seen:
            error(code, _("代码重复"))
        seen.add(code)
        maximum = points(c.get("max_points"), code)
        total += maximum
        if maximum <= 0:
            error(code, _("类别满分必须大于0"))
        if c.get("pass_points") not in (None, "") and points(c["pass_points"], code) > maximum:
            error(code, _("达标线不能超过满分"))
        scored = Decimal("0")
        for i in c.get("items") or []:
            icode = i.get("code", "?")
            if icode in seen:
                error(icode, _("代码重复"))
            seen.add(icode)
            if i.get("kind") not in (Item.Kind.SCORED, Item.Kind.DEDUCTION):
                error(icode, _("类别内的指标只能是评分项或减分项"))
            value = points(i.get("max_points"), icode)
            if value <= 0:
                error(icode, _("分值必须大于0"))
            if i.get("kind") == Item.Kind.SCORED:
                scored += value
            if not i.get("title"):
                error(icode, _("缺少指标内容"))
        if scored != maximum:
            error(
                code,
                _("评分项分值合计%(s)s，与类别满分%(m)s不一致") % {"s": scored, "m": maximum},
            )
    if data.get("categories") and total != Decimal("100"):
        error("categories", _("各类别满分合计%(t)s，应为100") % {"t": total})
    for i in data.get("special_items") or []:
        icode = i.get("code", "?")
        if icode in seen:
            error(icode, _("代码重复"))
        seen.add(icode)
        if i.get("kind") not in (Item.Kind.VETO, Item.Kind.STAR_DEDUCTION):
            error(icode, _("类别外的指标只能是否决项或减星项"))
    if errors:
        raise InvalidInput(_("指标体系数据有%(n)d处错误，未导入。") % {"n": len(errors)}, errors)


def catalogue_as_data(catalogue: Catalogue) -> dict[str, Any]:
    """A stored catalogue in its JSON form (the form ``catalogue_load`` reads)."""

    def item_data(item: Item) -> dict[str, Any]:
        return {
            "code": item.code,
            "title": item.title,
            "guidance": item.guidance,
            "evidence": item.evidence,
            "max_points": f"{item.max_points:.2f}",
            "kind": item.kind,
        }

    items = list(catalogue.items.all())
    return {
        "name": catalogue.name,
        "year": catalogue.year,
        "target": catalogue.target,
        "description": catalogue.description,
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "description": c.description,
                "max_points": f"{c.max_points:.2f}",
                "pass_points": None if c.pass_points is None else f"{c.pass_points:.2f}",
                "items": [item_data(i) for i in items if i.category_id == c.pk],
            }
            for c in catalogue.categories.all()
        ],
        "special_items": [item_data(i) for i in items if i.category_id is None],
    }


def _item(catalogue: Catalogue, category: Category | None, i: dict, position: int) -> Item:
    return Item(
        catalogue=catalogue,
        category=category,
        code=i["code"],
        title=i["title"],
        guidance=i.get("guidance", ""),
        evidence=i.get("evidence", ""),
        max_points=Decimal(i.get("max_points", "0")),
        kind=i["kind"],
        position=position,
    )


def catalogue_load_file(path: Path, *, actor: User | None = None) -> Catalogue:
    return catalogue_load(data=json.loads(Path(path).read_text(encoding="utf-8")), actor=actor)


def catalogue_summary(catalogue: Catalogue) -> str:
    """“65 项指标，另有 13 项否决和减星事项”: the README counts the items of the five
    categories (scored and deduction ones), not the veto and star-deduction items beside them."""
    scored = catalogue.items.filter(category__isnull=False).count()
    others = catalogue.items.filter(category__isnull=True).count()
    return _("指标体系“%(name)s”：%(scored)d 项指标，另有 %(others)d 项否决和减星事项。") % {
        "name": catalogue,
        "scored": scored,
        "others": others,
    }


def catalogue_copy(
    *,
    actor: User | None,
    catalogue: Catalogue,
    name: str,
    year: int,
    ip: str | None = None,
) -> Catalogue:
    """Copy a catalogue (categories and items) to a new, editable one for another year."""
    if actor is not None and not (
        actor.is_superuser or actor.has_role("indicator_maintainer", "county_admin")
    ):
        raise NotPermitted(_("只有指标维护员或县级管理员可以复制指标体系。"))
    if not name.strip():
        raise InvalidInput(_("请填写新指标体系的名称。"), [{"field": "name", "message": _("必填")}])
    if not 2000 <= int(year) <= 2100:
        raise InvalidInput(_("年度不正确。"), [{"field": "year", "message": _("年度不正确")}])
    if Catalogue.objects.filter(name=name).exists():
        raise Conflict(_("名称为“%(n)s”的指标体系已存在。") % {"n": name})
    with transaction.atomic():
        copy = Catalogue.objects.create(
            name=name,
            year=year,
            target=catalogue.target,
            description=catalogue.description,
            copied_from=catalogue,
        )
        categories = {}
        for category in catalogue.categories.all():
            old_pk = category.pk
            category.pk = None
            category.catalogue = copy
            category.save()
            categories[old_pk] = category
        items = []
        for item in catalogue.items.all():
            item.pk = None
            item.catalogue = copy
            item.category = categories.get(item.category_id)
            items.append(item)
        Item.objects.bulk_create(items)
        audit_record(
            actor=actor,
            action=AuditLog.Action.CATALOGUE_COPY,
            obj=copy,
            before={"from": catalogue.name},
            after={"name": copy.name, "year": year, "items": len(items)},
            ip=ip,
        )
    return copy


# --- maintenance (indicator maintainers, while the catalogue is not frozen) -----------------

CATEGORY_FIELDS = ("name", "description", "max_points", "pass_points", "position")
ITEM_FIELDS = (
    "category",
    "title",
    "guidance",
    "evidence",
    "max_points",
    "kind",
    "position",
)


def _ensure_maintainer(actor: User, catalogue: Catalogue) -> None:
    if not (actor.is_superuser or actor.has_role("indicator_maintainer")):
        raise NotPermitted(_("只有指标维护员可以修改指标体系。"))
    if catalogue.is_frozen:
        raise Conflict(
            _("指标体系“%(c)s”已被开启的评定轮次使用，不能再修改；请复制为新版本后修改。")
            % {"c": catalogue.name}
        )


def _clean_or_raise(obj: Category | Item, errors: list[dict] | None = None) -> None:
    """Model validation plus ``errors`` found by the caller, reported together. The caller's
    errors are the more specific ones, so the generic constraint message is then dropped."""
    from django.core.exceptions import ValidationError

    errors = list(errors or [])
    try:
        obj.full_clean(exclude=["catalogue"])
    except ValidationError as exc:
        errors += [
            {"field": field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
            if not (errors and field == "__all__")
        ]
    if errors:
        raise InvalidInput(_("数据有误，未保存。"), errors)


def _snapshot(obj: Category | Item, fields: tuple[str, ...]) -> dict[str, Any]:
    values = {}
    for field in fields:
        value = getattr(obj, f"{field}_id" if field == "category" else field)
        values[field] = (
            None if value is None else str(value) if not isinstance(value, int) else value
        )
    return values


def _check_kind_category(item: Item) -> list[dict]:
    """Points items live in a category of the same catalogue; veto/star-deduction outside."""
    if item.kind in (Item.Kind.SCORED, Item.Kind.DEDUCTION):
        if item.category is None:
            return [{"field": "category", "message": _("评分项和减分项必须属于一个类别")}]
        if item.category.catalogue_id != item.catalogue_id:
            return [{"field": "category", "message": _("类别不属于该指标体系")}]
        if item.max_points <= 0:
            return [{"field": "max_points", "message": _("评分项和减分项的分值必须大于0")}]
    elif item.category_id is not None:
        return [{"field": "category", "message": _("否决项和减星项不属于任何类别")}]
    return []


def category_update(*, actor: User, category: Category, **fields: Any) -> Category:
    """Change a category's name, description, maximum, pass line or position (audited)."""
    _ensure_maintainer(actor, category.catalogue)
    reject_unknown_fields(fields, CATEGORY_FIELDS)
    before = _snapshot(category, CATEGORY_FIELDS)
    for field, value in fields.items():
        setattr(category, field, value)
    _clean_or_raise(category)
    if category.pass_points is not None and category.pass_points > category.max_points:
        raise InvalidInput(
            _("数据有误，未保存。"),
            [{"field": "pass_points", "message": _("达标线不能超过满分")}],
        )
    with transaction.atomic():
        category.save()
        after = _snapshot(category, CATEGORY_FIELDS)
        audit_record(
            actor=actor, action=AuditLog.Action.UPDATE, obj=category, before=before, after=after
        )
    return category


def item_create(*, actor: User, catalogue: Catalogue, code: str, **fields: Any) -> Item:
    """Add an item to a catalogue that is not yet frozen (audited)."""
    _ensure_maintainer(actor, catalogue)
    reject_unknown_fields(fields, ITEM_FIELDS)
    if Item.objects.filter(catalogue=catalogue, code=code).exists():
        raise InvalidInput(
            _("数据有误，未保存。"),
            [{"field": "code", "value": code, "message": _("该代码已存在")}],
        )
    item = Item(catalogue=catalogue, code=code, **fields)
    _clean_or_raise(item, _check_kind_category(item))
    with transaction.atomic():
        item.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=item,
            after={"code": code, **_snapshot(item, ITEM_FIELDS)},
        )
    return item


def item_update(*, actor: User, item: Item, **fields: Any) -> Item:
    """Change an item of a catalogue that is not yet frozen (audited)."""
    _ensure_maintainer(actor, item.catalogue)
    reject_unknown_fields(fields, ITEM_FIELDS)
    before = _snapshot(item, ITEM_FIELDS)
    for field, value in fields.items():
        setattr(item, field, value)
    _clean_or_raise(item, _check_kind_category(item))
    with transaction.atomic():
        item.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            obj=item,
            before=before,
            after=_snapshot(item, ITEM_FIELDS),
        )
    return item
