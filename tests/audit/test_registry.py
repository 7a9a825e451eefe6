"""Which records are audited, and what their entries hold."""

from __future__ import annotations

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.auth.models import Group

from cluster_portal.audit.registry import AUDITED_MODELS, register_audited_models
from cluster_portal.audit.services import audit_decision
from cluster_portal.files.models import Attachment
from members.models import Organization, User
from tests.members.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_key_records_are_registered() -> None:
    for model in (User, Organization, Attachment):
        assert auditlog.contains(model), model
    assert {spec.label for spec in AUDITED_MODELS} >= {
        "members.User",
        "members.Organization",
        "files.Attachment",
    }


def test_registration_is_idempotent() -> None:
    before = len(auditlog.get_models())
    register_audited_models()
    assert len(auditlog.get_models()) == before


def test_organization_change_is_recorded_with_before_after_and_actor(staff_user) -> None:
    organization = OrganizationFactory(legal_name="Minera Antigua S.A.")
    with set_actor(staff_user):
        organization.legal_name = "Minera Nueva S.A."
        organization.save()
    entry = LogEntry.objects.get_for_object(organization).filter(action=LogEntry.Action.UPDATE)
    assert entry.count() == 1
    entry = entry.get()
    assert entry.actor == staff_user
    assert entry.actor_email == staff_user.email
    assert entry.changes_dict["legal_name"] == ["Minera Antigua S.A.", "Minera Nueva S.A."]
    assert "updated_at" not in entry.changes_dict


def test_organization_creation_is_recorded() -> None:
    organization = OrganizationFactory()
    assert (
        LogEntry.objects.get_for_object(organization).filter(action=LogEntry.Action.CREATE).exists()
    )


def test_user_password_and_last_login_are_never_recorded(user: User) -> None:
    user.set_password("another-long-password-42")
    user.save()
    from django.utils import timezone

    user.last_login = timezone.now()
    user.save()
    for entry in LogEntry.objects.get_for_object(user):
        assert "password" not in entry.changes_dict
        assert "last_login" not in entry.changes_dict
        assert "password" not in str(entry.serialized_data or "")


def test_user_privilege_changes_are_recorded(user: User, staff_user) -> None:
    group = Group.objects.create(name="Evaluadores")
    with set_actor(staff_user):
        user.is_staff = True
        user.save()
        user.groups.add(group)
    entries = LogEntry.objects.get_for_object(user).filter(actor=staff_user)
    changes = [e.changes_dict for e in entries]
    assert {"is_staff": ["False", "True"]} in changes
    assert any(c.get("groups", {}).get("objects") == ["Evaluadores"] for c in changes)


def test_audit_decision_records_code_reason_changes_and_actor(staff_user) -> None:
    organization = OrganizationFactory()
    entry = audit_decision(
        actor=staff_user,
        target=organization,
        action="membership.reject",
        changes={"membership_status": ("applied", "rejected")},
        reason="RUC no coincide con la razón social.",
    )
    entry.refresh_from_db()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == staff_user
    assert entry.actor_email == staff_user.email
    assert entry.object_pk == str(organization.pk)
    assert entry.changes_dict == {"membership_status": ["applied", "rejected"]}
    assert entry.additional_data == {
        "decision": "membership.reject",
        "reason": "RUC no coincide con la razón social.",
    }


def test_audit_decision_without_changes() -> None:
    organization = OrganizationFactory()
    entry = audit_decision(actor=None, target=organization, action="membership.lapse")
    assert entry.changes_dict == {}
    assert entry.actor is None


@pytest.mark.parametrize("code", ["", "Approve", "membership approve", "a..b", "x" * 81])
def test_audit_decision_rejects_malformed_codes(code: str) -> None:
    with pytest.raises(ValueError, match="Invalid decision code"):
        audit_decision(actor=None, target=UserFactory(), action=code)


def test_reverse_relations_are_not_diffed() -> None:
    organization = OrganizationFactory()
    entry = LogEntry.objects.get_for_object(organization).get(action=LogEntry.Action.CREATE)
    concrete = {f.name for f in Organization._meta.concrete_fields}
    assert set(entry.changes_dict) <= concrete
