"""The admin by role: county staff read, each role edits what DOMAIN.md §1 gives it, every
edit is audited, nothing is deleted, and a county admin sees only its own county."""

import pytest
from django.urls import reverse

from assessments.models import EvaluationGroup
from indicators.models import Item
from indicators.services import catalogue_copy
from organizations.models import AuditLog, Organization, Role
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def staff(user):
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def other_county_village(db):
    county = OrganizationFactory(code="220605000000", name="江源区", kind=Organization.Kind.COUNTY)
    town = OrganizationFactory(
        code="220605100000", name="孙家堡子镇", kind="township", parent=county
    )
    return OrganizationFactory(code="220605100201", name="外县村", parent=town)


def test_county_admin_sees_only_its_county(client, county_admin, villages, other_county_village):
    client.force_login(staff(county_admin))

    page = client.get(reverse("admin:organizations_organization_changelist")).content.decode()

    assert "七道江村" in page and "外县村" not in page
    url = reverse("admin:organizations_organization_change", args=[other_county_village.pk])
    assert client.get(url).status_code == 404  # out of scope is not found, as in the API


def test_county_admin_edits_an_organization_and_it_is_audited(client, county_admin, village_a1):
    client.force_login(staff(county_admin))
    url = reverse("admin:organizations_organization_change", args=[village_a1.pk])
    data = {
        "code": village_a1.code,
        "name": "七道江村",
        "kind": "village",
        "parent": village_a1.parent_id,
        "party_body": "general_branch",
        "secretary_name": "李四",
        "member_count": 41,
        "is_active": "on",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    village_a1.refresh_from_db()
    assert village_a1.secretary_name == "李四"
    entry = AuditLog.objects.get(action=AuditLog.Action.UPDATE, object_id=str(village_a1.pk))
    assert entry.before["secretary_name"] == "张三" and entry.after["secretary_name"] == "李四"


def test_system_admin_cannot_grant_superuser(client, system_admin, assessor_a):
    client.force_login(staff(system_admin))
    url = reverse("admin:organizations_user_change", args=[assessor_a.pk])

    page = client.get(url).content.decode()

    assert 'name="is_superuser"' not in page and 'name="role"' in page


def test_groups_are_read_only_in_the_admin(
    client, county_admin, round_2024, village_a1, village_a2, evaluator
):
    """Groups are edited on their pages (回避 and one group per village enforced by the
    services, issue 14); the admin shows them only."""
    client.force_login(staff(county_admin))
    group = EvaluationGroup.objects.get(round=round_2024)
    url = reverse("admin:assessments_evaluationgroup_change", args=[group.pk])

    response = client.post(
        url,
        {
            "round": round_2024.pk,
            "name": group.name,
            "members": [evaluator.pk],
            "villages": [village_a1.pk, village_a2.pk],
        },
    )

    assert response.status_code == 403
    assert list(group.villages.all()) == [village_a1]
    assert client.get(url).status_code == 200


def test_maintainer_edits_an_unfrozen_catalogue_item_only(
    client, maintainer, catalogue, round_2024
):
    client.force_login(staff(maintainer))
    frozen_item = Item.objects.get(catalogue=catalogue, code="SJ01")
    draft = catalogue_copy(actor=maintainer, catalogue=catalogue, name="2025版", year=2025)
    item = Item.objects.get(catalogue=draft, code="SJ01")
    data = {
        "catalogue": draft.pk,
        "category": item.category_id,
        "code": "SJ01",
        "title": "新的指标内容",
        "guidance": item.guidance,
        "evidence": item.evidence,
        "max_points": "3.00",
        "kind": "scored",
        "position": item.position,
    }

    response = client.post(reverse("admin:indicators_item_change", args=[item.pk]), data)
    refused = client.post(
        reverse("admin:indicators_item_change", args=[frozen_item.pk]),
        {**data, "catalogue": catalogue.pk, "category": frozen_item.category_id},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "新的指标内容"
    assert AuditLog.objects.filter(object_id=str(item.pk), action=AuditLog.Action.UPDATE).exists()
    assert refused.status_code == 403
    frozen_item.refresh_from_db()
    assert frozen_item.title != "新的指标内容"
    assert client.get(reverse("admin:organizations_organization_changelist")).status_code == 403


def test_auditor_reads_the_audit_log_and_changes_nothing(client, auditor, village_a1):
    client.force_login(staff(auditor))

    assert client.get(reverse("admin:organizations_auditlog_changelist")).status_code == 200
    url = reverse("admin:organizations_organization_change", args=[village_a1.pk])
    response = client.post(url, {"code": village_a1.code, "name": "改名"})

    assert response.status_code == 403
    village_a1.refresh_from_db()
    assert village_a1.name == "七道江村"


def test_a_township_assessor_marked_staff_gets_nothing(client, assessor_a):
    client.force_login(staff(assessor_a))

    assert client.get(reverse("admin:organizations_organization_changelist")).status_code == 403
    assert client.get(reverse("admin:organizations_auditlog_changelist")).status_code == 403


def test_nothing_can_be_deleted(client, county_admin, village_a1):
    superuser = UserFactory(
        username="root",
        role=Role.SYSTEM_ADMIN,
        organization=county_admin.organization,
        is_superuser=True,
        is_staff=True,
    )
    client.force_login(superuser)
    url = reverse("admin:organizations_organization_delete", args=[village_a1.pk])

    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Organization.objects.filter(pk=village_a1.pk).exists()
