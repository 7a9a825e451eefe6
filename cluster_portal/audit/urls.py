from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.logentry_list_view, name="logentry_list"),
]
