"""The API's own endpoints."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .auth import api_caller
from .selectors import me_describe
from .serializers import MeSerializer


class MeView(APIView):
    """Who is calling: a person with a session or a partner client, and what it may use."""

    required_scopes: dict[str, list[str]] = {"GET": []}  # any valid token or session

    @extend_schema(
        summary=_("Who am I"),
        description=_(
            "The authenticated caller: a person (browser session) or a partner client (OAuth2 "
            "token), the organization it acts for and the scopes it may use."
        ),
        responses=MeSerializer,
        tags=["account"],
    )
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(me_describe(caller=api_caller(request))).data)
