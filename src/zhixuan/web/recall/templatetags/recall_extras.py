"""Small template helpers of the recall pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    """``mapping[key]`` for keys with a hyphen, which the template language cannot write."""
    return mapping.get(key) if hasattr(mapping, "get") else None
