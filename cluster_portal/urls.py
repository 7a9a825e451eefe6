"""Top-level URL configuration. Each app adds its own ``urls.py`` here."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from cluster_portal.api.health import healthz
from cluster_portal.core import views as core_views
from cluster_portal.dashboard import views as dashboard_views
from cluster_portal.staff import views as staff_views
from members.views import accounts as members_account_views

# The admin's own login form would bypass allauth (and so MFA and the login rate limits): send
# anonymous visitors to allauth's login instead (allauth's documented admin hardening).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("contact/", core_views.contact, name="contact"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("terms/", core_views.terms, name="terms"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/profile/", members_account_views.profile, name="account_profile"),
    path("accounts/", include("allauth.urls")),
    path("members/", include("members.urls")),
    path("challenges/", include("challenges.urls")),
    path("missions/", include("missions.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("search/", include("knowledge.urls.search")),
    path("notifications/", include("notifications.urls")),
    path("webhooks/", include("notifications.urls.webhooks")),
    path("admin/", admin.site.urls),
    path("staff/", staff_views.staff_home, name="staff_home"),
    path("staff/roles/", include("cluster_portal.staff.urls")),
    path("staff/audit/", include("cluster_portal.audit.urls")),
    path("staff/members/", include("members.urls.staff")),
    path("staff/challenges/", include("challenges.urls.staff")),
    path("staff/missions/", include("missions.urls.staff")),
    path("staff/knowledge/", include("knowledge.urls.staff")),
    path("staff/reports/", include("reports.urls")),
    # Private files leave only through this permission-checked view; no URL serves
    # MEDIA_ROOT or the private storage directly.
    path("files/", include("cluster_portal.files.urls")),
    # REST API (/api/v1/, schema, docs) and the OAuth2 endpoints partners use (token, revoke,
    # introspect only), plus the health check for load balancers.
    path("api/", include("cluster_portal.api.urls")),
    path("o/", include("cluster_portal.api.oauth_urls")),
    path("healthz", healthz, name="healthz"),
]

handler400 = "cluster_portal.core.views.bad_request"
handler403 = "cluster_portal.core.views.permission_denied"
handler404 = "cluster_portal.core.views.page_not_found"
handler500 = "cluster_portal.core.views.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
