"""Members endpoints, included in ``/api/v1/`` by ``cluster_portal/api/urls.py``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .membership import JoinRequestCreateView
from .views import OrganizationViewSet, WorkingGroupViewSet

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("working-groups", WorkingGroupViewSet, basename="working-group")

urlpatterns = [
    *router.urls,
    path("join-requests/", JoinRequestCreateView.as_view(), name="join-request-create"),
]
