"""The reference fixtures are internally consistent (DOMAIN.md §2, §4).

Pure pytest over the JSON files: no Django, so a broken fixture is caught before any load.
"""

import json
import re
from decimal import Decimal

import pytest

from tests.conftest import ROOT

FIXTURES = ROOT / "fixtures"

CATEGORY_CODES = ["SJ", "DW", "CY", "MS", "ZL"]
CATEGORY_NAMES = ["书记星", "队伍星", "产业星", "民生星", "治理星"]
ITEM_CODE = re.compile(r"^(SJ|DW|CY|MS|ZL)\d{2}$")
SPECIAL_CODE = re.compile(r"^(FJ|JX)\d{2}$")
POINTS = re.compile(r"^\d+\.\d{2}$")
DIVISION_CODE = re.compile(r"^\d{12}$")


@pytest.fixture(scope="module")
def catalogue():
    return json.loads((FIXTURES / "catalogue_2024.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def county():
    return json.loads((FIXTURES / "demo_county.json").read_text(encoding="utf-8"))


def _items(catalogue):
    return [item for category in catalogue["categories"] for item in category["items"]]


def _all_points(catalogue):
    for category in catalogue["categories"]:
        yield category["code"], category["max_points"]
        yield category["code"], category["pass_points"]
        for item in category["items"]:
            yield item["code"], item["max_points"]
    for item in catalogue["special_items"]:
        yield item["code"], item["max_points"]


# --- catalogue ---------------------------------------------------------------------------


def test_catalogue_header(catalogue):
    assert catalogue["year"] == 2024
    assert catalogue["name"] == "2024版村党组织星级评定指标体系"
    assert catalogue["description"]


def test_five_categories_in_catalogue_order(catalogue):
    assert [c["code"] for c in catalogue["categories"]] == CATEGORY_CODES
    assert [c["name"] for c in catalogue["categories"]] == CATEGORY_NAMES


def test_exactly_65_category_items(catalogue):
    assert len(_items(catalogue)) == 65


@pytest.mark.parametrize("index", range(5))
def test_13_items_per_category_numbered_in_order(catalogue, index):
    category = catalogue["categories"][index]
    codes = [item["code"] for item in category["items"]]
    assert codes == [f"{category['code']}{n:02d}" for n in range(1, 14)]


def test_item_codes_well_formed_and_unique(catalogue):
    codes = [item["code"] for item in _items(catalogue)]
    assert all(ITEM_CODE.match(code) for code in codes), codes
    special = [item["code"] for item in catalogue["special_items"]]
    assert all(SPECIAL_CODE.match(code) for code in special), special
    every = codes + special
    assert len(every) == len(set(every))


def test_category_maxima_sum_to_100(catalogue):
    assert sum(Decimal(c["max_points"]) for c in catalogue["categories"]) == Decimal("100")


def test_pass_line_is_80_percent_of_max(catalogue):
    for category in catalogue["categories"]:
        expected = (Decimal(category["max_points"]) * Decimal("0.8")).quantize(Decimal("0.01"))
        assert Decimal(category["pass_points"]) == expected, category["code"]


@pytest.mark.parametrize("index", range(5))
def test_scored_items_sum_exactly_to_category_max(catalogue, index):
    category = catalogue["categories"][index]
    scored = sum(
        Decimal(item["max_points"]) for item in category["items"] if item["kind"] == "scored"
    )
    assert scored == Decimal(category["max_points"]), category["code"]


def test_every_points_string_has_two_decimals(catalogue):
    for code, points in _all_points(catalogue):
        assert isinstance(points, str) and POINTS.match(points), (code, points)


def test_item_kinds_valid(catalogue):
    assert {item["kind"] for item in _items(catalogue)} <= {"scored", "deduction"}


def test_scored_item_points_within_range(catalogue):
    for item in _items(catalogue):
        if item["kind"] == "scored":
            assert Decimal("0.50") <= Decimal(item["max_points"]) <= Decimal("4.00"), item["code"]
        else:
            assert Decimal(item["max_points"]) > 0, item["code"]


@pytest.mark.parametrize("index", range(5))
def test_each_category_has_deduction_items_last(catalogue, index):
    kinds = [item["kind"] for item in catalogue["categories"][index]["items"]]
    assert "deduction" in kinds
    first = kinds.index("deduction")
    assert all(kind == "deduction" for kind in kinds[first:])


def test_special_items_are_veto_or_star_deduction_with_zero_points(catalogue):
    special = catalogue["special_items"]
    assert {item["kind"] for item in special} <= {"veto", "star_deduction"}
    assert all(item["max_points"] == "0.00" for item in special)
    vetoes = [i for i in special if i["kind"] == "veto"]
    star_deductions = [i for i in special if i["kind"] == "star_deduction"]
    assert 6 <= len(vetoes) <= 8
    assert 3 <= len(star_deductions) <= 5
    assert all(i["code"].startswith("FJ") for i in vetoes)
    assert all(i["code"].startswith("JX") for i in star_deductions)


def test_every_item_has_text(catalogue):
    for item in _items(catalogue) + catalogue["special_items"]:
        for field in ("title", "guidance", "evidence"):
            assert item[field].strip(), (item["code"], field)


# --- demo county -------------------------------------------------------------------------


def test_county_root(county):
    assert county["county"]["code"] == "220602000000"
    assert county["county"]["kind"] == "county"


def test_six_townships_and_55_villages(county):
    townships = county["townships"]
    assert len(townships) == 6
    assert sum(len(t["villages"]) for t in townships) == 55
    assert {t["kind"] for t in townships} <= {"township", "street"}
    kinds = {v["kind"] for t in townships for v in t["villages"]}
    assert kinds <= {"village", "community"}


def test_division_codes_12_digits_and_unique(county):
    codes = [county["county"]["code"]]
    for township in county["townships"]:
        codes.append(township["code"])
        codes.extend(v["code"] for v in township["villages"])
    assert all(DIVISION_CODE.match(code) for code in codes), codes
    assert len(codes) == len(set(codes))


def test_codes_nest_under_their_parents(county):
    county_prefix = county["county"]["code"][:6]
    for township in county["townships"]:
        assert township["code"].startswith(county_prefix)
        assert township["code"].endswith("000")
        prefix = township["code"][:9]
        for village in township["villages"]:
            assert village["code"].startswith(prefix), (township["name"], village["name"])


def test_village_attributes_plausible(county):
    for township in county["townships"]:
        for village in township["villages"]:
            assert village["party_body_type"] in {"党委", "党总支", "党支部"}
            assert village["secretary_name"]
            assert 15 <= village["member_count"] <= 120, village["name"]
