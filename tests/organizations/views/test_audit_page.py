"""The auditor's page over the audit log, its Excel export and its API: one county's rows,
Chinese names, readable before → after, local time, filters in the URL, pages."""

import io
from datetime import UTC, datetime
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Round
from organizations.models import AuditLog, Organization, Role
from organizations.services import audit_record
from tests.conftest import move_to
from tests.factories import OrganizationFactory, UserFactory
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_county(db):
    """A second county with a township, a village and an auditor, built here."""
    county = OrganizationFactory(code="220603000000", name="江源区", kind=Organization.Kind.COUNTY)
    township = OrganizationFactory(
        code="220603100000", name="孙家堡子街道", kind=Organization.Kind.STREET, parent=county
    )
    village = OrganizationFactory(code="220603100201", name="外县村", parent=township)
    auditor = UserFactory(username="auditor_other", role=Role.AUDITOR, organization=county)
    return {"county": county, "village": village, "auditor": auditor}


@pytest.fixture
def rows(county_admin, village_a1, village_b1, other_county):
    """Rows in both counties; one at 2024-06-30 17:30 UTC (2024-07-01 01:30 in Beijing)."""
    with mock.patch(
        "django.utils.timezone.now", return_value=datetime(2024, 6, 30, 17, 30, tzinfo=UTC)
    ):
        mine = audit_record(
            actor=county_admin,
            action=AuditLog.Action.UPDATE,
            obj=village_a1,
            before={"secretary_name": "张三", "member_count": 30},
            after={"secretary_name": "李四", "member_count": 30},
            ip="10.1.2.3",
        )
    audit_record(actor=county_admin, action=AuditLog.Action.CREATE, obj=village_b1, after={})
    theirs = audit_record(
        actor=other_county["auditor"],
        action=AuditLog.Action.UPDATE,
        obj=other_county["village"],
        after={"secretary_name": '=HYPERLINK("http://x")'},
    )
    return {"mine": mine, "theirs": theirs}


def test_the_auditor_reads_their_county_in_chinese_and_local_time(client, auditor, rows):
    response = as_user(client, auditor).get(reverse("audit_log"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "2024-07-01 01:30:00" in html  # Asia/Shanghai, not UTC
    assert "书记姓名：张三 → 李四" in html and "党员人数" not in html  # changed fields only
    assert "修改" in html and "组织" in html and "10.1.2.3" in html
    assert "外县村" not in html  # another county's row
    actions = [r["entry"].action for r in response.context["entries"]]
    assert sorted(actions) == ["create", "login", "update"]  # signing in was audited too


def test_filters_are_kept_in_the_url(client, auditor, rows, village_a1):
    query = f"?action=update&village={village_a1.pk}&date_from=2024-07-01&date_to=2024-07-01"

    response = as_user(client, auditor).get(reverse("audit_log") + query)

    assert [r["entry"].pk for r in response.context["entries"]] == [rows["mine"].pk]
    html = response.content.decode()
    assert f'value="{village_a1.pk}" selected' in html
    assert "action=update" in html  # the export link carries the filters


def test_a_date_range_excludes_the_next_beijing_day(client, auditor, rows):
    response = as_user(client, auditor).get(reverse("audit_log") + "?date_to=2024-06-30")

    assert rows["mine"].pk not in [r["entry"].pk for r in response.context["entries"]]


def test_pages_of_fifty(client, auditor, county_admin, village_a1):
    for n in range(55):
        audit_record(actor=county_admin, action=AuditLog.Action.UPDATE, obj=village_a1, reason=n)

    first = as_user(client, auditor).get(reverse("audit_log") + "?action=update")
    second = client.get(reverse("audit_log") + "?action=update&page=2")

    assert len(first.context["entries"]) == 50 and len(second.context["entries"]) == 5
    assert "action=update&amp;page=2" in first.content.decode()


def test_the_audit_administrator_reads_and_the_county_admin_does_not(
    client, audit_admin, county_admin, rows
):
    """三员: who runs the rating year (and changes scores) does not read the audit log."""
    assert as_user(client, audit_admin).get(reverse("audit_log")).status_code == 200
    assert as_user(client, county_admin).get(reverse("audit_log")).status_code == 403


@pytest.mark.parametrize("who", ["assessor_a", "reviewer", "secretary_a1", "evaluator"])
def test_business_roles_are_refused(client, request, who, rows):
    response = as_user(client, request.getfixturevalue(who)).get(reverse("audit_log"))

    assert response.status_code == 403
    assert (
        as_user(client, request.getfixturevalue(who)).get(reverse("audit_export")).status_code
        == 403
    )


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(reverse("audit_log")).status_code == 302


def test_the_page_accepts_only_get(client, auditor):
    assert as_user(client, auditor).post(reverse("audit_log")).status_code == 405


def test_excel_export_has_the_filtered_rows_as_text_and_is_audited(
    client, auditor, rows, other_county
):
    response = as_user(client, auditor).get(reverse("audit_export") + "?action=update")

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["时间", "操作人", "IP地址", "操作"]
    assert len(values) == 2  # header + the one update of this county
    assert values[1][0] == "2024-07-01 01:30:00" and values[1][3] == "修改"
    assert "书记姓名：张三 → 李四" in values[1][7]
    assert all(c.data_type == "s" for c in sheet[2] if c.value is not None)  # text, never formula
    export = AuditLog.objects.get(action=AuditLog.Action.EXPORT, actor=auditor)
    assert export.after["rows"] == 1 and export.after["action"] == "update"


def test_another_countys_formula_like_text_stays_text(client, other_county, rows):
    response = as_user(client, other_county["auditor"]).get(
        reverse("audit_export") + "?action=update"
    )

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=8)
    assert cell.data_type == "s" and cell.value.startswith("书记姓名：— → =HYPERLINK")


# --- API ----------------------------------------------------------------------------------


def test_api_lists_the_auditors_county_with_labels(api, auditor, rows):
    response = api.as_(auditor).get("/api/v1/audit-log/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    mine = next(r for r in body["results"] if r["id"] == rows["mine"].pk)
    assert mine["action_label"] == "修改" and mine["object_type_label"] == "组织"
    assert mine["at"].startswith("2024-07-01T01:30:00") and mine["at"].endswith("+08:00")
    assert mine["diff"] == [{"field": "书记姓名", "old": "张三", "new": "李四"}]


def test_api_filters_and_pages(api, auditor, rows, village_a1):
    response = api.as_(auditor).get(
        f"/api/v1/audit-log/?village={village_a1.pk}&action=update&page_size=1"
    )

    assert [r["id"] for r in response.json()["results"]] == [rows["mine"].pk]
    assert api.as_(auditor).get("/api/v1/audit-log/?action=nonsense").status_code == 400
    assert api.as_(auditor).get("/api/v1/audit-log/?date_from=yesterday").status_code == 400


@pytest.mark.parametrize("who", ["county_admin", "assessor_a", "reviewer"])
def test_api_is_for_the_auditor_only(api, request, who):
    response = api.as_(request.getfixturevalue(who)).get("/api/v1/audit-log/")

    assert response.status_code == 403


def test_api_refuses_anonymous_and_writes(api, auditor):
    assert api.get("/api/v1/audit-log/").status_code == 401
    assert api.as_(auditor).post("/api/v1/audit-log/", {}, format="json").status_code == 405


# --- a village's score history ------------------------------------------------------------


def test_the_village_page_shows_who_changed_which_item(
    client, county_admin, assessor_a, secretary_a1, round_2024, village_a1
):
    move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)
    assessment = Assessment.objects.get(round=round_2024, organization=village_a1)
    services.scores_save(
        actor=assessor_a, assessment=assessment, stage="township", scores={"SJ01": "2"}
    )
    services.scores_save(
        actor=assessor_a, assessment=assessment, stage="township", scores={"SJ01": "3"}
    )

    response = as_user(client, county_admin).get(reverse("village", args=[village_a1.pk]))

    lines = [(x["stage"], x["item"], x["old"], x["new"]) for x in response.context["history"]]
    assert lines[:2] == [("镇街初评", "SJ01", "2.00", "3.00"), ("镇街初评", "SJ01", None, "2.00")]
    assert "SJ01" in response.content.decode()
    # The village secretary may not read the township's working sheet: no lines for it.
    response = as_user(client, secretary_a1).get(reverse("village", args=[village_a1.pk]))
    assert response.context["history"] == []


# --- issue 12: choices in Chinese, the audit administrator in the API ---------------------


def test_choice_values_read_in_chinese(client, auditor, county_admin, reviewer, round_2024):
    """Not ``"status":"pending"``: the diff shows 状态：待确认 → 已确认, and a finding's item
    kind (a field of another model) as 否决项."""
    from assessments.models import Finding

    assessment = Assessment.objects.filter(round=round_2024).first()
    finding = services.finding_create(
        actor=reviewer, assessment=assessment, item_code="FJ01", evidence="立案审查"
    )
    services.finding_confirm(actor=county_admin, finding=finding)

    response = as_user(client, auditor).get(
        reverse("audit_log") + "?object_type=assessments.Finding"
    )

    html = response.content.decode()
    assert "状态：待确认 → 已确认" in html
    assert "否决项" in html and "pending" not in html and "confirmed" not in html
    assert Finding.Status.PENDING.label == "待确认"


def test_the_audit_administrator_reads_the_api_too(api, audit_admin, rows):
    response = api.as_(audit_admin).get("/api/v1/audit-log/?action=update")

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [rows["mine"].pk]


def test_a_snapshot_of_a_reverse_relation_is_named_by_its_model(
    client, auditor, county_admin, round_2024
):
    """Snapshots may carry a model's children (a catalogue's items, a round's reviewing
    departments): the line is named by the children's model, and the page does not fail."""
    round_ = round_2024
    audit_record(
        actor=county_admin,
        action=AuditLog.Action.CREATE,
        obj=round_.catalogue,
        after={"items": 24},
    )
    audit_record(
        actor=county_admin,
        action=AuditLog.Action.UPDATE,
        obj=round_,
        before={"review_departments": ["财政局"]},
        after={"review_departments": []},
    )
    response = as_user(client, auditor).get(reverse("audit_log"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "指标项：" in html and "24" in html
    assert "财政局" in html
