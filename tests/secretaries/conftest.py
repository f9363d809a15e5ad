"""Fixtures of the secretary-project tests: this year's list of the county (one mandatory
item for every committee, one for townships, one optional) and projects of townships A and B."""

from __future__ import annotations

import pytest
from django.utils import timezone

from secretaries import services


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def options(county_admin, year):
    make = lambda title, kind, applies="all": services.option_create(  # noqa: E731
        actor=county_admin, year=year, title=title, kind=kind, applies_to=applies
    )
    return {
        "three": make("基层党建“三化”建设", "mandatory"),
        "economy": make("党建+村级集体经济", "mandatory", "township"),
        "stars": make("党员评星定级", "optional"),
        "street": make("小区值日生", "optional", "street"),
    }


def claim(actor, option, **fields):
    return services.project_claim(
        actor=actor, option=option, goal="年底前完成", plan="一套方案", team="专班五人", **fields
    )


@pytest.fixture
def project_a(assessor_a, options):
    return claim(assessor_a, options["three"])


@pytest.fixture
def approved_a(county_admin, assessor_a, options, project_a):
    claim(assessor_a, options["economy"])
    services.project_submit(actor=assessor_a, project=project_a)
    return services.project_review(actor=county_admin, project=project_a, decision="approve")


@pytest.fixture
def project_b(assessor_b, options):
    return claim(assessor_b, options["three"])


# --- 述职评议 -------------------------------------------------------------------------------


@pytest.fixture
def review(county_admin, township_a, township_b, year):
    """This year's township-secretary review of the county (townships A and B), in draft."""
    return services.session_create(
        actor=county_admin,
        level="township",
        year=year,
        title=f"{year}年度乡镇党委书记抓基层党建述职评议考核",
        held_on=timezone.localdate().isoformat(),
    )


@pytest.fixture
def open_review(county_admin, review):
    return services.session_open(actor=county_admin, session=review)


def reviewee_of(session, organization):
    return session.reviewees.get(organization=organization)
