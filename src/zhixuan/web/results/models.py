"""What the results app records of its own: the voting time shown as a countdown on the projector.

The result report itself (``meeting.ResultReport``) belongs to the meeting; its content is frozen
from the rules core's run of the election's record (M11) by ``results.actions``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VotingClock(models.Model):
    """How long a round's voting lasts; the projector counts down from the round's opening."""

    round = models.OneToOneField("meeting.Round", on_delete=models.CASCADE, related_name="voting_clock")
    minutes = models.PositiveIntegerField(_("投票时间（分钟）"))

    def __str__(self) -> str:
        return f"{self.round_id}: {self.minutes} min"
