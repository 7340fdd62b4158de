"""Display helpers for the public board."""

from __future__ import annotations

from fractions import Fraction

from django import template

from zhixuan.rules.decision import percent

register = template.Library()


@register.filter
def cell(value: object) -> object:
    """A report table value as people read it: exact scores as percentages with 2 decimals (R1)."""
    if isinstance(value, Fraction):
        return percent(value)
    return value
