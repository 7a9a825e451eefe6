"""See members/urls.py."""

urlpatterns: list = []
