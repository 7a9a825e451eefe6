"""The OAuth2 endpoints partners use, mounted at /o/: token, revocation, introspection.

django-oauth-toolkit's authorization, device, application-management, OIDC and dynamic
registration views are deliberately not routed: partners are registered by staff in the admin
and use the client-credentials grant only.
"""

from django.urls import path

from .oauth import PartnerIntrospectTokenView, PartnerRevokeTokenView, PartnerTokenView

app_name = "oauth2_provider"

urlpatterns = [
    path("token/", PartnerTokenView.as_view(), name="token"),
    path("revoke_token/", PartnerRevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", PartnerIntrospectTokenView.as_view(), name="introspect"),
]
