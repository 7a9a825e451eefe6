from django.urls import path

from . import views

app_name = "files"

urlpatterns = [
    path("<uuid:attachment_id>/download/", views.attachment_download, name="download"),
]
