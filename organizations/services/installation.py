"""First-run setup of an installation: the province, city and county at the top of the tree,
the system administrator (the superuser of the install, role 系统管理员), the two other
administrators of 三员 (security and audit) and the county's first business administrator (the
organization department's account that runs the rating year).

Run by ``manage.py setup`` (which also loads the catalogue, an app above this one).
Idempotent: run again with the same answers it changes nothing. It refuses to run over real
data — another county, townships or villages already entered, or other accounts — so a typo
on a working server cannot re-root the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organizations.initials import name_initials
from organizations.models import AuditLog, Organization, Role, User
from starrating.errors import Conflict, InvalidInput

from .audit import audit_record
from .users import password_generate

# The accounts setup makes beside the system administrator: username, role, name.
OTHER_ACCOUNTS = (
    ("secadmin", Role.SECURITY_ADMIN, "安全管理员"),
    ("auditadmin", Role.AUDIT_ADMIN, "安全审计员"),
    ("countyadmin", Role.COUNTY_ADMIN, "县级管理员（组织部）"),
)


@dataclass
class SetupResult:
    county: Organization
    admin: User
    created: list[str] = field(default_factory=list)  # what this run created, for the report
    # username → initial password of the other accounts this run created (shown once)
    passwords: dict[str, str] = field(default_factory=dict)


def _code12(value: str, *, field_name: str, label: str, digits: int) -> tuple[str, list[dict]]:
    """``22`` / ``2206`` / ``220602`` or the 12-digit form → 12 digits with only the first
    ``digits`` significant (statistical division codes: province 2, city 4, county 6)."""
    raw = (value or "").strip()
    if not re.fullmatch(r"\d+", raw) or len(raw) not in (digits, 12):
        return "", [
            {
                "field": field_name,
                "message": _(
                    "%(label)s代码应为%(digits)d位或12位数字（统计用区划代码），收到“%(value)s”。"
                )
                % {"label": label, "digits": digits, "value": raw},
            }
        ]
    code = raw.ljust(12, "0")
    if code[digits:] != "0" * (12 - digits) or code[digits - 2 : digits] == "00":
        return "", [
            {
                "field": field_name,
                "message": _("“%(value)s”不是%(label)s级区划代码。")
                % {"value": raw, "label": label},
            }
        ]
    return code, []


def installation_setup(
    *,
    province_name: str,
    province_code: str,
    city_name: str,
    city_code: str,
    county_name: str,
    county_code: str,
    username: str,
    password: str,
    full_name: str = "",
) -> SetupResult:
    """Create (or find, unchanged) the county and its system administrator."""
    errors: list[dict] = []
    for name, label, value in (
        ("province_name", _("省（自治区、直辖市）名称"), province_name),
        ("city_name", _("市（州、盟）名称"), city_name),
        ("county_name", _("县（市、区）名称"), county_name),
        ("username", _("管理员用户名"), username),
    ):
        if not (value or "").strip():
            errors.append({"field": name, "message": _("%(label)s不能为空。") % {"label": label}})
    province, problems = _code12(province_code, field_name="province_code", label=_("省"), digits=2)
    errors += problems
    city, problems = _code12(city_code, field_name="city_code", label=_("市"), digits=4)
    errors += problems
    county, problems = _code12(county_code, field_name="county_code", label=_("县"), digits=6)
    errors += problems
    if province and city and city[:2] != province[:2]:
        errors.append(
            {
                "field": "city_code",
                "message": _("市代码的前2位应与省代码一致（%(p)s）。") % {"p": province[:2]},
            }
        )
    if city and county and county[:4] != city[:4]:
        errors.append(
            {
                "field": "county_code",
                "message": _("县代码的前4位应与市代码一致（%(c)s）。") % {"c": city[:4]},
            }
        )
    if errors:
        raise InvalidInput(_("初始化参数有误，未做任何修改。"), errors)

    county_name, username = county_name.strip(), username.strip()
    with transaction.atomic():
        existing = Organization.objects.select_for_update().filter(kind=Organization.Kind.COUNTY)
        others = [c for c in existing if c.code != county]
        if others:
            raise Conflict(
                _("系统已初始化为“%(county)s”，不能再初始化为其他区县。") % {"county": others[0]},
                [{"field": "county_code", "message": _("已有其他区县的数据。")}],
            )
        if Organization.objects.exclude(
            kind__in=[
                Organization.Kind.COUNTY,
                Organization.Kind.CITY,
                Organization.Kind.PROVINCE,
            ]
        ).exists():
            raise Conflict(
                _("系统中已有乡镇和村的数据，初始化只能在新安装的系统上运行。"),
                [{"field": "county_code", "message": _("已录入组织机构。")}],
            )
        ours = [username, *(name for name, _role, _label in OTHER_ACCOUNTS)]
        if User.objects.exclude(username__in=ours).filter(role__gt="").exists():
            raise Conflict(
                _("系统中已有其他有角色的账号，初始化只能在新安装的系统上运行。"),
                [{"field": "username", "message": _("已有其他账号。")}],
            )

        result_county = next(iter(existing), None)
        created: list[str] = []
        if result_county is None:
            province_org, _new = Organization.objects.get_or_create(
                code=province,
                defaults={
                    "name": province_name.strip(),
                    "name_initials": name_initials(province_name.strip()),
                    "kind": Organization.Kind.PROVINCE,
                },
            )
            city_org, _new = Organization.objects.get_or_create(
                code=city,
                defaults={
                    "name": city_name.strip(),
                    "name_initials": name_initials(city_name.strip()),
                    "kind": Organization.Kind.CITY,
                    "parent": province_org,
                },
            )
            result_county = Organization.objects.create(
                code=county,
                name=county_name,
                name_initials=name_initials(county_name),
                kind=Organization.Kind.COUNTY,
                parent=city_org,
            )
            audit_record(
                actor=None,
                action=AuditLog.Action.CREATE,
                obj=result_county,
                after={
                    "code": county,
                    "name": county_name,
                    "province": {"code": province, "name": province_name.strip()},
                    "city": {"code": city, "name": city_name.strip()},
                },
                reason=_("系统初始化"),
            )
            created.append("county")
        elif result_county.name != county_name:
            raise Conflict(
                _("区划代码%(code)s已登记为“%(name)s”，与输入的名称不一致。")
                % {"code": county, "name": result_county.name},
                [{"field": "county_name", "message": _("名称不一致。")}],
            )

        admin = User.objects.filter(username=username).first()
        if admin is None:
            user = User(username=username, full_name=full_name or _("系统管理员"))
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise InvalidInput(
                    _("管理员密码不符合要求。"),
                    [{"field": "password", "message": m} for m in exc.messages],
                ) from exc
            user.set_password(password)
            user.role = Role.SYSTEM_ADMIN
            user.organization = result_county
            user.is_staff = user.is_superuser = True
            user.save()
            audit_record(
                actor=None,
                action=AuditLog.Action.CREATE,
                obj=user,
                after={"username": username, "role": Role.SYSTEM_ADMIN, "is_staff": True},
                reason=_("系统初始化"),
            )
            created.append("admin")
        else:
            # A superuser made with createsuperuser before setup gets its role here, so it can
            # also use the product's pages ("未分配角色" otherwise).
            changed = {}
            if admin.role != Role.SYSTEM_ADMIN or admin.organization_id != result_county.pk:
                changed = {"role": Role.SYSTEM_ADMIN, "organization": result_county.pk}
                admin.role, admin.organization = Role.SYSTEM_ADMIN, result_county
            if not (admin.is_staff and admin.is_superuser and admin.is_active):
                changed.update(is_staff=True, is_superuser=True, is_active=True)
                admin.is_staff = admin.is_superuser = admin.is_active = True
            if changed:
                admin.save()
                audit_record(
                    actor=None,
                    action=AuditLog.Action.UPDATE,
                    obj=admin,
                    after=changed,
                    reason=_("系统初始化"),
                )
                created.append("admin-role")
        passwords = _other_accounts(result_county, created)
    return SetupResult(
        county=result_county, admin=admin or user, created=created, passwords=passwords
    )


def _other_accounts(county: Organization, created: list[str]) -> dict[str, str]:
    """The security and audit administrators and the first county administrator, each with a
    new random password (returned once, to be handed over and changed), if not there yet."""
    passwords = {}
    for username, role, label in OTHER_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        password = password_generate()
        user = User(
            username=username, full_name=label, role=role, organization=county, is_staff=True
        )
        user.set_password(password)
        user.save()
        audit_record(
            actor=None,
            action=AuditLog.Action.CREATE,
            obj=user,
            after={"username": username, "role": role},
            reason=_("系统初始化"),
        )
        created.append(username)
        passwords[username] = password
    return passwords
