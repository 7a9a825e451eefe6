"""OpenAPI description of the API: the partner OAuth2 scheme, scopes per operation, error shape."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from drf_spectacular.openapi import AutoSchema

from .permissions import required_scopes_for


class PartnerOAuth2Scheme(DjangoOAuthToolkitScheme):
    """Documents ``PartnerOAuth2Authentication``: client-credentials flow, scopes per operation."""

    target_class = "cluster_portal.api.auth.PartnerOAuth2Authentication"
    priority = 1

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[str]]:
        scopes = required_scopes_for(auto_schema.view, auto_schema.method) or []
        return {self.name: scopes}


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "detail", "fields"],
            "properties": {
                "status": {"type": "integer", "example": 403},
                "code": {"type": "string", "example": "permission_denied"},
                "detail": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "Validation messages per field (empty for other errors).",
                },
            },
        }
    },
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Postprocessing hook: every operation documents the error envelope it can answer with."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    descriptions = {
        "400": _("Invalid input; see `fields`."),
        "401": _("Missing, invalid or expired credentials."),
        "403": _("Authenticated, but not allowed (e.g. the token lacks a scope)."),
        "404": _("Not found, or not visible to this caller."),
        "429": _("Too many requests; retry after `Retry-After` seconds."),
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = ["401", "403", "429"]
            if "{" in path:
                codes.append("404")
            if method in ("post", "put", "patch"):
                codes.append("400")
            if method == "get" and "{" not in path:
                # Lists: an invalid filter value is a 400, a page past the end a 404.
                codes += ["400", "404"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                response: dict[str, Any] = {
                    "description": descriptions[code],
                    "content": error_content,
                }
                if code == "429":
                    response["headers"] = {
                        "Retry-After": {
                            "schema": {"type": "integer"},
                            "description": _("Seconds to wait before retrying."),
                        }
                    }
                responses.setdefault(code, response)
    _optional_in_responses(result)
    return result


#: Component name → fields that some callers do not get (member-only data): documented, but
#: not ``required`` (drf-spectacular marks every read-only field of a response required).
OPTIONAL_RESPONSE_FIELDS: dict[str, frozenset[str]] = {}


def optional_in_schema(*fields: str) -> Any:
    """Class decorator for a serializer whose ``fields`` are left out for some callers."""

    def register(serializer_class: type) -> type:
        name = serializer_class.__name__.removesuffix("Serializer")
        OPTIONAL_RESPONSE_FIELDS[name] = frozenset(fields)
        return serializer_class

    return register


def _optional_in_responses(result: dict[str, Any]) -> None:
    schemas = result.get("components", {}).get("schemas", {})
    for name, fields in OPTIONAL_RESPONSE_FIELDS.items():
        component = schemas.get(name)
        if not component or "required" not in component:
            continue
        component["required"] = [f for f in component["required"] if f not in fields]
        if not component["required"]:
            del component["required"]


#: What the API refuses in any text of the query string: a NUL byte
#: (``cluster_portal.core.request_guard``: PostgreSQL cannot compare text containing one).
NO_NUL_PATTERN = "^[^\\u0000]*$"


def _document_query_parameters(parameters: list[dict[str, Any]]) -> None:
    """What the query parameters of the API share: an empty optional single value (``?kind=``,
    ``?page_size=``) is the same as leaving it out (django-filter and the pagination ignore
    it), and no free text (a string, or an array of strings, with no ``enum``, ``pattern`` or
    ``format`` of its own) may contain a NUL byte. Arrays say themselves what an empty item
    means (ignored codes: their ``pattern``; ``ordering``: ``minItems``)."""
    for parameter in parameters:
        if parameter.get("in") != "query":
            continue
        schema = parameter.get("schema", {})
        if not parameter.get("required") and schema.get("type") != "array":
            parameter["allowEmptyValue"] = True
        if schema.get("type") == "array":
            schema = schema.get("items", {})
        if schema.get("type") == "string" and not {"enum", "pattern", "format"} & schema.keys():
            schema["pattern"] = NO_NUL_PATTERN


class PortalAutoSchema(AutoSchema):
    """Adds ``{}`` (no credentials) to the security of reads open to anonymous callers: views
    whose permission class sets ``allows_anonymous_reads``. Documents what filters enforce:
    the bounds of number filters (``min_value``/``max_value``, ``schema_maximum``), the length
    of text filters (``max_length``), the choices of filters whose choices come from code
    (``schema_enum``: computed here, never from the database), the format of codes
    (``schema_pattern``/``schema_max_length``); that an empty optional parameter is ignored and
    that no text may contain a NUL byte."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is not None:
            _document_query_parameters(operation.get("parameters", []))
        return operation

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = getattr(filterset_class, "base_filters", {}) if filterset_class else {}
        for parameter in parameters:
            field = filters.get(parameter["name"])
            if field is None:
                continue
            schema = parameter.setdefault("schema", {})
            values = schema.get("items", {}) if schema.get("type") == "array" else schema
            if values.get("type") in ("integer", "number"):
                minimum = field.extra.get("min_value")
                maximum = field.extra.get("max_value", getattr(field, "schema_maximum", None))
                if minimum is not None:
                    values["minimum"] = minimum
                if maximum is not None:
                    values["maximum"] = maximum
            if values.get("type") != "string":
                continue
            if hasattr(field, "schema_enum"):
                values["enum"] = field.schema_enum()
            if getattr(field, "schema_pattern", None):
                values["pattern"] = field.schema_pattern
            max_length = getattr(field, "schema_max_length", None) or field.extra.get("max_length")
            if max_length:
                values["maxLength"] = max_length
            if getattr(field, "schema_description", None):
                parameter["description"] = str(field.schema_description)
        return parameters

    def get_auth(self) -> list[dict[str, list[str]]]:
        auth: list[dict[str, list[str]]] = super().get_auth()
        anonymous_reads = any(
            getattr(permission, "allows_anonymous_reads", False)
            for permission in getattr(self.view, "permission_classes", ())
        )
        if self.method.upper() in ("GET", "HEAD") and anonymous_reads and {} not in auth:
            auth.append({})
        return auth
