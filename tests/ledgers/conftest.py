"""Fixtures of the ledger tests: an entry of village A1 recorded by township A's assessor."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ledgers import services


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def entry(assessor_a, village_a1, today):
    return services.rectification_create(
        actor=assessor_a,
        organization=village_a1,
        problem="党员活动室设施陈旧",
        measures="更新桌椅和宣传栏",
        standard="活动室满足三会一课需要",
        deadline=today + datetime.timedelta(days=30),
        responsible_person="李书记",
    )


@pytest.fixture
def entry_b(assessor_b, village_b1, today):
    return services.rectification_create(
        actor=assessor_b,
        organization=village_b1,
        problem="村务公开不及时",
        measures="按季度公开",
        deadline=today + datetime.timedelta(days=10),
        responsible_person="王书记",
    )
