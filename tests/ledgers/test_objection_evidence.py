"""Evidence files on a publicity objection: uploaded by its lodger (whatever village it names)
or the county admin while it is pending, seen only by those who see the objection."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from ledgers import selectors, services
from starrating.errors import Conflict, NotPermitted
from tests.ledgers.test_api_evidence import PDF, pdf
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def objection(scored_round, county_admin, assessor_b, village_a1):
    assessment_services.round_advance(actor=county_admin, round_=scored_round)
    a1 = scored_round.assessments.get(organization=village_a1)
    return assessment_services.objection_lodge(
        actor=assessor_b, round_=scored_round, assessment=a1, issue="数据有误"
    )


def test_the_lodger_uploads_and_only_objection_readers_see_it(
    api, objection, assessor_b, assessor_a, county_admin, secretary_a1, media_root
):
    # 六道江镇's assessor objects about 七道江村 (another township's village) with a file.
    evidence = services.evidence_upload(actor=assessor_b, upload=pdf(), objection=objection)
    assert evidence.organization == objection.assessment.organization

    assert selectors.evidence_for_user(assessor_b).filter(pk=evidence.pk).exists()
    assert selectors.evidence_for_user(county_admin).filter(pk=evidence.pk).exists()
    # The village named and its township do not see who complained with what.
    for user in (assessor_a, secretary_a1):
        assert not selectors.evidence_for_user(user).filter(pk=evidence.pk).exists()
    listed = api.as_(assessor_b).get(f"/api/v1/evidence/?objection={objection.pk}")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert api.as_(assessor_a).get(f"/api/v1/evidence/?objection={objection.pk}").status_code == 404


def test_others_cannot_upload_and_a_handled_objection_is_closed(
    objection, assessor_a, county_admin, media_root
):
    with pytest.raises(NotPermitted):
        services.evidence_upload(actor=assessor_a, upload=pdf(), objection=objection)
    services.evidence_upload(actor=county_admin, upload=pdf(), objection=objection)
    assessment_services.objection_handle(
        actor=county_admin, objection=objection, decision="rejected", reply="无误"
    )
    with pytest.raises(Conflict):
        services.evidence_upload(actor=county_admin, upload=pdf(), objection=objection)


def test_upload_from_the_objections_page(client, objection, assessor_b, media_root):
    page = reverse("objections", args=[objection.round_id])
    response = as_user(client, assessor_b).post(
        reverse("evidence_upload"),
        {"target": "objection", "target_id": objection.pk, "file": pdf(), "next": page},
    )
    assert response.status_code == 302
    html = client.get(page).content.decode()
    assert "整改报告.pdf" in html and len(PDF) > 0
