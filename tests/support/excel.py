"""Helpers for the Excel tests: a round in township review, templates filled like a person."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from assessments import services
from assessments.models import Round, Stage
from tests.conftest import full_sheet, move_to
from workbooks import template


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def township_round(round_2024):
    return move_to(round_2024, Round.Status.TOWNSHIP_REVIEW)


def template_for(tmp_path: Path, round_: Round, user, stage=Stage.TOWNSHIP, name="t.xlsx") -> Path:
    path = tmp_path / name
    template.template_export(path, round_=round_, stage=stage, user=user)
    return path


def fill(path: Path, values: dict[tuple[str, str], object], *, out: Path | None = None) -> Path:
    """Put values into a template: {(village code, item code): value}; a village code not yet
    in the sheet is appended as a new row of the first scoring sheet."""
    wb = openpyxl.load_workbook(path)
    sheets = [ws for ws in wb.worksheets if ws.title != template.INSTRUCTIONS_SHEET]
    for (village, item), value in values.items():
        for ws in sheets:
            columns = {c.value: c.column for c in ws[1]}
            rows = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1)}
            if village in rows:
                ws.cell(rows[village], columns[item], value)
                break
        else:
            ws = sheets[0]
            columns = {c.value: c.column for c in ws[1]}
            row = ws.max_row + 1
            ws.cell(row, 1, village)
            ws.cell(row, columns[item], value)
    target = out or path
    wb.save(target)
    return target


def all_items(catalogue, share=Decimal("0.9")) -> dict[str, str]:
    return full_sheet(catalogue, share)


def submit_county_sheets(round_: Round, admin, catalogue, shares: dict) -> None:
    """Give each village (by organization) a submitted county sheet at ``share`` of max."""
    move_to(round_, Round.Status.COUNTY_REVIEW)
    for assessment in round_.assessments.select_related("organization"):
        share = shares.get(assessment.organization.code)
        if share is None:
            continue
        services.scores_save(
            actor=admin,
            assessment=assessment,
            stage=Stage.COUNTY,
            scores=full_sheet(catalogue, share),
            submit=True,
        )
