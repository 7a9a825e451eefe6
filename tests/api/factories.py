"""factory_boy factories for partner API clients."""

from __future__ import annotations

import factory
from oauth2_provider.models import get_application_model

from cluster_portal.api.models import PartnerClient
from tests.members.factories import OrganizationFactory

Application = get_application_model()

# The clear-text secret of every factory-made client (stored hashed, like real ones).
CLIENT_SECRET = "partner-secret-0123456789abcdefghijklmnopqrstuvwxyz"


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A confidential client-credentials application, as ``partner_client_create`` makes them."""

    class Meta:
        model = Application

    name = factory.Sequence(lambda n: f"Partner system {n}")
    user = None
    client_type = Application.CLIENT_CONFIDENTIAL
    authorization_grant_type = Application.GRANT_CLIENT_CREDENTIALS
    client_secret = CLIENT_SECRET
    hash_client_secret = True
    redirect_uris = ""


class PartnerClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerClient

    application = factory.SubFactory(ApplicationFactory)
    organization = factory.SubFactory(OrganizationFactory)
    allowed_scopes = factory.LazyFunction(lambda: ["public:read", "members:read"])
    is_active = True
