"""Inspection outcomes, the county committee's vote and the published formal lists (rules C1–C4).

Who remains, who is formal, whether the ratio holds and the stroke order are decided by
``zhixuan.rules.candidates`` and ``zhixuan.rules.stroke_order``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionOutcome(models.Model):
    """The inspection team's finding on one preliminary candidate (C3)."""

    applicant = models.OneToOneField("nomination.Applicant", on_delete=models.CASCADE, related_name="inspection")
    passed = models.BooleanField()
    reason = models.TextField(_("考察意见"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)


class CountyVote(models.Model):
    """The county Party committee's vote on the candidates (C2): how many voted, and for whom."""

    election = models.OneToOneField("elections.Election", on_delete=models.CASCADE, related_name="county_vote")
    voters = models.PositiveIntegerField(_("参加票决人数"))
    votes = models.JSONField(default=dict)  # applicant number -> for-votes
    held_on = models.DateField(_("票决日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)


class FormalListPublication(models.Model):
    """The formal candidate lists as published (C4 order), frozen for the public board."""

    election = models.OneToOneField("elections.Election", on_delete=models.CASCADE, related_name="formal_list")
    published_at = models.DateTimeField()
    content = models.JSONField(default=dict)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
