"""Writes of the catalogue: loading the published JSON form and copying to a new year."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from organizations.models import AuditLog, User
from organizations.services import audit_record
from starrating.errors import Conflict, InvalidInput, NotPermitted

from .models import Catalogue, Category, Item


def catalogue_load(*, data: dict[str, Any], actor: User | None = None) -> Catalogue:
    """Create a catalogue from its JSON form (``fixtures/catalogue_2024.json``); idempotent by
    name: an existing catalogue of that name is returned untouched."""
    existing = Catalogue.objects.filter(name=data["name"]).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        catalogue = Catalogue.objects.create(
            name=data["name"], year=data["year"], description=data.get("description", "")
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
        )
    return catalogue


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


def catalogue_copy(*, actor: User | None, catalogue: Catalogue, name: str, year: int) -> Catalogue:
    """Copy a catalogue (categories and items) to a new, editable one for another year."""
    if actor is not None and not (
        actor.is_superuser or actor.has_role("indicator_maintainer", "county_admin")
    ):
        raise NotPermitted(_("只有指标维护员或县级管理员可以复制指标体系。"))
    if not name.strip():
        raise InvalidInput(_("请填写新指标体系的名称。"), [{"field": "name", "message": _("必填")}])
    if Catalogue.objects.filter(name=name).exists():
        raise Conflict(_("名称为“%(n)s”的指标体系已存在。") % {"n": name})
    with transaction.atomic():
        copy = Catalogue.objects.create(
            name=name, year=year, description=catalogue.description, copied_from=catalogue
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
        )
    return copy
