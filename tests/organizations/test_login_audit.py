import pytest
from django.urls import reverse

from organizations.models import AuditLog

pytestmark = pytest.mark.django_db


def test_a_sign_in_is_audited_with_the_address(client, assessor_a):
    client.post(reverse("login"), {"username": "assessor_a", "password": "test-pass-123"})

    entry = AuditLog.objects.get(action=AuditLog.Action.LOGIN)
    assert entry.actor == assessor_a and entry.object_id == str(assessor_a.pk)
    assert entry.ip_address == "127.0.0.1"


def test_a_failed_sign_in_is_audited_without_an_actor(client, assessor_a):
    client.post(reverse("login"), {"username": "assessor_a", "password": "wrong"})

    entry = AuditLog.objects.get(action=AuditLog.Action.LOGIN_FAILED)
    assert entry.actor is None and entry.object_repr == "assessor_a"
    assert not AuditLog.objects.filter(action=AuditLog.Action.LOGIN).exists()
