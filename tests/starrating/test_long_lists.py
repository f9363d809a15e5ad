"""Every long list comes in pages with its filters kept in the URL (issue 12, deliver 3): the
jobs, the rectification ledger, the supervision visits, the reminders — each through
``starrating.pages.paginate`` and ``templates/_pagination.html``, in a query budget that does
not grow with the rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from ledgers.models import Rectification
from tests.support.web import as_user

pytestmark = pytest.mark.django_db


def test_the_jobs_list_comes_in_pages(client, county_admin, django_assert_max_num_queries):
    Job.objects.bulk_create(Job(kind="report", created_by=county_admin) for _ in range(60))
    as_user(client, county_admin)

    with django_assert_max_num_queries(10):
        first = client.get(reverse("job_list"))
    second = client.get(reverse("job_list"), {"page": 2})

    assert len(first.context["jobs"]) == 50 and len(second.context["jobs"]) == 10
    assert "第 51–60 条，共 60 条" in second.content.decode()


def test_the_ledger_comes_in_pages_with_its_filters(
    client, county_admin, village_a1, township_a, django_assert_max_num_queries
):
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    Rectification.objects.bulk_create(
        Rectification(
            organization=village_a1,
            problem=f"问题{n}",
            measures="整改",
            deadline=deadline,
            responsible_person="李书记",
        )
        for n in range(55)
    )
    as_user(client, county_admin)
    url = reverse("ledger_list")

    with django_assert_max_num_queries(20):
        first = client.get(url, {"township": township_a.pk, "status": "open"})
    second = client.get(url, {"township": township_a.pk, "status": "open", "page": 2})

    assert first.context["entries"].paginator.count == 55
    assert len(second.context["entries"]) == 5
    html = first.content.decode()
    assert f"township={township_a.pk}&amp;status=open&amp;page=2" in html
