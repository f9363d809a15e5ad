"""The demo county's 2024 township round (镇街星级评定): the county's six townships rated on the
township catalogue by the county alone, published with four three-star and two two-star
townships, as in the Hunjiang example (seed 000: “全区‘三星级’镇街4个，‘二星级’镇街2个”).
Written through the same services a county admin's clicks go through."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from assessments import services
from assessments.models import Round, Stage
from indicators.models import Item
from indicators.services import catalogue_load_file
from ledgers.services import rectification_from_weakness
from organizations.models import Organization, RatingTarget, User

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
HALF = Decimal("0.5")
CATEGORY_CODES = ("ZZ", "ZJ", "FZ", "ZL", "ZF")
# The townships (by position in code order) that earn only two category stars.
TWO_STAR = (1, 4)


def _points(max_points: Decimal, share: float) -> str:
    """Half points, as the evaluation groups give them."""
    points = (max_points * Decimal(str(share)) / HALF).quantize(Decimal("1")) * HALF
    return str(min(points, max_points))


def build_township_round(
    county: Organization, townships: list[Organization], users: dict[str, User], *, seed: int
) -> Round:
    admin = users["county_admin"]
    rng = random.Random(seed + 15)
    catalogue = catalogue_load_file(FIXTURES / "catalogue_township_2024.json", actor=admin)
    round_ = services.round_create(
        actor=admin,
        county=county,
        year=2024,
        target=RatingTarget.TOWNSHIP,
        catalogue=catalogue,
        publicity_start=date(2025, 1, 13),
        publicity_end=date(2025, 1, 17),
        supervision_phone="0439-3222000",
    )
    services.round_open(actor=admin, round_=round_)  # straight to the county stage
    items = list(
        Item.objects.filter(
            catalogue=catalogue, kind__in=[Item.Kind.SCORED, Item.Kind.DEDUCTION]
        ).select_related("category")
    )
    assessments = {a.organization_id: a for a in round_.assessments.select_related("round")}
    for k, township in enumerate(t for t in townships if t.pk in assessments):
        # Strong categories earn their star (≥ 16 of 20), weak ones fall short (about 14):
        # three strong → three stars (总分 about 82, band 4, stars 3); two strong → two stars.
        strong = set(rng.sample(CATEGORY_CODES, k=2 if k in TWO_STAR else 3))
        scores = {}
        for item in items:
            if item.kind == Item.Kind.DEDUCTION:
                scores[item.code] = "1" if (k == 4 and item.code == "ZJ05") else "0"
                continue
            share = rng.uniform(0.88, 0.95) if item.category.code in strong else 0.7
            scores[item.code] = _points(item.max_points, share)
        services.scores_save(
            actor=admin,
            assessment=assessments[township.pk],
            stage=Stage.COUNTY,
            scores=scores,
            submit=True,
        )
    services.round_advance(actor=admin, round_=round_)
    services.round_publish(actor=admin, round_=round_)
    _weakest_on_the_ledger(round_, admin)
    return round_


def _weakest_on_the_ledger(round_: Round, admin: User) -> None:
    """The two-star townships' weakest category put on the 整改台账 (短板弱项), as a county
    does after publishing: the ledger, the township's page and the report show them."""
    for assessment in round_.assessments.filter(level=2).select_related("organization", "round"):
        scores = assessment.category_scores or {}
        weakest = min(scores, key=lambda code: Decimal(scores[code]))
        rectification_from_weakness(actor=admin, assessment=assessment, code=weakest)
