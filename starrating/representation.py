"""A DRF serializer's output without DRF's per-field machinery, for the read paths that turn
hundreds of rows into JSON on every request (the dashboard's townships, the results API).

``representer(SerializerClass)`` walks the serializer's fields once and returns a function
that makes, from a mapping (or an object), exactly what ``SerializerClass(data).data`` makes:
the same keys in the same order, ``None`` kept as ``None``, integers as ``int``, text as
``str``, nested serializers and lists of them recursively, and every other field through its
own ``to_representation`` (decimals as strings with the field's places, dates, …). The
serializer class stays the contract (and the OpenAPI schema); tests compare both outputs.

Plain fields and method fields (the serializer's own ``get_<name>``) are compiled; any
other field with a source of ``*`` raises ``TypeError`` (use the serializer itself there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rest_framework import serializers

Representer = Callable[[Any], dict]


def _getter(source: str) -> Callable[[Any], Any]:
    parts = source.split(".")
    if len(parts) == 1:
        # The common case, and a plain dict first: an ABC check per field and row is a good
        # part of the work with hundreds of rows.
        def get_one(obj: Any) -> Any:
            if type(obj) is dict or isinstance(obj, Mapping):
                return obj[source]
            return None if obj is None else getattr(obj, source)

        return get_one

    def get(obj: Any) -> Any:
        for part in parts:
            if obj is None:
                return None
            obj = obj[part] if type(obj) is dict or isinstance(obj, Mapping) else getattr(obj, part)
        return obj

    return get


def _whole(obj: Any) -> Any:
    return obj


def _converter(field: serializers.Field) -> Callable[[Any], Any]:
    if isinstance(field, serializers.ListSerializer):
        child = _compile(field.child)
        return lambda value: [child(item) for item in value]
    if isinstance(field, serializers.Serializer):
        return _compile(field)
    if isinstance(field, serializers.IntegerField):
        return int
    if isinstance(field, serializers.CharField) and not isinstance(field, serializers.ChoiceField):
        return str
    if isinstance(field, serializers.DictField):
        child = _converter(field.child)
        return lambda value: {str(k): None if v is None else child(v) for k, v in value.items()}
    if isinstance(field, serializers.ListField):
        child = _converter(field.child)
        return lambda value: [None if v is None else child(v) for v in value]
    return field.to_representation


def _compile(serializer: serializers.Serializer) -> Representer:
    plan = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if isinstance(field, serializers.SerializerMethodField):
            # The serializer's own method, given the whole object, as DRF does.
            plan.append((name, _whole, field.to_representation))
            continue
        if field.source == "*":
            raise TypeError(f"{name}: a source of '*' cannot be compiled")
        plan.append((name, _getter(field.source), _converter(field)))

    def represent(obj: Any) -> dict:
        out = {}
        for name, get, convert in plan:
            value = get(obj)
            out[name] = None if value is None else convert(value)
        return out

    return represent


def representer(serializer_class: type[serializers.Serializer]) -> Representer:
    """A function making ``serializer_class(obj).data`` (as a plain dict) from ``obj``."""
    return _compile(serializer_class())
