"""Township entries on the ledger (issue 16 part 3): only for 述职评议 problems of a township
secretary; in reach of the county's staff and of that township's own users, never of another
township, a village secretary or another county; shown on the list, detail and API; reminded
to the township itself."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ledgers import policies, services
from ledgers.models import Rectification, Reminder
from starrating.errors import InvalidInput, NotPermitted
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def township_entry(county_admin, township_a):
    return services.rectification_create(
        actor=county_admin,
        organization=township_a,
        source=Rectification.Source.REVIEW,
        problem="述职评议：党建与业务融合不够",
        measures="制定融合清单",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        responsible_person="张书记",
    )


def test_reach_by_role(
    township_a,
    county_admin,
    auditor,
    evaluator,
    assessor_a,
    assessor_b,
    secretary_a1,
    county_admin2,
):
    assert policies.in_reach(county_admin, township_a)
    assert policies.in_reach(auditor, township_a)
    assert policies.in_reach(evaluator, township_a)
    assert policies.in_reach(assessor_a, township_a)
    for user in (assessor_b, secretary_a1, county_admin2):
        assert not policies.in_reach(user, township_a)


def test_only_review_problems_and_only_in_reach(county_admin, assessor_b, township_a, county):
    fields = {
        "problem": "x",
        "measures": "y",
        "deadline": timezone.localdate().isoformat(),
        "responsible_person": "z",
    }
    for source in (Rectification.Source.MANUAL, Rectification.Source.VISIT):
        with pytest.raises(InvalidInput):
            services.rectification_create(
                actor=county_admin, organization=township_a, source=source, **fields
            )
    with pytest.raises(NotPermitted):
        services.rectification_create(
            actor=assessor_b, organization=township_a, source="review", **fields
        )
    with pytest.raises(NotPermitted):  # the county itself is never on the ledger
        services.rectification_create(
            actor=county_admin, organization=county, source="review", **fields
        )


def test_pages_and_api_show_it_to_its_township_only(
    client, api, township_entry, assessor_a, assessor_b, secretary_a1, county_admin
):
    detail = reverse("ledger_detail", args=[township_entry.pk])
    html = as_user(client, assessor_a).get(reverse("ledger_list")).content.decode()
    assert "党建与业务融合不够" in html and "（乡镇本级）" in html
    assert as_user(client, assessor_a).get(detail).status_code == 200
    for user in (assessor_b, secretary_a1):
        assert as_user(client, user).get(detail).status_code == 404
    as_user(client, county_admin)
    assert client.get(detail).status_code == 200
    url = f"/api/v1/rectifications/{township_entry.pk}/"
    body = api.as_(assessor_a).get(url)
    assert body.status_code == 200
    assert body.json()["township_name"] == township_entry.organization.name
    assert api.as_(assessor_b).get(url).status_code == 404


def test_reminders_go_to_the_township(township_entry, assessor_a, assessor_b, county_admin):
    today = timezone.localdate()
    Rectification.objects.filter(pk=township_entry.pk).update(
        deadline=today - datetime.timedelta(days=1)
    )
    services.reminders_build(today=today)
    assert Reminder.objects.filter(user=assessor_a, key=f"overdue:{township_entry.pk}").exists()
    assert not Reminder.objects.filter(user=assessor_b).exists()
    assert Reminder.objects.filter(user=county_admin, kind="ledger_overdue").exists()
