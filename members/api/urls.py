"""Members endpoints, included in ``/api/v1/`` by ``cluster_portal/api/urls.py``."""

from rest_framework.routers import SimpleRouter

from .views import OrganizationViewSet, WorkingGroupViewSet

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("working-groups", WorkingGroupViewSet, basename="working-group")

urlpatterns = router.urls
