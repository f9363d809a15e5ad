"""Fixtures and helpers of the API tests: clients logged in as each member of the cast."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from assessments.models import Assessment


@pytest.fixture
def api():
    """An anonymous API client; ``api.as_(user)`` returns a client authenticated as ``user``."""
    return Client()


class Client(APIClient):
    def as_(self, user) -> Client:
        client = Client()
        if user is not None:
            client.force_authenticate(user)
        return client


def assessment_of(round_, village) -> Assessment:
    return Assessment.objects.get(round=round_, organization=village)


def problems(response) -> list[dict]:
    body = response.json()
    assert set(body) >= {"message", "errors"}, body
    assert body["message"], body
    return body["errors"]
