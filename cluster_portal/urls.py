"""Top-level URL configuration. Each app adds its own ``urls.py`` here."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from cluster_portal.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("members/", include("members.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "cluster_portal.core.views.bad_request"
handler403 = "cluster_portal.core.views.permission_denied"
handler404 = "cluster_portal.core.views.page_not_found"
handler500 = "cluster_portal.core.views.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
