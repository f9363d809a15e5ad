"""API plumbing shared by every endpoint: one error shape, token authentication, a JSON parser
that reads numbers as ``Decimal``, and the OpenAPI hook documenting the error responses.

Every error response is ``{"message": "…", "errors": [{"field" or "item": …, "message": …}]}``
plus the ``extra`` of a domain error (``current_version`` on a stale sheet, ``stage`` and
``locked_since`` on a locked stage). Messages are Chinese by default, English with
``Accept-Language: en``.
"""

from __future__ import annotations

import codecs
import json
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.urls import register_converter
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from starrating.errors import DomainError

# --- errors --------------------------------------------------------------------------------


def _flatten(detail: Any, path: str = "") -> list[dict[str, str]]:
    """DRF's nested ``{"field": ["msg"]}`` / ``[{...}]`` detail as a flat list of problems."""
    if isinstance(detail, dict):
        problems = []
        for key, value in detail.items():
            field = key if key != "non_field_errors" else ""
            problems += _flatten(value, f"{path}.{field}" if path and field else path or field)
        return problems
    if isinstance(detail, list):
        if all(not isinstance(v, dict | list) for v in detail):
            return [{"field": path, "message": str(v)} for v in detail]
        problems = []
        for index, value in enumerate(detail):
            problems += _flatten(value, f"{path}[{index}]" if path else str(index))
        return problems
    return [{"field": path, "message": str(detail)}]


def _body(message: str, errors: list[dict[str, Any]] | None = None, **extra: Any) -> dict:
    return {"message": str(message), "errors": errors or [], **extra}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error in the one shape (STYLE.md, Errors)."""
    headers: dict[str, str] = {}
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response(_body(_("未找到该对象，或您无权查看。")), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: let it be a 500 and be logged
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        body = _body(_("提交的数据有误，未保存。"), _flatten(exc.detail))
    elif isinstance(exc, exceptions.NotAuthenticated):
        body = _body(_("请先登录，或在请求头中提供有效的API令牌。"))
    elif isinstance(exc, exceptions.AuthenticationFailed):
        body = _body(str(exc.detail))
    elif isinstance(exc, exceptions.PermissionDenied):
        # DRF's own refusals carry a reason worth showing (e.g. "CSRF Failed: …").
        reason = str(exc.detail)
        default = str(exceptions.PermissionDenied.default_detail)
        errors = [] if reason == default else [{"field": "", "message": reason}]
        body = _body(_("您无权执行此操作。"), errors)
    elif isinstance(exc, exceptions.MethodNotAllowed):
        method = context["request"].method if context.get("request") else ""
        body = _body(_("不支持%(method)s请求。") % {"method": method})
    elif isinstance(exc, exceptions.ParseError):
        body = _body(_("请求体不是有效的JSON。"), [{"field": "", "message": str(exc.detail)}])
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        body = _body(_("不支持的请求内容类型，请使用application/json。"))
    else:
        body = _body(str(exc.detail) if isinstance(exc.detail, str) else _("请求失败。"))
    return Response(body, status=exc.status_code, headers=headers)


# --- parsing -------------------------------------------------------------------------------


class DecimalJSONParser(JSONParser):
    """JSON with numbers read as ``Decimal``: ``2.55`` stays exactly 2.55 (points are never
    floats). Strings like ``"2.55"`` are accepted everywhere as well."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            if not text.strip():
                return {}
            return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
        except ValueError as exc:
            raise exceptions.ParseError(_("JSON解析错误：%(e)s") % {"e": exc}) from exc


def _refuse_constant(name: str):
    raise ValueError(_("不支持%(c)s") % {"c": name})


# --- OpenAPI -------------------------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    },
    "required": ["message", "errors"],
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    "400": "输入有误（errors列出每一处问题）",
    "401": "未登录或令牌无效",
    "403": "角色无权执行此操作",
    "404": "不存在或不在您的范围内",
    "405": "不支持的请求方法",
    "409": "状态冲突：阶段已锁定、版本过期或状态不允许",
    "415": "不支持的内容类型",
    "429": "请求过于频繁，请稍后再试（限流）",
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: every operation documents the error shape for the
    error statuses it can return, so clients (and schemathesis) can rely on it."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            codes = ["401", "403", "404", "405", "429"]
            if method in ("post", "put", "patch", "delete"):
                codes += ["400", "409", "415"]
            elif operation.get("parameters"):
                codes.append("400")
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result


# --- pagination ----------------------------------------------------------------------------


class Pagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most 500) on every list."""

    page_size_query_param = "page_size"
    max_page_size = 500


# --- ids in paths and query strings --------------------------------------------------------

# SQLite and PostgreSQL ids are signed 64-bit: a larger number must be "not found" (or a 400
# in a filter), never an OverflowError deep in the database driver.
MAX_ID = 2**63 - 1


class IdConverter:
    """``<id:pk>``: digits; a number beyond 64 bits becomes 0, which matches nothing (404)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else 0

    def to_url(self, value: int) -> str:
        return str(value)


# Registered once, here: every app's ``api/urls.py`` imports this module before its routes.
register_converter(IdConverter, "id")


class IdFilter(django_filters.NumberFilter):
    """A filter on an id (or any whole number): integers within 64 bits, else a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
