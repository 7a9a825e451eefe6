"""Pages of the calls sub-domain (included by challenges.urls)."""

from django.urls import path

from ..views import calls as views

urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/<slug:code>/", views.call_detail, name="call_detail"),
    path("calls/<slug:code>/ask/", views.call_ask, name="call_ask"),
    path("calls/<slug:code>/follow/", views.call_subscription, name="call_subscription"),
]
