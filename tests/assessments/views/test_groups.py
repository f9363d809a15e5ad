"""Evaluation group pages (issue 14, item 6): the round's groups with the check and progress, a
group's members and villages, the 回避 relations — the STYLE checklist on each."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import EvaluationGroup, RecusalRelation, Round
from organizations.models import AuditLog, Role
from tests.conftest import move_to
from tests.factories import UserFactory
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(round_2024):
    return EvaluationGroup.objects.get(round=round_2024, name="第一考评组")


def groups_url(round_):
    return reverse("groups", args=[round_.pk])


def edit_url(group):
    return reverse("group_edit", args=[group.pk])


# --- the round's groups -------------------------------------------------------------------


def test_groups_page_shows_check_and_progress(
    client, county_admin, round_2024, group, django_assert_max_num_queries
):
    as_user(client, county_admin)
    with django_assert_max_num_queries(14):
        response = client.get(groups_url(round_2024))
    assert response.status_code == 200
    html = response.content.decode()
    assert "第一考评组" in html and "0 / 1" in html
    assert "未分配 2 个村" in html and "新兴村" in html and "六道江村" in html
    assert "新建考评组" in html


def test_groups_page_create(client, county_admin, round_2024):
    response = as_user(client, county_admin).post(groups_url(round_2024), {"name": "第二考评组"})
    group = EvaluationGroup.objects.get(round=round_2024, name="第二考评组")
    assert response.status_code == 302 and response.url == edit_url(group)


def test_groups_page_bad_input_is_400_with_message(client, county_admin, round_2024):
    response = as_user(client, county_admin).post(groups_url(round_2024), {"name": "第一考评组"})
    assert response.status_code == 400
    assert "本轮已有名为“第一考评组”的考评组" in response.content.decode()


def test_groups_page_refusals(
    client, round_2024, round2, assessor_a, auditor, evaluator, county_admin
):
    assert client.get(groups_url(round_2024)).status_code == 302  # anonymous → login
    assert as_user(client, assessor_a).get(groups_url(round_2024)).status_code == 403
    assert as_user(client, county_admin).get(groups_url(round2)).status_code == 404
    # The auditor reads, never writes.
    assert as_user(client, auditor).get(groups_url(round_2024)).status_code == 200
    assert as_user(client, auditor).post(groups_url(round_2024), {"name": "X"}).status_code == 403
    # An evaluator sees their own group only, and no check of the whole county.
    response = as_user(client, evaluator).get(groups_url(round_2024))
    assert response.status_code == 200 and response.context["coverage"] is None
    assert [p["group"].name for p in response.context["progress"]] == ["第一考评组"]
    assert as_user(client, county_admin).put(groups_url(round_2024)).status_code == 405
    assert not EvaluationGroup.objects.filter(name="X").exists()


def test_groups_locked_stage_refused(client, county_admin, round_2024):
    move_to(round_2024, Round.Status.PUBLISHED)
    response = as_user(client, county_admin).post(groups_url(round_2024), {"name": "迟到的组"})
    assert response.status_code == 409
    assert "不能再修改" in response.content.decode()


def test_round_overview_shows_group_progress(client, county_admin, round_2024, group):
    response = as_user(client, county_admin).get(reverse("round_overview", args=[round_2024.pk]))
    html = response.content.decode()
    assert "各考评组进度" in html and "考评组分组检查未通过" in html


# --- one group ----------------------------------------------------------------------------


def test_group_edit_members_and_villages(
    client, county_admin, county, group, village_a1, village_b1
):
    member = UserFactory(
        username="ev2", full_name="王考评", role=Role.EVALUATOR, organization=county
    )
    as_user(client, county_admin)
    assert "王考评" in client.get(edit_url(group)).content.decode()

    response = client.post(edit_url(group), {"action": "members", "members": [member.pk]})
    assert response.status_code == 302
    assert list(group.members.all()) == [member]
    response = client.post(
        edit_url(group), {"action": "villages", "villages": [village_a1.pk, village_b1.pk]}
    )
    assert response.status_code == 302
    assert set(group.villages.all()) == {village_a1, village_b1}
    assert AuditLog.objects.filter(object_type="assessments.EvaluationGroup").count() == 2


def test_group_edit_recusal_refused_naming_member_and_village(
    client, county_admin, county, group, township_b, village_b1, evaluator
):
    services.recusal_create(
        actor=county_admin, user=evaluator, organization=township_b, reason="在六道江镇工作"
    )
    response = as_user(client, county_admin).post(
        edit_url(group), {"action": "villages", "villages": [village_b1.pk]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "回避" in html and "evaluator" in html and "六道江村" in html
    assert not group.villages.filter(pk=village_b1.pk).exists()


def test_group_edit_bad_ids_and_refusals(
    client, county_admin, group, round2, village2, assessor_a, auditor, county_admin2
):
    as_user(client, county_admin)
    response = client.post(edit_url(group), {"action": "villages", "villages": [village2.pk]})
    assert response.status_code == 400 and "不存在或不在本区县" in response.content.decode()
    assert client.post(edit_url(group), {"action": "nope"}).status_code == 400
    assert client.delete(edit_url(group)).status_code == 405
    assert as_user(client, assessor_a).get(edit_url(group)).status_code == 403
    assert as_user(client, auditor).get(edit_url(group)).status_code == 200
    response = as_user(client, auditor).post(edit_url(group), {"action": "rename", "name": "X"})
    assert response.status_code == 403
    assert as_user(client, county_admin2).get(edit_url(group)).status_code == 404
    group.refresh_from_db()
    assert group.name == "第一考评组"


# --- 回避 relations -----------------------------------------------------------------------


def test_recusals_page_create_and_end(client, county_admin, evaluator, township_b):
    as_user(client, county_admin)
    response = client.post(
        reverse("recusals"),
        {"user": evaluator.pk, "organization": township_b.pk, "kind": "works_in", "reason": "任职"},
    )
    assert response.status_code == 302
    relation = RecusalRelation.objects.get()
    assert "六道江镇" in client.get(reverse("recusals")).content.decode()

    response = client.post(reverse("recusal_end", args=[relation.pk]), {"reason": ""})
    assert response.status_code == 400
    response = client.post(reverse("recusal_end", args=[relation.pk]), {"reason": "已调离"})
    assert response.status_code == 302
    relation.refresh_from_db()
    assert not relation.is_active


def test_recusals_page_refusals(
    client, county_admin, county_admin2, auditor, assessor_a, evaluator, township2
):
    assert client.get(reverse("recusals")).status_code == 302
    assert as_user(client, assessor_a).get(reverse("recusals")).status_code == 403
    assert as_user(client, auditor).get(reverse("recusals")).status_code == 200
    body = {"user": evaluator.pk, "organization": township2.pk, "reason": "x"}
    assert as_user(client, auditor).post(reverse("recusals"), body).status_code == 403
    response = as_user(client, county_admin).post(reverse("recusals"), body)
    assert response.status_code == 400  # another county's township is not found
    assert RecusalRelation.objects.count() == 0


def test_recusal_of_another_county_is_not_found(client, county_admin, county_admin2, township2):
    other = UserFactory(username="ev_fs", role=Role.EVALUATOR, organization=township2.parent)
    relation = services.recusal_create(
        actor=county_admin2, user=other, organization=township2, reason="任职"
    )
    response = as_user(client, county_admin).post(
        reverse("recusal_end", args=[relation.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    relation.refresh_from_db()
    assert relation.is_active
