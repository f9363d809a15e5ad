"""First-run setup: the province, city and county, the 三员 administrators and the first county
administrator; idempotent, never over real data."""

import pytest

from organizations.models import AuditLog, Organization, Role, User
from organizations.services.installation import installation_setup
from starrating.errors import Conflict, InvalidInput
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "province_name": "吉林省",
    "province_code": "22",
    "city_name": "白山市",
    "city_code": "2206",
    "county_name": "浑江区",
    "county_code": "220602",
    "username": "sysadmin",
    "password": "Xq7-county-setup",
}


def setup(**changes):
    return installation_setup(**{**ANSWERS, **changes})


@pytest.fixture
def bare_county(db):
    """A county alone, as a fresh install could have it (not the two-county cast)."""
    return OrganizationFactory(code="220602000000", name="浑江区", kind=Organization.Kind.COUNTY)


def test_creates_the_tree_the_three_administrators_and_a_county_administrator():
    result = setup()

    county = Organization.objects.get(kind="county")
    assert (county.code, county.name) == ("220602000000", "浑江区")
    assert (county.parent.code, county.parent.kind) == ("220600000000", "city")
    assert (county.parent.parent.code, county.parent.parent.name) == ("220000000000", "吉林省")
    admin = User.objects.get(username="sysadmin")
    assert admin.role == Role.SYSTEM_ADMIN and admin.organization == county
    assert admin.is_staff and admin.is_superuser and admin.check_password("Xq7-county-setup")
    others = {u.username: u for u in User.objects.exclude(username="sysadmin")}
    assert {u: others[u].role for u in others} == {
        "secadmin": Role.SECURITY_ADMIN,
        "auditadmin": Role.AUDIT_ADMIN,
        "countyadmin": Role.COUNTY_ADMIN,
    }
    assert not any(u.is_superuser for u in others.values())
    assert set(result.passwords) == set(others)
    assert all(others[u].check_password(pw) for u, pw in result.passwords.items())
    assert result.created == ["county", "admin", "secadmin", "auditadmin", "countyadmin"]
    created = AuditLog.objects.filter(action=AuditLog.Action.CREATE)
    assert created.count() == 5
    county_entry = created.get(object_type="organizations.Organization")
    assert county_entry.after["province"] == {"code": "220000000000", "name": "吉林省"}
    assert county_entry.after["city"] == {"code": "220600000000", "name": "白山市"}


def test_twelve_digit_codes_are_accepted():
    setup(province_code="220000000000", city_code="220600000000", county_code="220602000000")
    assert Organization.objects.get(kind="county").code == "220602000000"


def test_running_again_changes_nothing():
    setup()
    audit_rows = AuditLog.objects.count()

    result = setup(password="another-password-1")

    assert result.created == [] and result.passwords == {}
    assert Organization.objects.count() == 3 and User.objects.count() == 4
    assert AuditLog.objects.count() == audit_rows
    # not reset by a re-run
    assert User.objects.get(username="sysadmin").check_password("Xq7-county-setup")


def test_a_superuser_made_before_gets_the_role():
    User.objects.create_superuser("sysadmin", password="old-password-9")

    result = setup()

    admin = User.objects.get(username="sysadmin")
    assert admin.role == Role.SYSTEM_ADMIN and admin.organization.code == "220602000000"
    assert result.created == ["county", "admin-role", "secadmin", "auditadmin", "countyadmin"]
    assert admin.check_password("old-password-9")


def test_refuses_over_townships_and_villages(bare_county):
    OrganizationFactory(code="220602100000", name="红土崖镇", kind="township", parent=bare_county)

    with pytest.raises(Conflict) as exc:
        setup()

    assert "已有乡镇和村" in exc.value.message
    assert not User.objects.filter(username="sysadmin").exists()


def test_refuses_another_county(bare_county):
    with pytest.raises(Conflict) as exc:
        setup(county_name="江源区", county_code="220605")

    assert "浑江区" in exc.value.message
    assert Organization.objects.count() == 1


def test_refuses_when_other_accounts_exist(bare_county):
    UserFactory(username="someone", role=Role.AUDITOR, organization=bare_county)

    with pytest.raises(Conflict) as exc:
        setup()

    assert "其他有角色的账号" in exc.value.message


def test_a_different_name_for_the_same_code_is_refused(bare_county):
    with pytest.raises(Conflict):
        setup(county_name="浑江县")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"county_code": "22060"}, "county_code", "应为6位或12位数字"),
        ({"county_code": "220600"}, "county_code", "不是县级区划代码"),
        ({"city_code": "2306"}, "city_code", "前2位应与省代码一致"),
        ({"county_code": "220702"}, "county_code", "前4位应与市代码一致"),
        ({"province_code": "2a"}, "province_code", "应为2位或12位数字"),
        ({"county_name": " "}, "county_name", "不能为空"),
        ({"password": "123"}, "password", ""),
    ],
)
def test_bad_answers_are_listed_in_chinese_and_nothing_is_written(changes, field, words):
    with pytest.raises(InvalidInput) as exc:
        setup(**changes)

    problems = {e["field"]: e["message"] for e in exc.value.errors}
    assert field in problems and words in problems[field]
    assert not Organization.objects.exists() and not User.objects.exists()
