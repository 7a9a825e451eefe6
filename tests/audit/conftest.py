from __future__ import annotations

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.test import Client

from cluster_portal.core.roles import AUDITOR
from tests.members.factories import UserFactory


@pytest.fixture
def mfa_staff_user(db):
    """An auditor (reads the audit log) with an authenticator app, so the staff-area MFA gate
    lets them in.

    The data has allauth's shape for TOTP (``{"secret": <adapter-encrypted base32 secret>}``).
    """
    user = UserFactory(is_staff=True, email="secretaria@clusterminero.pe", roles=[AUDITOR])
    Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.TOTP,
        data={"secret": get_adapter().encrypt("JBSWY3DPEHPK3PXP")},
    )
    return user


@pytest.fixture
def staff_client(mfa_staff_user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(mfa_staff_user)
    return client
